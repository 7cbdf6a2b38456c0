// The RunSummary's `metrics` map, k6's end-of-test view of every metric: counters {count, rate}, trends
// {avg, min, med, max, p(90), p(95), p(99)} in ms, rates {passes, fails, rate}, gauges {value, min, max}.
// As in k6, a metric without samples is absent unless a threshold names it (then it shows its zeros), and
// the `http_req_duration{expected_response:true}` sub-metric is listed beside its parent.
import type { Diagnosis, RunSummary, ThresholdResult } from '../../protocol';
import { METRICS, type MetricName } from '../metrics/catalogue';
import type { MetricSnapshot, MetricsRegistry } from '../metrics/registry';
import type { ThresholdPlan } from '../scenario/plan';


export const EXPECTED_RESPONSE_SUBMETRIC = 'http_req_duration{expected_response:true}';

function figuresOf(snap: MetricSnapshot, durationMs: number): Record<string, number> {
  const seconds = durationMs / 1000;
  switch (snap.type) {
    case 'counter':
      return { count: snap.count, rate: seconds > 0 ? snap.count / seconds : 0 };
    case 'rate':
      return { passes: snap.trues, fails: snap.total - snap.trues, rate: snap.total > 0 ? snap.trues / snap.total : 0 };
    case 'gauge':
      return { value: snap.value, min: snap.min, max: snap.max };
    case 'trend': {
      const d = snap.distribution;
      const [med, p90, p95, p99] = d.quantiles([0.5, 0.9, 0.95, 0.99]);
      return { avg: d.avg, min: d.min, med, max: d.max, 'p(90)': p90, 'p(95)': p95, 'p(99)': p99 };
    }
  }
}

function hasSamples(snap: MetricSnapshot): boolean {
  switch (snap.type) {
    case 'counter':
      return snap.samples > 0;
    case 'rate':
      return snap.total > 0;
    case 'gauge':
      return snap.samples > 0;
    case 'trend':
      return snap.distribution.count > 0;
  }
}

export function buildSummaryMetrics(
  registry: MetricsRegistry,
  durationMs: number,
  thresholds: readonly ThresholdPlan[] = [],
): Record<string, Record<string, number>> {
  const named = new Set(thresholds.map((t) => t.metric));
  const metrics: Record<string, Record<string, number>> = {};
  for (const name of Object.keys(METRICS) as MetricName[]) {
    const snap = registry.snapshot(name);
    if (snap !== undefined && (hasSamples(snap) || named.has(name))) metrics[name] = figuresOf(snap, durationMs);
  }
  const expected = registry.snapshot('http_req_duration', { expected_response: 'true' });
  if (expected !== undefined && hasSamples(expected)) metrics[EXPECTED_RESPONSE_SUBMETRIC] = figuresOf(expected, durationMs);
  for (const t of thresholds) {
    if (Object.keys(t.tags).length === 0 || metrics[t.key] !== undefined) continue;
    const snap = registry.snapshot(t.metric, t.tags);
    if (snap !== undefined) metrics[t.key] = figuresOf(snap, durationMs);
  }
  return metrics;
}

export interface SummaryInput {
  runId: string;
  /** ISO time the run started. */
  startedAt: string;
  durationMs: number;
  outcome: RunSummary['outcome'];
  registry: MetricsRegistry;
  thresholds: readonly ThresholdPlan[];
  /** The final evaluation (evaluateThresholds(..., final = true)). */
  thresholdResults: ThresholdResult[];
  diagnoses?: Diagnosis[];
  /** Include the base64 histograms (default true): they let runs of several processes merge later. */
  histograms?: boolean;
}

/** The whole end-of-run summary from the registry. */
export function buildRunSummary(input: SummaryInput): RunSummary {
  const { registry } = input;
  const summary: RunSummary = {
    runId: input.runId,
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    outcome: input.outcome,
    scenarios: registry.totals(),
    metrics: buildSummaryMetrics(registry, input.durationMs, input.thresholds),
    thresholds: input.thresholdResults,
    diagnoses: input.diagnoses ?? [],
  };
  const checks = registry.checks();
  if (checks.length > 0) summary.checks = checks;
  if (input.histograms !== false) summary.histograms = registry.encodeHistograms();
  return summary;
}
