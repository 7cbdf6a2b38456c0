// The fake clock the executor tests rely on: it must keep the timer rules the executors depend on, and
// fail loudly where a real clock would hang or end a loop by itself.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario, scenario } from '../executors/harness';
import { FakeClock } from './fake-clock';

describe('FakeClock', () => {
  test('callbacks run in time order, ties in the order they were armed; a delay below 1 ms is 1 ms (Node)', async () => {
    const clock = new FakeClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 5);
    clock.setTimeout(() => seen.push(`zero@${clock.now()}`), 0);
    clock.setImmediate(() => seen.push(`immediate@${clock.now()}`));
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 5);
    const cleared = clock.setTimeout(() => seen.push('cleared'), 2);
    clock.clearTimeout(cleared);
    await clock.advance(10);
    assert.deepEqual(seen, ['immediate@0', 'zero@1', 'b@5', 'c@5']);
    assert.equal(clock.now(), 10);
  });

  test('the promises a callback sets off settle before the next callback runs', async () => {
    const clock = new FakeClock(0);
    const seen: string[] = [];
    clock.setTimeout(() => void Promise.resolve().then(() => Promise.resolve()).then(() => seen.push('chain')), 1);
    clock.setTimeout(() => seen.push('next'), 1);
    await clock.advance(1);
    assert.deepEqual(seen, ['chain', 'next']);
  });

  test('run() fails when nothing is left to run and the promise has not settled', async () => {
    const clock = new FakeClock(0);
    clock.setTimeout(() => undefined, 50);
    await assert.rejects(clock.run(new Promise(() => undefined)), /fake clock at 50: nothing left to run/);
  });

  test('a schedule that never lets time move fails after maxSteps instead of hanging', async () => {
    // Closed-model iterations without any duration loop on the same instant: only a real clock ends them.
    const clock = new FakeClock(1000, 5000);
    const harness = runScenario(scenario({ type: 'constant-vus', vus: 1, durationMs: 100 }), () => 0, { clock });
    await assert.rejects(clock.run(harness.executor.done), /more than 5000 callbacks, stuck at 1001/);
    harness.executor.hardStop();
  });
});
