import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { finished, runScenario, scenario, SLACK_MS } from './harness';

describe('per-vu-iterations and shared-iterations', { concurrency: true }, () => {
  test('per-vu-iterations: each VU runs exactly its iterations, then the scenario ends early', async () => {
    const harness = runScenario(
      scenario({ type: 'per-vu-iterations', vus: 3, iterations: 4, maxDurationMs: 5000 }),
      (vu) => 10 * vu,
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    for (const vu of [1, 2, 3]) {
      const iterations = runner.starts.filter((start) => start.vu === vu).map((start) => start.iteration);
      assert.deepEqual(iterations, [0, 1, 2, 3]);
    }
    assert.equal(recorder.completed, 12);
    assert.equal(recorder.droppedCount, 0);
    assert.ok(took >= 118 && took < 120 + 2 * SLACK_MS, `took ${took} ms`);
  });

  test('per-vu-iterations: at maxDuration the unstarted iterations count as dropped', async () => {
    // Starts at 0, 100, 200 per VU; at 250 no more; the ones running finish within gracefulStop.
    const harness = runScenario(
      scenario({ type: 'per-vu-iterations', vus: 2, iterations: 10, maxDurationMs: 250 }, { gracefulStopMs: 1000 }),
      () => 100,
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length, 6);
    assert.equal(recorder.completed, 6);
    assert.equal(recorder.droppedCount, 14);
    assert.equal(recorder.interruptedCount, 0);
    assert.ok(took >= 298 && took < 300 + SLACK_MS, `took ${took} ms`);
  });

  test('shared-iterations: the VUs share the total', async () => {
    const harness = runScenario(
      scenario({ type: 'shared-iterations', vus: 3, iterations: 20, maxDurationMs: 5000 }),
      (vu) => (vu === 1 ? 5 : 25),
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length, 20);
    assert.equal(recorder.completed, 20);
    assert.equal(recorder.droppedCount, 0);
    // The fast VU takes more of the shared work.
    const byVU = [1, 2, 3].map((vu) => runner.starts.filter((start) => start.vu === vu).length);
    assert.ok(byVU[0]! > byVU[1]! && byVU[0]! > byVU[2]!, `per VU ${byVU.join('/')}`);
    assert.ok(took < 200 + SLACK_MS, `took ${took} ms`);
  });

  test('shared-iterations: maxDuration drops the rest and gracefulStop 0 interrupts the running ones', async () => {
    const harness = runScenario(
      scenario({ type: 'shared-iterations', vus: 2, iterations: 50, maxDurationMs: 250 }, { gracefulStopMs: 0 }),
      () => 100,
    );
    const took = await finished(harness);
    const { recorder, runner } = harness;
    assert.equal(runner.starts.length, 6);
    assert.equal(recorder.completed, 4);
    assert.equal(recorder.interruptedCount, 2);
    assert.equal(recorder.droppedCount, 44);
    assert.equal(runner.starts.length + recorder.droppedCount, 50);
    assert.ok(took >= 250 && took < 250 + SLACK_MS, `took ${took} ms`);
  });
});
