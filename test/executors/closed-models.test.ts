import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rampingVUsSteps } from '../../src/engine/executors';
import { FakeClock } from '../support/fake-clock';
import { finished, runScenario, scenario, sinceBegin } from './harness';

describe('constant-vus and ramping-vus', { concurrency: true }, () => {
  test('constant-vus: the VUs loop back to back for the duration', async () => {
    const harness = runScenario(
      scenario({ type: 'constant-vus', vus: 3, durationMs: 550 }, { gracefulStopMs: 500 }),
      () => 100,
      { clock: new FakeClock() },
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    // All three loop from the start; the first VU to go idle does so when its iteration running at the
    // end of the duration (550 ms) ends, at 600.
    const allBusy = recorder.vus.findIndex((entry) => entry.active === 3);
    assert.deepEqual(recorder.vus[allBusy]!.allocated, 3);
    assert.equal(sinceBegin(harness, recorder.vus[allBusy]!.at), 0);
    assert.equal(sinceBegin(harness, recorder.vus[allBusy + 1]!.at), 600);
    assert.deepEqual(runner.created, [1, 2, 3]);
    // Each VU: iterations at 0, 100, …, 500; none starts at or after 550.
    for (const vu of [1, 2, 3]) {
      const starts = runner.starts.filter((start) => start.vu === vu);
      assert.deepEqual(starts.map((start) => start.iteration), [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(starts.map((start) => sinceBegin(harness, start.at)), [0, 100, 200, 300, 400, 500]);
    }
    assert.equal(recorder.completed, 18);
    assert.equal(recorder.interruptedCount, 0);
    // The last iterations, started at 500 ms, end at 600 ms, within gracefulStop.
    assert.equal(took, 600);
    assert.deepEqual(recorder.vus.at(-1), { at: recorder.vus.at(-1)!.at, active: 0, allocated: 0 });
  });

  test('ramping-vus steps are k6 raw steps: one VU at a time, evenly inside a stage', () => {
    const steps = rampingVUsSteps(0, [
      { durationMs: 400, target: 4 },
      { durationMs: 400, target: 0 },
      { durationMs: 0, target: 2 },
    ]);
    assert.deepEqual(steps, [
      { offsetMs: 0, vus: 0 },
      { offsetMs: 100, vus: 1 },
      { offsetMs: 200, vus: 2 },
      { offsetMs: 300, vus: 3 },
      { offsetMs: 400, vus: 4 },
      { offsetMs: 500, vus: 3 },
      { offsetMs: 600, vus: 2 },
      { offsetMs: 700, vus: 1 },
      { offsetMs: 800, vus: 0 },
      { offsetMs: 800, vus: 2 },
    ]);
  });

  test('ramping-vus: the number of looping VUs follows the stages', async () => {
    const harness = runScenario(
      scenario(
        {
          type: 'ramping-vus',
          startVUs: 0,
          stages: [
            { durationMs: 400, target: 4 },
            { durationMs: 400, target: 0 },
          ],
          gracefulRampDownMs: 100,
        },
        { gracefulStopMs: 100 },
      ),
      () => 20,
      { clock: new FakeClock() },
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    // Looping VUs never go idle between iterations, so every change of `active` is a step: up one VU
    // every 100 ms from 100 ms, then down one every 100 ms from 500 ms (a stopping VU first finishes its
    // 20 ms iteration). The last VU stops with the end of the stages at 800 ms.
    const changes = recorder.vus.filter((entry, i) => i > 0 && entry.active !== recorder.vus[i - 1]!.active);
    assert.deepEqual(
      changes.map((entry) => entry.active),
      [1, 2, 3, 4, 3, 2, 1, 0],
    );
    const due = [100, 200, 300, 400, 500, 600, 700, 800];
    changes.forEach((entry, i) => {
      const at = sinceBegin(harness, entry.at);
      assert.ok(at >= due[i]! && at <= due[i]! + 20, `change ${i} at ${at} ms, due ${due[i]}`);
    });
    assert.equal(recorder.maxAllocated, 4);
    assert.deepEqual(runner.created, [1, 2, 3, 4]);
    assert.equal(recorder.interruptedCount, 0);
    assert.ok(took >= 800 && took <= 820, `took ${took} ms`);
    // The slot stopped first is the highest: VU 4 runs only between 400 and 500 ms.
    const vu4 = runner.starts.filter((start) => start.vu === 4).map((start) => sinceBegin(harness, start.at));
    assert.deepEqual(vu4, [400, 420, 440, 460, 480]);
  });

  test('ramping-vus: a surplus VU finishes its iteration within gracefulRampDown, or is interrupted', async () => {
    // Slot 2 (VU 2) runs 2 s iterations; at 300 ms the VUs drop to 1, so VU 2 is interrupted at 300 + 200.
    // VU 3 runs 120 ms iterations and drops out after the one it runs at 300 ms, uninterrupted.
    const harness = runScenario(
      scenario(
        {
          type: 'ramping-vus',
          startVUs: 3,
          stages: [
            { durationMs: 300, target: 3 },
            { durationMs: 0, target: 1 },
            { durationMs: 400, target: 1 },
          ],
          gracefulRampDownMs: 200,
        },
        { gracefulStopMs: 50 },
      ),
      (vu) => (vu === 2 ? 2000 : vu === 3 ? 120 : 30),
      { clock: new FakeClock() },
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(recorder.interruptedCount, 1);
    assert.equal(runner.interrupts.length, 1);
    assert.equal(runner.interrupts[0]!.vu, 2);
    assert.equal(sinceBegin(harness, runner.interrupts[0]!.at), 500);
    const vu3 = runner.starts.filter((start) => start.vu === 3).map((start) => sinceBegin(harness, start.at));
    assert.deepEqual(vu3, [0, 120, 240]);
    assert.equal(runner.starts.filter((start) => start.vu === 2).length, 1);
    // VU 1's 30 ms iterations: the one running at the end of the stages (700) ends at 720.
    assert.equal(took, 720);
  });
});

describe('constant-vus on the real clock', () => {
  test('iterations without I/O do not starve the timers', async () => {
    const harness = runScenario(scenario({ type: 'constant-vus', vus: 2, durationMs: 200 }), () => 0);
    const took = await finished(harness);
    assert.ok(took < 400, `took ${took} ms`);
    assert.ok(harness.recorder.completed > 1000, `${harness.recorder.completed} iterations`);
  });
});
