// The merge the workers rely on: windows exported by several registries and imported into one give the
// figures of one registry that recorded every sample — counters, exact avg/min/max, and percentiles
// (HDR bucket counts add, so the merged percentiles are those of the combined samples).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '../../src/engine/metrics/registry';
import type { Timings } from '../../src/engine/metrics/recorder';
import { plan, threshold } from '../metrics/helpers';
import { evaluateThresholds } from '../../src/engine/thresholds';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function timings(rnd: () => number): Timings {
  const waiting = rnd() < 0.05 ? 200 + rnd() * 2000 : 0.3 + rnd() * 20;
  const sending = rnd() * 0.2;
  const receiving = rnd() * 0.5;
  return { blocked: rnd() * 3, queued: rnd() * 0.5, connecting: rnd() < 0.1 ? rnd() : 0, tlsHandshaking: 0, sending, waiting, receiving, duration: sending + waiting + receiving };
}

const thePlan = plan({ browse: [{ name: 'list', checks: ['ok'] }, { think: 10 }, 'add'] }, [
  threshold('http_req_duration', 'p(95)<300'),
  threshold('http_req_duration{step:add}', 'p(99)<1000'),
  threshold('http_req_failed', 'rate<0.1'),
]);

/** One "second" of samples, recorded into `into` (and into `all`, which sees every sample). */
function record(rnd: () => number, into: MetricsRegistry, all: MetricsRegistry, requests: number): void {
  for (const registry of [into, all]) registry.scenario(0).setVUs(0, 0);
  for (let i = 0; i < requests; i++) {
    const t = timings(rnd);
    const status = rnd() < 0.03 ? 503 : 200;
    const step = rnd() < 0.5 ? 0 : 2;
    const iterationMs = t.duration + 10 + rnd() * 5;
    const late = rnd() * 2;
    for (const registry of [into, all]) {
      const s = registry.scenario(0);
      s.step(step).request(status, status >= 400, status >= 400 ? 'http-status' : undefined, t, 120, 800);
      if (step === 0) s.step(0).check(status === 200, 0);
      s.iteration(iterationMs);
      s.lateness(late);
    }
  }
}

describe('merging registry windows', () => {
  it('two workers merged second by second equal one registry that saw every sample', () => {
    const rnd = random(42);
    const workers = [new MetricsRegistry(thePlan), new MetricsRegistry(thePlan)];
    const merged = new MetricsRegistry(thePlan);
    const all = new MetricsRegistry(thePlan);
    for (let second = 1; second <= 5; second++) {
      record(rnd, workers[0], all, 300 + second * 17);
      record(rnd, workers[1], all, 150 + second * 31);
      workers[0].scenario(0).setVUs(3, 4);
      workers[1].scenario(0).setVUs(2, 3);
      all.scenario(0).setVUs(5, 7);
      const windows = workers.map((w) => w.exportWindow());
      // Through a structured clone, as postMessage carries it.
      merged.importWindows(structuredClone(windows));
      for (const w of workers) w.tick(second);
      const mergedSecond = merged.tick(second);
      const allSecond = all.tick(second);
      assert.deepEqual(strip(mergedSecond), strip(allSecond), `second ${second}`);
    }
    assert.deepEqual(strip(merged.totals()), strip(all.totals()));
    for (const metric of ['http_req_duration', 'iteration_duration', 'iteration_lateness', 'http_req_waiting', 'http_req_blocked']) {
      const a = merged.snapshot(metric);
      const b = all.snapshot(metric);
      assert.ok(a?.type === 'trend' && b?.type === 'trend');
      assert.deepEqual(
        a.distribution.quantiles([0, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]),
        b.distribution.quantiles([0, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]),
        metric,
      );
    }
    assert.deepEqual(
      evaluateThresholds(thePlan.thresholds, merged, 5000, true),
      evaluateThresholds(thePlan.thresholds, all, 5000, true),
    );
    assert.deepEqual(merged.encodeHistograms(), all.encodeHistograms());
  });

  it('per-check totals are imported by name', () => {
    const merged = new MetricsRegistry(thePlan);
    merged.importChecks([{ scenario: 'browse', step: 'list', name: 'ok', passes: 7, fails: 2 }]);
    merged.importChecks([{ scenario: 'browse', step: 'list', name: 'ok', passes: 3, fails: 0 }]);
    assert.deepEqual(merged.checks(), [{ scenario: 'browse', step: 'list', name: 'ok', passes: 10, fails: 2 }]);
  });
});

/** avg can differ in the last bits when sums are added in another order. */
function strip(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(12)) : v)));
}
