// k6's query rules for thresholds and the summary (k6's metrics/thresholds.go and its sinks' Format):
// which tag filters a metric answers, the samples of `metric{tags}` over the whole run so far, and their
// value under an aggregation — counters count and rate, trends in ms, rates as a fraction, gauges their
// last value.
import type { Aggregation } from '../scenario/plan';
import { tagValueProblem } from '../scenario/names';
import { METRIC_TAGS, METRICS, type MetricName } from './catalogue';
import { Gauge, STEP_PHASE_TRENDS, type ScenarioCounters, type ScenarioSeries, type StepSeries } from './series';
import { distributionOf, type Distribution } from './trend';

/** What a query reads: a registry's series and its run-wide VU gauges. */
export interface QuerySource {
  readonly scenarios: readonly ScenarioSeries[];
  readonly vus: Gauge;
  readonly vusMax: Gauge;
}

/** A metric's samples matching a tag filter, before aggregation. */
export type MetricSnapshot =
  | { type: 'counter'; count: number; samples: number }
  | { type: 'rate'; trues: number; total: number }
  | { type: 'trend'; distribution: Distribution }
  | { type: 'gauge'; value: number; min: number; max: number; samples: number };

/**
 * Why a filter cannot be answered (unknown metric, or a tag this metric cannot be filtered by), or
 * undefined when it can. A filter that names a scenario or step that does not exist is answerable: it
 * has no samples (see `filterWarning`).
 */
export function filterProblem(metric: string, tags: Record<string, string>): string | undefined {
  if (!Object.hasOwn(METRICS, metric)) return `unknown metric "${metric}"`;
  const allowed: readonly string[] = METRIC_TAGS[metric as MetricName];
  for (const key of Object.keys(tags)) {
    if (!allowed.includes(key)) {
      return `${metric} cannot be filtered by "${key}" (it can be by ${allowed.join(', ')})`;
    }
  }
  for (const [key, value] of Object.entries(tags)) {
    const problem = tagValueProblem(key, value);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** A scenario, step or method in the filter that no series has: the filter will never match a sample. */
export function filterWarning(source: QuerySource, tags: Record<string, string>): string | undefined {
  const scenarios = source.scenarios.filter((s) => tags.scenario === undefined || s.name === tags.scenario);
  if (scenarios.length === 0) return `no scenario is named "${tags.scenario}"`;
  if (tags.group !== undefined && !scenarios.some((s) => s.groups.some((g) => g.name === tags.group))) {
    return `no group is named "${tags.group}"${tags.scenario !== undefined ? ` in scenario ${tags.scenario}` : ''}`;
  }
  const steps = scenarios.flatMap((s) => s.steps);
  if (tags.step !== undefined && !steps.some((st) => st.name === tags.step)) {
    return `no request step is named "${tags.step}"${tags.scenario !== undefined ? ` in scenario ${tags.scenario}` : ''}`;
  }
  if (tags.method !== undefined && !steps.some((st) => st.method === tags.method && (tags.step === undefined || st.name === tags.step))) {
    return `no request step uses method ${tags.method}`;
  }
  return undefined;
}

function matchingScenarios(source: QuerySource, tags: Record<string, string>): readonly ScenarioSeries[] {
  return tags.scenario === undefined ? source.scenarios : source.scenarios.filter((s) => s.name === tags.scenario);
}

function matchingSteps(source: QuerySource, tags: Record<string, string>): StepSeries[] {
  const out: StepSeries[] = [];
  for (const s of matchingScenarios(source, tags)) {
    for (const step of s.steps) {
      if (tags.step !== undefined && step.name !== tags.step) continue;
      if (tags.group !== undefined && step.group !== tags.group) continue;
      if (tags.method !== undefined && step.method !== tags.method) continue;
      out.push(step);
    }
  }
  return out;
}

/** All samples of `metric` matching `tags`, over the whole run so far; undefined when the filter is unsupported. */
export function snapshot(source: QuerySource, metric: string, tags: Record<string, string> = {}): MetricSnapshot | undefined {
  if (filterProblem(metric, tags) !== undefined) return undefined;
  const name = metric as MetricName;
  // The metrics whose samples carry a step are kept per step.
  if (METRIC_TAGS[name].includes('step')) return stepSnapshot(source, name, tags);
  const scenarios = matchingScenarios(source, tags);
  const count = (key: keyof ScenarioCounters): MetricSnapshot => {
    let n = 0;
    for (const s of scenarios) n += s.counters(true)[key];
    return { type: 'counter', count: n, samples: n };
  };
  switch (name) {
    case 'iterations':
      return count('iterations');
    case 'dropped_iterations':
      return count('dropped');
    case 'interrupted_iterations':
      return count('interrupted');
    case 'iteration_duration':
      return { type: 'trend', distribution: distributionOf(scenarios.map((s) => s.iterationDuration), true) };
    case 'iteration_lateness':
      return { type: 'trend', distribution: distributionOf(scenarios.map((s) => s.iterationLateness), true) };
    case 'group_duration': {
      const groups = scenarios.flatMap((s) => s.groups).filter((g) => tags.group === undefined || g.name === tags.group);
      return { type: 'trend', distribution: distributionOf(groups.map((g) => g.duration), true) };
    }
    case 'vus':
    case 'vus_max': {
      const pick = (holder: { vus: Gauge; vusMax: Gauge }): Gauge => (name === 'vus' ? holder.vus : holder.vusMax);
      const g = tags.scenario === undefined ? pick(source) : scenarios.length === 1 ? pick(scenarios[0]) : new Gauge();
      return { type: 'gauge', value: g.value, min: g.samples ? g.min : 0, max: g.samples ? g.max : 0, samples: g.samples };
    }
    default:
      return undefined;
  }
}

function stepSnapshot(source: QuerySource, metric: MetricName, tags: Record<string, string>): MetricSnapshot | undefined {
  const steps = matchingSteps(source, tags);
  const expected = tags.expected_response;
  let requests = 0;
  let failed = 0;
  let passed = 0;
  let checkFailed = 0;
  let sent = 0;
  let received = 0;
  let withStatus = 0;
  const status = tags.status !== undefined ? Number(tags.status) : -1;
  for (const step of steps) {
    for (const c of [step.run, step.win]) {
      requests += c.requests;
      failed += c.failed;
      passed += c.checksPassed;
      checkFailed += c.checksFailed;
      sent += c.sent;
      received += c.received;
      if (status >= 0) withStatus += c.statuses[status];
    }
  }
  switch (metric) {
    case 'http_reqs': {
      const n = status >= 0 ? withStatus : expected === 'true' ? requests - failed : expected === 'false' ? failed : requests;
      return { type: 'counter', count: n, samples: n };
    }
    case 'http_req_failed':
      // k6's Rate: "trues" are the failed requests.
      if (expected === 'true') return { type: 'rate', trues: 0, total: requests - failed };
      if (expected === 'false') return { type: 'rate', trues: failed, total: failed };
      return { type: 'rate', trues: failed, total: requests };
    case 'checks':
      return { type: 'rate', trues: passed, total: passed + checkFailed };
    // Interrupted requests are not measured but their bytes count (k6): bytes with no request are a sample too.
    case 'data_sent':
      return { type: 'counter', count: sent, samples: requests > 0 || sent === 0 ? requests : 1 };
    case 'data_received':
      return { type: 'counter', count: received, samples: requests > 0 || received === 0 ? requests : 1 };
    case 'http_req_duration': {
      const trends =
        expected === 'true'
          ? steps.map((s) => s.durationOk)
          : expected === 'false'
            ? steps.map((s) => s.durationFailed)
            : steps.flatMap((s) => [s.durationOk, s.durationFailed]);
      return { type: 'trend', distribution: distributionOf(trends, true) };
    }
    default: {
      const phase = STEP_PHASE_TRENDS[metric];
      if (phase === undefined) return undefined;
      return { type: 'trend', distribution: distributionOf(steps.map((s) => s[phase]), true) };
    }
  }
}

/**
 * k6's value of `metric{tags}` under `aggregation` over all samples so far: counters count and rate
 * (count per second of `elapsedMs`), trends in ms, rates as a fraction,
 * gauges their last value. Undefined when no sample matches, the filter is unsupported, or the
 * aggregation does not apply to the metric's type.
 */
export function metricValue(source: QuerySource, metric: string, tags: Record<string, string>, aggregation: Aggregation, elapsedMs: number): number | undefined {
  const snap = snapshot(source, metric, tags);
  if (snap === undefined) return undefined;
  switch (snap.type) {
    case 'counter': {
      if (snap.samples === 0) return undefined;
      if (aggregation.kind === 'count') return snap.count;
      if (aggregation.kind === 'rate') {
        const seconds = elapsedMs / 1000;
        return seconds > 0 ? snap.count / seconds : 0;
      }
      return undefined;
    }
    case 'rate':
      if (snap.total === 0 || aggregation.kind !== 'rate') return undefined;
      return snap.trues / snap.total;
    case 'gauge':
      if (snap.samples === 0 || aggregation.kind !== 'value') return undefined;
      return snap.value;
    case 'trend': {
      const d = snap.distribution;
      if (d.count === 0) return undefined;
      switch (aggregation.kind) {
        case 'avg':
          return d.avg;
        case 'min':
          return d.min;
        case 'max':
          return d.max;
        case 'med':
          return d.quantile(0.5);
        case 'percentile':
          return d.quantile(aggregation.p / 100);
        default:
          return undefined;
      }
    }
  }
}
