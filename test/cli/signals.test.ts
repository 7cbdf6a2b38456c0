import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { readNdjson, scenario, spawnVolley, waitFor, workspace, type Workspace } from './helpers';

let ws: Workspace;
let target: DemoServer;
before(async () => {
  ws = workspace();
  target = await startDemoServer({ port: 0, latencyMs: 2, seed: 2 });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

test('Ctrl-C: graceful stop, the summary, a complete NDJSON, exit 105', async () => {
  // 30 s scheduled; the test stops it after the first second.
  const file = ws.file('long.volley.yaml', scenario(target.url, { rate: 10, duration: '30s', gracefulStop: '2s' }));
  const ndjson = join(ws.dir, 'sigint.ndjson');
  const started = Date.now();
  const run = spawnVolley(ws, ['run', file, '--out', `ndjson=${ndjson}`]);
  await waitFor('the first aggregate', () => readNdjson(ndjson).some((e) => e.type === 'aggregate'));
  run.child.kill('SIGINT');
  const r = await run.finished;
  assert.equal(r.code, 105, r.stderr);
  assert.ok(Date.now() - started < 10_000, 'the run ended long before its schedule');
  assert.match(r.stderr, /stopping gracefully… press Ctrl-C again to stop at once/);
  assert.match(r.stderr, /the run was stopped \(exit code 105\)/);
  assert.match(r.stdout, /http_reqs/, 'the summary is still printed');
  const events = readNdjson(ndjson);
  assert.equal(events[0].type, 'start');
  assert.equal(events.at(-2)?.type, 'summary');
  assert.deepEqual(events.at(-1), { type: 'end', exitCode: 105 });
  const summary = events.at(-2) as unknown as { summary: { outcome: string } };
  assert.equal(summary.summary.outcome, 'stopped');
});

test('a second Ctrl-C stops at once', async () => {
  // Iterations that think for 20 s: only a hard stop ends them before gracefulStop (30 s).
  const file = ws.file(
    'slow.volley.yaml',
    scenario(target.url, { rate: 2, duration: '30s', gracefulStop: '30s', extraStep: '      - think: 20s\n' }),
  );
  const ndjson = join(ws.dir, 'hard.ndjson');
  const run = spawnVolley(ws, ['run', file, '--out', `ndjson=${ndjson}`]);
  await waitFor('the first aggregate', () => readNdjson(ndjson).some((e) => e.type === 'aggregate'));
  const stoppedAt = Date.now();
  run.child.kill('SIGINT');
  await waitFor('the graceful-stop notice', () => run.stderrSoFar().includes('stopping gracefully'));
  run.child.kill('SIGINT');
  const r = await run.finished;
  assert.equal(r.code, 105, r.stderr);
  assert.ok(Date.now() - stoppedAt < 5000, `hard stop took ${Date.now() - stoppedAt} ms`);
  assert.match(r.stderr, /stopping now/);
  assert.deepEqual(readNdjson(ndjson).at(-1), { type: 'end', exitCode: 105 });
});

test('SIGTERM stops gracefully too', async () => {
  const file = ws.file('term.volley.yaml', scenario(target.url, { rate: 5, duration: '30s', gracefulStop: '1s' }));
  const before = target.stats.requests;
  const run = spawnVolley(ws, ['run', file, '--quiet']);
  await waitFor('the first requests', () => target.stats.requests > before + 2);
  run.child.kill('SIGTERM');
  const r = await run.finished;
  assert.equal(r.code, 105, r.stderr);
});

test('SIGKILL: the NDJSON keeps a readable prefix of what was measured', async () => {
  const file = ws.file('killed.volley.yaml', scenario(target.url, { rate: 10, duration: '30s' }));
  const ndjson = join(ws.dir, 'killed.ndjson');
  const run = spawnVolley(ws, ['run', file, '--out', `ndjson=${ndjson}`]);
  await waitFor('two aggregates', () => readNdjson(ndjson).filter((e) => e.type === 'aggregate').length >= 2);
  run.child.kill('SIGKILL');
  const r = await run.finished;
  assert.equal(r.signal, 'SIGKILL');
  const text = readFileSync(ndjson, 'utf8');
  assert.ok(text.endsWith('\n'), 'no half-written line');
  const events = text.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
  assert.equal(events[0].type, 'start');
  assert.ok(events.filter((e) => e.type === 'aggregate').length >= 2);
  assert.ok(!events.some((e) => e.type === 'end'));
});
