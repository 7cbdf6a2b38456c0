import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rampingArrivalRateTotal } from '../../src/engine/executors';
import { RampingArrivalRateSchedule } from '../../src/engine/executors/ramping-arrival-rate';
import type { Stage } from '../../src/engine/scenario/plan';
import { FakeClock } from '../support/fake-clock';
import { finished, runScenario, scenario, startOffsets } from './harness';

function rar(startRate: number, timeUnitMs: number, stages: Stage[], preAllocatedVUs = 10, maxVUs = 10) {
  return { type: 'ramping-arrival-rate' as const, startRate, timeUnitMs, stages, preAllocatedVUs, maxVUs };
}

function allOffsets(schedule: RampingArrivalRateSchedule): number[] {
  const offsets: number[] = [];
  for (let offset = schedule.next(); offset !== Infinity; offset = schedule.next()) offsets.push(offset);
  return offsets;
}

describe('ramping-arrival-rate', { concurrency: true }, () => {
  test('times match k6 (TestRampingArrivalRateCal): iteration n when the area reaches n', () => {
    const stages = [
      { durationMs: 5000, target: 1 },
      { durationMs: 1000, target: 1 },
      { durationMs: 5000, target: 0 },
    ];
    const expected = [3162, 4472, 5500, 6527, 7837, 11000];
    const offsets = allOffsets(new RampingArrivalRateSchedule(rar(0, 1000, stages)));
    assert.equal(offsets.length, expected.length);
    offsets.forEach((offset, i) => assert.ok(Math.abs(offset / expected[i]! - 1) < 0.001, `${offset} vs ${expected[i]}`));

    // The same stages three times as fast (timeUnit 1s/3).
    const fast = [
      1825, 2581, 3162, 3651, 4082, 4472, 4830, 5166, 5499, 5833, 6169, 6527, 6917, 7348, 7837, 8418, 9174, 10999,
    ];
    const fastOffsets = allOffsets(new RampingArrivalRateSchedule(rar(0, 1000 / 3, stages)));
    assert.equal(fastOffsets.length, fast.length);
    fastOffsets.forEach((offset, i) => assert.ok(Math.abs(offset / fast[i]! - 1) < 0.001, `${offset} vs ${fast[i]}`));
  });

  test('counts are the floor of the area under the rate curve', () => {
    assert.equal(rampingArrivalRateTotal(rar(0, 1000, [{ durationMs: 1000, target: 100 }])), 50);
    assert.equal(
      rampingArrivalRateTotal(rar(0, 1000, [{ durationMs: 1000, target: 100 }, { durationMs: 500, target: 100 }])),
      100,
    );
    assert.equal(rampingArrivalRateTotal(rar(10, 1000, [{ durationMs: 2000, target: 10 }])), 20);
    assert.equal(rampingArrivalRateTotal(rar(0, 1000, [{ durationMs: 1000, target: 3 }])), 1); // area 1.5
    assert.equal(rampingArrivalRateTotal(rar(50, 1000, [{ durationMs: 0, target: 200 }])), 0);
    assert.equal(rampingArrivalRateTotal(rar(0, 60_000, [{ durationMs: 60_000, target: 120 }])), 60);
    // Ramp down to 0: area 25.
    assert.equal(rampingArrivalRateTotal(rar(50, 1000, [{ durationMs: 1000, target: 0 }])), 25);
    const down = allOffsets(new RampingArrivalRateSchedule(rar(50, 1000, [{ durationMs: 1000, target: 0 }])));
    assert.equal(down.length, 25);
    assert.ok(Math.abs(down[24]! - 1000) < 1e-3, `the 25th starts at the end: ${down[24]}`);
    for (let i = 1; i < down.length; i++) assert.ok(down[i]! > down[i - 1]!);
  });

  test('a flat rate starts its first iteration one period in (k6), not at 0', () => {
    const offsets = allOffsets(new RampingArrivalRateSchedule(rar(10, 1000, [{ durationMs: 1000, target: 10 }])));
    assert.deepEqual(offsets.map((offset) => Math.round(offset)), [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  test('0→100/s over 1s then 0.5s at 100/s: exactly 100 iterations, on their schedule', async () => {
    const stages = [
      { durationMs: 1000, target: 100 },
      { durationMs: 500, target: 100 },
    ];
    const harness = runScenario(scenario(rar(0, 1000, stages, 30, 30), { gracefulStopMs: 1000 }), () => 5, { clock: new FakeClock() });
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length, 100);
    assert.equal(recorder.completed, 100);
    assert.equal(recorder.droppedCount, 0);
    const offsets = startOffsets(harness);
    for (let n = 1; n <= 100; n++) {
      // Ramp: area(t) = 0.05·t²/1000 → t = √(20000·n); flat: 1000 + (n − 50)·10.
      const due = n <= 50 ? Math.sqrt(20_000 * n) : 1000 + (n - 50) * 10;
      const offset = offsets[n - 1]!;
      // Timers count whole milliseconds: each starts within the millisecond after it is due.
      assert.ok(offset >= due - 0.01 && offset < due + 1, `iteration ${n}: ${offset} ms, due ${due.toFixed(2)}`);
    }
    // The last iteration is due at 1500 itself, and its 5 ms end the scenario.
    assert.equal(took, 1505);
    // The target rate is reported at the start and falls to 0 at the end.
    assert.ok(recorder.rates[0]!.rate < 1, `first target rate ${recorder.rates[0]!.rate}`);
    assert.equal(recorder.rates.at(-1)!.rate, 0);
  });

  test('with VUs short, dropped + started = the area, and VUs grow to maxVUs only', async () => {
    const harness = runScenario(scenario(rar(0, 1000, [{ durationMs: 1000, target: 100 }], 1, 3)), () => 100, { clock: new FakeClock() });
    await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length + recorder.droppedCount, 50);
    // On the fake clock the split is exact: the three 100 ms VUs start 22 of the 50, once all exist.
    assert.equal(recorder.droppedCount, 28);
    assert.deepEqual(runner.created, [1, 2, 3]);
    assert.equal(recorder.maxAllocated, 3);
  });
});
