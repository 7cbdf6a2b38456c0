// volley merge's model on real runs made in this process: segment runs through the CLI's session (so the
// run files are exactly what `volley run --execution-segment` writes), merged, and checked against what a
// merge must do: totals add, HDR histograms merge exactly, checks add, thresholds are judged on the whole,
// seconds align on the wall clock, and inputs that are not the parts of one test are refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mergeHistogramMaps, histogramStats } from '../../src/engine/metrics/histograms';
import { MergeInputError, mergeHealth, mergeRuns, parseRunText, type RunFile } from '../../src/engine/merge';
import { loadScenario, loadScenarioFile } from '../../src/engine/scenario/index';
import type { Plan } from '../../src/engine/scenario/plan';
import { digestRun, parseRunFile } from '../../src/extension/run-file';
import { formatTextSummary } from '../../src/engine/report/text-summary';
import { toSummaryExport } from '../../src/engine/report/summary-export';
import type { RunEvent, RunSummary } from '../../src/protocol';
import { runSegment } from '../support/segment-run';
import { startTarget, type Target } from '../support/target';

const scenarioText = (baseUrl: string, thresholds: string): string => `name: merge test
baseUrl: ${baseUrl}
scenarios:
  shop:
    executor: shared-iterations
    vus: 6
    iterations: 30
    maxDuration: 10s
    flow:
      - name: ok page
        get: /products
        check: { status: 200 }
      - name: missing page
        get: /status/404
        check: { status: 200 }
thresholds:
${thresholds}
`;

let target: Target;

before(async () => {
  target = await startTarget();
});

after(async () => {
  await target.close();
});

function planOf(thresholds: string): Plan {
  const { plan, diagnostics } = loadScenario(scenarioText(target.url, thresholds), 'merge.volley.yaml');
  assert.ok(plan, JSON.stringify(diagnostics));
  return plan;
}

async function runThirds(plan: Plan): Promise<string[]> {
  const sequence = '0,1/3,2/3,1';
  return Promise.all(['0:1/3', '1/3:2/3', '2/3:1'].map((segment) => runSegment(plan, segment, sequence)));
}

const files = (texts: string[]): RunFile[] => texts.map((text, i) => parseRunText(`seg-${i}.ndjson`, text));

function summaryOf(run: RunFile): RunSummary {
  return run.summary;
}

/** Edits the start event of a run file's text. */
function withStart(text: string, edit: (start: Extract<RunEvent, { type: 'start' }>) => void): string {
  const lines = text.split('\n');
  const start = JSON.parse(lines[0]) as Extract<RunEvent, { type: 'start' }>;
  edit(start);
  lines[0] = JSON.stringify(start);
  return lines.join('\n');
}

describe('merging the runs of three segments', () => {
  let texts: string[];
  let plan: Plan;

  before(async () => {
    plan = planOf(`  http_reqs: [count==60]
  checks: [rate>0.4]
  "http_req_duration{step:ok page}": [p(99)<5000]`);
    const before = target.requests;
    texts = await runThirds(plan);
    assert.equal(target.requests - before, 60, 'the three segments sent the single-process total');
  });

  it('records the segment on start and a window on every aggregate', () => {
    const runs = files(texts);
    assert.deepEqual(runs.map((r) => r.start.segment), [
      { segment: '0:1/3', sequence: '0,1/3,2/3,1' },
      { segment: '1/3:2/3', sequence: '0,1/3,2/3,1' },
      { segment: '2/3:1', sequence: '0,1/3,2/3,1' },
    ]);
    for (const run of runs) {
      assert.ok(run.aggregates.length > 0);
      for (const a of run.aggregates) assert.ok(a.window && a.window.scenarios.length === 1);
      // --no-thresholds: not judged in the segment, but still listed for the merge.
      assert.deepEqual(run.summary.thresholds, []);
      assert.equal(run.start.plan.thresholds.length, 3);
      assert.equal(run.start.plan.scenarios[0].steps[0].method, 'GET');
    }
    // shared-iterations: VUs 6 → 2/2/2, iterations follow the VUs: 10/10/10.
    assert.deepEqual(runs.map((r) => r.summary.scenarios[0].iterations), [10, 10, 10]);
    assert.deepEqual(runs.map((r) => r.summary.scenarios[0].vusMax), [2, 2, 2]);
  });

  it('adds counters and checks, merges histograms exactly, and judges thresholds on the whole', () => {
    const runs = files(texts);
    const merged = mergeRuns(runs);
    const s = merged.summary;
    assert.equal(s.metrics.http_reqs.count, 60);
    assert.equal(s.metrics.iterations.count, 30);
    assert.equal(s.metrics.http_req_failed.passes, 30, 'the 404s, as k6 counts http_req_failed');
    assert.deepEqual(
      s.checks?.map((c) => [c.step, c.passes, c.fails]),
      [
        ['ok page', 30, 0],
        ['missing page', 0, 30],
      ],
    );
    assert.equal(s.scenarios[0].vusMax, 6);
    assert.deepEqual(s.thresholds.map((t) => [t.key, t.ok, t.actual]), [
      ['http_reqs', true, 60],
      ['checks', true, 0.5],
      ['http_req_duration{step:ok page}', true, s.thresholds[2].actual],
    ]);
    assert.equal(merged.exitCode, 0);

    // Exactly the histograms of the segments added together.
    const combined = mergeHistogramMaps(runs.map((r) => summaryOf(r).histograms ?? {}));
    assert.deepEqual(Object.keys(s.histograms ?? {}).sort(), [...combined.keys()].sort());
    for (const [key, h] of combined) {
      const mine = histogramStats(s.histograms![key]);
      const theirs = histogramStats(h);
      assert.equal(mine.count, theirs.count, key);
      assert.equal(mine.p95, theirs.p95, key);
      assert.equal(mine.med, theirs.med, key);
    }
    // Exact moments survive the merge: min and max are the samples', not bucket bounds.
    const durations = runs.map((r) => r.summary.metrics.http_req_duration);
    assert.equal(s.metrics.http_req_duration.min, Math.min(...durations.map((d) => d.min)));
    assert.equal(s.metrics.http_req_duration.max, Math.max(...durations.map((d) => d.max)));

    // The stream: start, per-second aggregates adding up to the totals, summary, end.
    assert.equal(merged.events[0].type, 'start');
    assert.equal(merged.events.at(-1)?.type, 'end');
    const aggregates = merged.events.filter((e): e is Extract<RunEvent, { type: 'aggregate' }> => e.type === 'aggregate');
    const perSecond = aggregates.reduce((n, a) => n + a.scenarios[0].steps.reduce((m, st) => m + st.requests, 0), 0);
    assert.equal(perSecond, 60);
    assert.equal(aggregates.reduce((n, a) => n + a.scenarios[0].iterations, 0), 30);
    assert.ok(aggregates.every((a, i) => i === 0 || a.t > aggregates[i - 1].t));
  });

  it('fails (exit code 99) on a threshold the whole misses though no segment was judged', async () => {
    const strict = planOf('  http_req_failed: [rate<0.1]');
    const merged = mergeRuns(files(await runThirds(strict)));
    assert.equal(merged.summary.thresholds[0].ok, false);
    assert.equal(merged.summary.thresholds[0].actual, 0.5);
    assert.equal(merged.exitCode, 99);
  });

  it('aligns seconds on the wall clock and takes rates over the common window', () => {
    const runs = files([texts[0], texts[1], withStart(texts[2], (s) => (s.startedAt = new Date(Date.parse(s.startedAt) + 3000).toISOString()))]);
    const merged = mergeRuns(runs);
    const last = Math.max(...runs.map((r) => Date.parse(r.start.startedAt) + r.summary.durationMs));
    const first = Math.min(...runs.map((r) => Date.parse(r.start.startedAt)));
    assert.equal(merged.summary.durationMs, last - first);
    assert.ok(Math.abs(merged.summary.metrics.http_reqs.rate - 60 / ((last - first) / 1000)) < 1e-9);
    assert.ok(merged.notes.some((n) => /started up to 3\.\ds apart.*--start-at/.test(n)), merged.notes.join('\n'));
    // The late run's seconds come 3 later than its own t.
    const seconds = merged.events.filter((e) => e.type === 'aggregate').map((e) => (e as { t: number }).t);
    assert.ok(Math.max(...seconds) >= 3 + Math.max(...runs[2].aggregates.map((a) => a.t)));
    assert.equal(merged.summary.metrics.http_reqs.count, 60);
  });

  it('merges a merged run again (per region, then all) to the same result', () => {
    const all = mergeRuns(files(texts)).summary;
    const firstTwo = mergeRuns(files(texts.slice(0, 2)));
    assert.ok(firstTwo.notes.some((n) => n.includes('missing: 2/3:1')));
    const text = firstTwo.events.map((e) => JSON.stringify(e)).join('\n');
    const merged = parseRunText('first-two.ndjson', text);
    assert.deepEqual(merged.start.segment, { segment: '0:2/3', sequence: '0,1/3,2/3,1' });
    const again = mergeRuns([merged, parseRunText('third.ndjson', texts[2])]);
    assert.deepEqual(again.notes, []);
    assert.equal(again.summary.metrics.http_reqs.count, all.metrics.http_reqs.count);
    assert.deepEqual(again.summary.metrics.http_req_duration, all.metrics.http_req_duration);
    assert.deepEqual(again.summary.histograms, all.histograms);
  });

  it('reads a pod log: lines that are not events are skipped', () => {
    const noisy = `waiting 1s until 2030-01-01T00:00:00.000Z (--start-at)\n${texts[0]}\n  █ THRESHOLDS\n  http_reqs....: 20\n`;
    const run = parseRunText('pod-0.log', noisy);
    assert.equal(run.skippedLines, 3);
    assert.equal(run.summary.metrics.http_reqs.count, 20);
  });

  it('is a run like any other for the editor: the extension reads the merged NDJSON as it reads one run', () => {
    const merged = mergeRuns(files(texts), { runId: 'merged-for-editor' });
    const text = merged.events.map((event) => JSON.stringify(event)).join('\n') + '\n';
    const parsed = parseRunFile(text);
    assert.deepEqual(parsed.skipped, []);
    const digest = digestRun(parsed.events);
    assert.equal(digest.runId, 'merged-for-editor');
    assert.equal(digest.plan?.scenarios[0]?.name, 'shop');
    assert.equal(digest.summary?.metrics.http_reqs?.count, 60);
    assert.deepEqual(digest.summary?.scenarios[0]?.steps.map((s) => s.step), ['ok page', 'missing page']);
    assert.ok(digest.lastAggregate, 'the merged seconds reach the live charts');
  });

  it('refuses what is not the parts of one test, saying which file and why', () => {
    const refuse = (runs: () => unknown, pattern: RegExp): void => assert.throws(runs, (err: unknown) => err instanceof MergeInputError && pattern.test(err.message));
    refuse(() => mergeRuns(files([texts[0], texts[0]])), /seg-0\.ndjson and seg-1\.ndjson both ran segment 0:1\/3/);
    const overlapping = withStart(texts[1], (s) => (s.segment = { segment: '1/4:2/3', sequence: '' }));
    refuse(() => mergeRuns(files([texts[0], overlapping])), /overlap/);
    const otherTest = withStart(texts[1], (s) => (s.plan.scenarios[0].name = 'other'));
    refuse(() => mergeRuns(files([texts[0], otherTest])), /seg-1\.ndjson ran a different test/);
    // Killed mid-run: no summary, and a cut last line.
    const cut = texts[0].slice(0, texts[0].indexOf('{"type":"summary"') + 40);
    refuse(() => parseRunText('killed.ndjson', cut), /killed\.ndjson: the run did not finish \(its last line \(\d+\) is cut\)/);
    // A run recorded without a segment has no windows.
    const plain = texts[0].replace(/,"window":\{"scenarios":\[.*?\]\}\}(?=\n)/g, '}');
    refuse(() => parseRunText('plain.ndjson', plain), /plain\.ndjson:2:1: .*no measurement windows.*--execution-segment/);
    refuse(() => parseRunText('bad.ndjson', `${texts[0].split('\n')[0]}\n{"type" oops}\n{"type":"end","exitCode":0}\n`), /bad\.ndjson:2:\d+: not a JSON event/);
    refuse(() => parseRunText('other.json', '{"type":"aggregate","t":1}\n'), /other\.json:1:1: expected the run's start event first/);
  });
});

describe('merged generator health', () => {
  it('is the busiest generator for CPU and event-loop delay, and the sum of memory and sockets', () => {
    const a = { cpuPercent: 40, eventLoopDelayP99Ms: 3, rssBytes: 100, heapUsedBytes: 10, openSockets: 5, newConnections: 1 };
    const b = { cpuPercent: 90, eventLoopDelayP99Ms: 12, rssBytes: 200, heapUsedBytes: 20, openSockets: 7, newConnections: 2 };
    assert.deepEqual(mergeHealth([a, b]), { cpuPercent: 90, eventLoopDelayP99Ms: 12, rssBytes: 300, heapUsedBytes: 30, openSockets: 12, newConnections: 3 });
  });
});

describe('merging segment runs that had setup and teardown', () => {
  it('adds the segments\' setup and teardown up (each process ran its own), apart from the scenarios, in the summary and the export', async () => {
    const text = scenarioText(target.url, '  http_reqs: [count==60]').replace(
      'scenarios:\n',
      `setup:
  - name: admin login
    post: /products
    check: { status: 200 }
    capture: { who: json }
  - name: warm up
    get: /products
teardown:
  - name: clean up
    delete: /products
scenarios:
`,
    );
    const { plan, diagnostics } = loadScenario(text, 'lifecycle.volley.yaml');
    assert.ok(plan, JSON.stringify(diagnostics));
    const before = target.received.length;
    const halves = await Promise.all(['0:1/2', '1/2:1'].map((segment) => runSegment(plan, segment, '0,1/2,1')));
    const runs = files(halves);
    assert.deepEqual(runs.map((r) => r.lifecycle.map((e) => e.stage)), [['setup', 'teardown'], ['setup', 'teardown']]);
    const deletes = target.received.slice(before).filter((r) => r.method === 'DELETE').length;
    assert.equal(deletes, 2, 'each segment process tore down once');

    const merged = mergeRuns(runs);
    const lifecycle = merged.summary.lifecycle!;
    assert.deepEqual(
      lifecycle.map((s) => [s.scenario, s.steps.map((st) => [st.step, st.requests, st.checksPassed, st.duration.count])]),
      [
        ['setup', [['admin login', 2, 2, 2], ['warm up', 2, 0, 2]]],
        ['teardown', [['clean up', 2, 0, 2]]],
      ],
    );
    // Exact, from the windows: the merged extremes are the parts' extremes.
    const parts = runs.map((r) => r.summary.lifecycle![0].steps[0].duration);
    assert.equal(lifecycle[0].steps[0].duration.min, Math.min(...parts.map((p) => p.min)));
    assert.equal(lifecycle[0].steps[0].duration.max, Math.max(...parts.map((p) => p.max)));
    // The scenarios' figures hold none of the stages' requests.
    assert.equal(merged.summary.metrics.http_reqs.count, 60);
    assert.equal(merged.exitCode, 0);

    // In the merged stream as in a run's: setup right after start, teardown before the summary.
    const types = merged.events.map((e) => (e.type === 'lifecycle' ? e.stage : e.type)).filter((t) => t !== 'aggregate' && t !== 'diagnosis' && t !== 'log');
    assert.deepEqual(types, ['start', 'setup', 'teardown', 'summary', 'end']);
    assert.match(formatTextSummary(merged.summary, { color: false }), /█ SETUP\n\n\s+step\s+requests.*\n\s+admin login\s+2\s+0\.00%[^\n]*\n\s+warm up\s+2 /);
    assert.deepEqual(
      (toSummaryExport(merged.summary) as { lifecycle: Array<{ scenario: string; steps: Array<{ requests: number }> }> }).lifecycle.map((s) => [s.scenario, s.steps.map((st) => st.requests)]),
      [['setup', [2, 2]], ['teardown', [2]]],
    );
    // A merged run merges again (per region, then all): its stages carry their window too.
    const again = mergeRuns([parseRunText('merged.ndjson', merged.events.map((e) => JSON.stringify(e)).join('\n') + '\n')]);
    assert.deepEqual(again.summary.lifecycle, lifecycle);
  });
});

describe('merging segment runs of a flow with groups', () => {
  it('rebuilds the groups from the run files: group_duration adds up, a group: threshold is judged on the whole', async () => {
    const { plan, diagnostics } = loadScenario(
      `name: merge groups
baseUrl: ${target.url}
scenarios:
  shop:
    executor: shared-iterations
    vus: 3
    iterations: 9
    maxDuration: 10s
    flow:
      - group: browse
        flow:
          - name: list
            get: /products
          - group: detail
            flow: [ { name: one, get: /products?page=1 } ]
thresholds:
  "group_duration{group:browse::detail}": [max<5000]
  "http_reqs{group:browse}": [count==9]
`,
      'groups.volley.yaml',
    );
    assert.ok(plan, JSON.stringify(diagnostics));
    const texts = await runThirds(plan);
    // A second without a pass through a group: JSON writes its window's empty trend as null.
    const idle = texts[0].split('\n').map((line) => {
      if (!line.includes('"type":"aggregate"')) return line;
      const event = JSON.parse(line);
      event.window.scenarios[0].groups = [null, null];
      return JSON.stringify(event);
    });
    const runs = files([idle.join('\n'), ...texts.slice(1)]);
    assert.deepEqual(runs[0].start.plan.scenarios[0].groups?.map((g) => g.name), ['browse', 'browse::detail']);
    const emptied = parseRunText('seg-0.ndjson', texts[0]).aggregates.reduce((n, a) => n + (a.window?.scenarios[0]?.groups?.[0]?.count ?? 0), 0);
    const merged = mergeRuns(runs).summary;
    assert.deepEqual(
      merged.scenarios[0].groups?.map((g) => [g.group, g.duration.count]),
      [
        ['browse', 9 - emptied],
        ['browse::detail', 9 - emptied],
      ],
    );
    assert.ok(emptied > 0, 'the first segment\'s passes were in the windows emptied');
    assert.deepEqual(merged.thresholds.map((t) => [t.key, t.ok]), [
      ['group_duration{group:browse::detail}', true],
      ['http_reqs{group:browse}', true],
    ]);
  });
});

describe('merging segment runs whose unique data set ran out', () => {
  it('reports the set once, with the scenarios every segment ended for it, in the summary and the text summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volley-merge-data-'));
    try {
      writeFileSync(join(dir, 'users.csv'), ['id', ...Array.from({ length: 10 }, (_, i) => String(i))].join('\n') + '\n');
      const file = join(dir, 'data.volley.yaml');
      writeFileSync(
        file,
        `name: merge data
baseUrl: ${target.url}
data:
  users: { file: users.csv, pick: unique }
scenarios:
  buyers:
    executor: shared-iterations
    vus: 2
    iterations: 40
    maxDuration: 10s
    flow:
      - get: /products?id={{ users.id }}
`,
      );
      // Each segment is its own process with its own counters: the plan (and its table) is loaded once per segment.
      const sequence = '0,1/2,1';
      const texts = await Promise.all(
        ['0:1/2', '1/2:1'].map(async (segment) => {
          const { plan, diagnostics } = await loadScenarioFile(file);
          assert.ok(plan, JSON.stringify(diagnostics));
          return runSegment(plan, segment, sequence);
        }),
      );
      const runs = files(texts);
      for (const run of runs) assert.deepEqual(run.summary.dataExhausted, [{ dataSet: 'users', rows: 10, scenarios: ['buyers'] }]);
      const merged = mergeRuns(runs);
      assert.deepEqual(merged.summary.dataExhausted, [{ dataSet: 'users', rows: 10, scenarios: ['buyers'] }]);
      assert.equal(merged.summary.scenarios[0].steps[0].requests, 10, 'between them the segments used every row once');
      assert.match(formatTextSummary(merged.summary, { color: false }), /data set users: all 10 unique rows were used; scenario "buyers" started no more iterations/);
      assert.deepEqual((toSummaryExport(merged.summary) as { dataExhausted?: unknown }).dataExhausted, merged.summary.dataExhausted);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
