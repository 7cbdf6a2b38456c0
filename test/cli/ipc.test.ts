import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import type { EngineCommand, RunEvent } from '../../src/protocol';
import { readNdjson, scenario, waitFor, workspace, type Workspace } from './helpers';

let ws: Workspace;
let target: DemoServer;
before(async () => {
  ws = workspace();
  target = await startDemoServer({ port: 0, latencyMs: 2, seed: 3 });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

function child(): { proc: ChildProcess; events: RunEvent[]; exit: Promise<number | null>; send(c: EngineCommand): void } {
  const proc = fork(ws.engine, [], { env: { ...process.env, VOLLEY_IPC: '1' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const events: RunEvent[] = [];
  proc.on('message', (m) => events.push(m as RunEvent));
  const exit = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
  timer.unref();
  return { proc, events, exit, send: (c) => proc.send(c) };
}

test('IPC: a run streams its events to the parent and obeys stop', async () => {
  const file = ws.file('ipc.volley.yaml', scenario(target.url, { rate: 10, duration: '30s', gracefulStop: '1s' }));
  const out = join(ws.dir, 'ipc.ndjson');
  const c = child();
  c.send({ type: 'run', file, out, runId: 'ipc-1', env: { TOKEN: 'ipc-secret-value' } });
  await waitFor('an aggregate over IPC', () => c.events.some((e) => e.type === 'aggregate'));
  c.send({ type: 'stop' });
  assert.equal(await c.exit, 105);
  const types = c.events.map((e) => e.type);
  assert.equal(types[0], 'start');
  assert.equal((c.events[0] as Extract<RunEvent, { type: 'start' }>).runId, 'ipc-1');
  assert.deepEqual(c.events.at(-1), { type: 'end', exitCode: 105 });
  assert.equal(types.at(-2), 'summary');
  // The NDJSON run file holds the same events.
  assert.deepEqual(readNdjson(out).map((e) => e.type), types);
});

test('IPC: a file with errors gets its diagnostics as log events and end 104', async () => {
  const file = ws.file('ipc-bad.volley.yaml', 'name: x\nscenarios:\n  a:\n    executor: nope\n');
  const c = child();
  c.send({ type: 'run', file });
  assert.equal(await c.exit, 104);
  const logs = c.events.filter((e): e is Extract<RunEvent, { type: 'log' }> => e.type === 'log');
  assert.ok(logs.some((l) => l.level === 'error' && l.message.startsWith(`${file}:4:`)), JSON.stringify(logs));
  assert.ok(logs.some((l) => /nothing was run/.test(l.message)));
  assert.deepEqual(c.events.at(-1), { type: 'end', exitCode: 104 });
});

test('IPC: a parent that goes away ends the child', async () => {
  const file = ws.file('ipc-orphan.volley.yaml', scenario(target.url, { rate: 5, duration: '30s', gracefulStop: '1s' }));
  const out = join(ws.dir, 'orphan.ndjson');
  const c = child();
  c.send({ type: 'run', file, out });
  await waitFor('the start event', () => c.events.some((e) => e.type === 'start'));
  c.proc.disconnect();
  assert.equal(await c.exit, 105);
  assert.deepEqual(readNdjson(out).at(-1), { type: 'end', exitCode: 105 });
});

test('IPC: setup and teardown run unless the run command says setup: false / teardown: false', async () => {
  const file = ws.file(
    'ipc-lifecycle.volley.yaml',
    `baseUrl: ${target.url}
setup:
  - name: warm up
    get: /products
teardown:
  - name: clean up
    get: /products
scenarios:
  one:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /products
`,
  );
  const lifecycle = (events: RunEvent[]): string[] => events.map((e) => (e.type === 'lifecycle' ? `${e.stage}:${e.figures.steps[0]?.requests}` : e.type)).filter((t) => !['aggregate', 'diagnosis', 'log'].includes(t));

  const both = child();
  both.send({ type: 'run', file });
  assert.equal(await both.exit, 0);
  assert.deepEqual(lifecycle(both.events), ['start', 'setup:1', 'teardown:1', 'summary', 'end']);

  const neither = child();
  neither.send({ type: 'run', file, setup: false, teardown: false });
  assert.equal(await neither.exit, 0);
  assert.deepEqual(lifecycle(neither.events), ['start', 'summary', 'end']);
  const summary = neither.events.find((e): e is Extract<RunEvent, { type: 'summary' }> => e.type === 'summary')!.summary;
  assert.equal(summary.lifecycle, undefined);
});
