// The figures of a zoomed range (src/webview/range.ts) against the engine's own registry: seconds recorded
// and ticked by a real MetricsRegistry, then the range's counts, means, mins and maxes equal what a registry
// that saw only those seconds reports; the percentiles are the seconds' weighted by requests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsRegistry } from '../../src/engine/metrics/registry';
import type { ErrorClass, RunEvent } from '../../src/protocol';
import { aggregatesIn, combineTrends, rangeFigures, rangeText, secondsOf } from '../../src/webview/range';
import { plan, timings } from '../metrics/helpers';

const HEALTH = { cpuPercent: 1, eventLoopDelayP99Ms: 1, rssBytes: 1, heapUsedBytes: 1, openSockets: 1, newConnections: 0 };

/** Second `t` of a run: step 0 answers 200 (and 503 every 7th), step 1 gets resets every 5th; latencies vary by second. */
function record(registry: MetricsRegistry, t: number): void {
  const s = registry.scenario(0);
  for (let i = 0; i < 40 + t * 3; i++) {
    const ms = 1 + ((i * 37 + t * 11) % 90) / 3;
    const fault = i % 7 === 0;
    s.step(0).request(fault ? 503 : 200, fault, fault ? 'http-status' : undefined, timings(ms), 100, 1000);
    const reset = i % 5 === 0;
    s.step(1).request(reset ? 0 : 201, reset, reset ? ('reset' as ErrorClass) : undefined, timings(ms * 2), 50, reset ? 0 : 300);
    s.step(0).check(!fault, 0);
    s.iteration(ms * 3);
  }
  s.setVUs(3 + (t % 4), 8);
}

function run(seconds: number, only?: { from: number; to: number }): { events: RunEvent[]; registry: MetricsRegistry } {
  const registry = new MetricsRegistry(plan({ shop: [{ name: 'list', checks: ['ok'] }, 'buy'] }));
  const events: RunEvent[] = [];
  for (let t = 1; t <= seconds; t++) {
    if (!only || (t >= only.from && t <= only.to)) record(registry, t);
    events.push({ type: 'aggregate', t, scenarios: registry.tick(t), health: HEALTH });
  }
  return { events, registry };
}

test('a range of seconds: counts, errors, statuses, checks, bytes, mean, min and max are those of a registry that saw only those seconds', () => {
  const range = { from: 3, to: 6 };
  const { events } = run(9);
  const { registry: only } = run(9, range);
  const [figures] = rangeFigures(events, range);
  const [expected] = only.totals();
  assert.ok(figures && expected);
  assert.equal(figures.iterations, expected.iterations);
  assert.equal(figures.vusAllocated, 8);
  assert.equal(figures.vusActive, Math.max(...[3, 4, 5, 6].map((t) => 3 + (t % 4))));
  for (let i = 0; i < 2; i++) {
    const got = figures.steps[i]!;
    const want = expected.steps[i]!;
    assert.equal(got.step, want.step);
    assert.deepEqual(
      { requests: got.requests, failed: got.failed, errors: got.errors, statuses: got.statuses, checks: [got.checksPassed, got.checksFailed], bytes: [got.dataSent, got.dataReceived] },
      { requests: want.requests, failed: want.failed, errors: want.errors, statuses: want.statuses, checks: [want.checksPassed, want.checksFailed], bytes: [want.dataSent, want.dataReceived] },
    );
    assert.equal(got.duration.count, want.duration.count);
    assert.equal(got.duration.min, want.duration.min);
    assert.equal(got.duration.max, want.duration.max);
    assert.ok(Math.abs(got.duration.avg - want.duration.avg) < 1e-9, `avg ${got.duration.avg} vs ${want.duration.avg}`);
    // Weighted per-second percentiles: near the range's own, not exact.
    assert.ok(Math.abs(got.duration.p95 - want.duration.p95) / want.duration.p95 < 0.25, `p95 ${got.duration.p95} vs ${want.duration.p95}`);
  }
  assert.equal(figures.steps[1]!.errors.reset, expected.steps[1]!.errors.reset);
  assert.ok((figures.steps[1]!.errors.reset ?? 0) > 0);
});

test('the whole run as a range is the run total', () => {
  const { events, registry } = run(5);
  const [figures] = rangeFigures(events, { from: 1, to: 5 });
  const [total] = registry.totals();
  assert.equal(figures!.steps[0]!.requests, total!.steps[0]!.requests);
  assert.equal(figures!.steps[0]!.duration.max, total!.steps[0]!.duration.max);
  assert.equal(aggregatesIn(events, { from: 2, to: 3 }).length, 2);
});

test('a selection snaps to whole seconds; between two seconds it takes the nearer; no seconds, no range', () => {
  assert.deepEqual(secondsOf([1, 2, 3, 4, 5], 1.6, 4.2), { from: 2, to: 4 });
  assert.deepEqual(secondsOf([1, 2, 3, 4, 5], 2.2, 2.4), { from: 2, to: 2 });
  assert.deepEqual(secondsOf([1, 2, 3], 7, 9), { from: 3, to: 3 });
  assert.equal(secondsOf([], 1, 2), undefined);
  assert.equal(rangeText({ from: 3, to: 7 }), 'seconds 3–7');
  assert.equal(rangeText({ from: 3, to: 3 }), 'second 3');
});

test('empty seconds add nothing to a trend', () => {
  const empty = { count: 0, avg: 0, min: 0, med: 0, max: 0, p90: 0, p95: 0, p99: 0 };
  assert.deepEqual(combineTrends([empty, empty]), empty);
  const a = { count: 3, avg: 2, min: 1, med: 2, max: 3, p90: 3, p95: 3, p99: 3 };
  const b = { count: 1, avg: 10, min: 10, med: 10, max: 10, p90: 10, p95: 10, p99: 10 };
  assert.deepEqual(combineTrends([a, empty, b]), { count: 4, avg: 4, min: 1, med: 4, max: 10, p90: 4.75, p95: 4.75, p99: 4.75 });
});
