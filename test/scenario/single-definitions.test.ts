// Rules of the format that used to be written in several places, each now written once. Where the
// copies disagreed, the test here failed on the old code; the others pin that every user reads the one
// definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrivalsOf } from '../../src/engine/estimate/arrivals';
import { plannedDurationMs } from '../../src/engine/executors/index';
import { loadScenario } from '../../src/engine/scenario/index';
import type { ExecutorPlan, Stage } from '../../src/engine/scenario/plan';
import { stagesDurationMs } from '../../src/engine/scenario/stages';

test("one stage-list length: the checker's 0s rule, both ramping executors and the estimator read it", () => {
  const stages: Stage[] = [
    { durationMs: 1500, target: 5 },
    { durationMs: 0, target: 10 },
    { durationMs: 250, target: 0 },
  ];
  assert.equal(stagesDurationMs(stages), 1750);
  assert.equal(stagesDurationMs([]), 0);
  const ramping: ExecutorPlan = { type: 'ramping-arrival-rate', startRate: 1, timeUnitMs: 1000, stages, preAllocatedVUs: 1, maxVUs: 1 };
  assert.equal(plannedDurationMs(ramping), 1750);
  assert.equal(arrivalsOf(ramping).durationMs, 1750);
  assert.equal(plannedDurationMs({ type: 'ramping-vus', startVUs: 1, stages, gracefulRampDownMs: 0 }), 1750);

  const rampingFile = (list: string) => `baseUrl: http://127.0.0.1:7878
scenarios:
  r:
    executor: ramping-vus
    stages: ${list}
    flow: [{ get: / }]
`;
  const codes = (list: string) => loadScenario(rampingFile(list), 'stages.volley.yaml').diagnostics.map((d) => d.code);
  assert.deepEqual(codes('[{ duration: 0s, target: 1 }, { duration: 0ms, target: 2 }]'), ['stages-without-duration']);
  assert.deepEqual(codes('[{ duration: 0s, target: 1 }, { duration: 1ms, target: 2 }]'), []);
});
