// `volley estimate` end to end: the real engine bundle against a real loopback server whose responses take
// 20–60 ms. Every load is bounded: trials of 2 s at 20/s, one run of 1 s at 20/s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readNdjson, volley, workspace, type Workspace } from '../cli/helpers';
import { startTarget, type Target } from '../support/target';

let target: Target;
let baseUrl = '';
let ws: Workspace;

before(async () => {
  target = await startTarget();
  baseUrl = target.url;
  ws = workspace();
});

after(async () => {
  ws.cleanup();
  await target.close();
});

function scenarioText(opts: { rate?: number; duration?: string; pre?: number } = {}): string {
  return `name: estimate test
baseUrl: ${baseUrl}
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: ${opts.rate ?? 200}
    timeUnit: 1s
    duration: ${opts.duration ?? '1m'}
    preAllocatedVUs: ${opts.pre ?? 2}
    maxVUs: 4
    gracefulStop: 2s
    flow:
      - name: work
        get: /slow?ms=20-60
  idle:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
      - get: /slow?ms=20-60
`;
}

function runsIn(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.ndjson')) : [];
}

test('without a stored run or a source it says how to measure one', async () => {
  const file = ws.file('empty.volley.yaml', scenarioText());
  const r = await volley(ws, ['estimate', file, '--scenario', 'browse']);
  assert.equal(r.code, 104, r.stderr);
  assert.match(r.stderr, /no stored run of scenario browse in .*\.volley\/runs/);
  assert.match(r.stderr, /--trial 10s/);
});

test('--trial measures the scenario at a low rate and prints the recommendation as JSON', async () => {
  const file = ws.file('load.volley.yaml', scenarioText());
  const before = target.requests;
  const started = Date.now();
  const r = await volley(ws, ['estimate', file, '--scenario', 'browse', '--trial', '2s', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Date.now() - started < 15_000);
  // 20/s (the trial's ceiling, not the scenario's 200/s) for 2 s.
  assert.ok(target.requests - before >= 38 && target.requests - before <= 42, `${target.requests - before} requests`);
  assert.match(r.stderr, /trial of browse at 20\/s for 2s \(its peak is 200\/s\)/);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const out = JSON.parse(lines[0]);
  assert.equal(out.scenario, 'browse');
  assert.equal(out.rate, 200);
  assert.equal(out.timeUnit, '1s');
  assert.ok(out.medianIterationMs >= 20 && out.medianIterationMs < 80, `median ${out.medianIterationMs}`);
  assert.equal(out.k6Rule, Math.ceil((out.medianIterationMs * 200) / 1000 - 1e-9));
  assert.ok(out.recommendedPreAllocatedVUs > out.k6Rule, JSON.stringify(out));
  assert.ok(out.recommendedPreAllocatedVUs < 2.5 * out.meanConcurrency);
  assert.ok(out.recommendedMaxVUs >= out.recommendedPreAllocatedVUs);
  assert.match(out.explanation, /k6's rule: median × rate = /);
  assert.deepEqual(out.current, { preAllocatedVUs: 2, maxVUs: 4 });
  assert.equal(out.source.kind, 'trial');
  assert.ok(out.samples >= 38);

  // The trial is kept in the run store, so a plain `volley estimate` finds it.
  const runs = runsIn(join(ws.dir, '.volley', 'runs'));
  assert.equal(runs.length, 1);
  assert.equal(out.source.path, join(ws.dir, '.volley', 'runs', runs[0]));
  const again = await volley(ws, ['estimate', file, '--json']);
  assert.equal(again.code, 0, again.stderr);
  const latest = JSON.parse(again.stdout);
  assert.equal(latest.source.path, out.source.path);
  assert.equal(latest.recommendedPreAllocatedVUs, out.recommendedPreAllocatedVUs);

  // Stricter target and a bigger slowdown, from the same measurement.
  const strict = JSON.parse((await volley(ws, ['estimate', file, '--json', '--target-drop-probability', '0.000001', '--slowdown', '4'])).stdout);
  assert.ok(strict.recommendedPreAllocatedVUs >= out.recommendedPreAllocatedVUs);
  assert.ok(strict.recommendedMaxVUs > out.recommendedMaxVUs);
});

test('volley run keeps its run in the store; --from a stored run estimates from it, as text', async () => {
  const file = ws.file('run.volley.yaml', scenarioText({ rate: 20, duration: '1s', pre: 4 }));
  const r = await volley(ws, ['run', file, '--scenario', 'browse', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const dir = join(ws.dir, '.volley', 'runs');
  const stored = runsIn(dir).filter((n) => n.includes('--run-'));
  assert.equal(stored.length, 1, runsIn(dir).join(', '));
  const events = readNdjson(join(dir, stored[0]));
  assert.equal(events[0].type, 'start');
  assert.deepEqual(events.slice(-2).map((e) => e.type), ['summary', 'end']);

  const noStore = await volley(ws, ['run', file, '--scenario', 'browse', '--quiet', '--no-store', '--summary-export', join(ws.dir, 's.json')]);
  assert.equal(noStore.code, 0, noStore.stderr);
  assert.equal(runsIn(dir).filter((n) => n.includes('--run-')).length, 1);

  const text = await volley(ws, ['estimate', file, '--scenario', 'browse', '--from', join(dir, stored[0])]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^browse \(constant-arrival-rate, 20\/s at its peak\), from the run of /);
  assert.match(text.stdout, /k6's rule \(median × rate\)\s+\d+/);
  assert.match(text.stdout, /recommended preAllocatedVUs\s+\d+\s+\(the file has 4: (enough|below the recommendation by \d+)\)/);
  assert.match(text.stdout, /maxVUs: p99 × rate × slowdown = /);
});

test('bad input: unknown scenario, a closed-model scenario, a file that is not a run, both sources', async () => {
  const file = ws.file('bad.volley.yaml', scenarioText());
  const unknown = await volley(ws, ['estimate', file, '--scenario', 'brwse', '--trial', '2s']);
  assert.equal(unknown.code, 104);
  assert.match(unknown.stderr, /no scenario "brwse".*did you mean "browse"/);
  const closed = await volley(ws, ['estimate', file, '--scenario', 'idle']);
  assert.equal(closed.code, 104);
  assert.match(closed.stderr, /idle uses constant-vus, which runs a fixed number of VUs/);
  const notRun = await volley(ws, ['estimate', file, '--scenario', 'browse', '--from', file]);
  assert.equal(notRun.code, 104);
  assert.match(notRun.stderr, /no run summary in it/);
  const both = await volley(ws, ['estimate', file, '--trial', '2s', '--from', file]);
  assert.equal(both.code, 104);
  assert.match(both.stderr, /--trial and --from are two sources/);
  const badTarget = await volley(ws, ['estimate', file, '--target-drop-probability', '5']);
  assert.equal(badTarget.code, 104);
  assert.match(badTarget.stderr, /expected a probability between 0 and 1/);
});
