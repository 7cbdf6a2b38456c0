import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VUIdSequence } from '../../src/engine/executors';
import { FakeClock } from '../support/fake-clock';
import { finished, runScenario, scenario, sinceBegin, startOffsets } from './harness';

const car = (rate: number, durationMs: number, vus: number) => ({
  type: 'constant-arrival-rate' as const,
  rate,
  timeUnitMs: 1000,
  durationMs,
  preAllocatedVUs: vus,
  maxVUs: vus,
});

describe('gracefulStop, startTime, stop', { concurrency: true }, () => {
  test('gracefulStop: an iteration longer than duration + gracefulStop is interrupted and counted', async () => {
    // Starts at 0 and 250 ms; each would take 2 s; the scenario ends at 500 + 300.
    const harness = runScenario(scenario(car(4, 500, 2), { gracefulStopMs: 300 }), () => 2000, { clock: new FakeClock() });
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length, 2);
    assert.equal(recorder.interruptedCount, 2);
    assert.equal(recorder.completed, 0);
    assert.deepEqual(runner.interrupts.map((interrupt) => sinceBegin(harness, interrupt.at)), [800, 800]);
    assert.equal(took, 800);
    assert.deepEqual(runner.closed.sort(), [1, 2]);
  });

  test('gracefulStop: iterations that finish within it count as iterations, and the end waits for them only', async () => {
    const harness = runScenario(scenario(car(4, 500, 2), { gracefulStopMs: 300 }), () => 400, { clock: new FakeClock() });
    const took = await finished(harness);
    assert.equal(harness.recorder.completed, 2);
    assert.equal(harness.recorder.interruptedCount, 0);
    // The second iteration starts at 250 and ends at 650.
    assert.equal(took, 650);
  });

  test('startTime: scenarios start at their offsets and VU ids are unique across them', async () => {
    const clock = new FakeClock();
    const vuIds = new VUIdSequence();
    const first = runScenario(scenario(car(10, 300, 2)), () => 5, { clock, vuIds });
    const second = runScenario(scenario(car(10, 300, 2), { name: 'later', startTimeMs: 300 }), () => 5, { clock, vuIds });
    await clock.run(Promise.all([first.executor.done, second.executor.done]));
    assert.deepEqual(first.runner.created, [1, 2]);
    assert.deepEqual(second.runner.created, [3, 4]);
    assert.deepEqual(startOffsets(second), [0, 100, 200]);
    assert.equal(second.began() - second.startedAt, 300);
  });

  test('stop() is graceful: no new iterations, running ones finish', async () => {
    const clock = new FakeClock();
    const harness = runScenario(scenario({ type: 'constant-vus', vus: 2, durationMs: 5000 }), () => 200, { clock });
    clock.setTimeout(() => harness.executor.stop(), 100);
    const took = await finished(harness);
    assert.equal(harness.runner.starts.length, 2);
    assert.equal(harness.recorder.completed, 2);
    assert.equal(harness.recorder.interruptedCount, 0);
    // From the scenario's beginning: the two iterations' 200 ms, nothing after them.
    assert.equal(took, 200);
  });

  test('stop() then the end of gracefulStop interrupts', async () => {
    const clock = new FakeClock();
    const harness = runScenario(
      scenario({ type: 'constant-vus', vus: 2, durationMs: 5000 }, { gracefulStopMs: 100 }),
      () => 1000,
      { clock },
    );
    let stoppedAt = 0;
    clock.setTimeout(() => {
      stoppedAt = clock.now();
      harness.executor.stop();
    }, 100);
    await clock.run(harness.executor.done);
    assert.equal(harness.recorder.interruptedCount, 2);
    assert.equal(harness.recorder.completed, 0);
    assert.deepEqual(harness.runner.interrupts.map((interrupt) => interrupt.at - stoppedAt), [100, 100]);
    assert.equal(clock.now() - stoppedAt, 100);
  });

  test('hardStop() interrupts everything at once', async () => {
    const clock = new FakeClock();
    const harness = runScenario(scenario(car(10, 5000, 50)), () => 1000, { clock });
    clock.setTimeout(() => harness.executor.hardStop(), 150);
    await clock.run(harness.executor.done);
    // Starts at 0 and 100: two running iterations, both cut at once, and the scenario ends there.
    assert.deepEqual(startOffsets(harness), [0, 100]);
    assert.equal(harness.recorder.interruptedCount, 2);
    assert.equal(harness.recorder.completed, 0);
    assert.deepEqual(harness.runner.interrupts.map((interrupt) => interrupt.at - harness.startedAt), [150, 150]);
    assert.equal(clock.now() - harness.startedAt, 150);
    assert.equal(harness.recorder.droppedCount, 0);
  });

  test('stop() before startTime ends the scenario without starting a VU', async () => {
    const clock = new FakeClock();
    const harness = runScenario(scenario(car(10, 300, 2), { startTimeMs: 5000 }), () => 5, { clock });
    clock.setTimeout(() => harness.executor.stop(), 20);
    const took = await finished(harness);
    assert.equal(took, 20);
    assert.equal(harness.executor.beganAt, undefined);
    assert.deepEqual(harness.runner.created, []);
    // The startTime timer is cleared with the stop: nothing is left to fire.
    assert.equal(clock.pending, 0);
  });

  test('a rejected iteration is reported and still counted as an iteration (k6 counts iterations that threw)', async () => {
    const harness = runScenario(scenario({ type: 'shared-iterations', vus: 1, iterations: 3, maxDurationMs: 1000 }), () => 5, {
      clock: new FakeClock(),
    });
    const runIteration = harness.runner.runIteration.bind(harness.runner);
    harness.runner.runIteration = (vu, iteration) =>
      iteration === 1 ? Promise.reject(new Error('boom')) : runIteration(vu, iteration);
    await finished(harness);
    assert.equal(harness.recorder.completed, 3);
    assert.equal(harness.errors.length, 1);
  });
});
