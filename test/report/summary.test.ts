import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { RunSummary } from '../../src/protocol';
import { MetricsRegistry } from '../../src/engine/metrics/registry';
import { evaluateThresholds } from '../../src/engine/thresholds';
import { buildRunSummary, buildSummaryMetrics } from '../../src/engine/report/summary';
import { toSummaryExport } from '../../src/engine/report/summary-export';
import { formatTextSummary } from '../../src/engine/report/text-summary';
import { plan, threshold, timings } from '../metrics/helpers';

const THRESHOLDS = [
  threshold('http_req_duration', 'p(95)<300'),
  threshold('http_req_duration{step:add to cart}', 'p(99)<1'),
  threshold('http_req_failed', 'rate<0.01'),
  threshold('dropped_iterations', 'count==0'),
  threshold('interrupted_iterations', 'count<1'),
];

/** 10 s run: 100 "list products" (1..100 ms), 100 "add to cart" (10 ms, 5 reset), 100 iterations, 2 drops. */
function summary(): RunSummary {
  const p = plan(
    {
      browse: [
        { name: 'list products', checks: ['status is 200'] },
        { think: 200 },
        { name: 'add to cart', method: 'POST', checks: ['status is 200', 'has id'] },
      ],
    },
    THRESHOLDS,
  );
  const r = new MetricsRegistry(p);
  const s = r.scenario(0);
  s.setVUs(3, 10);
  s.setVUs(5, 10);
  for (let i = 1; i <= 100; i++) {
    const list = s.step(0);
    list.request(200, false, undefined, timings(i, { blocked: i === 1 ? 2 : 0.001 }), 100, 2000);
    list.check(true, 0);
    const cart = s.step(2);
    const failed = i % 20 === 0;
    cart.request(failed ? 0 : 201, failed, failed ? 'reset' : undefined, timings(10), 300, failed ? 0 : 500);
    cart.check(!failed, 0);
    cart.check(i % 4 !== 0, 1);
    s.iteration(250 + i);
    if (i === 50) r.tick(5);
  }
  s.dropped(2);
  s.setVUs(0, 10);
  r.tick(10); // the last per-second sample of vus and vus_max
  const results = evaluateThresholds(THRESHOLDS, r, 10_000, true);
  return buildRunSummary({
    runId: 'run-1',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 10_000,
    outcome: 'completed',
    registry: r,
    thresholds: THRESHOLDS,
    thresholdResults: results,
  });
}

describe('summary metrics', () => {
  it('lists k6 metrics with k6 value names, in ms and per second', () => {
    const m = summary().metrics;
    assert.deepEqual(m.http_reqs, { count: 200, rate: 20 });
    assert.deepEqual(m.http_req_failed, { passes: 5, fails: 195, rate: 0.025 });
    assert.deepEqual(m.checks, { passes: 270, fails: 30, rate: 0.9 });
    assert.deepEqual(m.iterations, { count: 100, rate: 10 });
    assert.deepEqual(m.dropped_iterations, { count: 2, rate: 0.2 });
    assert.deepEqual(m.vus, { value: 0, min: 0, max: 5 });
    assert.deepEqual(m.vus_max, { value: 10, min: 10, max: 10 });
    assert.deepEqual(m.data_sent, { count: 40_000, rate: 4000 });
    assert.deepEqual(Object.keys(m.http_req_duration), ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']);
    assert.equal(m.http_req_duration.avg, (5050 + 1000) / 200);
    assert.equal(m.http_req_duration.min, 1);
    assert.equal(m.http_req_duration.max, 100);
    assert.equal(m.iteration_duration.min, 251);
    assert.equal(m['http_req_duration{expected_response:true}'].max, 100);
    assert.equal(m['http_req_duration{step:add to cart}'].max, 10, 'threshold sub-metric is listed');
    // No samples: absent, unless a threshold names it (then k6 shows its zeros).
    assert.equal(m.iteration_lateness, undefined);
    assert.deepEqual(m.interrupted_iterations, { count: 0, rate: 0 });
  });

  it('can be built from the registry alone', () => {
    const r = new MetricsRegistry(plan({ s: ['a'] }));
    assert.deepEqual(buildSummaryMetrics(r, 1000), {});
  });

  it('carries scenarios, checks, thresholds and mergeable histograms', () => {
    const s = summary();
    assert.equal(s.scenarios[0].steps[1].requests, 100);
    assert.equal(s.scenarios[0].dropped, 2);
    assert.equal(s.checks?.length, 3);
    assert.deepEqual(s.diagnoses, []);
    assert.ok(s.histograms?.['http_req_duration{scenario=browse,step=list products}']);
    assert.deepEqual(
      s.thresholds.map((t) => [t.key, t.ok]),
      [
        ['http_req_duration', true],
        ['http_req_duration{step:add to cart}', false],
        ['http_req_failed', false],
        ['dropped_iterations', false],
        ['interrupted_iterations', true],
      ],
    );
  });
});

describe('toSummaryExport', () => {
  it("has k6's legacy shape, values and threshold booleans (true = crossed)", () => {
    const e = toSummaryExport(summary()) as Record<string, any>;
    assert.deepEqual(Object.keys(e), ['root_group', 'metrics', 'thresholds', 'scenarios', 'diagnoses']);
    const md5 = (t: string): string => createHash('md5').update(t).digest('hex');
    assert.deepEqual(e.root_group, {
      name: '',
      path: '',
      id: 'd41d8cd98f00b204e9800998ecf8427e',
      groups: {},
      checks: {
        'status is 200': { name: 'status is 200', path: '::status is 200', id: md5('::status is 200'), passes: 195, fails: 5 },
        'has id': { name: 'has id', path: '::has id', id: md5('::has id'), passes: 75, fails: 25 },
      },
    });
    const m = e.metrics;
    assert.deepEqual(Object.keys(m.http_req_duration), ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'thresholds']);
    assert.deepEqual(m.http_req_duration.thresholds, { 'p(95)<300': false });
    assert.equal(m.http_req_duration.max, 100, 'trends in ms');
    assert.deepEqual(m.http_req_failed, { passes: 5, fails: 195, value: 0.025, thresholds: { 'rate<0.01': true } });
    assert.deepEqual(m.http_reqs, { count: 200, rate: 20 });
    assert.deepEqual(m.vus, { value: 0, min: 0, max: 5 });
    assert.deepEqual(m.checks, { passes: 270, fails: 30, value: 0.9 });
    assert.deepEqual(m.dropped_iterations, { count: 2, rate: 0.2, thresholds: { 'count==0': true } });
    assert.deepEqual(m['http_req_duration{step:add to cart}'].thresholds, { 'p(99)<1': true });
    assert.deepEqual(Object.keys(m['http_req_duration{expected_response:true}']), ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
    assert.equal(e.thresholds.length, 5);
    assert.equal(e.scenarios[0].scenario, 'browse');
    assert.deepEqual(e.diagnoses, []);
    assert.doesNotThrow(() => JSON.stringify(e));
  });
});

describe('formatTextSummary', () => {
  it('shows thresholds with their values, k6 metric lines and the per-step table', () => {
    const text = formatTextSummary(summary(), { color: false });
    const lines = text.split('\n');
    const line = (start: RegExp): string => {
      const found = lines.find((l) => start.test(l));
      assert.ok(found, `a line matching ${start}\n${text}`);
      return found!;
    };
    assert.ok(text.includes('█ THRESHOLDS'));
    assert.match(line(/✓ 'p\(95\)<300'/), /^ {4}✓ 'p\(95\)<300' p\(95\)=9\d(\.\d+)?ms$/);
    assert.equal(line(/'rate<0\.01'/).trim(), "✗ 'rate<0.01' rate=2.50%");
    assert.equal(line(/'count==0'/).trim(), "✗ 'count==0' count=2");
    assert.equal(line(/'count<1'/).trim(), "✓ 'count<1' count=— (no samples)");
    assert.match(line(/^ {4}http_req_duration\.+:/), /^ {4}http_req_duration\.+: avg=30\.25ms +min=1ms +med=10ms +max=100ms +p\(90\)=\S+ +p\(95\)=\S+$/);
    assert.match(line(/\{ expected_response:true \}/), /^ {6}\{ expected_response:true \}\.+: avg=/);
    assert.match(line(/^ {4}http_reqs\./), /: 200 +20\/s$/);
    assert.match(line(/^ {4}http_req_failed\./), /: 2\.50% +5 out of 200$/);
    assert.match(line(/^ {4}vus\./), /: 0 +min=0 +max=5$/);
    assert.match(line(/^ {4}data_received\./), /: 248 kB +25 kB\/s$/);
    assert.match(line(/^ {4}checks\./), /: 90\.00% +270 out of 300$/);
    assert.ok(text.includes('    ✓ status is 200') === false, 'a check that failed somewhere is ✗');
    assert.ok(lines.includes('    ✗ has id') && lines.includes('     ↳  75% — ✓ 75 / ✗ 25'));
    // Every dotted leader ends in the same column.
    const colons = lines.filter((l) => /\.{3,}:/.test(l)).map((l) => l.search(/\.: /));
    assert.equal(new Set(colons).size, 1, 'aligned leaders');
    for (const section of ['HTTP', 'EXECUTION', 'NETWORK']) assert.ok(lines.includes(`    ${section}`), section);

    assert.ok(text.includes('█ SCENARIO: browse'));
    assert.match(line(/iterations \(/), /100 iterations \(10\/s\) · 2 dropped · 0 interrupted · VUs peak 5 active \/ 10 allocated/);
    assert.match(line(/^ {4}step /), /step +requests +failed +p50 +p95 +p99 +req\/s +errors/);
    assert.match(line(/^ {4}list products /), /list products +100 +0\.00% +\S+ms +\S+ms +\S+ms +10 +-$/);
    assert.match(line(/^ {4}add to cart /), /add to cart +100 +5\.00% +10ms +10ms +10ms +10 +reset 5$/);
    assert.ok(!text.includes('\x1b['), 'no colour codes when color is false');
  });

  it('colours marks when asked, and says why a run ended early', () => {
    const s = { ...summary(), outcome: 'aborted-by-threshold' as const };
    s.thresholds = s.thresholds.map((t) => (t.key === 'http_req_failed' ? { ...t, abortedRun: true } : t));
    const text = formatTextSummary(s, { color: true });
    assert.ok(text.includes('\x1b[32m✓\x1b[0m') && text.includes('\x1b[31m✗\x1b[0m'));
    assert.match(text, /a threshold with abortOnFail ended the run \(after 10s\)/);
    assert.match(text, /'rate<0\.01' rate=2\.50%.*ended the run: abortOnFail/);
  });

  it('prints a summary for a run without samples', () => {
    const r = new MetricsRegistry(plan({ s: ['a'] }));
    const s = buildRunSummary({ runId: 'x', startedAt: 'now', durationMs: 0, outcome: 'stopped', registry: r, thresholds: [], thresholdResults: [] });
    const text = formatTextSummary(s, { color: false });
    assert.match(text, /no samples were recorded/);
    assert.match(text, /the run was stopped before its end/);
    assert.match(text, /a +0 +- +- +- +- +0 +-/);
  });
});
