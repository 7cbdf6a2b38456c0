// All measurements of one run (or one worker of it): a series per scenario and request step, built up
// front so the hot path is field updates and one HDR record per trend (./series.ts). `tick()` reports the
// current one-second window and folds it into the totals. Windows move between threads in ./windows.ts;
// k6's threshold and summary queries are answered by ./query.ts; the registry holds them together.
import type { CheckFigures, RegistryWindow, ScenarioFigures } from '../../protocol';
import type { Aggregation, Plan, ScenarioPlan } from '../scenario/plan';
import { encodeHistogram } from './hdr';
import { histogramKey } from './histograms';
import * as query from './query';
import type { ScenarioRecorder } from './recorder';
import { Gauge, STEP_PHASE_TRENDS, ScenarioSeries, type StepTrendName } from './series';
import { combinedHistogram, type Trend } from './trend';
import * as windows from './windows';

export type { MetricSnapshot } from './query';

export interface RegistryOptions {
  /** Monotonic clock in ms, for counter rates when the caller gives no elapsed time (tests inject one). */
  now?: () => number;
}

/** The most trends whose histograms are stocked before a run: 48 windows and totals are ≈ 13 MB a thread. */
const MAX_STOCKED_TRENDS = 48;

/**
 * How many trends the scenarios record into early, in flow order: each scenario's iteration duration and
 * lateness, its groups, and per request step the duration and the seven phases (not durationFailed, which
 * only failures open). The histograms to stock before the clock (stockHistograms in ./hdr.ts).
 */
export function trendsToStock(scenarios: readonly ScenarioPlan[]): number {
  let trends = 0;
  for (const scenario of scenarios) {
    trends += 2 + (scenario.groups?.length ?? 0);
    for (const step of scenario.steps) if (step.kind === 'request') trends += 8;
  }
  return Math.min(trends, MAX_STOCKED_TRENDS);
}

export class MetricsRegistry {
  readonly scenarios: ScenarioSeries[];
  /**
   * k6's vus and vus_max: the sums over scenarios, sampled once a second (at each tick) as k6 samples them,
   * so their max is that of the per-second samples and their value the last one taken while VUs existed.
   */
  readonly vus = new Gauge();
  readonly vusMax = new Gauge();
  private sumActive = 0;
  private sumAllocated = 0;
  /** The sums when VUs last existed: a run that ends within its first second still gets one sample. */
  private liveActive = 0;
  private liveAllocated = 0;
  private readonly now: () => number;
  private readonly startedAt: number;

  constructor(plan: Plan, options: RegistryOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    const onVUs = (_s: ScenarioSeries, dActive: number, dAllocated: number): void => {
      this.sumActive += dActive;
      this.sumAllocated += dAllocated;
      if (this.sumAllocated > 0) {
        this.liveActive = this.sumActive;
        this.liveAllocated = this.sumAllocated;
      }
    };
    this.scenarios = plan.scenarios.map((s, i) => new ScenarioSeries(s.name, i, s.steps, onVUs, s.groups));
  }

  /** The recorder of the scenario at this index of plan.scenarios. */
  scenario(index: number): ScenarioRecorder {
    const s = this.scenarios[index];
    if (s === undefined) throw new Error(`no scenario at index ${index}`);
    return s;
  }

  /** Milliseconds since the registry was created (the run clock when nobody passes one). */
  elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  /**
   * The figures since the previous tick (one per scenario), then folds them into the run totals.
   * `t` (seconds since the start) is the caller's label for the aggregate; it does not change the figures.
   */
  tick(_t?: number): ScenarioFigures[] {
    this.sampleVUs();
    const figures = this.scenarios.map((s) => s.figures(false));
    for (const s of this.scenarios) {
      s.fold();
      for (const step of s.steps) step.fold();
    }
    return figures;
  }

  /**
   * One per-second sample of vus and vus_max. The seconds after the last VU closed are not sampled: k6 stops
   * sampling when the run ends, before its VUs go, so its summary shows the VUs the run ended with.
   */
  private sampleVUs(): void {
    if (this.sumAllocated > 0) {
      this.vus.set(this.sumActive);
      this.vusMax.set(this.sumAllocated);
    } else if (this.vusMax.samples === 0 && this.liveAllocated > 0) {
      this.vus.set(this.liveActive);
      this.vusMax.set(this.liveAllocated);
    }
  }

  /** The current window of every scenario, for another thread or process to merge (before `tick`). */
  exportWindow(): RegistryWindow {
    return windows.exportWindow(this.scenarios);
  }

  /**
   * Adds the windows of the threads (or processes) that each ran a part of the plan into the current
   * window; the next `tick` reports them as one, exactly as a single registry that saw every sample.
   */
  importWindows(parts: readonly RegistryWindow[]): void {
    windows.importWindows(this.scenarios, parts);
  }

  /** Adds the per-check totals of another thread's summary. */
  importChecks(checks: readonly CheckFigures[]): void {
    windows.importChecks(this.scenarios, checks);
  }

  /** Whole-run figures, including the current window. */
  totals(): ScenarioFigures[] {
    return this.scenarios.map((s) => s.figures(true));
  }

  /** Every check of the plan with its run-total outcome (only checks recorded with their index). */
  checks(): CheckFigures[] {
    const out: CheckFigures[] = [];
    for (const s of this.scenarios) {
      for (const step of s.steps) {
        for (let i = 0; i < step.checkNames.length; i++) {
          out.push({ scenario: s.name, step: step.name, name: step.checkNames[i], passes: step.checkPasses[i], fails: step.checkFails[i] });
        }
      }
    }
    return out;
  }

  /** Why a filter cannot be answered (see query.filterProblem), or undefined when it can. */
  filterProblem(metric: string, tags: Record<string, string>): string | undefined {
    return query.filterProblem(metric, tags);
  }

  /** A scenario, step or method in the filter that no series has: the filter will never match a sample. */
  filterWarning(tags: Record<string, string>): string | undefined {
    return query.filterWarning(this, tags);
  }

  /** All samples of `metric` matching `tags`, over the whole run so far; undefined when the filter is unsupported. */
  snapshot(metric: string, tags: Record<string, string> = {}): query.MetricSnapshot | undefined {
    return query.snapshot(this, metric, tags);
  }

  /** k6's value of `metric{tags}` under `aggregation` (see query.metricValue); rates over `elapsedMs`, default the registry's clock. */
  metricValue(metric: string, tags: Record<string, string>, aggregation: Aggregation, elapsedMs?: number): number | undefined {
    return query.metricValue(this, metric, tags, aggregation, elapsedMs ?? this.elapsedMs());
  }

  /**
   * Base64 HDR histograms (µs) of every trend series with samples, run total plus the current window:
   * `http_req_duration{scenario=…,step=…}` (and `…,expected_response=true}`), the phases likewise, and
   * `iteration_duration{scenario=…}` / `iteration_lateness{scenario=…}`.
   */
  encodeHistograms(): Record<string, string> {
    const out: Record<string, string> = {};
    const put = (metric: string, tags: Array<[string, string]>, trends: Trend[]): void => {
      const h = combinedHistogram(trends);
      if (h !== undefined) out[histogramKey(metric, tags)] = encodeHistogram(h);
    };
    for (const s of this.scenarios) {
      put('iteration_duration', [['scenario', s.name]], [s.iterationDuration]);
      put('iteration_lateness', [['scenario', s.name]], [s.iterationLateness]);
      for (const step of s.steps) {
        const tags: Array<[string, string]> = [
          ['scenario', s.name],
          ['step', step.name],
        ];
        put('http_req_duration', tags, [step.durationOk, step.durationFailed]);
        put('http_req_duration', [...tags, ['expected_response', 'true']], [step.durationOk]);
        for (const [metric, phase] of Object.entries(STEP_PHASE_TRENDS) as Array<[string, StepTrendName]>) {
          put(metric, tags, [step[phase]]);
        }
      }
    }
    return out;
  }
}
