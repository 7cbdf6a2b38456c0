import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry, trendsToStock } from '../../src/engine/metrics/registry';
import { decodeHistograms, histogramKey, histogramStats, mergeEncodedHistograms, parseHistogramKey } from '../../src/engine/metrics/histograms';
import type { ScenarioFigures, TrendStats } from '../../src/protocol';
import { exactQuantile, plan, timings } from './helpers';
import { histogramsInStock, stockHistograms } from '../../src/engine/metrics/hdr';

/** HDR with 3 significant digits: a bucket spans at most 1/1024 of its value. */
function close(actual: number, expected: number, what: string): void {
  const tolerance = Math.max(Math.abs(expected) * 0.002, 0.0011);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

function assertStats(stats: TrendStats, values: number[], what: string): void {
  assert.equal(stats.count, values.length, `${what} count`);
  close(stats.avg, values.reduce((a, b) => a + b, 0) / values.length, `${what} avg`);
  assert.equal(stats.min, Math.min(...values), `${what} min is exact`);
  assert.equal(stats.max, Math.max(...values), `${what} max is exact`);
  close(stats.med, exactQuantile(values, 0.5), `${what} med`);
  close(stats.p90, exactQuantile(values, 0.9), `${what} p90`);
  close(stats.p95, exactQuantile(values, 0.95), `${what} p95`);
  close(stats.p99, exactQuantile(values, 0.99), `${what} p99`);
}

/** A deterministic spread of latencies from 0.05 ms to ~3 s. */
function latencies(n: number, seed = 1): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(Math.round(Math.exp((x / 2147483648) * 11) * 50) / 1000);
  }
  return out;
}

describe('MetricsRegistry figures', () => {
  it('computes k6 trend stats exactly below 2.048 ms (HDR unit buckets)', () => {
    const r = new MetricsRegistry(plan({ s: ['a'] }));
    const step = r.scenario(0).step(0);
    const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];
    for (const v of values) step.request(200, false, undefined, timings(v), 10, 20);
    const d = r.tick(1)[0].steps[0].duration;
    // k6 interpolates between the neighbouring samples: the median of ten is halfway between the 5th and 6th.
    assert.deepEqual(
      { count: d.count, min: d.min, max: d.max },
      { count: 10, min: 0.1, max: 1.0 },
    );
    assert.ok(Math.abs(d.avg - 0.55) < 1e-12);
    assert.ok(Math.abs(d.med - 0.55) < 1e-12);
    assert.ok(Math.abs(d.p90 - 0.91) < 1e-9, `p90 ${d.p90}`);
    assert.ok(Math.abs(d.p95 - 0.955) < 1e-9, `p95 ${d.p95}`);
    assert.ok(Math.abs(d.p99 - 0.991) < 1e-9, `p99 ${d.p99}`);
  });

  it('matches hand-computed percentiles of a wide sample set within HDR precision', () => {
    const r = new MetricsRegistry(plan({ s: ['a'] }));
    const step = r.scenario(0).step(0);
    const values = latencies(5000);
    for (const v of values) step.request(200, false, undefined, timings(v, { blocked: v / 10 }), 0, 0);
    const f = r.totals()[0].steps[0];
    assertStats(f.duration, values, 'duration');
    assertStats(f.phases.blocked, values.map((v) => v / 10), 'blocked');
  });

  it('reports one sample and no sample the way k6 does', () => {
    const r = new MetricsRegistry(plan({ s: ['a'] }));
    const empty = r.tick(1)[0].steps[0].duration;
    assert.deepEqual(empty, { count: 0, avg: 0, min: 0, med: 0, max: 0, p90: 0, p95: 0, p99: 0 });
    r.scenario(0).step(0).request(200, false, undefined, timings(123.456), 0, 0);
    const one = r.tick(2)[0].steps[0].duration;
    assert.deepEqual(one, { count: 1, avg: 123.456, min: 123.456, med: 123.456, max: 123.456, p90: 123.456, p95: 123.456, p99: 123.456 });
  });

  it('counts requests, failures, error classes, statuses, checks and bytes per step', () => {
    const r = new MetricsRegistry(plan({ s: [{ name: 'a', checks: ['ok', 'has id'] }, { think: 100 }, 'b'] }));
    const sc = r.scenario(0);
    const a = sc.step(0);
    a.request(200, false, undefined, timings(1), 100, 1000);
    a.request(503, true, 'http-status', timings(2), 100, 50);
    a.request(0, true, 'reset', timings(3), 100, 0);
    a.request(0, true, 'reset', timings(4), 100, 0);
    a.check(true, 0);
    a.check(false, 0);
    a.check(true, 1);
    a.check(true);
    sc.step(2).request(204, false, undefined, timings(1), 7, 0);
    const [fig] = r.tick(1);
    const sa = fig.steps[0];
    assert.equal(fig.steps.length, 2, 'think steps have no figures');
    assert.deepEqual(
      { step: sa.step, index: sa.stepIndex, requests: sa.requests, failed: sa.failed, errors: sa.errors, statuses: sa.statuses },
      { step: 'a', index: 0, requests: 4, failed: 3, errors: { 'http-status': 1, reset: 2 }, statuses: { '0': 2, '200': 1, '503': 1 } },
    );
    assert.deepEqual([sa.checksPassed, sa.checksFailed, sa.dataSent, sa.dataReceived], [3, 1, 400, 1050]);
    assert.deepEqual(r.checks(), [
      { scenario: 's', step: 'a', name: 'ok', passes: 1, fails: 1 },
      { scenario: 's', step: 'a', name: 'has id', passes: 1, fails: 0 },
    ]);
    assert.equal(fig.steps[1].stepIndex, 2);
    assert.throws(() => sc.step(1), /not a request step/);
  });

  it('keeps iterations, dropped, interrupted, lateness, VUs and target rate per scenario', () => {
    const r = new MetricsRegistry(plan({ one: ['a'], two: ['b'] }));
    const one = r.scenario(0);
    const two = r.scenario(1);
    one.setVUs(2, 5);
    two.setVUs(1, 1);
    one.iteration(10);
    one.iteration(30);
    one.interrupted();
    one.dropped();
    one.dropped(4);
    one.lateness(0);
    one.lateness(8);
    one.setTargetRate(50);
    one.setVUs(4, 6);
    const [f1, f2] = r.tick(1);
    assert.deepEqual(
      [f1.iterations, f1.dropped, f1.interrupted, f1.iterationDuration.count, f1.iterationDuration.avg, f1.lateness.max],
      [2, 5, 1, 2, 20, 8],
    );
    assert.deepEqual([f1.vusActive, f1.vusAllocated, f1.vusMax, f1.targetRate], [4, 6, 6, 50]);
    assert.equal(f2.targetRate, undefined);
    assert.deepEqual([f2.vusActive, f2.vusAllocated], [1, 1]);
    one.setVUs(0, 6);
    const [t1] = r.totals();
    assert.deepEqual([t1.vusActive, t1.vusAllocated, t1.vusMax], [4, 6, 6], 'totals show the peaks');
    // k6's vus / vus_max are the sums over scenarios, sampled once a second (at the tick), not at every change.
    assert.equal(r.metricValue('vus', {}, { kind: 'value' }), 5);
    assert.equal(r.metricValue('vus_max', {}, { kind: 'value' }), 7);
    assert.deepEqual([r.vus.samples, r.vus.min, r.vus.max], [1, 5, 5]);
    r.tick(2);
    assert.deepEqual([r.vus.value, r.vus.min, r.vus.max, r.vusMax.value, r.vusMax.max], [1, 1, 5, 7, 7]);
    assert.equal(r.metricValue('vus', { scenario: 'two' }, { kind: 'value' }), 1);
    // The VUs close at the end of the run: the seconds after are not sampled, so the last samples stay.
    one.setVUs(0, 0);
    two.setVUs(0, 0);
    r.tick(3);
    assert.deepEqual([r.vus.value, r.vusMax.value, r.vusMax.samples], [1, 7, 2]);
  });

  it('samples vus and vus_max once even when the run ends within its first second', () => {
    const r = new MetricsRegistry(plan({ one: ['a'] }));
    const one = r.scenario(0);
    one.setVUs(3, 3);
    one.setVUs(0, 3);
    one.setVUs(0, 0);
    r.tick(1);
    assert.deepEqual([r.vus.value, r.vusMax.value, r.vusMax.samples], [0, 3, 1]);
  });

  it('ticks add up to the totals, and a tick only covers its own second', () => {
    const r = new MetricsRegistry(plan({ s: ['a', 'b'] }));
    const sc = r.scenario(0);
    const all: number[] = [];
    const ticks: ScenarioFigures[] = [];
    const values = latencies(3000, 7);
    for (let second = 0; second < 6; second++) {
      for (let i = second * 500; i < (second + 1) * 500; i++) {
        const v = values[i];
        const failed = i % 17 === 0;
        sc.step(i % 2 === 0 ? 0 : 2 - 1).request(failed ? 500 : 200, failed, failed ? 'http-status' : undefined, timings(v), 10, 100);
        if (i % 2 === 0) all.push(v);
        sc.iteration(v * 2);
      }
      if (second === 3) sc.dropped(2);
      ticks.push(r.tick(second + 1)[0]);
    }
    sc.step(0).request(200, false, undefined, timings(0.5), 10, 100); // in the open window: totals include it
    all.push(0.5);
    const total = r.totals()[0];
    const sum = (pick: (f: ScenarioFigures) => number): number => ticks.reduce((n, f) => n + pick(f), 0);
    assert.equal(total.iterations, sum((f) => f.iterations));
    assert.equal(total.dropped, 2);
    assert.equal(sum((f) => f.dropped), 2);
    for (const i of [0, 1]) {
      assert.equal(total.steps[i].requests, sum((f) => f.steps[i].requests) + (i === 0 ? 1 : 0));
      assert.equal(total.steps[i].failed, sum((f) => f.steps[i].failed));
      assert.equal(total.steps[i].errors['http-status'], sum((f) => f.steps[i].errors['http-status'] ?? 0));
      assert.equal(total.steps[i].statuses['500'], sum((f) => f.steps[i].statuses['500'] ?? 0));
      assert.equal(total.steps[i].dataReceived, sum((f) => f.steps[i].dataReceived) + (i === 0 ? 100 : 0));
      assert.equal(total.steps[i].duration.count, sum((f) => f.steps[i].duration.count) + (i === 0 ? 1 : 0));
    }
    assert.equal(total.steps[0].duration.max, Math.max(...ticks.map((f) => f.steps[0].duration.max)));
    assert.equal(total.steps[0].duration.min, Math.min(...all));
    assertStats(total.steps[0].duration, all, 'total duration of step a');
    assertStats(ticks[2].steps[0].duration, values.slice(1000, 1500).filter((_, i) => i % 2 === 0), 'third second of step a');
    const idle = r.tick(7)[0];
    assert.equal(idle.steps[0].requests, 1);
    assert.equal(r.tick(8)[0].steps[0].requests, 0, 'an idle second reports zero');
    assert.equal(r.totals()[0].steps[0].requests, total.steps[0].requests);
  });
});

describe('MetricsRegistry.metricValue', () => {
  function populated(): MetricsRegistry {
    const r = new MetricsRegistry(plan({ browse: ['list', { name: 'add', method: 'POST' }], admin: ['list'] }), { now: () => 0 });
    const browse = r.scenario(0);
    const admin = r.scenario(1);
    for (let i = 1; i <= 100; i++) browse.step(0).request(200, false, undefined, timings(i / 100), 10, 100);
    r.tick(1); // half of the samples are in the run totals, half in the open window
    for (let i = 1; i <= 10; i++) browse.step(1).request(i <= 2 ? 500 : 201, i <= 2, i <= 2 ? 'http-status' : undefined, timings(i), 20, 200);
    for (let i = 1; i <= 20; i++) admin.step(0).request(200, false, undefined, timings(100 + i), 30, 300);
    browse.step(0).check(true);
    browse.step(1).check(false);
    browse.iteration(5);
    browse.iteration(15);
    return r;
  }

  it('aggregates counters, rates and trends over the matching series', () => {
    const r = populated();
    const v = (metric: string, tags: Record<string, string>, kind: string, p?: number): number | undefined =>
      r.metricValue(metric, tags, (kind === 'percentile' ? { kind, p: p! } : { kind }) as never, 10_000);
    assert.equal(v('http_reqs', {}, 'count'), 130);
    assert.equal(v('http_reqs', {}, 'rate'), 13);
    assert.equal(v('http_reqs', { scenario: 'browse' }, 'count'), 110);
    assert.equal(v('http_reqs', { step: 'list' }, 'count'), 120, 'a step name may occur in several scenarios');
    assert.equal(v('http_reqs', { scenario: 'admin', step: 'list' }, 'count'), 20);
    assert.equal(v('http_reqs', { method: 'POST' }, 'count'), 10);
    assert.equal(v('http_reqs', { status: '500' }, 'count'), 2);
    assert.equal(v('http_reqs', { status: '201' }, 'count'), 8);
    assert.equal(v('http_reqs', { expected_response: 'true' }, 'count'), 128);
    assert.equal(v('http_req_failed', {}, 'rate'), 2 / 130);
    assert.equal(v('http_req_failed', { step: 'add' }, 'rate'), 0.2);
    assert.equal(v('http_req_failed', { expected_response: 'true' }, 'rate'), 0);
    assert.equal(v('checks', {}, 'rate'), 0.5);
    assert.equal(v('data_sent', {}, 'count'), 100 * 10 + 10 * 20 + 20 * 30);
    assert.equal(v('data_received', { scenario: 'admin' }, 'rate'), 600);
    assert.equal(v('iterations', {}, 'count'), 2);
    assert.equal(v('iteration_duration', { scenario: 'browse' }, 'avg'), 10);
    assert.equal(v('http_req_duration', { step: 'add' }, 'min'), 1);
    assert.equal(v('http_req_duration', { step: 'add' }, 'max'), 10);
    close(v('http_req_duration', { step: 'add' }, 'med')!, 5.5, 'med of 1..10 ms');
    assert.equal(v('http_req_duration', { step: 'add', expected_response: 'true' }, 'min'), 3);
    assert.equal(v('http_req_duration', { step: 'add', expected_response: 'false' }, 'max'), 2);
    assert.equal(v('http_req_duration', { scenario: 'admin' }, 'avg'), 110.5);
    // Run totals and the open window merge: 1..100 hundredths of a ms (exact buckets).
    assert.ok(Math.abs(v('http_req_duration', { scenario: 'browse', step: 'list' }, 'percentile', 90)! - 0.901) < 1e-12);
    const all = [...Array.from({ length: 100 }, (_, i) => (i + 1) / 100), ...Array.from({ length: 10 }, (_, i) => i + 1), ...Array.from({ length: 20 }, (_, i) => 101 + i)];
    close(v('http_req_duration', {}, 'percentile', 95)!, exactQuantile(all, 0.95), 'p(95) over all steps');
    close(v('http_req_waiting', {}, 'avg')!, all.reduce((a, b) => a + b, 0) / all.length, 'waiting avg');
  });

  it('is undefined without samples, for unsupported filters and for aggregations of another type', () => {
    const r = populated();
    assert.equal(r.metricValue('dropped_iterations', {}, { kind: 'count' }, 1000), undefined);
    assert.equal(r.metricValue('http_reqs', { scenario: 'nope' }, { kind: 'count' }, 1000), undefined);
    assert.equal(r.metricValue('http_reqs', { status: '404' }, { kind: 'count' }, 1000), undefined);
    assert.equal(r.metricValue('iteration_duration', { scenario: 'admin' }, { kind: 'avg' }), undefined);
    assert.equal(r.metricValue('http_req_waiting', { status: '200' }, { kind: 'avg' }), undefined);
    assert.equal(r.metricValue('iterations', { step: 'list' }, { kind: 'count' }), undefined);
    assert.equal(r.metricValue('http_reqs', {}, { kind: 'avg' }), undefined);
    assert.equal(r.metricValue('no_such_metric', {}, { kind: 'count' }), undefined);
    assert.match(r.filterProblem('http_req_waiting', { status: '200' })!, /cannot be filtered by "status"/);
    assert.match(r.filterProblem('iterations', { step: 'x' })!, /it can be by scenario/);
    assert.equal(r.filterProblem('http_req_duration', { scenario: 'x', step: 'y', method: 'GET', expected_response: 'true' }), undefined);
    assert.match(r.filterWarning({ step: 'lst' })!, /no request step is named "lst"/);
    assert.equal(r.filterWarning({ scenario: 'admin', step: 'list' }), undefined);
  });

  it('uses its own clock for counter rates when no elapsed time is given', () => {
    let now = 1000;
    const r = new MetricsRegistry(plan({ s: ['a'] }), { now: () => now });
    r.scenario(0).step(0).request(200, false, undefined, timings(1), 0, 0);
    now = 3000;
    assert.equal(r.metricValue('http_reqs', {}, { kind: 'rate' }), 0.5);
  });
});

describe('histogram exchange', () => {
  it('round-trips through base64 and merges runs exactly', () => {
    const p = plan({ s: ['a', 'b'] });
    const left = new MetricsRegistry(p);
    const right = new MetricsRegistry(p);
    const both = new MetricsRegistry(p);
    const values = latencies(4000, 3);
    values.forEach((v, i) => {
      const target = i % 3 === 0 ? left : right;
      for (const r of [target, both]) {
        r.scenario(0).step(i % 2).request(i % 11 === 0 ? 500 : 200, i % 11 === 0, undefined, timings(v, { connecting: v / 3 }), 0, 0);
        r.scenario(0).iteration(v * 4);
      }
      if (i === 2000) for (const r of [left, right, both]) r.tick(1);
    });
    const encoded = left.encodeHistograms();
    const key = histogramKey('http_req_duration', [['scenario', 's'], ['step', 'a']]);
    assert.ok(encoded[key], `has ${key}`);
    assert.ok(encoded[histogramKey('http_req_duration', [['scenario', 's'], ['step', 'a'], ['expected_response', 'true']])]);
    assert.ok(encoded['iteration_duration{scenario=s}']);
    assert.equal(encoded['iteration_lateness{scenario=s}'], undefined, 'no samples, no histogram');

    const decoded = decodeHistograms(encoded);
    const leftTotals = left.totals()[0];
    assert.equal(decoded.get(key)!.totalCount, leftTotals.steps[0].requests);
    const roundTrip = histogramStats(encoded[key]);
    for (const stat of ['med', 'p90', 'p95', 'p99', 'avg', 'min', 'max'] as const) close(roundTrip[stat], leftTotals.steps[0].duration[stat], `round trip ${stat}`);

    const merged = mergeEncodedHistograms([encoded, right.encodeHistograms()]);
    const expected = both.encodeHistograms();
    assert.deepEqual(Object.keys(merged).sort(), Object.keys(expected).sort());
    for (const k of Object.keys(expected)) {
      assert.deepEqual(histogramStats(merged[k]), histogramStats(expected[k]), `merge of ${k} equals the combined run`);
    }
    const bothTotals = both.totals()[0];
    assert.equal(histogramStats(merged[key]).count, bothTotals.steps[0].requests);
    assert.deepEqual(histogramStats(merged[key]).p95, histogramStats(expected[key]).p95);
  });

  it('escapes tag values in keys', () => {
    const key = histogramKey('http_req_duration', [['scenario', 'a,b'], ['step', 'x=1 {y}\\z']]);
    assert.deepEqual(parseHistogramKey(key), { metric: 'http_req_duration', tags: { scenario: 'a,b', step: 'x=1 {y}\\z' } });
    assert.deepEqual(parseHistogramKey('iteration_duration{scenario=s}'), { metric: 'iteration_duration', tags: { scenario: 's' } });
  });
});

describe('trendsToStock: the histograms made before the clock', () => {
  it('counts the trends a first successful iteration opens, plus lateness; at most 48', () => {
    const p = plan({ s: ['a', { think: 10 }, 'b'] });
    const registry = new MetricsRegistry(p);
    const recorder = registry.scenario(0);
    recorder.step(0).request(200, false, undefined, timings(5), 10, 10);
    recorder.step(2).request(200, false, undefined, timings(5), 10, 10);
    recorder.iteration(12);
    const series = registry.scenarios[0]!;
    const opened = [...series.steps.flatMap((s) => s.trends()), series.iterationDuration].filter((t) => t.exportWindow() !== undefined).length;
    // Lateness is an arrival-rate scenario's, and stocked for every scenario.
    assert.equal(trendsToStock(p.scenarios), opened + 1);
    assert.equal(trendsToStock(plan({ long: Array.from({ length: 10 }, (_, i) => `step ${i}`) }).scenarios), 48);
  });

  it('hands the stock to the first records and folds, which then read as from fresh histograms', () => {
    const p = plan({ s: ['a', 'b'] });
    stockHistograms(histogramsInStock().windows + trendsToStock(p.scenarios));
    const stocked = histogramsInStock();
    const registry = new MetricsRegistry(p);
    const recorder = registry.scenario(0);
    const durations = [3, 5, 8, 13, 21];
    for (const ms of durations) {
      recorder.step(0).request(200, false, undefined, timings(ms), 10, 10);
      recorder.step(1).request(200, false, undefined, timings(ms * 2), 10, 10);
      recorder.iteration(ms * 3);
    }
    const series = registry.scenarios[0]!;
    const opened = [...series.steps.flatMap((s) => s.trends()), series.iterationDuration].filter((t) => t.exportWindow() !== undefined).length;
    // Every window the first iterations opened came from the stock, none was made: lateness's is still there.
    assert.equal(histogramsInStock().windows, stocked.windows - opened);
    registry.tick(1);
    assert.equal(histogramsInStock().totals, stocked.totals - opened);
    const [figures] = registry.totals();
    const [a, b] = figures!.steps;
    assert.equal(a!.requests, durations.length);
    // HDR's precision: three significant digits.
    assert.ok(Math.abs(a!.duration.med - exactQuantile(durations, 0.5)) <= 0.01, `median ${a!.duration.med}`);
    assert.equal(b!.duration.max, 42);
  });
});
