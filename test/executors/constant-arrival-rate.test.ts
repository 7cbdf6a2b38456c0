import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { constantArrivalRateTotal } from '../../src/engine/executors';
import { ConstantArrivalRateSchedule } from '../../src/engine/executors/constant-arrival-rate';
import { FakeClock } from '../support/fake-clock';
import { finished, runScenario, scenario, SLACK_MS, startOffsets } from './harness';

function car(rate: number, timeUnitMs: number, durationMs: number, preAllocatedVUs: number, maxVUs: number) {
  return { type: 'constant-arrival-rate' as const, rate, timeUnitMs, durationMs, preAllocatedVUs, maxVUs };
}

describe('constant-arrival-rate', { concurrency: true }, () => {
  test('the count is the number of offsets g × timeUnit/rate before the end of duration (k6)', () => {
    assert.equal(constantArrivalRateTotal(car(50, 1000, 1000, 1, 1)), 50);
    assert.equal(constantArrivalRateTotal(car(3, 500, 1000, 1, 1)), 6); // 0, 166.7, …, 833.3
    assert.equal(constantArrivalRateTotal(car(3, 500, 1100, 1, 1)), 7); // … and 1000 < 1100
    assert.equal(constantArrivalRateTotal(car(3, 1000, 1500, 1, 1)), 5); // 0, 333, 667, 1000, 1333
    assert.equal(constantArrivalRateTotal(car(1, 60_000, 60_000, 1, 1)), 1);
    assert.equal(constantArrivalRateTotal(car(7, 1000, 60_000, 1, 1)), 420);
    assert.equal(constantArrivalRateTotal(car(20_000, 1000, 60_000, 1, 1)), 1_200_000);
    const schedule = new ConstantArrivalRateSchedule(car(3, 500, 1000, 1, 1));
    const offsets = Array.from({ length: 7 }, () => schedule.next());
    assert.deepEqual(offsets.slice(0, 6).map(Math.round), [0, 167, 333, 500, 667, 833]);
    assert.equal(offsets[6], Infinity);
  });

  test('rate 50/s over 1s starts exactly 50 iterations, each on its schedule', async () => {
    const harness = runScenario(scenario(car(50, 1000, 1000, 20, 20), { gracefulStopMs: 1000 }), () => 10, { clock: new FakeClock() });
    const took = await finished(harness);
    const { recorder } = harness;
    assert.equal(harness.runner.starts.length, 50);
    assert.equal(recorder.completed, 50);
    assert.equal(recorder.droppedCount, 0);
    assert.equal(recorder.interruptedCount, 0);
    assert.deepEqual(startOffsets(harness), Array.from({ length: 50 }, (_, g) => g * 20));
    assert.deepEqual(recorder.latenesses, Array.from({ length: 50 }, () => 0));
    // The last iteration starts at 980 ms and takes 10: the scenario ends with its duration.
    assert.equal(took, 1000);
    assert.deepEqual(recorder.rates.map((entry) => entry.rate), [50, 0]);
  });

  test('rate 3 per 500ms over 1s starts 6 iterations', async () => {
    const harness = runScenario(scenario(car(3, 500, 1000, 6, 6)), () => 5, { clock: new FakeClock() });
    await finished(harness);
    assert.equal(harness.runner.starts.length, 6);
    // Due at 0, 166.7, 333.3, …: each starts on the first whole millisecond at or after its time.
    assert.deepEqual(startOffsets(harness), [0, 167, 334, 500, 667, 834]);
    assert.equal(harness.recorder.completed, 6);
    assert.deepEqual(harness.recorder.rates[0], { at: harness.recorder.rates[0]!.at, rate: 6 });
  });

  test('with too few VUs iterations are dropped, never retried: started + dropped = scheduled', async () => {
    // One VU busy for 125 ms against a schedule of one start every 50 ms: it can take the points at
    // 0, 150, 300, …; a retry of a dropped iteration would start as the VU frees, 25 ms into a slot.
    const harness = runScenario(scenario(car(20, 1000, 1000, 1, 1)), () => 125, { clock: new FakeClock() });
    await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(recorder.droppedCount, 13);
    assert.equal(runner.starts.length + recorder.droppedCount, 20);
    assert.equal(recorder.completed, runner.starts.length);
    assert.deepEqual(runner.created, [1]);
    assert.equal(recorder.maxAllocated, 1);
    // Starts happen only on schedule points (multiples of 50 ms), never as a retry in between.
    assert.deepEqual(startOffsets(harness), [0, 150, 300, 450, 600, 750, 900]);
  });

  test('a dropped iteration starts one more VU in the background, up to maxVUs and not beyond', async () => {
    const harness = runScenario(scenario(car(50, 1000, 1000, 1, 4)), () => 200, { clock: new FakeClock() });
    await finished(harness);
    const { recorder, runner } = harness;
    assert.deepEqual(runner.created, [1, 2, 3, 4]);
    assert.equal(recorder.maxAllocated, 4);
    assert.ok(runner.maxRunning <= 4);
    assert.equal(runner.starts.length + recorder.droppedCount, 50);
    // Four VUs of 200 ms each carry 20 of the 50 iterations: each drop (20, 60, 100 ms) initialises one
    // more VU, which takes the next point due (40, 80, 120); from then on every VU is busy until 200 ms.
    assert.equal(runner.starts.length, 20);
    assert.deepEqual(startOffsets(harness).slice(0, 5), [0, 40, 80, 120, 200]);
    assert.deepEqual(runner.closed.sort(), [1, 2, 3, 4]);
    assert.deepEqual(recorder.vus.at(-1), { at: recorder.vus.at(-1)!.at, active: 0, allocated: 0 });
  });

  test('enough VUs: none beyond preAllocatedVUs is started', async () => {
    const harness = runScenario(scenario(car(40, 1000, 500, 8, 16)), () => 2, { clock: new FakeClock() });
    await finished(harness);
    assert.deepEqual(harness.runner.created, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(harness.runner.starts.length, 20);
    assert.equal(harness.recorder.droppedCount, 0);
  });

});

// Lateness and catching up are about the real event loop: these run on the real clock. Not concurrent
// with each other: the last one holds the event loop on purpose, which would make the others late.
describe('constant-arrival-rate on the real clock', () => {
  test('rate 50/s over 1s: no start is early, and the median one is less than 5 ms late', async () => {
    // VUs to spare: a stalled event loop on a busy machine must not turn into dropped iterations.
    const harness = runScenario(scenario(car(50, 1000, 1000, 20, 20), { gracefulStopMs: 1000 }), () => 10);
    const took = await finished(harness);
    const { recorder } = harness;
    assert.equal(harness.runner.starts.length, 50);
    assert.equal(recorder.droppedCount, 0);
    assert.equal(recorder.latenesses.length, 50);
    startOffsets(harness).forEach((offset, g) => {
      assert.ok(offset >= g * 20 - 1, `iteration ${g} started early: ${offset.toFixed(2)} ms`);
      assert.ok(offset <= g * 20 + SLACK_MS, `iteration ${g} started late: ${offset.toFixed(2)} ms`);
    });
    const sorted = [...recorder.latenesses].sort((a, b) => a - b);
    assert.ok(sorted[25]! < 5, `median lateness ${sorted[25]} ms`);
    assert.ok(took >= 1000 && took < 1000 + SLACK_MS, `took ${took} ms`);
  });

  test('a high rate keeps an exact count with one timer, catching up each wake-up', async () => {
    // 5000/s: several iterations fall due per millisecond; iterations without I/O.
    const harness = runScenario(scenario(car(5000, 1000, 400, 300, 300)), () => 0);
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length + recorder.droppedCount, 2000);
    assert.equal(recorder.droppedCount, 0);
    assert.equal(recorder.completed, 2000);
    // VUs are reused: no iteration needs one of its own.
    assert.deepEqual(runner.created.length, 300);
    assert.ok(took < 400 + SLACK_MS, `took ${took} ms`);
    const offsets = startOffsets(harness);
    assert.ok(offsets[1999]! >= 399.8 - 1, `the last start at ${offsets[1999]} ms`);
  });

  test('a VU that ends while an iteration is due takes it at once: a busy loop drops nothing while a VU is free', async () => {
    // One VU, one start every 10 ms, and each iteration holds the event loop for 25 ms without I/O: no
    // timer can fire in between, so whenever the VU ends, the next iteration is already due. Started at
    // the schedule's next wake-up instead, those due meanwhile would find the VU still busy and be dropped.
    const busy = (): number => {
      const until = performance.now() + 25;
      while (performance.now() < until);
      return 0;
    };
    const harness = runScenario(scenario(car(100, 1000, 100, 1, 1)), busy);
    await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(recorder.droppedCount, 0);
    assert.equal(runner.starts.length, 10);
    assert.deepEqual(runner.starts.map((s) => s.iteration), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(runner.created, [1]);
    // Every start is measured, late as it is.
    assert.equal(recorder.latenesses.length, 10);
  });
});
