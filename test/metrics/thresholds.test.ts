import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '../../src/engine/metrics/registry';
import { evaluateThresholds, shouldAbort, thresholdProblem } from '../../src/engine/thresholds';
import type { ThresholdPlan } from '../../src/engine/scenario/plan';
import { plan, threshold, timings } from './helpers';

const PLAN = plan({ browse: ['list', { name: 'add', method: 'POST' }], admin: ['list'] });

/** 10 requests of 0.2..2 ms (exact HDR buckets) on browse/list, 2 of them failed; 4 checks (3 pass); 5 iterations; 2 VUs of 4. */
function registry(): MetricsRegistry {
  const r = new MetricsRegistry(PLAN);
  const s = r.scenario(0);
  s.setVUs(2, 4);
  r.tick(1); // vus and vus_max are sampled once a second, as k6 samples them
  for (let i = 1; i <= 10; i++) s.step(0).request(i > 8 ? 500 : 200, i > 8, i > 8 ? 'http-status' : undefined, timings(i / 5), 100, 1000);
  for (const ok of [true, true, true, false]) s.step(0).check(ok);
  for (let i = 0; i < 5; i++) s.iteration(10);
  return r;
}

function run(thresholds: ThresholdPlan[], final = true, elapsedMs = 10_000) {
  return evaluateThresholds(thresholds, registry(), elapsedMs, final);
}

describe('evaluateThresholds', () => {
  it('evaluates every aggregation with k6 semantics and reports the actual value', () => {
    const cases: Array<[string, string, boolean, number]> = [
      ['http_reqs', 'count==10', true, 10],
      ['http_reqs', 'rate>=1', true, 1],
      ['http_reqs', 'rate>1', false, 1],
      ['http_req_failed', 'rate<0.1', false, 0.2],
      ['http_req_failed', 'rate<=0.2', true, 0.2],
      ['checks', 'rate>0.7', true, 0.75],
      ['vus', 'value==2', true, 2],
      ['vus_max', 'value!=4', false, 4],
      ['http_req_duration', 'avg<2', true, 1.1],
      ['http_req_duration', 'min===0.2', true, 0.2],
      ['http_req_duration', 'max<2', false, 2],
      ['http_req_duration', 'med>1.05', true, 1.1],
      ['http_req_duration', 'p(90)<1.83', true, 1.82],
      ['http_req_duration', 'p(99.9)>=1.99', true, 1.9982],
      ['iterations', 'count>4', true, 5],
      ['data_received', 'count==10000', true, 10000],
    ];
    const results = run(cases.map(([key, source]) => threshold(key, source)));
    cases.forEach(([key, source, ok, actual], i) => {
      assert.equal(results[i].key, key);
      assert.equal(results[i].source, source);
      assert.equal(results[i].ok, ok, `${key}: ${source} → ${results[i].actual}`);
      assert.ok(Math.abs(results[i].actual! - actual) < 1e-9, `${key}: ${source} actual ${results[i].actual}, expected ${actual}`);
    });
  });

  it('applies tag filters', () => {
    const results = run([
      threshold('http_reqs{scenario:admin}', 'count<1'),
      threshold('http_reqs{step:list}', 'count==10'),
      threshold('http_reqs{status:500}', 'count==2'),
      threshold('http_req_duration{expected_response:true}', 'max<=1.6'),
      threshold('http_req_failed{scenario:browse,step:list}', 'rate==0.2'),
      threshold('http_req_duration{method:POST}', 'p(95)<1'),
    ]);
    assert.deepEqual(
      results.map((r) => [r.ok, r.actual]),
      [
        [true, undefined], // no samples at the end: k6's empty counter is 0, and 0 < 1
        [true, 10],
        [true, 2],
        [true, 1.6],
        [true, 0.2],
        [true, undefined],
      ],
    );
  });

  it('skips metrics without samples during the run, and evaluates them as zero at the end (k6)', () => {
    const thresholds = [
      threshold('dropped_iterations', 'count==0'),
      threshold('interrupted_iterations', 'count>0'),
      threshold('http_req_duration{scenario:admin}', 'p(95)<300'),
      threshold('http_req_failed{scenario:admin}', 'rate>0.9'),
    ];
    const midRun = run(thresholds, false);
    assert.deepEqual(midRun.map((r) => [r.ok, r.actual]), [[true, undefined], [true, undefined], [true, undefined], [true, undefined]]);
    const final = run(thresholds, true);
    assert.deepEqual(final.map((r) => [r.ok, r.actual]), [[true, undefined], [false, undefined], [true, undefined], [false, undefined]]);
  });

  it('fails a threshold it can never evaluate at the end, without aborting midway', () => {
    const bad = threshold('http_req_waiting{status:200}', 'avg<100', { abortOnFail: true });
    const typo = { ...threshold('http_reqs', 'count>1'), metric: 'http_requests', key: 'http_requests' };
    const wrongAggregation = { ...threshold('http_reqs', 'count>1'), aggregation: { kind: 'avg' as const } };
    const r = registry();
    assert.match(thresholdProblem(bad, r)!, /cannot be filtered by "status"/);
    assert.match(thresholdProblem(typo, r)!, /unknown metric "http_requests"/);
    assert.match(thresholdProblem(wrongAggregation, r)!, /avg does not apply to http_reqs, a counter/);
    assert.equal(thresholdProblem(threshold('http_req_duration{step:list}', 'p(95)<1'), r), undefined);
    const midRun = evaluateThresholds([bad, typo, wrongAggregation], r, 5000, false);
    assert.deepEqual(midRun.map((x) => x.ok), [true, true, true]);
    assert.equal(shouldAbort(midRun, [bad, typo, wrongAggregation], 5000), undefined);
    assert.deepEqual(evaluateThresholds([bad, typo, wrongAggregation], r, 5000, true).map((x) => x.ok), [false, false, false]);
  });
});

describe('shouldAbort', () => {
  const failing = threshold('http_req_failed', 'rate<0.1', { abortOnFail: true, delayAbortEvalMs: 10_000 });
  const failingNoAbort = threshold('http_req_duration', 'max<1');
  const passing = threshold('http_reqs', 'count>1', { abortOnFail: true });

  it('aborts on a failed abortOnFail threshold once delayAbortEval has passed', () => {
    const thresholds = [failingNoAbort, passing, failing];
    const early = run(thresholds, false, 9_000);
    assert.deepEqual(early.map((r) => r.ok), [false, true, false]);
    assert.equal(shouldAbort(early, thresholds, 9_000), undefined, 'within delayAbortEval');
    const late = run(thresholds, false, 10_001);
    const aborting = shouldAbort(late, thresholds, 10_001);
    assert.equal(aborting?.key, 'http_req_failed');
    assert.equal(aborting?.abortedRun, true);
    assert.equal(late[2].abortedRun, true, 'marked in the results');
    assert.equal(late[0].abortedRun, undefined);
  });

  it('aborts at once without delayAbortEval, never for thresholds without abortOnFail', () => {
    const now = threshold('http_req_failed', 'rate<0.1', { abortOnFail: true });
    assert.equal(shouldAbort(run([now], false, 1), [now], 1)?.source, 'rate<0.1');
    assert.equal(shouldAbort(run([failingNoAbort], false, 60_000), [failingNoAbort], 60_000), undefined);
  });

  it('keeps the abort mark in the final evaluation', () => {
    const final = evaluateThresholds([failingNoAbort, failing], registry(), 12_000, true, { key: failing.key, source: failing.source });
    assert.deepEqual(final.map((r) => r.abortedRun), [undefined, true]);
  });
});
