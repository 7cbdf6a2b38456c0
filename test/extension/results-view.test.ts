// The results panel's pure parts: the time series its charts draw and the delta table of a comparison.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSeries } from '../../src/webview/series';
import { compareRow, compareRows } from '../../src/compare';
import type { RunEvent } from '../../src/protocol';
import { demoRun, scenarioFigures, step } from './helpers';

test('series: one point per second, summed over scenarios, target only where there is one', () => {
  const events = demoRun('/w/demo.volley.yaml');
  const s = runSeries(events);
  assert.deepEqual(s.t, [1, 2]);
  assert.deepEqual(s.requestsPerSecond, [20 * 2 + 3 * 3, 19 * 2 + 3 * 3]);
  assert.deepEqual(s.iterationsPerSecond, [23, 22]);
  assert.deepEqual(s.targetIterationsPerSecond, [20, 20]);
  assert.deepEqual(s.vusMax, [23, 23]);
  assert.deepEqual(s.vusAllocated, [10, 10]);
  assert.deepEqual([...s.errors.keys()], ['http-status']);
  assert.deepEqual(s.errors.get('http-status'), [1, 1]);
  assert.deepEqual(s.cpuPercent, [12, 12]);
});

test('series: percentiles weighted by requests; a second without requests has none', () => {
  const health = { cpuPercent: 1, eventLoopDelayP99Ms: 1, rssBytes: 1, heapUsedBytes: 1, openSockets: 1, newConnections: 0 };
  const events: RunEvent[] = [
    { type: 'aggregate', t: 1, scenarios: [scenarioFigures('a', 1, [step('a', 'x', 0, 30, 0, 10), step('a', 'y', 1, 10, 2, 50)])], health },
    { type: 'aggregate', t: 2, scenarios: [scenarioFigures('a', 0, [step('a', 'x', 0, 0, 0, 0)])], health },
  ];
  const s = runSeries(events);
  assert.deepEqual(s.p95, [20, null]);
  // An error class first seen later is zero before.
  assert.deepEqual(s.errors.get('http-status'), [2, 0]);
});

test('compare: direction decides better or worse; small changes are the same', () => {
  assert.deepEqual(compareRow('p95', 100, 80, 'ms', 'lower'), { name: 'p95', a: '100 ms', b: '80 ms', delta: '−20 ms (−20.0%)', verdict: 'better' });
  assert.equal(compareRow('req/s', 100, 80, 'rate', 'higher').verdict, 'worse');
  assert.equal(compareRow('p95', 100, 101, 'ms', 'lower').verdict, 'same');
  assert.equal(compareRow('failed', 0, 0.01, 'fraction', 'lower').delta, '+1 pts');
  assert.equal(compareRow('x', undefined, 1, 'count', 'lower').verdict, 'n/a');
});

test('compare: two runs give the headline rows and one row per step in both', () => {
  const a = demoRun('/w/demo.volley.yaml');
  const b = a.map((e) =>
    e.type === 'summary'
      ? { ...e, summary: { ...e.summary, metrics: { ...e.summary.metrics, http_req_duration: { ...e.summary.metrics.http_req_duration!, 'p(95)': 82 } } } }
      : e,
  );
  const rows = compareRows(a, b);
  const p95 = rows.find((r) => r.name === 'duration p95');
  assert.deepEqual([p95?.a, p95?.b, p95?.verdict], ['41 ms', '82 ms', 'worse']);
  assert.ok(rows.some((r) => r.name === 'browse › list products p95' && r.verdict === 'same'));
  assert.equal(rows.find((r) => r.name === 'thresholds failed')?.b, '1');
});
