// All measurements of one run (or one worker of it). Every scenario and request step gets its recorder up
// front, so the hot path is field updates and one HDR record per trend, with no lookup by name and no
// allocation. Samples land in one-second windows; `tick()` reports a window and folds it into the totals.
import type { ErrorClass, RegistryWindow, ScenarioFigures, ScenarioWindow, StepFigures, StepWindow, TrendStats } from '../../protocol';
import { METRIC_TAGS, METRICS, type MetricName } from './catalogue';
import type { Aggregation, HttpMethod, Plan, RequestStepPlan } from '../scenario/plan';
import { ERROR_CLASSES, ERROR_CLASS_INDEX } from './error-classes';
import { encodeHistogram } from './hdr';
import { histogramKey } from './histograms';
import type { ScenarioRecorder, StepRecorder, Timings } from './recorder';
import { Distribution, Trend, combinedHistogram, distributionOf, statsOf } from './trend';

export interface RegistryOptions {
  /** Monotonic clock in ms, for counter rates when the caller gives no elapsed time (tests inject one). */
  now?: () => number;
}

/** Statuses are counted in a dense array (no per-request key); anything outside 0..999 goes to "other". */
const STATUS_SLOTS = 1000;

class StepCounters {
  requests = 0;
  failed = 0;
  checksPassed = 0;
  checksFailed = 0;
  sent = 0;
  received = 0;
  otherStatuses = 0;
  readonly errors = new Float64Array(ERROR_CLASSES.length);
  readonly statuses = new Float64Array(STATUS_SLOTS);

  addTo(into: StepCounters): void {
    into.requests += this.requests;
    into.failed += this.failed;
    into.checksPassed += this.checksPassed;
    into.checksFailed += this.checksFailed;
    into.sent += this.sent;
    into.received += this.received;
    into.otherStatuses += this.otherStatuses;
    for (let i = 0; i < this.errors.length; i++) into.errors[i] += this.errors[i];
    if (this.requests > 0) for (let i = 0; i < STATUS_SLOTS; i++) into.statuses[i] += this.statuses[i];
  }

  reset(): void {
    if (this.requests > 0) this.statuses.fill(0);
    this.errors.fill(0);
    this.requests = this.failed = this.checksPassed = this.checksFailed = this.sent = this.received = this.otherStatuses = 0;
  }
}

/** The figures of one request step; also its StepRecorder. */
export class StepSeries implements StepRecorder {
  readonly durationOk = new Trend();
  readonly durationFailed = new Trend();
  readonly blocked = new Trend();
  readonly connecting = new Trend();
  readonly tlsHandshaking = new Trend();
  readonly sending = new Trend();
  readonly waiting = new Trend();
  readonly receiving = new Trend();
  readonly win = new StepCounters();
  readonly run = new StepCounters();
  /** Per check of the plan, whole run (no window: only the summary lists checks). */
  readonly checkPasses: Float64Array;
  readonly checkFails: Float64Array;
  readonly checkNames: readonly string[];
  readonly name: string;
  readonly index: number;
  readonly method: HttpMethod;

  constructor(
    readonly scenario: string,
    step: RequestStepPlan,
  ) {
    this.name = step.name;
    this.index = step.index;
    this.method = step.method;
    this.checkNames = step.checks.map((c) => c.name);
    this.checkPasses = new Float64Array(step.checks.length);
    this.checkFails = new Float64Array(step.checks.length);
  }

  request(
    status: number,
    failed: boolean,
    errorClass: ErrorClass | undefined,
    timings: Timings,
    bytesSent: number,
    bytesReceived: number,
  ): void {
    const w = this.win;
    w.requests++;
    if (failed) {
      w.failed++;
      this.durationFailed.record(timings.duration);
    } else {
      this.durationOk.record(timings.duration);
    }
    if (errorClass !== undefined) w.errors[ERROR_CLASS_INDEX[errorClass]]++;
    if (status >= 0 && status < STATUS_SLOTS) w.statuses[status]++;
    else w.otherStatuses++;
    this.blocked.record(timings.blocked);
    this.connecting.record(timings.connecting);
    this.tlsHandshaking.record(timings.tlsHandshaking);
    this.sending.record(timings.sending);
    this.waiting.record(timings.waiting);
    this.receiving.record(timings.receiving);
    if (bytesSent > 0) w.sent += bytesSent;
    if (bytesReceived > 0) w.received += bytesReceived;
  }

  check(passed: boolean, index?: number): void {
    if (passed) this.win.checksPassed++;
    else this.win.checksFailed++;
    if (index !== undefined && index >= 0 && index < this.checkPasses.length) {
      if (passed) this.checkPasses[index]++;
      else this.checkFails[index]++;
    }
  }

  trends(): Trend[] {
    return [this.durationOk, this.durationFailed, this.blocked, this.connecting, this.tlsHandshaking, this.sending, this.waiting, this.receiving];
  }

  fold(): void {
    for (const t of this.trends()) t.fold();
    this.win.addTo(this.run);
    this.win.reset();
  }

  exportWindow(): StepWindow {
    const w = this.win;
    const statuses: Array<[number, number]> = [];
    if (w.requests > 0) for (let i = 0; i < STATUS_SLOTS; i++) if (w.statuses[i] > 0) statuses.push([i, w.statuses[i]]);
    const errors = w.errors.some((e) => e > 0) ? Array.from(w.errors) : [];
    return {
      requests: w.requests,
      failed: w.failed,
      checksPassed: w.checksPassed,
      checksFailed: w.checksFailed,
      sent: w.sent,
      received: w.received,
      otherStatuses: w.otherStatuses,
      errors,
      statuses,
      trends: this.trends().map((t) => t.exportWindow()),
    };
  }

  importWindow(sw: StepWindow): void {
    const w = this.win;
    w.requests += sw.requests;
    w.failed += sw.failed;
    w.checksPassed += sw.checksPassed;
    w.checksFailed += sw.checksFailed;
    w.sent += sw.sent;
    w.received += sw.received;
    w.otherStatuses += sw.otherStatuses;
    for (let i = 0; i < sw.errors.length && i < w.errors.length; i++) w.errors[i] += sw.errors[i];
    for (const [status, count] of sw.statuses) w.statuses[status] += count;
    const trends = this.trends();
    for (let i = 0; i < trends.length; i++) {
      const tw = sw.trends[i];
      if (tw !== undefined) trends[i].importWindow(tw);
    }
  }

  figures(includeTotal: boolean): StepFigures {
    const c = includeTotal ? sumCounters(this.run, this.win) : this.win;
    const stats = (t: Trend): TrendStats => (includeTotal ? t.totalStats() : t.windowStats());
    const errors: Partial<Record<ErrorClass, number>> = {};
    for (let i = 0; i < c.errors.length; i++) if (c.errors[i] > 0) errors[ERROR_CLASSES[i]] = c.errors[i];
    const statuses: Record<string, number> = {};
    if (c.requests > 0) for (let i = 0; i < STATUS_SLOTS; i++) if (c.statuses[i] > 0) statuses[String(i)] = c.statuses[i];
    if (c.otherStatuses > 0) statuses.other = c.otherStatuses;
    return {
      scenario: this.scenario,
      step: this.name,
      stepIndex: this.index,
      requests: c.requests,
      failed: c.failed,
      duration: statsOf(distributionOf([this.durationOk, this.durationFailed], includeTotal)),
      phases: {
        blocked: stats(this.blocked),
        connecting: stats(this.connecting),
        tlsHandshaking: stats(this.tlsHandshaking),
        sending: stats(this.sending),
        waiting: stats(this.waiting),
        receiving: stats(this.receiving),
      },
      errors,
      statuses,
      checksPassed: c.checksPassed,
      checksFailed: c.checksFailed,
      dataSent: c.sent,
      dataReceived: c.received,
    };
  }
}

function sumCounters(a: StepCounters, b: StepCounters): StepCounters {
  const s = new StepCounters();
  a.addTo(s);
  b.addTo(s);
  return s;
}

/** A gauge sampled at every change: last value, and min/max over the run. */
export class Gauge {
  value = 0;
  min = Infinity;
  max = -Infinity;
  samples = 0;

  set(v: number): void {
    this.value = v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.samples++;
  }
}

interface ScenarioCounters {
  iterations: number;
  dropped: number;
  interrupted: number;
}

function zeroCounters(): ScenarioCounters {
  return { iterations: 0, dropped: 0, interrupted: 0 };
}

/** The figures of one scenario; also its ScenarioRecorder. */
export class ScenarioSeries implements ScenarioRecorder {
  readonly iterationDuration = new Trend();
  readonly iterationLateness = new Trend();
  readonly win: ScenarioCounters = zeroCounters();
  readonly run: ScenarioCounters = zeroCounters();
  readonly vus = new Gauge();
  readonly vusMax = new Gauge();
  /** Highest allocated VU count within the current window. */
  private windowMaxAllocated = 0;
  /** Highest active VU count within the current window. */
  private windowMaxActive = 0;
  private targetRate: number | undefined;
  /** Recorder per flow index; undefined for think steps. */
  private readonly byIndex: Array<StepSeries | undefined>;
  readonly steps: StepSeries[];

  constructor(
    readonly name: string,
    readonly index: number,
    stepPlans: Plan['scenarios'][number]['steps'],
    private readonly onVUs: (scenario: ScenarioSeries, active: number, allocated: number) => void,
  ) {
    this.byIndex = [];
    this.steps = [];
    for (const step of stepPlans) {
      if (step.kind !== 'request') continue;
      const series = new StepSeries(name, step);
      this.byIndex[step.index] = series;
      this.steps.push(series);
    }
  }

  step(index: number): StepRecorder {
    const s = this.byIndex[index];
    if (s === undefined) throw new Error(`scenario ${this.name}: flow item ${index} is not a request step`);
    return s;
  }

  iteration(durationMs: number): void {
    this.win.iterations++;
    this.iterationDuration.record(durationMs);
  }

  interrupted(): void {
    this.win.interrupted++;
  }

  dropped(count = 1): void {
    if (count > 0) this.win.dropped += count;
  }

  lateness(ms: number): void {
    this.iterationLateness.record(ms);
  }

  setVUs(active: number, allocated: number): void {
    const prevActive = this.vus.samples === 0 ? 0 : this.vus.value;
    const prevAllocated = this.vusMax.samples === 0 ? 0 : this.vusMax.value;
    this.vus.set(active);
    this.vusMax.set(allocated);
    if (allocated > this.windowMaxAllocated) this.windowMaxAllocated = allocated;
    if (active > this.windowMaxActive) this.windowMaxActive = active;
    this.onVUs(this, active - prevActive, allocated - prevAllocated);
  }

  setTargetRate(perSecond: number): void {
    this.targetRate = perSecond;
  }

  fold(): void {
    this.iterationDuration.fold();
    this.iterationLateness.fold();
    this.run.iterations += this.win.iterations;
    this.run.dropped += this.win.dropped;
    this.run.interrupted += this.win.interrupted;
    this.win.iterations = this.win.dropped = this.win.interrupted = 0;
    this.windowMaxAllocated = this.vusMax.samples === 0 ? 0 : this.vusMax.value;
    this.windowMaxActive = this.vus.samples === 0 ? 0 : this.vus.value;
  }

  exportWindow(): ScenarioWindow {
    const seen = this.vus.samples > 0;
    const window: ScenarioWindow = {
      iterations: this.win.iterations,
      dropped: this.win.dropped,
      interrupted: this.win.interrupted,
      vusActive: seen ? this.vus.value : 0,
      vusAllocated: seen ? this.vusMax.value : 0,
      maxActive: seen ? this.windowMaxActive : 0,
      maxAllocated: seen ? this.windowMaxAllocated : 0,
      vusSeen: seen,
      steps: this.steps.map((s) => s.exportWindow()),
    };
    if (this.targetRate !== undefined) window.targetRate = this.targetRate;
    const duration = this.iterationDuration.exportWindow();
    if (duration !== undefined) window.iterationDuration = duration;
    const lateness = this.iterationLateness.exportWindow();
    if (lateness !== undefined) window.lateness = lateness;
    return window;
  }

  /**
   * Adds the windows of several threads (each a part of this scenario): counters and trends add; VUs are
   * the sums of the parts, their peaks the sums of the parts' peaks; the target rate is the scenario's.
   */
  importWindows(parts: readonly ScenarioWindow[]): void {
    let active = 0;
    let allocated = 0;
    let maxActive = 0;
    let maxAllocated = 0;
    let seen = false;
    for (const part of parts) {
      this.win.iterations += part.iterations;
      this.win.dropped += part.dropped;
      this.win.interrupted += part.interrupted;
      if (part.iterationDuration !== undefined) this.iterationDuration.importWindow(part.iterationDuration);
      if (part.lateness !== undefined) this.iterationLateness.importWindow(part.lateness);
      for (let i = 0; i < part.steps.length && i < this.steps.length; i++) this.steps[i].importWindow(part.steps[i]);
      if (part.targetRate !== undefined) this.targetRate = part.targetRate;
      if (!part.vusSeen) continue;
      seen = true;
      active += part.vusActive;
      allocated += part.vusAllocated;
      maxActive += part.maxActive;
      maxAllocated += part.maxAllocated;
    }
    if (!seen) return;
    if (maxActive !== active || maxAllocated !== allocated) this.setVUs(maxActive, maxAllocated);
    this.setVUs(active, allocated);
  }

  /** Adds per-check run totals of another thread (the summary lists checks by name). */
  importChecks(step: string, name: string, passes: number, fails: number): void {
    const s = this.steps.find((st) => st.name === step);
    if (s === undefined) return;
    const i = s.checkNames.indexOf(name);
    if (i < 0) return;
    s.checkPasses[i] += passes;
    s.checkFails[i] += fails;
  }

  counters(includeTotal: boolean): ScenarioCounters {
    if (!includeTotal) return this.win;
    return {
      iterations: this.run.iterations + this.win.iterations,
      dropped: this.run.dropped + this.win.dropped,
      interrupted: this.run.interrupted + this.win.interrupted,
    };
  }

  /**
   * One window (includeTotal false: VUs now, vusMax = most allocated within the window) or the whole run
   * (VU figures are the peaks over the run, since the values at the end are usually 0).
   */
  figures(includeTotal: boolean): ScenarioFigures {
    const c = this.counters(includeTotal);
    const seen = this.vus.samples > 0;
    const figures: ScenarioFigures = {
      scenario: this.name,
      iterations: c.iterations,
      dropped: c.dropped,
      interrupted: c.interrupted,
      iterationDuration: includeTotal ? this.iterationDuration.totalStats() : this.iterationDuration.windowStats(),
      lateness: includeTotal ? this.iterationLateness.totalStats() : this.iterationLateness.windowStats(),
      vusActive: !seen ? 0 : includeTotal ? this.vus.max : this.vus.value,
      vusAllocated: !seen ? 0 : includeTotal ? this.vusMax.max : this.vusMax.value,
      vusMax: !seen ? 0 : includeTotal ? this.vusMax.max : this.windowMaxAllocated,
      steps: this.steps.map((s) => s.figures(includeTotal)),
    };
    if (this.targetRate !== undefined) figures.targetRate = this.targetRate;
    return figures;
  }
}

/** A metric's samples matching a tag filter, before aggregation. */
export type MetricSnapshot =
  | { type: 'counter'; count: number; samples: number }
  | { type: 'rate'; trues: number; total: number }
  | { type: 'trend'; distribution: Distribution }
  | { type: 'gauge'; value: number; min: number; max: number; samples: number };

type StepTrendName = 'blocked' | 'connecting' | 'tlsHandshaking' | 'sending' | 'waiting' | 'receiving';

const STEP_PHASE_TRENDS: Partial<Record<MetricName, StepTrendName>> = {
  http_req_blocked: 'blocked',
  http_req_connecting: 'connecting',
  http_req_tls_handshaking: 'tlsHandshaking',
  http_req_sending: 'sending',
  http_req_waiting: 'waiting',
  http_req_receiving: 'receiving',
};

export class MetricsRegistry {
  readonly scenarios: ScenarioSeries[];
  /** k6's vus and vus_max: the sums over scenarios, sampled whenever an executor reports a change. */
  readonly vus = new Gauge();
  readonly vusMax = new Gauge();
  private sumActive = 0;
  private sumAllocated = 0;
  private readonly now: () => number;
  private readonly startedAt: number;

  constructor(plan: Plan, options: RegistryOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    const onVUs = (_s: ScenarioSeries, dActive: number, dAllocated: number): void => {
      this.sumActive += dActive;
      this.sumAllocated += dAllocated;
      this.vus.set(this.sumActive);
      this.vusMax.set(this.sumAllocated);
    };
    this.scenarios = plan.scenarios.map((s, i) => new ScenarioSeries(s.name, i, s.steps, onVUs));
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
    const figures = this.scenarios.map((s) => s.figures(false));
    for (const s of this.scenarios) {
      s.fold();
      for (const step of s.steps) step.fold();
    }
    return figures;
  }

  /** The current window of every scenario, for another thread or process to merge (before `tick`). */
  exportWindow(): RegistryWindow {
    return { scenarios: this.scenarios.map((s) => s.exportWindow()) };
  }

  /**
   * Adds the windows of the threads (or processes) that each ran a part of the plan into the current
   * window; the next `tick` reports them as one, exactly as a single registry that saw every sample.
   */
  importWindows(windows: readonly RegistryWindow[]): void {
    for (let i = 0; i < this.scenarios.length; i++) {
      const parts: ScenarioWindow[] = [];
      for (const w of windows) {
        const part = w.scenarios[i];
        if (part !== undefined) parts.push(part);
      }
      if (parts.length > 0) this.scenarios[i].importWindows(parts);
    }
  }

  /** Adds the per-check totals of another thread's summary. */
  importChecks(checks: ReadonlyArray<{ scenario: string; step: string; name: string; passes: number; fails: number }>): void {
    for (const c of checks) this.scenarios.find((s) => s.name === c.scenario)?.importChecks(c.step, c.name, c.passes, c.fails);
  }

  /** Whole-run figures, including the current window. */
  totals(): ScenarioFigures[] {
    return this.scenarios.map((s) => s.figures(true));
  }

  /** Every check of the plan with its run-total outcome (only checks recorded with their index). */
  checks(): Array<{ scenario: string; step: string; name: string; passes: number; fails: number }> {
    const out = [];
    for (const s of this.scenarios) {
      for (const step of s.steps) {
        for (let i = 0; i < step.checkNames.length; i++) {
          out.push({ scenario: s.name, step: step.name, name: step.checkNames[i], passes: step.checkPasses[i], fails: step.checkFails[i] });
        }
      }
    }
    return out;
  }

  /**
   * Why a filter cannot be answered (unknown metric, or a tag this metric cannot be filtered by), or
   * undefined when it can. A filter that names a scenario or step that does not exist is answerable: it
   * has no samples (see `filterWarning`).
   */
  filterProblem(metric: string, tags: Record<string, string>): string | undefined {
    if (!Object.hasOwn(METRICS, metric)) return `unknown metric "${metric}"`;
    const allowed: readonly string[] = METRIC_TAGS[metric as MetricName];
    for (const key of Object.keys(tags)) {
      if (!allowed.includes(key)) {
        return `${metric} cannot be filtered by "${key}" (it can be by ${allowed.join(', ')})`;
      }
    }
    if (tags.status !== undefined && !/^\d{1,3}$/.test(tags.status)) return `status "${tags.status}" is not an HTTP status code`;
    if (tags.expected_response !== undefined && tags.expected_response !== 'true' && tags.expected_response !== 'false') {
      return `expected_response is true or false, not "${tags.expected_response}"`;
    }
    return undefined;
  }

  /** A scenario, step or method in the filter that no series has: the filter will never match a sample. */
  filterWarning(tags: Record<string, string>): string | undefined {
    const scenarios = this.scenarios.filter((s) => tags.scenario === undefined || s.name === tags.scenario);
    if (scenarios.length === 0) return `no scenario is named "${tags.scenario}"`;
    const steps = scenarios.flatMap((s) => s.steps);
    if (tags.step !== undefined && !steps.some((st) => st.name === tags.step)) {
      return `no request step is named "${tags.step}"${tags.scenario !== undefined ? ` in scenario ${tags.scenario}` : ''}`;
    }
    if (tags.method !== undefined && !steps.some((st) => st.method === tags.method && (tags.step === undefined || st.name === tags.step))) {
      return `no request step uses method ${tags.method}`;
    }
    return undefined;
  }

  private matchingScenarios(tags: Record<string, string>): ScenarioSeries[] {
    return tags.scenario === undefined ? this.scenarios : this.scenarios.filter((s) => s.name === tags.scenario);
  }

  private matchingSteps(tags: Record<string, string>): StepSeries[] {
    const out: StepSeries[] = [];
    for (const s of this.matchingScenarios(tags)) {
      for (const step of s.steps) {
        if (tags.step !== undefined && step.name !== tags.step) continue;
        if (tags.method !== undefined && step.method !== tags.method) continue;
        out.push(step);
      }
    }
    return out;
  }

  /** All samples of `metric` matching `tags`, over the whole run so far; undefined when the filter is unsupported. */
  snapshot(metric: string, tags: Record<string, string> = {}): MetricSnapshot | undefined {
    if (this.filterProblem(metric, tags) !== undefined) return undefined;
    const name = metric as MetricName;
    // The metrics whose samples carry a step are kept per step.
    if (METRIC_TAGS[name].includes('step')) return this.stepSnapshot(name, tags);
    const scenarios = this.matchingScenarios(tags);
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
      case 'vus':
      case 'vus_max': {
        const pick = (holder: { vus: Gauge; vusMax: Gauge }): Gauge => (name === 'vus' ? holder.vus : holder.vusMax);
        const g = tags.scenario === undefined ? pick(this) : scenarios.length === 1 ? pick(scenarios[0]) : new Gauge();
        return { type: 'gauge', value: g.value, min: g.samples ? g.min : 0, max: g.samples ? g.max : 0, samples: g.samples };
      }
      default:
        return undefined;
    }
  }

  private stepSnapshot(metric: MetricName, tags: Record<string, string>): MetricSnapshot | undefined {
    const steps = this.matchingSteps(tags);
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
      case 'data_sent':
        return { type: 'counter', count: sent, samples: requests };
      case 'data_received':
        return { type: 'counter', count: received, samples: requests };
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
   * (count per second of `elapsedMs`, default the registry's clock), trends in ms, rates as a fraction,
   * gauges their last value. Undefined when no sample matches, the filter is unsupported, or the
   * aggregation does not apply to the metric's type.
   */
  metricValue(metric: string, tags: Record<string, string>, aggregation: Aggregation, elapsedMs?: number): number | undefined {
    const snap = this.snapshot(metric, tags);
    if (snap === undefined) return undefined;
    switch (snap.type) {
      case 'counter': {
        if (snap.samples === 0) return undefined;
        if (aggregation.kind === 'count') return snap.count;
        if (aggregation.kind === 'rate') {
          const seconds = (elapsedMs ?? this.elapsedMs()) / 1000;
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
