// volley compare and volley run --baseline on real runs: the same scenario against a fast 127.0.0.1 target
// and against one made slower (150 ms median instead of 2 ms: far apart, so a loaded machine's hiccups in
// the fast run do not reach the slow one's p95), each load bounded (10 iterations/s for 2 s).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { scenario, volley, workspace, type Workspace } from './helpers';

let ws: Workspace;
let fast: DemoServer;
let slow: DemoServer;
let fastFile: string;
let slowFile: string;
let fastRun: string;
let slowRun: string;

before(async () => {
  ws = workspace();
  fast = await startDemoServer({ port: 0, latencyMs: 2, seed: 1 });
  slow = await startDemoServer({ port: 0, latencyMs: 150, seed: 1 });
  fastFile = ws.file('fast.volley.yaml', scenario(fast.url, { rate: 10, duration: '2s' }));
  slowFile = ws.file('slow.volley.yaml', scenario(slow.url, { rate: 10, duration: '2s' }));
  fastRun = join(ws.dir, 'fast.ndjson');
  slowRun = join(ws.dir, 'slow.ndjson');
  for (const [file, out] of [[fastFile, fastRun], [slowFile, slowRun]]) {
    const r = await volley(ws, ['run', file, '--quiet', '--no-store', '--run-id', file.includes('fast') ? 'fast-run' : 'slow-run', '--out', `ndjson=${out}`]);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => {
  await Promise.all([fast.close(), slow.close()]);
  ws.cleanup();
});

test('compare: a slower run regressed: exit 99, the steps whose p95 grew are named', async () => {
  const r = await volley(ws, ['compare', fastRun, slowRun]);
  assert.equal(r.code, 99, r.stdout + r.stderr);
  assert.match(r.stdout, /^baseline: .*fast\.ndjson \(fast-run\)$/m);
  for (const figure of ['p50', 'p95', 'p99', 'failed', 'requests/s']) assert.match(r.stdout, new RegExp(`^browse › list products ${figure.replace('/', '\\/')} `, 'm'));
  assert.match(r.stdout, /regressed beyond 10%:\n {2}browse › list products: p95 [\d.]+ ms → [\d.]+ ms \(\+\d+\.\d%\)/);
  assert.match(r.stdout, /browse › add to cart: p95/);
});

test('compare: a faster run did not regress: exit 0; --json gives the rows and no regressions', async () => {
  const r = await volley(ws, ['compare', slowRun, fastRun]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /no step's p95 or failure rate regressed by more than 10%/);
  const j = await volley(ws, ['compare', slowRun, fastRun, '--json', '--max-regression', '5%']);
  assert.equal(j.code, 0, j.stderr);
  const parsed = JSON.parse(j.stdout) as { maxRegression: number; regressions: unknown[]; rows: Array<{ name: string; verdict: string }>; baseline: { runId: string } };
  assert.equal(parsed.maxRegression, 0.05);
  assert.deepEqual(parsed.regressions, []);
  assert.equal(parsed.baseline.runId, 'slow-run');
  assert.equal(parsed.rows.find((row) => row.name === 'browse › list products p95')?.verdict, 'better');
  const back = JSON.parse((await volley(ws, ['compare', fastRun, slowRun, '--json'])).stdout) as { regressions: Array<{ step: string; figure: string; base: number; run: number }> };
  const p95 = back.regressions.find((x) => x.step === 'browse › list products' && x.figure === 'p95');
  assert.ok(p95 && p95.run > p95.base * 1.1, JSON.stringify(back.regressions));
});

test('run --baseline: the same gate at the end of a run (exit 99 on the slow target, 0 on the fast one)', async () => {
  const regressed = await volley(ws, ['run', slowFile, '--quiet', '--no-store', '--baseline', fastRun]);
  assert.equal(regressed.code, 99, regressed.stderr);
  assert.match(regressed.stdout, /regressed beyond 10%/);
  assert.match(regressed.stderr, /regressed against the baseline \(exit code 99\)/);
  const fine = await volley(ws, ['run', fastFile, '--quiet', '--no-store', '--baseline', slowRun, '--max-regression', '20']);
  assert.equal(fine.code, 0, fine.stdout + fine.stderr);
  assert.match(fine.stdout, /no step's p95 or failure rate regressed by more than 20%/);
});

test('compare and --baseline: bad input is refused with exit 104', async () => {
  const missing = await volley(ws, ['compare', join(ws.dir, 'nope.ndjson'), fastRun]);
  assert.equal(missing.code, 104);
  assert.match(missing.stderr, /nope\.ndjson: cannot read: no such file/);
  const limit = await volley(ws, ['compare', fastRun, slowRun, '--max-regression', 'lots']);
  assert.equal(limit.code, 104);
  assert.match(limit.stderr, /--max-regression "lots": give a percentage/);
  const notRun = await volley(ws, ['run', fastFile, '--quiet', '--no-store', '--baseline', fastFile]);
  assert.equal(notRun.code, 104);
  assert.match(notRun.stderr, /--baseline .*fast\.volley\.yaml: no run summary in it/);
  const alone = await volley(ws, ['run', fastFile, '--max-regression', '5%']);
  assert.equal(alone.code, 104);
  assert.match(alone.stderr, /--max-regression needs --baseline/);
});
