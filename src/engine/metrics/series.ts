// Recording (k6's sinks): the series of one scenario and of each of its request steps, which are also the
// recorders the hot path calls. Built once before the run, so recording a sample is field updates and
// one HDR record per trend, with no lookup by name and no allocation. Samples land in the current
// one-second window; `fold()` adds the window into the run totals. Moving windows between threads is
// ./windows.ts, answering k6's threshold queries ./query.ts.
import type { ErrorClass, GroupFigures, ScenarioFigures, StepFigures, StepWindow, TrendStats } from '../../protocol';
import type { GroupPlan, HttpMethod, Plan, RequestStepPlan } from '../scenario/plan';
import type { MetricName } from './catalogue';
import { ERROR_CLASSES, ERROR_CLASS_INDEX } from './error-classes';
import type { ScenarioRecorder, StepRecorder, Timings } from './recorder';
import { Trend, distributionOf, statsOf } from './trend';

/** Statuses are counted in a dense array (no per-request key); anything outside 0..999 goes to "other". */
export const STATUS_SLOTS = 1000;

/** The counts of a step that add across windows and threads: its counters here, and a StepWindow's. */
export type StepCounts = Omit<StepWindow, 'errors' | 'statuses' | 'trends'> & {
  /** By ERROR_CLASSES index. */
  errors: ArrayLike<number>;
};

export class StepCounters implements StepCounts {
  requests = 0;
  failed = 0;
  checksPassed = 0;
  checksFailed = 0;
  sent = 0;
  received = 0;
  otherStatuses = 0;
  readonly errors = new Float64Array(ERROR_CLASSES.length);
  readonly statuses = new Float64Array(STATUS_SLOTS);

  /** Adds another window's counts (this thread's, or another's); statuses come by the caller's encoding. */
  add(from: StepCounts): void {
    this.requests += from.requests;
    this.failed += from.failed;
    this.checksPassed += from.checksPassed;
    this.checksFailed += from.checksFailed;
    this.sent += from.sent;
    this.received += from.received;
    this.otherStatuses += from.otherStatuses;
    for (let i = 0; i < from.errors.length && i < this.errors.length; i++) this.errors[i] += from.errors[i];
  }

  addTo(into: StepCounters): void {
    into.add(this);
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
  /** Volley's own volley_req_queued. */
  readonly queued = new Trend();
  readonly win = new StepCounters();
  readonly run = new StepCounters();
  /** Per check of the plan, whole run (no window: only the summary lists checks). */
  readonly checkPasses: Float64Array;
  readonly checkFails: Float64Array;
  readonly checkNames: readonly string[];
  readonly name: string;
  readonly index: number;
  readonly method: HttpMethod;
  /** The `group` tag of its requests: the innermost group around the step. */
  readonly group: string | undefined;

  constructor(
    readonly scenario: string,
    step: RequestStepPlan,
  ) {
    this.name = step.name;
    this.index = step.index;
    this.method = step.method;
    this.group = step.group;
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
    this.queued.record(timings.queued);
    if (bytesSent > 0) w.sent += bytesSent;
    if (bytesReceived > 0) w.received += bytesReceived;
  }

  bytes(sent: number, received: number): void {
    if (sent > 0) this.win.sent += sent;
    if (received > 0) this.win.received += received;
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
    return [this.durationOk, this.durationFailed, this.blocked, this.connecting, this.tlsHandshaking, this.sending, this.waiting, this.receiving, this.queued];
  }

  fold(): void {
    for (const t of this.trends()) t.fold();
    this.win.addTo(this.run);
    this.win.reset();
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
        queued: stats(this.queued),
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

/** The passes through one `group:` (k6's group_duration). */
export class GroupSeries {
  readonly duration = new Trend();
  readonly name: string;
  readonly index: number;
  readonly line: number;

  constructor(
    readonly scenario: string,
    group: GroupPlan,
  ) {
    this.name = group.name;
    this.index = group.index;
    this.line = group.range.start.line + 1;
  }

  figures(includeTotal: boolean): GroupFigures {
    return {
      scenario: this.scenario,
      group: this.name,
      groupIndex: this.index,
      line: this.line,
      duration: includeTotal ? this.duration.totalStats() : this.duration.windowStats(),
    };
  }
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

export interface ScenarioCounters {
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
  /** Highest allocated VU count within the current window (read by the window export, ./windows.ts). */
  windowMaxAllocated = 0;
  /** Highest active VU count within the current window. */
  windowMaxActive = 0;
  /** Set through setTargetRate. */
  targetRate: number | undefined;
  /** Recorder per flow index; undefined for think steps. */
  private readonly byIndex: Array<StepSeries | undefined>;
  readonly steps: StepSeries[];
  readonly groups: GroupSeries[];

  constructor(
    readonly name: string,
    readonly index: number,
    stepPlans: Plan['scenarios'][number]['steps'],
    private readonly onVUs: (scenario: ScenarioSeries, active: number, allocated: number) => void,
    groupPlans: readonly GroupPlan[] = [],
  ) {
    this.groups = groupPlans.map((g) => new GroupSeries(name, g));
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

  group(index: number, durationMs: number): void {
    this.groups[index].duration.record(durationMs);
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
    for (const g of this.groups) g.duration.fold();
    this.run.iterations += this.win.iterations;
    this.run.dropped += this.win.dropped;
    this.run.interrupted += this.win.interrupted;
    this.win.iterations = this.win.dropped = this.win.interrupted = 0;
    this.windowMaxAllocated = this.vusMax.samples === 0 ? 0 : this.vusMax.value;
    this.windowMaxActive = this.vus.samples === 0 ? 0 : this.vus.value;
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
    if (this.groups.length > 0) figures.groups = this.groups.map((g) => g.figures(includeTotal));
    if (this.targetRate !== undefined) figures.targetRate = this.targetRate;
    return figures;
  }
}

/** A step's timing-phase trends, by field name. */
export type StepTrendName = 'blocked' | 'connecting' | 'tlsHandshaking' | 'sending' | 'waiting' | 'receiving' | 'queued';

/** The step trend each phase metric is kept in. */
export const STEP_PHASE_TRENDS: Partial<Record<MetricName, StepTrendName>> = {
  http_req_blocked: 'blocked',
  http_req_connecting: 'connecting',
  http_req_tls_handshaking: 'tlsHandshaking',
  http_req_sending: 'sending',
  http_req_waiting: 'waiting',
  http_req_receiving: 'receiving',
  volley_req_queued: 'queued',
};
