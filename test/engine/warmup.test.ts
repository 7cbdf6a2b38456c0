// The JIT warm-up before a high-rate arrival-rate run, against a real loopback target that counts what
// reaches it: the warm-up's requests go to its own sink, never to the target; the schedule's clock starts
// after it, so the run still starts exactly its iterations; below the threshold, or turned off, there is
// none; a stop during the warm-up ends the run before its first iteration. Bounded: 2,000/s for 1 s.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startParallelRun } from '../../src/engine/workers/parallel-run';
import { peakArrivalRate, WARM_UP_MIN_RATE, WARM_UP_MS } from '../../src/engine/warmup';
import { FULL_TUPLE, workerShares } from '../../src/engine/segments';
import { startTarget, type Target } from '../support/target';
import { compile, run } from './harness';

let target: Target;
before(async () => {
  target = await startTarget();
});
after(async () => {
  await target.close();
});

const arrival = (rate: number, executor = 'constant-arrival-rate'): string => `name: warm-up test
baseUrl: ${target.url}
scenarios:
  open:
    executor: ${executor}
${
  executor === 'constant-arrival-rate'
    ? `    rate: ${rate}
    duration: 1s`
    : `    startRate: 0
    stages:
      - { target: ${rate}, duration: 1s }`
}
    timeUnit: 1s
    preAllocatedVUs: 20
    maxVUs: 100
    gracefulStop: 2s
    flow:
      - get: /warm?from=run
  closed:
    executor: constant-vus
    vus: 50
    duration: 1s
    flow:
      - get: /closed
`;

const warmUpLines = (events: Array<{ type: string; level?: string; message?: string }>): string[] =>
  events.filter((e) => e.type === 'log' && e.message?.startsWith('warming up')).map((e) => e.message!);

test('the peak arrival rate counts arrival-rate scenarios only, per thread', () => {
  const plan = compile(arrival(4000, 'ramping-arrival-rate'));
  assert.equal(peakArrivalRate(plan.scenarios, undefined), 4000);
  const [first, second] = workerShares(FULL_TUPLE, 2);
  assert.ok(first !== undefined && second !== undefined);
  assert.equal(peakArrivalRate(plan.scenarios, first) + peakArrivalRate(plan.scenarios, second), 4000);
});

test('a 2,000/s run warms up first: its requests never reach the target, and the schedule is whole', async () => {
  const before = target.requests;
  const collected = run(compile(arrival(2000)), { scenarios: ['open'], warmUp: true });
  const { summary } = await collected.finished;
  const lines = warmUpLines(collected.events);
  assert.equal(lines.length, 1, JSON.stringify(collected.events.filter((e) => e.type === 'log')));
  assert.match(lines[0]!, /2,000 iterations\/s: 500 ms against a sink on 127\.0\.0\.1/);
  // Every request at the target is one of the run's own; the warm-up sent none.
  const received = target.received.slice(before);
  assert.ok(received.every((r) => r.url === '/warm?from=run'), 'only the run\'s own requests reach the target');
  const open = summary.scenarios[0]!;
  assert.equal(received.length, open.iterations);
  assert.equal(open.iterations + open.dropped, 2000);
  // The clock started after the warm-up: no request of the run came earlier.
  const firstAt = Math.min(...received.map((r) => r.at)) - collected.startedAt;
  assert.ok(firstAt >= WARM_UP_MS * 0.9, `first request ${firstAt.toFixed(0)} ms after startRun`);
  // The run's own figures start with the schedule, not with the warm-up.
  assert.ok(summary.durationMs < 1000 + WARM_UP_MS * 0.8, `run took ${summary.durationMs} ms`);
  assert.equal(summary.scenarios[0]!.steps[0]!.requests, open.iterations);
});

test('no warm-up below the threshold, for closed models, or when turned off', async () => {
  for (const [scenarios, rate, warmUp] of [
    [['open'], WARM_UP_MIN_RATE / 4, true],
    [['closed'], 4000, true],
    [['open'], 2000, false],
  ] as const) {
    const collected = run(compile(arrival(rate)), { scenarios: [...scenarios], warmUp });
    await collected.finished;
    assert.deepEqual(warmUpLines(collected.events), [], `${scenarios[0]} at ${rate}/s, warmUp ${warmUp}`);
  }
});

test('a stop during the warm-up ends the run before its first iteration', async () => {
  const before = target.requests;
  const collected = run(compile(arrival(3000)), { scenarios: ['open'], warmUp: true });
  setTimeout(() => collected.handle.stop(), 100);
  const { summary } = await collected.finished;
  assert.equal(warmUpLines(collected.events).length, 1);
  assert.equal(summary.outcome, 'stopped');
  assert.equal(summary.scenarios[0]!.iterations, 0);
  assert.equal(target.requests, before);
});

test('worker threads warm up before they report ready; the run is still exactly its schedule', async () => {
  const before = target.requests;
  const text = arrival(4000);
  const events: Array<{ type: string; message?: string }> = [];
  const summary = await startParallelRun(compile(text), {
    env: {},
    workers: 2,
    source: text,
    scenarios: ['open'],
    onEvent: (event) => events.push(event),
  }).done;
  // Each worker's share is 2,000/s: both warm up, and the same line is said once.
  assert.equal(warmUpLines(events).length, 1, JSON.stringify(events.filter((e) => e.type === 'log')));
  const open = summary.scenarios[0]!;
  assert.equal(open.iterations + open.dropped, 4000);
  assert.equal(target.requests - before, open.iterations);
});
