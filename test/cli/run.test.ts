import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { readNdjson, scenario, volley, workspace, type Workspace } from './helpers';

let ws: Workspace;
let target: DemoServer;
before(async () => {
  ws = workspace();
  target = await startDemoServer({ port: 0, latencyMs: 2, seed: 1 });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

const SECRET = 'volley-secret-7f3a9c';

test('a passing run: summary, k6 summary-export, NDJSON in order, exit 0, secrets kept out', async () => {
  const file = ws.file(
    'pass.volley.yaml',
    scenario(target.url, {
      rate: 20,
      duration: '2s',
      thresholds: '  http_req_failed: [rate<0.5]\n  http_req_duration: [p(95)<2000]',
      // The secret reaches the wire in a header and in a URL that 404s, where an engine log could show it.
      extraStep: `        headers: { authorization: "Bearer {{ env.TOKEN }}" }
      - name: lookup
        get: /nothing/{{ env.TOKEN }}
`,
    }),
  );
  const ndjson = join(ws.dir, 'out', 'pass.ndjson');
  const exported = join(ws.dir, 'out', 'summary.json');
  const before = target.stats.requests;
  const r = await volley(ws, ['run', file, '--out', `ndjson=${ndjson}`, '--summary-export', exported, '-e', `TOKEN=${SECRET}`, '--run-id', 'cli-pass']);
  assert.equal(r.code, 0, r.stderr);
  // 20/s × 2 s iterations of 3 requests each (the schedule may add the iteration at t = 2 s).
  const requests = target.stats.requests - before;
  assert.ok(requests >= 3 * 38 && requests <= 3 * 42, `${requests} requests`);

  assert.match(r.stdout, /http_reqs/, 'the summary is on stdout');
  assert.match(r.stderr, /running 0m0\d\.\ds\/0m02\.0s/, 'progress lines on stderr (not a TTY: plain lines)');

  const summary = JSON.parse(readFileSync(exported, 'utf8'));
  const metrics = summary.metrics;
  for (const key of ['count', 'rate']) assert.equal(typeof metrics.http_reqs[key], 'number', `http_reqs.${key}`);
  assert.equal(metrics.http_reqs.count, requests);
  for (const key of ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']) {
    assert.equal(typeof metrics.http_req_duration[key], 'number', `http_req_duration.${key}`);
  }
  assert.ok('iterations' in metrics && 'http_req_failed' in metrics && 'checks' in metrics);

  const events = readNdjson(ndjson);
  const types = events.map((e) => e.type);
  assert.equal(types[0], 'start');
  assert.equal(types.at(-1), 'end');
  assert.equal(types.at(-2), 'summary');
  assert.ok(types.filter((t) => t === 'aggregate').length >= 2, types.join(','));
  assert.deepEqual(types.slice(1, -2).filter((t) => t !== 'aggregate' && t !== 'log' && t !== 'diagnosis'), []);
  assert.equal(events[0].runId, 'cli-pass');
  assert.deepEqual(events.at(-1), { type: 'end', exitCode: 0 });
  const ts = events.filter((e) => e.type === 'aggregate').map((e) => e.t as number);
  assert.deepEqual(ts, [...ts].sort((a, b) => a - b), 'aggregates in time order');

  for (const text of [readFileSync(ndjson, 'utf8'), readFileSync(exported, 'utf8'), r.stdout, r.stderr]) {
    assert.ok(!text.includes(SECRET), 'the -e value never appears in any output');
  }
});

test('a failed threshold: exit 99, the end event says so', async () => {
  const file = ws.file('fail.volley.yaml', scenario(target.url, { rate: 10, duration: '1s', thresholds: '  http_reqs: [count<1]' }));
  const ndjson = join(ws.dir, 'fail.ndjson');
  const r = await volley(ws, ['run', file, '--quiet', '--out', `ndjson=${ndjson}`]);
  assert.equal(r.code, 99, r.stderr);
  assert.match(r.stderr, /thresholds have failed/);
  assert.doesNotMatch(r.stderr, /running 0m/, '--quiet: no progress');
  assert.deepEqual(readNdjson(ndjson).at(-1), { type: 'end', exitCode: 99 });
});

test('--scenario: only that one runs; an unknown one is refused with a suggestion', async () => {
  const two = scenario(target.url, { rate: 5, duration: '1s' }) +
    `  other:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /health
`;
  const file = ws.file('two.volley.yaml', two);
  const unknown = await volley(ws, ['run', file, '--scenario', 'brwse']);
  assert.equal(unknown.code, 104);
  assert.match(unknown.stderr, /no scenario "brwse" in .*: did you mean "browse"\? \(scenarios: browse, other\)/);
  const ndjson = join(ws.dir, 'one.ndjson');
  const only = await volley(ws, ['run', file, '-s', 'other', '--quiet', '--out', `ndjson=${ndjson}`]);
  assert.equal(only.code, 0, only.stderr);
  const summary = readNdjson(ndjson).find((e) => e.type === 'summary') as { summary: { scenarios: Array<{ scenario: string }> } } | undefined;
  assert.deepEqual(summary?.summary.scenarios.map((s) => s.scenario), ['other']);
});
