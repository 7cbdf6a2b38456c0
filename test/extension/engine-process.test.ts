// The runner's process handling with the real engine: events stream over IPC, the run file is written,
// the first stop is graceful and a second one hard, a child that ignores stops is killed, and nothing is
// left behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import type { RunEvent } from '../../src/protocol';
import { EngineProcess, engineEnv } from '../../src/extension/engine-process';
import { parseRunFile } from '../../src/extension/run-file';
import { alive, engineBundle, type EngineBundle } from './helpers';

let engine: EngineBundle;
let target: DemoServer;
let dir: string;
before(async () => {
  engine = engineBundle();
  target = await startDemoServer({ port: 0, latencyMs: 2, seed: 7 });
  dir = mkdtempSync(join(tmpdir(), 'volley-ext-run-'));
});
after(async () => {
  await target.close();
  engine.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function scenarioFile(name: string, duration: string, gracefulStop: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `name: ext
baseUrl: ${target.url}
scenarios:
  steady:
    executor: constant-arrival-rate
    rate: 10
    timeUnit: 1s
    duration: ${duration}
    preAllocatedVUs: 2
    maxVUs: 4
    gracefulStop: ${gracefulStop}
    flow:
      - name: health
        get: /health
      - think: 300ms
thresholds:
  http_req_failed: [rate<0.5]
`,
  );
  return path;
}

async function until(what: string, probe: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('a short run streams start, aggregates, summary and end, and writes the same events to its run file', async () => {
  const file = scenarioFile('short.volley.yaml', '1500ms', '1s');
  const out = join(dir, 'runs', 'short.ndjson');
  const events: RunEvent[] = [];
  const run = new EngineProcess({ enginePath: engine.path, command: { type: 'run', file, out, runId: 'short-1' }, onEvent: (e) => events.push(e) });
  const exit = await run.exited;
  assert.equal(exit.code, 0);
  assert.equal(exit.endExitCode, 0);
  assert.equal(exit.killed, false);
  assert.equal(run.isRunning, false);
  // Warnings about the file come before the run starts, over IPC only; the run file starts at `start`.
  const startAt = events.findIndex((e) => e.type === 'start');
  assert.ok(events.slice(0, startAt).every((e) => e.type === 'log' && e.level === 'warn'), JSON.stringify(events.slice(0, startAt)));
  const types = events.slice(startAt).map((e) => e.type);
  assert.equal(types[0], 'start');
  assert.ok(types.includes('aggregate'));
  assert.deepEqual(types.slice(-2), ['summary', 'end']);
  assert.deepEqual(parseRunFile(readFileSync(out, 'utf8')).events, events.slice(startAt));
  assert.equal(run.stop(), 'not-running');
});

test('the first stop is graceful (exit 105 with a summary), a second one is hard', async () => {
  const file = scenarioFile('long.volley.yaml', '60s', '20s');
  const events: RunEvent[] = [];
  const run = new EngineProcess({ enginePath: engine.path, command: { type: 'run', file }, onEvent: (e) => events.push(e), killAfterMs: 5000 });
  await until('an aggregate', () => events.some((e) => e.type === 'aggregate'));
  assert.equal(run.stop(), 'graceful');
  // A think step holds iterations in flight; within a gracefulStop of 20 s the hard stop ends them at once.
  await sleep(50);
  const hardAt = Date.now();
  assert.equal(run.stop(), 'hard');
  const exit = await run.exited;
  assert.ok(Date.now() - hardAt < 3000, `hard stop took ${Date.now() - hardAt} ms`);
  assert.equal(exit.code, 105);
  assert.equal(exit.killed, false);
  const summary = events.find((e) => e.type === 'summary');
  assert.ok(summary && summary.type === 'summary');
  assert.equal(summary.summary.outcome, 'stopped');
  assert.equal(alive(run.pid), false);
});

test('a child that ignores a hard stop is killed after the grace time; shutdown() leaves no process', async () => {
  // A stand-in that takes the IPC channel and never obeys: what a wedged engine looks like from outside.
  const stubborn = join(dir, 'stubborn.js');
  writeFileSync(stubborn, "process.on('message', () => {}); process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);\n");
  const run = new EngineProcess({ enginePath: stubborn, command: { type: 'run', file: 'x' }, onEvent: () => undefined, killAfterMs: 300 });
  await sleep(200);
  assert.equal(run.stop(), 'graceful');
  const started = Date.now();
  assert.equal(run.stop(), 'hard');
  const exit = await run.exited;
  assert.equal(exit.killed, true);
  assert.equal(exit.signal, 'SIGKILL');
  assert.ok(Date.now() - started >= 250);
  assert.equal(alive(run.pid), false);

  const second = new EngineProcess({ enginePath: stubborn, command: { type: 'run', file: 'x' }, onEvent: () => undefined });
  await sleep(200);
  const gone = await second.shutdown(200);
  assert.equal(gone.killed, true);
  assert.equal(alive(second.pid), false);
});

test('dispose kills a live run at once, and the engine reports bad files as log events with exit 104', async () => {
  const file = scenarioFile('disposed.volley.yaml', '60s', '1s');
  const events: RunEvent[] = [];
  const run = new EngineProcess({ enginePath: engine.path, command: { type: 'run', file }, onEvent: (e) => events.push(e) });
  await until('the start event', () => events.some((e) => e.type === 'start'));
  run.dispose();
  const exit = await run.exited;
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(alive(run.pid), false);

  const bad = join(dir, 'bad.volley.yaml');
  writeFileSync(bad, 'name: x\nscenarios:\n  a:\n    executor: nope\n');
  const badEvents: RunEvent[] = [];
  const rejected = new EngineProcess({ enginePath: engine.path, command: { type: 'run', file: bad }, onEvent: (e) => badEvents.push(e) });
  assert.equal((await rejected.exited).code, 104);
  assert.ok(badEvents.some((e) => e.type === 'log' && e.level === 'error' && e.message.startsWith(`${bad}:4:`)), JSON.stringify(badEvents));
});

test('the child runs as Node under Electron too, and does not inherit the editor\'s loaders', () => {
  const env = engineEnv({ PATH: '/bin', NODE_OPTIONS: '--require x', SECRET_TOKEN: 'kept for templates' });
  assert.equal(env.ELECTRON_RUN_AS_NODE, '1');
  assert.equal(env.VOLLEY_IPC, '1');
  assert.equal(env.NODE_OPTIONS, undefined);
  assert.equal(env.SECRET_TOKEN, 'kept for templates');
});
