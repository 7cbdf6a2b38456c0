// k6's experimental-prometheus-rw mapping (grafana/xk6-output-prometheus-remote), so Grafana dashboards made
// for k6 read Volley's series unchanged: the `k6_` prefix; counters as `k6_NAME_total`, rates as
// `k6_NAME_rate`, gauges as `k6_NAME`; trends as one gauge per stat, `k6_NAME_STAT` (`p(95)` → `p95`,
// `p(99.9)` → `p999`), in the metric's base unit (seconds), or one native histogram `k6_NAME_seconds` each
// (native-histogram.ts). Every value is the run so far, as k6's output
// keeps each series' sink for the whole test. Labels: testid, segment (in a process that runs an execution
// segment), scenario, name (the step), method, status
// (http_reqs), error_class (transport errors), expected_response, and group where a row has one.
import type { ErrorClass, ScenarioFigures, StepFigures } from '../../../protocol';
import type { MetricsRegistry } from '../../metrics/registry';
import type { Label, NativeHistogram, TimeSeries } from './wire';
import { nativeHistogramOf } from './native-histogram';

/** k6's default (K6_PROMETHEUS_RW_TREND_STATS): only p(99). */
export const DEFAULT_TREND_STATS = ['p(99)'];

export interface TrendStat {
  /** As written: `p(95)`, `avg`. */
  stat: string;
  /** In the series name: `p95`, `avg`. */
  suffix: string;
  /** A quantile in 0..1, for percentiles. */
  quantile?: number;
}

/** VOLLEY_PROMETHEUS_RW_TREND_STATS (`p(95),p(99),avg`): the stats, or why one is not a stat. */
export function parseTrendStats(text: string | undefined): TrendStat[] | { error: string } {
  const items = (text === undefined || text.trim() === '' ? DEFAULT_TREND_STATS : text.split(',')).map((s) => s.trim());
  const stats: TrendStat[] = [];
  for (const stat of items) {
    if (['avg', 'min', 'med', 'max', 'count', 'sum'].includes(stat)) {
      stats.push({ stat, suffix: stat });
      continue;
    }
    const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
    if (!p || Number(p[1]) > 100) {
      return { error: `"${stat}" is not a trend stat: use avg, min, med, max, count, sum or p(N) with N from 0 to 100` };
    }
    stats.push({ stat, suffix: `p${p[1].replace('.', '')}`, quantile: Number(p[1]) / 100 });
  }
  return stats;
}

/** A `group` on a summary row (flow control's `group:` tag), when the row carries one. */
function groupOf(row: object): string | undefined {
  const group = (row as { group?: unknown }).group;
  return typeof group === 'string' && group !== '' ? group : undefined;
}

class SeriesSet {
  readonly series: TimeSeries[] = [];
  constructor(
    readonly timestamp: number,
    private readonly common: Record<string, string>,
    /** Trends as native histograms instead of one gauge per stat. */
    readonly nativeHistograms: boolean,
  ) {}

  private labels(name: string, labels: Record<string, string | undefined>): Label[] {
    const all: Record<string, string | undefined> = { ...this.common, ...labels, __name__: `k6_${name}` };
    return Object.entries(all)
      .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
      .map(([n, v]) => ({ name: n, value: v }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  add(name: string, value: number, labels: Record<string, string | undefined>): void {
    if (!Number.isFinite(value)) return;
    this.series.push({ labels: this.labels(name, labels), samples: [{ value, timestamp: this.timestamp }] });
  }

  addHistogram(name: string, histogram: NativeHistogram, labels: Record<string, string | undefined>): void {
    this.series.push({ labels: this.labels(name, labels), histograms: [histogram] });
  }
}

function addTrend(set: SeriesSet, name: string, registry: MetricsRegistry, tags: Record<string, string>, labels: Record<string, string | undefined>, stats: readonly TrendStat[]): void {
  const snap = registry.snapshot(name, tags);
  if (snap?.type !== 'trend' || snap.distribution.count === 0) return;
  const d = snap.distribution;
  // k6's native-histogram series: one per trend, named with the base unit (`k6_http_req_duration_seconds`).
  if (set.nativeHistograms) {
    set.addHistogram(`${name}_seconds`, nativeHistogramOf(d, set.timestamp), labels);
    return;
  }
  const quantiles = d.quantiles(stats.filter((s) => s.quantile !== undefined).map((s) => s.quantile!));
  let q = 0;
  for (const s of stats) {
    const ms =
      s.quantile !== undefined ? quantiles[q++] : s.stat === 'avg' ? d.avg : s.stat === 'min' ? d.min : s.stat === 'max' ? d.max : s.stat === 'sum' ? d.avg * d.count : s.stat === 'med' ? d.quantiles([0.5])[0] : undefined;
    // count is a number of samples; every other stat of a time is in seconds, k6's base unit.
    set.add(`${name}_${s.suffix}`, s.stat === 'count' ? d.count : (ms ?? NaN) / 1000, labels);
  }
}

/**
 * The request's phases k6 emits as trends beside http_req_duration (k6's built-in metrics), and Volley's
 * own volley_req_queued (`k6_volley_req_queued_*`: one prefix, so a dashboard's selectors find it too).
 */
const HTTP_PHASES = ['http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving', 'volley_req_queued'] as const;

function stepSeries(set: SeriesSet, registry: MetricsRegistry, scenario: string, step: StepFigures, method: string | undefined, stats: readonly TrendStat[]): void {
  if (step.requests === 0) return;
  const labels = { scenario, name: step.step, method, group: groupOf(step) };
  let counted = 0;
  for (const [status, count] of Object.entries(step.statuses)) {
    set.add('http_reqs_total', count, { ...labels, status });
    counted += count;
  }
  // Requests without a response (k6's status 0), by error class.
  for (const [errorClass, count] of Object.entries(step.errors) as Array<[ErrorClass, number]>) {
    if (errorClass === 'http-status' || count === 0 || counted >= step.requests) continue;
    const n = Math.min(count, step.requests - counted);
    set.add('http_reqs_total', n, { ...labels, status: '0', error_class: errorClass });
    counted += n;
  }
  if (counted < step.requests) set.add('http_reqs_total', step.requests - counted, { ...labels, status: '0' });
  set.add('http_req_failed_rate', step.failed / step.requests, labels);
  const tags = { scenario, step: step.step };
  addTrend(set, 'http_req_duration', registry, tags, labels, stats);
  for (const phase of HTTP_PHASES) addTrend(set, phase, registry, tags, labels, stats);
  set.add('data_sent_total', step.dataSent, labels);
  set.add('data_received_total', step.dataReceived, labels);
  const checks = step.checksPassed + step.checksFailed;
  if (checks > 0) set.add('checks_rate', step.checksPassed / checks, labels);
}

export interface MappingInput {
  registry: MetricsRegistry;
  totals: readonly ScenarioFigures[];
  /** scenario → step name → method, from the plan. */
  methods: ReadonlyMap<string, ReadonlyMap<string, string | undefined>>;
  testid: string;
  /** The execution segment of this process, when it runs one. */
  segment?: string;
  stats: readonly TrendStat[];
  timestamp: number;
  /** Trends as native histograms (VOLLEY_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM). */
  nativeHistograms?: boolean;
}

/** Every series of the run so far. */
export function mapRun(input: MappingInput): TimeSeries[] {
  const set = new SeriesSet(input.timestamp, { testid: input.testid, ...(input.segment ? { segment: input.segment } : {}) }, input.nativeHistograms === true);
  let vus = 0;
  let vusMax = 0;
  for (const scenario of input.totals) {
    // A scenario left out by --scenario has no samples: as in k6, a series exists once it has one.
    if (scenario.iterations === 0 && scenario.vusMax === 0 && scenario.steps.every((s) => s.requests === 0)) continue;
    const labels = { scenario: scenario.scenario, group: groupOf(scenario) };
    set.add('iterations_total', scenario.iterations, labels);
    set.add('dropped_iterations_total', scenario.dropped, labels);
    addTrend(set, 'iteration_duration', input.registry, { scenario: scenario.scenario }, labels, input.stats);
    for (const group of scenario.groups ?? []) {
      addTrend(set, 'group_duration', input.registry, { scenario: scenario.scenario, group: group.group }, { scenario: scenario.scenario, group: group.group }, input.stats);
    }
    vus += scenario.vusActive;
    vusMax += scenario.vusMax;
    for (const step of scenario.steps) stepSeries(set, input.registry, scenario.scenario, step, input.methods.get(scenario.scenario)?.get(step.step), input.stats);
  }
  set.add('vus', vus, {});
  set.add('vus_max', vusMax, {});
  return set.series;
}
