import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTarget } from '../support/target';
import { compile, run } from './harness';

describe('ending a run: gracefulStop, stop(), abortOnFail, a clean exit', { concurrency: true }, () => {
  test('gracefulStop interrupts what is still running and bounds the run', async () => {
    const target = await startTarget();
    try {
      // Iterations start at 0 and 500 ms and would take 3 s; the scenario ends at 1 s + 300 ms.
      const plan = compile(`baseUrl: ${target.url}
scenarios:
  long:
    executor: constant-arrival-rate
    rate: 2
    timeUnit: 1s
    duration: 1s
    preAllocatedVUs: 2
    maxVUs: 2
    gracefulStop: 300ms
    flow:
      - get: /slow?ms=3000
`);
      const { summary, took } = await run(plan).finished;
      assert.equal(target.count('/slow'), 2);
      const [figures] = summary.scenarios;
      assert.equal(figures!.interrupted, 2);
      assert.equal(figures!.iterations, 0);
      assert.equal(summary.metrics.interrupted_iterations!.count, 2);
      assert.equal(summary.outcome, 'completed');
      assert.ok(took >= 1300 && took < 1700, `took ${took} ms`);
    } finally {
      await target.close();
    }
  });

  test('stop() is graceful: no new iterations, the running ones finish', async () => {
    const target = await startTarget();
    try {
      const plan = compile(`baseUrl: ${target.url}
scenarios:
  loop:
    executor: constant-vus
    vus: 2
    duration: 10s
    gracefulStop: 5s
    flow:
      - get: /slow?ms=300
`);
      const collected = run(plan);
      // Stop once both VUs are into their second iteration.
      let seenAtStop = 0;
      let stoppedAt = 0;
      const poll = setInterval(() => {
        if (target.count('/slow') < 3) return;
        clearInterval(poll);
        seenAtStop = target.count('/slow');
        stoppedAt = performance.now();
        collected.handle.stop();
      }, 5);
      const { summary } = await collected.finished;
      clearInterval(poll);
      const ended = performance.now() - stoppedAt;
      const [figures] = summary.scenarios;
      // The requests running at stop() finish (one per VU at most was still on its way); nothing new starts.
      const requests = target.count('/slow');
      assert.ok(requests >= seenAtStop && requests <= seenAtStop + 1, `${requests} requests, ${seenAtStop} at stop()`);
      assert.equal(figures!.iterations, requests);
      assert.equal(figures!.interrupted, 0);
      assert.equal(summary.outcome, 'stopped');
      assert.ok(ended < 1000, `ended ${ended} ms after stop()`);
    } finally {
      await target.close();
    }
  });

  test('stop(true) interrupts everything at once', async () => {
    const target = await startTarget();
    try {
      const plan = compile(`baseUrl: ${target.url}
scenarios:
  loop:
    executor: constant-vus
    vus: 2
    duration: 10s
    flow:
      - get: /slow?ms=3000
  later:
    executor: constant-vus
    vus: 1
    duration: 1s
    startTime: 5s
    flow:
      - get: /later
`);
      const collected = run(plan);
      let stoppedAt = 0;
      setTimeout(() => {
        stoppedAt = performance.now();
        collected.handle.stop(true);
      }, 300);
      const { summary } = await collected.finished;
      const ended = performance.now() - stoppedAt;
      assert.ok(ended < 300, `ended ${ended} ms after the hard stop`);
      assert.equal(target.count('/later'), 0);
      assert.equal(summary.outcome, 'stopped');
      assert.equal(summary.scenarios[0]!.interrupted, 2);
      assert.equal(summary.scenarios[0]!.iterations, 0);
      // Interrupted requests are not measured, as in k6.
      assert.equal(summary.metrics.http_reqs, undefined);
    } finally {
      await target.close();
    }
  });

  test('an abortOnFail threshold ends the run', async () => {
    const target = await startTarget();
    try {
      const plan = compile(`baseUrl: ${target.url}
scenarios:
  failing:
    executor: constant-arrival-rate
    rate: 20
    timeUnit: 1s
    duration: 10s
    preAllocatedVUs: 5
    maxVUs: 5
    flow:
      - get: /status/500
thresholds:
  http_req_failed:
    - { threshold: "rate<0.01", abortOnFail: true }
  http_req_duration: [p(95)<5000]
`);
      const collected = run(plan);
      const { summary, took } = await collected.finished;
      const aborts = collected.ofType('threshold-abort');
      assert.equal(aborts.length, 1);
      assert.equal(aborts[0]!.t, 1);
      assert.equal(aborts[0]!.threshold.key, 'http_req_failed');
      assert.equal(summary.outcome, 'aborted-by-threshold');
      // The first evaluation, at 1 s, ends a run planned for 10 s.
      assert.ok(took >= 1000 && took < 2500, `took ${took} ms`);
      assert.ok(target.count('/status') >= 5 && target.count('/status') <= 30, `${target.count('/status')} requests`);
      const failed = summary.thresholds.find((t) => t.key === 'http_req_failed')!;
      assert.equal(failed.ok, false);
      assert.equal(failed.abortedRun, true);
      assert.equal(failed.actual, 1);
      assert.equal(summary.thresholds.find((t) => t.key === 'http_req_duration')!.ok, true);
      assert.deepEqual(
        collected.events.map((e) => e.type),
        ['start', 'aggregate', 'threshold-abort', 'aggregate', 'summary'],
      );
    } finally {
      await target.close();
    }
  });

  test('after the run nothing is left open: the process exits by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'volley-run-exit-'));
    try {
      const script = join(dir, 'child.mts');
      const root = resolve(__dirname, '../..');
      writeFileSync(
        script,
        `import { loadScenario } from ${JSON.stringify(join(root, 'src/engine/scenario/index.ts'))};
import { startRun } from ${JSON.stringify(join(root, 'src/engine/run.ts'))};
import { startTarget } from ${JSON.stringify(join(root, 'test/support/target.ts'))};
const target = await startTarget();
const { plan, diagnostics } = loadScenario(\`baseUrl: \${target.url}
scenarios:
  s:
    executor: constant-arrival-rate
    rate: 10
    timeUnit: 1s
    duration: 1s
    preAllocatedVUs: 2
    maxVUs: 4
    flow:
      - get: /
\`, 'exit.volley.yaml');
if (!plan) throw new Error(JSON.stringify(diagnostics));
const summary = await startRun(plan, { env: {}, onEvent: () => {} }).done;
await target.close();
process.stdout.write('done ' + summary.scenarios[0].iterations + '\\n');
`,
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let doneAt = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (doneAt === 0 && stdout.includes('done')) doneAt = performance.now();
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const killer = setTimeout(() => child.kill(), 15_000);
      const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
      clearTimeout(killer);
      assert.equal(code, 0, stderr);
      assert.equal(stdout.trim(), 'done 10');
      const lingered = performance.now() - doneAt;
      assert.ok(lingered < 500, `the process lingered ${lingered} ms after the run`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
