import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../support/fake-clock';
import { finished, runScenario, scenario } from './harness';

describe('per-vu-iterations and shared-iterations', { concurrency: true }, () => {
  test('per-vu-iterations: each VU runs exactly its iterations, then the scenario ends early', async () => {
    const harness = runScenario(
      scenario({ type: 'per-vu-iterations', vus: 3, iterations: 4, maxDurationMs: 5000 }),
      (vu) => 10 * vu,
      { clock: new FakeClock() },
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    for (const vu of [1, 2, 3]) {
      const starts = runner.starts.filter((start) => start.vu === vu);
      assert.deepEqual(starts.map((start) => start.iteration), [0, 1, 2, 3]);
      // Back to back: VU n's iterations take 10·n ms.
      assert.deepEqual(starts.map((start) => start.at - harness.began()), [0, 1, 2, 3].map((i) => i * 10 * vu));
    }
    assert.equal(recorder.completed, 12);
    assert.equal(recorder.droppedCount, 0);
    // The slowest VU's four 30 ms iterations: the scenario ends with them, long before maxDuration.
    assert.equal(took, 120);
  });

  test('per-vu-iterations: at maxDuration the unstarted iterations count as dropped', async () => {
    // Starts at 0, 100, 200 per VU; at 250 no more; the ones running finish within gracefulStop.
    const harness = runScenario(
      scenario({ type: 'per-vu-iterations', vus: 2, iterations: 10, maxDurationMs: 250 }, { gracefulStopMs: 1000 }),
      () => 100,
      { clock: new FakeClock() },
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length, 6);
    assert.equal(recorder.completed, 6);
    assert.equal(recorder.droppedCount, 14);
    assert.equal(recorder.interruptedCount, 0);
    assert.equal(took, 300);
  });

  test('shared-iterations: the VUs share the total', async () => {
    const harness = runScenario(
      scenario({ type: 'shared-iterations', vus: 3, iterations: 20, maxDurationMs: 5000 }),
      (vu) => (vu === 1 ? 5 : 25),
      { clock: new FakeClock() },
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length, 20);
    assert.equal(recorder.completed, 20);
    assert.equal(recorder.droppedCount, 0);
    // The fast VU takes more of the shared work: each takes the next iteration as soon as it is free.
    const byVU = [1, 2, 3].map((vu) => runner.starts.filter((start) => start.vu === vu).length);
    assert.deepEqual(byVU, [14, 3, 3]);
    assert.equal(took, 75);
  });

  test('shared-iterations: maxDuration drops the rest and gracefulStop 0 interrupts the running ones', async () => {
    const harness = runScenario(
      scenario({ type: 'shared-iterations', vus: 2, iterations: 50, maxDurationMs: 250 }, { gracefulStopMs: 0 }),
      () => 100,
      { clock: new FakeClock() },
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length, 6);
    assert.equal(recorder.completed, 4);
    assert.equal(recorder.interruptedCount, 2);
    assert.equal(recorder.droppedCount, 44);
    assert.equal(runner.starts.length + recorder.droppedCount, 50);
    // gracefulStop 0 arms a 0 ms timer, which fires 1 ms later (Node's rule, kept by the fake clock).
    assert.equal(took, 251);
  });
});
