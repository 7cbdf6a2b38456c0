// The estimate against a Monte Carlo of the executor: the executors' own arrival schedules, durations
// drawn from the measured distribution, and the VU pool's rules (take an idle VU or drop; grow to maxVUs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distributionFromSamples, estimateVUs, inFlight, simulateArrivals, type ArrivalRatePlan } from '../../src/engine/estimate';
import { samplerOf, seededRandom } from '../../src/engine/estimate/simulate';

const random = seededRandom(42);
const jittery = distributionFromSamples(Array.from({ length: 20_000 }, () => 50 + 250 * random()));
const sample = samplerOf(jittery);

function constant(rate: number, durationMs: number, vus: number, maxVUs = vus): ArrivalRatePlan {
  return { type: 'constant-arrival-rate', rate, timeUnitMs: 1000, durationMs, preAllocatedVUs: vus, maxVUs };
}

test('the in-flight distribution the estimate convolves matches the simulated one', () => {
  const plan = constant(200, 5000, 1);
  const model = inFlight(jittery, 5);
  const sim = simulateArrivals(plan, { runs: 20, sample, seed: 1, recordInFlight: true, recordAfterMs: 300 });
  const counts = sim.inFlightCounts!;
  const total = counts.reduce((a, b) => a + b, 0);
  let simMean = 0;
  for (let n = 0; n < counts.length; n++) simMean += (n * counts[n]) / total;
  assert.ok(Math.abs(simMean - model.mean) < 0.15, `mean ${simMean} vs ${model.mean}`);
  // Tail probabilities agree within sampling error (≈ 20 × 940 correlated arrivals).
  for (let n = Math.ceil(model.mean); n < model.mean + 3 * Math.sqrt(model.variance); n++) {
    let simTail = 0;
    for (let k = n; k < counts.length; k++) simTail += counts[k] / total;
    assert.ok(Math.abs(simTail - model.tail(n)) < 0.03, `P(L ≥ ${n}): simulated ${simTail}, model ${model.tail(n)}`);
  }
});

test('with the recommended VUs the simulated runs drop no more often than the target; with k6\'s rule they always drop', () => {
  const target = 0.05;
  const e = estimateVUs(constant(200, 10_000, 1), jittery, { targetDropProbability: target });
  const runs = 300;
  const withRecommended = simulateArrivals(constant(200, 10_000, e.recommendedPreAllocatedVUs), { runs, sample, seed: 2 });
  const withRule = simulateArrivals(constant(200, 10_000, e.k6Rule), { runs, sample, seed: 3 });
  assert.equal(withRule.runsWithDrop, runs);
  assert.ok(withRule.meanDropped > 50, `k6's rule dropped ${withRule.meanDropped} per run`);
  // Binomial(300, 0.05) stays under 26 with probability > 0.999.
  assert.ok(withRecommended.runsWithDrop <= 26, `${withRecommended.runsWithDrop} of ${runs} runs dropped`);

  // Not needlessly many: the union bound costs a few VUs, not tens — a handful fewer and runs do drop.
  const fewer = simulateArrivals(constant(200, 10_000, e.recommendedPreAllocatedVUs - 5), { runs, sample, seed: 4 });
  assert.ok(fewer.runsWithDrop > runs * target, `${fewer.runsWithDrop} runs dropped with ${e.recommendedPreAllocatedVUs - 5} VUs`);
  assert.ok(e.recommendedPreAllocatedVUs < 1.6 * e.meanConcurrency);
});

test('growing to maxVUs after a drop does not save the first drop: preAllocatedVUs is what the target is about', () => {
  const e = estimateVUs(constant(200, 10_000, 1), jittery, { targetDropProbability: 0.05 });
  const growing = simulateArrivals(constant(200, 10_000, e.k6Rule, e.recommendedMaxVUs), { runs: 100, sample, seed: 5 });
  assert.equal(growing.runsWithDrop, 100);
  assert.ok(growing.meanDropped < 30, `the pool grows after a few drops (${growing.meanDropped})`);
});

test('a ramp sized at its peak stays within the target over the whole ramp', () => {
  const ramp: ArrivalRatePlan = {
    type: 'ramping-arrival-rate',
    startRate: 20,
    timeUnitMs: 1000,
    stages: [
      { durationMs: 3000, target: 200 },
      { durationMs: 4000, target: 200 },
      { durationMs: 3000, target: 50 },
    ],
    preAllocatedVUs: 1,
    maxVUs: 1,
  };
  const e = estimateVUs(ramp, jittery, { targetDropProbability: 0.05 });
  const sim = simulateArrivals({ ...ramp, preAllocatedVUs: e.recommendedPreAllocatedVUs, maxVUs: e.recommendedPreAllocatedVUs }, { runs: 200, sample, seed: 6 });
  assert.ok(sim.runsWithDrop <= 18, `${sim.runsWithDrop} of 200 ramps dropped`);
  const rule = simulateArrivals({ ...ramp, preAllocatedVUs: e.k6Rule, maxVUs: e.k6Rule }, { runs: 50, sample, seed: 7 });
  assert.equal(rule.runsWithDrop, 50);
});

test('steady durations: k6\'s rule is already right, and the estimate agrees', () => {
  const steady = distributionFromSamples(Array.from({ length: 1000 }, (_, i) => 100.5 + (i % 10) * 0.05));
  const e = estimateVUs(constant(100, 10_000, 1), steady);
  assert.equal(e.k6Rule, 11); // ceil(100.7 × 100 / 1000)
  assert.equal(e.recommendedPreAllocatedVUs, 11); // 10 earlier ones (ages 10..100 ms) always run, none older
  const sim = simulateArrivals(constant(100, 10_000, 11), { runs: 20, sample: samplerOf(steady), seed: 8 });
  assert.equal(sim.runsWithDrop, 0);
});
