// Scale-out end to end: two and three real `volley run` processes (the engine bundle), each one execution
// segment of the same test, started together with --start-at against one loopback server that counts
// requests; then `volley merge` of their run files. VUs and iterations must split exactly as k6 splits
// them, add up to the single-process totals, and the merge must equal the totals and the percentiles of
// the combined samples.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { constantArrivalRateTotal } from '../../src/engine/executors';
import { addInto, newTotalHistogram } from '../../src/engine/metrics/hdr';
import { histogramStats, mergeHistogramMaps } from '../../src/engine/metrics/histograms';
import type { RunEvent, RunSummary } from '../../src/protocol';
import { readNdjson, volley, workspace, type Workspace } from '../cli/helpers';
import { answerAfter, startTarget, type Route, type Target } from '../support/target';

const RATE = 40;
const scenarioText = (baseUrl: string): string => `name: scale
baseUrl: ${baseUrl}
scenarios:
  closed:
    executor: per-vu-iterations
    vus: 10
    iterations: 2
    maxDuration: 10s
    flow:
      - name: closed step
        get: /closed
  shared:
    executor: shared-iterations
    vus: 10
    iterations: 50
    maxDuration: 10s
    flow:
      - name: shared step
        get: /shared
  open:
    executor: constant-arrival-rate
    rate: ${RATE}
    timeUnit: 1s
    duration: 1s
    preAllocatedVUs: 10
    maxVUs: 10
    flow:
      - name: open step
        get: /open
thresholds:
  # Passes on the whole (110 requests) and would fail on every segment alone: the merge decides.
  http_reqs: [count>=100]
  http_req_failed: [rate<0.01]
`;

const OPEN_TOTAL = constantArrivalRateTotal({ rate: RATE, timeUnitMs: 1000, durationMs: 1000 });

interface Counts {
  [path: string]: number;
}

let ws: Workspace;
let target: Target;
let file: string;

/** Requests per path the target received from the `from`-th on. */
function countsFrom(from: number): Counts {
  const counts: Counts = {};
  for (const { url } of target.received.slice(from)) {
    const path = url.split('?')[0]!;
    counts[path] = (counts[path] ?? 0) + 1;
  }
  return counts;
}

before(async () => {
  ws = workspace();
  // A little latency, varied, so the percentiles have something to merge.
  const varied: Route = (req, res, _body, self) => answerAfter(res, 1 + (self.count(req.url ?? '/') % 4));
  target = await startTarget({ routes: { '/closed': varied, '/shared': varied, '/open': varied } });
  file = ws.file('scale.volley.yaml', scenarioText(target.url));
});

after(async () => {
  await target.close();
  ws.cleanup();
});

function summaryOf(events: Array<{ type: string }>): RunSummary {
  const event = events.find((e) => e.type === 'summary') as Extract<RunEvent, { type: 'summary' }> | undefined;
  assert.ok(event, 'the run file has a summary');
  return event.summary;
}

function scenario(summary: RunSummary, name: string): RunSummary['scenarios'][number] {
  const figures = summary.scenarios.find((s) => s.scenario === name);
  assert.ok(figures, `scenario ${name} in the summary`);
  return figures;
}

/** Runs every segment of `sequence` as its own process, all starting at one instant. */
async function runSegments(sequence: string, parts: number): Promise<{ files: string[]; summaries: RunSummary[]; stderr: string[]; counts: Counts }> {
  const from = target.requests;
  // Far enough ahead for every process to start (they must not start late), near enough to keep the test short.
  const startAt = new Date(Date.now() + 2000).toISOString();
  const files = Array.from({ length: parts }, (_, i) => join(ws.dir, `${parts}-seg-${i}.ndjson`));
  const results = await Promise.all(
    files.map((out, i) =>
      volley(ws, [
        'run', file,
        '--execution-segment-sequence', sequence,
        '--execution-segment-index', String(i),
        '--start-at', startAt,
        '--no-thresholds', '--quiet', '--no-store',
        '--out', `ndjson=${out}`,
      ]),
    ),
  );
  for (const [i, r] of results.entries()) assert.equal(r.code, 0, `segment ${i} exit code (stderr: ${r.stderr})`);
  return { files, summaries: files.map((f) => summaryOf(readNdjson(f))), stderr: results.map((r) => r.stderr), counts: countsFrom(from) };
}

function combinedDuration(summaries: RunSummary[]): ReturnType<typeof histogramStats> {
  const merged = mergeHistogramMaps(summaries.map((s) => s.histograms ?? {}));
  const all = newTotalHistogram();
  for (const [key, h] of merged) if (key.startsWith('http_req_duration{') && !key.includes('expected_response')) addInto(all, h);
  return histogramStats(all);
}

async function checkSplit(sequence: string, vus: number[], openIterations: number[]): Promise<void> {
  const parts = vus.length;
  const { files, summaries, stderr, counts } = await runSegments(sequence, parts);
  // Each process says how long it waits for the common start (or, on a machine too busy to start it in
  // time, how late it is).
  for (const text of stderr) assert.match(text, /waiting [\dms.]+ until .*\(--start-at\)|start time .* passed .* ago/);
  const allWaited = stderr.every((text) => /waiting/.test(text));

  // Each process ran its k6 share: VUs by the striped split, iterations with them.
  assert.deepEqual(summaries.map((s) => scenario(s, 'closed').vusMax), vus);
  assert.deepEqual(summaries.map((s) => scenario(s, 'closed').iterations), vus.map((v) => v * 2));
  assert.deepEqual(summaries.map((s) => scenario(s, 'shared').vusMax), vus);
  assert.deepEqual(summaries.map((s) => scenario(s, 'shared').iterations), vus.map((v) => v * 5));
  // Arrival rate: iterations striped by maxVUs; started or dropped, each is scheduled exactly once.
  const open = summaries.map((s) => scenario(s, 'open'));
  assert.deepEqual(open.map((o) => o.iterations + o.dropped), openIterations);
  assert.equal(openIterations.reduce((a, b) => a + b, 0), OPEN_TOTAL);

  // The server saw exactly what the segments say they sent.
  const requests = summaries.map((s) => s.metrics.http_reqs.count);
  const startedOpen = open.reduce((sum, o) => sum + o.iterations, 0);
  assert.deepEqual(counts, { '/closed': 20, '/shared': 50, '/open': startedOpen });
  assert.equal(requests.reduce((a, b) => a + b, 0), 70 + startedOpen);
  for (const r of requests) assert.ok(r < 100, `a segment alone (${r} requests) would fail http_reqs count>=100`);

  const exportPath = join(ws.dir, `${parts}-merged-summary.json`);
  const mergedPath = join(ws.dir, `${parts}-merged.ndjson`);
  const merge = await volley(ws, ['merge', ...files, '--summary-export', exportPath, '--out', `ndjson=${mergedPath}`]);
  assert.equal(merge.code, startedOpen + 70 >= 100 ? 0 : 99, merge.stderr);
  assert.match(merge.stderr, new RegExp(`${parts} runs`));
  assert.doesNotMatch(merge.stderr, /missing/);
  if (allWaited) assert.doesNotMatch(merge.stderr, /apart/, 'processes that waited for --start-at start together');
  assert.match(merge.stdout, /THRESHOLDS/);

  const exported = JSON.parse(readFileSync(exportPath, 'utf8')) as { metrics: Record<string, Record<string, number>> };
  const merged = summaryOf(readNdjson(mergedPath));
  // Totals add up.
  assert.equal(merged.metrics.http_reqs.count, 70 + startedOpen);
  assert.equal(exported.metrics.http_reqs.count, 70 + startedOpen);
  assert.equal(merged.metrics.iterations.count, summaries.reduce((sum, s) => sum + s.metrics.iterations.count, 0));
  assert.equal(scenario(merged, 'closed').vusMax, 10);
  assert.equal(scenario(merged, 'shared').iterations, 50);
  assert.equal(scenario(merged, 'open').iterations + scenario(merged, 'open').dropped, OPEN_TOTAL);
  assert.ok(merged.thresholds.every((t) => t.ok), JSON.stringify(merged.thresholds));

  // The exact average of all samples, from each segment's exact moments.
  const count = summaries.reduce((sum, s) => sum + s.metrics.http_req_duration.avg * 0 + s.metrics.http_reqs.count, 0);
  const sum = summaries.reduce((acc, s) => acc + s.metrics.http_req_duration.avg * s.metrics.http_reqs.count, 0);
  assert.ok(Math.abs(merged.metrics.http_req_duration.avg - sum / count) < 1e-9);
  assert.equal(merged.metrics.http_req_duration.min, Math.min(...summaries.map((s) => s.metrics.http_req_duration.min)));
  assert.equal(merged.metrics.http_req_duration.max, Math.max(...summaries.map((s) => s.metrics.http_req_duration.max)));
  // Percentiles: those of the segments' own histograms added together (every sample of every process).
  const combined = combinedDuration(summaries);
  assert.equal(combined.count, 70 + startedOpen);
  for (const [stat, key] of [['med', 'med'], ['p90', 'p(90)'], ['p95', 'p(95)']] as const) {
    assert.ok(Math.abs(exported.metrics.http_req_duration[key] - combined[stat]) < 1e-9, `${key}: merged ${exported.metrics.http_req_duration[key]} vs combined ${combined[stat]}`);
  }

  // Per second: aligned on the common clock, and adding up to the totals.
  const aggregates = readNdjson(mergedPath).filter((e) => e.type === 'aggregate') as unknown as Array<Extract<RunEvent, { type: 'aggregate' }>>;
  const perSecond = aggregates.reduce((acc, a) => acc + a.scenarios.reduce((s, sc) => s + sc.steps.reduce((x, st) => x + st.requests, 0), 0), 0);
  assert.equal(perSecond, 70 + startedOpen);
  assert.ok(aggregates.length <= Math.ceil(merged.durationMs / 1000), `${aggregates.length} seconds in ${merged.durationMs} ms`);
}

describe('segments in separate processes, merged', () => {
  it('two processes (0,1/2,1): 5/5 VUs, arrival-rate iterations 20/20', async () => {
    await checkSplit('0,1/2,1', [5, 5], [20, 20]);
  });

  it('three processes (0,1/3,2/3,1): 4/3/3 VUs, arrival-rate iterations 16/12/12', async () => {
    await checkSplit('0,1/3,2/3,1', [4, 3, 3], [16, 12, 12]);
  });
});
