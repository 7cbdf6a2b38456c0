// The estimator on cases small enough to compute by hand: the in-flight count is a sum of Bernoullis
// p_k = P(duration ≥ k × spacing), and the recommendation is the fewest VUs n with
// arrivals × P(in flight ≥ n) ≤ target.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  distributionFromHistogram,
  distributionFromSamples,
  estimateVUs,
  EstimateError,
  explainDroppedIterations,
  inFlight,
  quantile,
  type ArrivalRatePlan,
} from '../../src/engine/estimate';
import { chernoffTail, exactTail } from '../../src/engine/estimate/in-flight';
import { seededRandom } from '../../src/engine/estimate/simulate';
import { newTotalHistogram, encodeHistogram } from '../../src/engine/metrics/hdr';

function constant(rate: number, durationMs: number, timeUnitMs = 1000): ArrivalRatePlan {
  return { type: 'constant-arrival-rate', rate, timeUnitMs, durationMs, preAllocatedVUs: 1, maxVUs: 1 };
}

test('a constant 99 ms at 200/s: 19 earlier iterations are always running, so 20 VUs, as k6\'s rule says', () => {
  const e = estimateVUs(constant(200, 60_000), [99, 99, 99]);
  // spacing 5 ms; ages 5..95 ms are < 99 (p = 1), age 100 ms is not (p = 0).
  assert.equal(e.inFlight.mean, 19);
  assert.equal(e.inFlight.sd, 0);
  assert.equal(e.k6Rule, 20); // ceil(99 × 200 / 1000 = 19.8)
  assert.equal(e.recommendedPreAllocatedVUs, 20);
  assert.equal(e.recommendedMaxVUs, 40); // ceil(99 × 0.2 × 2 = 39.6)
  assert.equal(e.dropProbability.recommended, 0);
  assert.equal(e.arrivals, 12_000);
});

test('two-point durations: in flight is 1 + Binomial(2, ½), and the target picks the VU count', () => {
  // 100/s → spacing 10 ms. p_1 = P(D ≥ 10) = 1, p_2 = P(D ≥ 20) = ½, p_3 = P(D ≥ 30) = ½.
  const samples = [10, 30];
  const model = inFlight(distributionFromSamples(samples), 10);
  assert.equal(model.certain, 1);
  assert.deepEqual(model.groups, [{ p: 0.5, count: 2 }]); // ages 20 and 30 both see P(D ≥ age) = ½
  assert.equal(model.uncertainCount, 2);
  assert.equal(model.tail(1), 1);
  assert.equal(model.tail(2), 0.75);
  assert.equal(model.tail(3), 0.25);
  assert.equal(model.tail(4), 0);

  // 1 s at 100/s: 100 arrivals; 0.1% over 100 → 1e-5 per arrival → only 4 VUs (P(L ≥ 4) = 0) will do.
  const strict = estimateVUs(constant(100, 1000), samples);
  assert.equal(strict.k6Rule, 2); // median of {10, 30} is 20 ms; 20 × 100 / 1000 = 2
  assert.equal(strict.recommendedPreAllocatedVUs, 4);
  assert.equal(strict.dropProbability.k6Rule, 1); // min(1, 100 × 0.75)

  // One arrival (10 ms at 100/s) and a 30% target: P(L ≥ 3) = 0.25 ≤ 0.3 → 3 VUs.
  const loose = estimateVUs(constant(100, 10), samples, { targetDropProbability: 0.3 });
  assert.equal(loose.arrivals, 1);
  assert.equal(loose.recommendedPreAllocatedVUs, 3);
  assert.equal(loose.dropProbability.recommended, 0.25);
});

test('timeUnit 1m: 600 per minute of 450 ms iterations', () => {
  const e = estimateVUs(constant(600, 60_000, 60_000), [450]);
  // spacing 100 ms: ages 100..400 < 450 → 4 always running, age 500 → none.
  assert.equal(e.peakRatePerSecond, 10);
  assert.equal(e.timeUnit, '1m');
  assert.equal(e.k6Rule, 5); // 450 × 600 / 60000 = 4.5
  assert.equal(e.recommendedPreAllocatedVUs, 5);
  assert.equal(e.recommendedMaxVUs, 9); // 450 × 600 / 60000 × 2 = 9
});

test('ramping-arrival-rate is sized at its peak, over all the iterations of its stages', () => {
  const plan: ArrivalRatePlan = {
    type: 'ramping-arrival-rate',
    startRate: 0,
    timeUnitMs: 1000,
    stages: [
      { durationMs: 10_000, target: 100 },
      { durationMs: 10_000, target: 200 },
      { durationMs: 10_000, target: 0 },
    ],
    preAllocatedVUs: 1,
    maxVUs: 1,
  };
  const e = estimateVUs(plan, [99]);
  assert.equal(e.rate, 200);
  assert.equal(e.arrivals, 500 + 1500 + 1000); // the area under the rate curve
  assert.equal(e.k6Rule, 20);
  assert.equal(e.recommendedPreAllocatedVUs, 20);
});

test('the explanation shows the arithmetic', () => {
  const random = seededRandom(5);
  const samples = Array.from({ length: 4000 }, () => 50 + 250 * random());
  const e = estimateVUs(constant(200, 60_000), samples, { scenario: 'browse' });
  assert.equal(e.k6Rule, Math.ceil((quantile(distributionFromSamples(samples), 0.5) * 200) / 1000));
  assert.ok(e.recommendedPreAllocatedVUs > e.k6Rule + 5, `${e.recommendedPreAllocatedVUs} vs ${e.k6Rule}`);
  assert.ok(e.recommendedPreAllocatedVUs < 2 * e.meanConcurrency);
  assert.ok(e.recommendedMaxVUs >= Math.ceil((e.p99IterationMs * 200 * 2) / 1000 - 1e-9));
  assert.ok(e.dropProbability.recommended <= 0.001);
  assert.match(e.explanation, /Scenario browse starts 12,000 iterations, at 200\/s: one every 5 ms/);
  assert.match(e.explanation, new RegExp(`k6's rule: median × rate = \\d+ ms × 200/s = [\\d.]+ → ${e.k6Rule} VUs`));
  assert.match(e.explanation, new RegExp(`→ preAllocatedVUs ${e.recommendedPreAllocatedVUs} \\(k6's rule \\+ ${e.recommendedPreAllocatedVUs - e.k6Rule} for variance\\)`));
  assert.match(e.explanation, new RegExp(`maxVUs: p99 × rate × slowdown = \\d+ ms × 200/s × 2 = [\\d.]+ → ${e.recommendedMaxVUs}`));
});

test('a stricter target or a larger slowdown never asks for fewer VUs', () => {
  const random = seededRandom(9);
  const samples = Array.from({ length: 2000 }, () => 20 + 80 * random() ** 3);
  let previous = 0;
  for (const target of [0.5, 0.1, 0.01, 0.001, 1e-6]) {
    const e = estimateVUs(constant(500, 30_000), samples, { targetDropProbability: target });
    assert.ok(e.recommendedPreAllocatedVUs >= previous);
    previous = e.recommendedPreAllocatedVUs;
  }
  const two = estimateVUs(constant(500, 30_000), samples, { slowdown: 2 });
  const four = estimateVUs(constant(500, 30_000), samples, { slowdown: 4 });
  assert.ok(four.recommendedMaxVUs > two.recommendedMaxVUs);
});

test('an HDR histogram gives the same estimate as its samples (to HDR precision)', () => {
  const random = seededRandom(3);
  const samples = Array.from({ length: 3000 }, () => 50 + 250 * random());
  const h = newTotalHistogram();
  for (const s of samples) h.recordValue(Math.round(s * 1000));
  const fromHist = estimateVUs(constant(200, 60_000), encodeHistogram(h));
  const fromSamples = estimateVUs(constant(200, 60_000), samples);
  assert.equal(fromHist.samples, 3000);
  assert.ok(Math.abs(fromHist.medianIterationMs - fromSamples.medianIterationMs) < 0.5);
  assert.ok(Math.abs(fromHist.recommendedPreAllocatedVUs - fromSamples.recommendedPreAllocatedVUs) <= 1);
  assert.equal(distributionFromHistogram(h).count, 3000);
});

test('the Chernoff bound used for long tails is never below the exact tail, and close to it', () => {
  const random = seededRandom(11);
  const p = Float64Array.from({ length: 300 }, () => random());
  const exact = exactTail(p);
  const bound = chernoffTail(Array.from(p, (x) => ({ p: x, count: 1 })));
  let mean = 0;
  for (const x of p) mean += x;
  for (let j = Math.ceil(mean); j <= 300; j++) {
    assert.ok(bound(j) >= exact(j) * (1 - 1e-9), `j=${j}: ${bound(j)} < ${exact(j)}`);
  }
  // Where recommendations are made (tails of 1e-4 .. 1e-9), the bound costs less than one standard
  // deviation of the in-flight count (it is used only when that count has thousands of uncertain terms).
  let variance = 0;
  for (const x of p) variance += x * (1 - x);
  for (const target of [1e-4, 1e-6, 1e-9]) {
    let nExact = 0;
    while (exact(nExact) > target) nExact++;
    let nBound = 0;
    while (bound(nBound) > target) nBound++;
    assert.ok(nBound >= nExact && nBound - nExact <= Math.sqrt(variance), `target ${target}: ${nBound} vs ${nExact}`);
  }
});

test('a huge rate with a long tail needs no array per arrival: the terms come grouped by measured value', () => {
  // 100,000/s with iterations up to 60 s: six million ages, but only as many groups as distinct values.
  const samples = Array.from({ length: 1000 }, (_, i) => 1 + i * 60);
  const started = performance.now();
  const e = estimateVUs(constant(100_000, 60_000), samples);
  assert.ok(performance.now() - started < 2000);
  assert.equal(e.inFlight.method, 'chernoff');
  assert.ok(e.inFlight.max >= 5_900_000);
  assert.ok(Math.abs(e.inFlight.mean - e.meanConcurrency) / e.meanConcurrency < 0.001);
});

test('a long-tailed distribution at a high rate switches to the bound and stays fast', () => {
  const random = seededRandom(2);
  const samples = Array.from({ length: 20_000 }, () => 5 + 5000 * random() ** 4);
  const started = performance.now();
  const e = estimateVUs(constant(2000, 60_000), samples);
  assert.equal(e.inFlight.method, 'chernoff');
  assert.ok(performance.now() - started < 2000);
  assert.ok(e.recommendedPreAllocatedVUs > e.meanConcurrency && e.recommendedPreAllocatedVUs < 1.5 * e.meanConcurrency);
});

test('a scenario whose rate is 0 needs one VU, and says why', () => {
  const e = estimateVUs(constant(0, 10_000), [100]);
  assert.equal(e.k6Rule, 0);
  assert.equal(e.recommendedPreAllocatedVUs, 1);
  assert.match(e.explanation, /never starts an iteration/);
});

test('bad input is an EstimateError with a plain message', () => {
  assert.throws(() => estimateVUs(constant(10, 1000), []), (err: unknown) => err instanceof EstimateError && /no iteration durations/.test(err.message));
  assert.throws(() => estimateVUs(constant(10, 1000), [5], { targetDropProbability: 2 }), EstimateError);
  assert.throws(() => estimateVUs(constant(10, 1000), [5], { slowdown: 0.5 }), EstimateError);
});

test('after a run: the dropped iterations explained with the recommended numbers', () => {
  const random = seededRandom(4);
  const samples = Array.from({ length: 1000 }, () => 50 + 250 * random());
  const executor: ArrivalRatePlan = { ...constant(200, 60_000), preAllocatedVUs: 20, maxVUs: 30 };
  const x = explainDroppedIterations({ scenario: 'browse', executor, dropped: 840, durations: samples, vusReached: 30 });
  const e = x.estimate;
  assert.match(x.explanation, new RegExp(`^840 iterations dropped in browse: with median \\d+ ms and peak rate 200/s, k6's rule gives \\d+ ms × 200/s = ${e.k6Rule} VUs`));
  assert.match(x.explanation, new RegExp(`needs preAllocatedVUs ${e.recommendedPreAllocatedVUs}`));
  assert.match(x.explanation, /preAllocatedVUs 20 and maxVUs 30 \(30 initialised by the end: the cap was reached\)/);
  assert.match(x.explanation, /30 VUs keep up only while iterations take at most 150 ms, and \d+(\.\d)?% of the measured ones took that long or longer/);
  assert.deepEqual(x.edits, [
    { path: ['scenarios', 'browse', 'preAllocatedVUs'], value: e.recommendedPreAllocatedVUs },
    { path: ['scenarios', 'browse', 'maxVUs'], value: e.recommendedMaxVUs },
  ]);
  assert.equal(x.evidence.dropped, 840);

  const ample = explainDroppedIterations({ scenario: 'browse', executor: { ...executor, preAllocatedVUs: 80, maxVUs: 200 }, dropped: 3, durations: samples });
  assert.equal(ample.edits.length, 0);
  assert.match(ample.explanation, /already enough VUs/);
});
