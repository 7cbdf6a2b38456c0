// k6 threshold semantics over the registry (k6's metrics/engine/engine.go and metrics/thresholds.go):
// - during the run, a threshold whose metric has no matching sample yet is skipped (it neither fails nor
//   aborts), as k6 skips empty sinks in its periodic evaluation;
// - at the end every threshold is evaluated; a metric with no samples counts as k6's empty sink, whose
//   values are all 0 (count 0, rate 0, trend stats 0, gauge 0): `count==0` passes, `rate>0.9` fails;
// - abortOnFail ends the run when its threshold fails after delayAbortEval has passed.
import type { ThresholdResult } from '../protocol';
import type { MetricsRegistry } from './metrics/registry';
import type { ThresholdPlan } from './scenario/plan';
import { aggregationName, compare, isAggregationAllowed, metricType } from './scenario/threshold-expr';

/**
 * Why this threshold can never be evaluated (unknown metric, aggregation the metric's type lacks, or a
 * tag filter the registry cannot answer); undefined when it can. Such a threshold is reported as failed
 * rather than passing silently; the CLI or compiler may show the message at the threshold's range.
 */
export function thresholdProblem(t: ThresholdPlan, registry: MetricsRegistry): string | undefined {
  const type = metricType(t.metric);
  if (type === undefined) return `unknown metric "${t.metric}"`;
  if (!isAggregationAllowed(type, t.aggregation)) {
    return `${aggregationName(t.aggregation)} does not apply to ${t.metric}, a ${type}`;
  }
  return registry.filterProblem(t.metric, t.tags);
}

/**
 * Evaluates every threshold now. `final` is the end-of-run evaluation (empty metrics evaluated as 0);
 * otherwise empty metrics are skipped (ok, actual undefined). Results are index-aligned with `thresholds`.
 * `abortedBy` marks the threshold that ended the run, so the final results still say so.
 */
export function evaluateThresholds(
  thresholds: readonly ThresholdPlan[],
  registry: MetricsRegistry,
  elapsedMs: number,
  final: boolean,
  abortedBy?: Pick<ThresholdResult, 'key' | 'source'>,
): ThresholdResult[] {
  return thresholds.map((t) => {
    const result: ThresholdResult = { key: t.key, source: t.source, metric: t.metric, ok: true, actual: undefined };
    if (abortedBy !== undefined && abortedBy.key === t.key && abortedBy.source === t.source) result.abortedRun = true;
    if (thresholdProblem(t, registry) !== undefined) {
      // Never evaluable: fails the run at the end, but does not abort it midway.
      result.ok = !final;
      return result;
    }
    const actual = registry.metricValue(t.metric, t.tags, t.aggregation, elapsedMs);
    result.actual = actual;
    if (actual === undefined) {
      result.ok = final ? compare(0, t.op, t.value) : true;
      return result;
    }
    result.ok = compare(actual, t.op, t.value);
    return result;
  });
}

/**
 * The failed threshold that should end the run now (k6: abortOnFail, and delayAbortEval has passed), or
 * undefined. The returned result (the one in `results`) is marked `abortedRun`.
 */
export function shouldAbort(
  results: ThresholdResult[],
  thresholds: readonly ThresholdPlan[],
  elapsedMs: number,
): ThresholdResult | undefined {
  for (let i = 0; i < thresholds.length; i++) {
    const t = thresholds[i];
    if (!t.abortOnFail) continue;
    const r = results[i]?.key === t.key && results[i]?.source === t.source ? results[i] : results.find((x) => x.key === t.key && x.source === t.source);
    if (r === undefined || r.ok) continue;
    if (elapsedMs > t.delayAbortEvalMs) {
      r.abortedRun = true;
      return r;
    }
  }
  return undefined;
}
