import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VUIdSequence } from '../../src/engine/executors';
import { clock, finished, runScenario, scenario, sinceBegin, SLACK_MS, startOffsets } from './harness';

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
    const harness = runScenario(scenario(car(4, 500, 2), { gracefulStopMs: 300 }), () => 2000);
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length, 2);
    assert.equal(recorder.interruptedCount, 2);
    assert.equal(recorder.completed, 0);
    assert.equal(runner.interrupts.length, 2);
    for (const interrupt of runner.interrupts) {
      const at = sinceBegin(harness, interrupt.at);
      assert.ok(at >= 800 && at < 800 + SLACK_MS, `interrupted at ${at} ms`);
    }
    assert.ok(took >= 800 && took < 800 + SLACK_MS, `took ${took} ms`);
    assert.deepEqual(runner.closed.sort(), [1, 2]);
  });

  test('gracefulStop: iterations that finish within it count as iterations, and the end waits for them only', async () => {
    const harness = runScenario(scenario(car(4, 500, 2), { gracefulStopMs: 300 }), () => 400);
    const took = await finished(harness);
    assert.equal(harness.recorder.completed, 2);
    assert.equal(harness.recorder.interruptedCount, 0);
    // The second iteration starts at 250 and ends at 650.
    assert.ok(took >= 648 && took < 650 + SLACK_MS, `took ${took} ms`);
  });

  test('startTime: scenarios start at their offsets and VU ids are unique across them', async () => {
    const ids = new VUIdSequence();
    const first = runScenario(scenario(car(10, 300, 2)), () => 5, ids);
    const second = runScenario(scenario(car(10, 300, 2), { name: 'later', startTimeMs: 300 }), () => 5, ids);
    await Promise.all([finished(first), finished(second)]);
    assert.deepEqual(first.runner.created, [1, 2]);
    assert.deepEqual(second.runner.created, [3, 4]);
    assert.equal(startOffsets(second).length, 3);
    const lag = second.began() - second.startedAt;
    assert.ok(lag >= 300 && lag < 300 + SLACK_MS, `the later scenario began ${lag} ms after the run`);
  });

  test('stop() is graceful: no new iterations, running ones finish', async () => {
    const harness = runScenario(scenario({ type: 'constant-vus', vus: 2, durationMs: 5000 }), () => 200);
    setTimeout(() => harness.executor.stop(), 100);
    const took = await finished(harness);
    assert.equal(harness.runner.starts.length, 2);
    assert.equal(harness.recorder.completed, 2);
    assert.equal(harness.recorder.interruptedCount, 0);
    assert.ok(took >= 198 && took < 200 + SLACK_MS, `took ${took} ms`);
  });

  test('stop() then the end of gracefulStop interrupts', async () => {
    const harness = runScenario(
      scenario({ type: 'constant-vus', vus: 2, durationMs: 5000 }, { gracefulStopMs: 100 }),
      () => 1000,
    );
    let stoppedAt = 0;
    setTimeout(() => {
      stoppedAt = clock();
      harness.executor.stop();
    }, 100);
    await harness.executor.done;
    const ended = clock() - stoppedAt;
    assert.equal(harness.recorder.interruptedCount, 2);
    assert.equal(harness.recorder.completed, 0);
    assert.ok(ended >= 99 && ended < 100 + SLACK_MS, `ended ${ended} ms after stop()`);
  });

  test('hardStop() interrupts everything at once', async () => {
    const harness = runScenario(scenario(car(10, 5000, 50)), () => 1000);
    let stoppedAt = 0;
    setTimeout(() => {
      stoppedAt = clock();
      harness.executor.hardStop();
    }, 150);
    await harness.executor.done;
    const ended = clock();
    // Starts at 0 and 100: two running iterations, both cut.
    assert.equal(harness.runner.starts.length, 2);
    assert.equal(harness.recorder.interruptedCount, 2);
    assert.equal(harness.recorder.completed, 0);
    assert.ok(ended - stoppedAt < SLACK_MS, `ended ${ended - stoppedAt} ms after the hard stop`);
    assert.equal(harness.recorder.droppedCount, 0);
  });

  test('stop() before startTime ends the scenario without starting a VU', async () => {
    const harness = runScenario(scenario(car(10, 300, 2), { startTimeMs: 5000 }), () => 5);
    setTimeout(() => harness.executor.stop(), 20);
    const took = await finished(harness);
    assert.ok(took < 100);
    assert.deepEqual(harness.runner.created, []);
  });

  test('a rejected iteration is reported and still counted as an iteration (k6 counts iterations that threw)', async () => {
    const harness = runScenario(scenario({ type: 'shared-iterations', vus: 1, iterations: 3, maxDurationMs: 1000 }), () => 5);
    const runIteration = harness.runner.runIteration.bind(harness.runner);
    harness.runner.runIteration = (vu, iteration) =>
      iteration === 1 ? Promise.reject(new Error('boom')) : runIteration(vu, iteration);
    await finished(harness);
    assert.equal(harness.recorder.completed, 3);
    assert.equal(harness.errors.length, 1);
  });
});
