// The life of one scenario, shared by every executor (k6: base_executor.go and getDurationContexts in
// helpers.go): wait for startTime, run the schedule, then stop gracefully — no new iterations, running
// ones may finish within gracefulStop, after which they are interrupted — and close the VUs.
import type { ScenarioRecorder } from '../metrics/recorder';
import type { ScenarioPlan } from '../scenario/plan';
import { now, realClock, type Clock, type ClockTimer } from './clock';
import type { Executor, ExecutorContext, IterationRunner } from './types';
import { VUPool, type VUHandle, type VUPoolOwner } from './vu-pool';

/**
 * A timer delay that reaches `at` on a clock now at `nowMs` (the real one by default). Node counts timers
 * in whole milliseconds of a loop time that can lag, so a timer may fire a little early: every deadline
 * callback checks and re-arms.
 */
export function delayUntil(at: number, nowMs: number = now()): number {
  return Math.max(0, Math.ceil(at - nowMs));
}

export type Phase = 'created' | 'waiting' | 'running' | 'stopping' | 'done';

export abstract class BaseExecutor<V> implements Executor, VUPoolOwner<V> {
  readonly scenario: string;
  abstract readonly plannedDurationMs: number;
  readonly done: Promise<void>;
  protected phase: Phase = 'created';
  /** The scenario's own start on `clock`. */
  protected startedAt = 0;
  protected readonly clock: Clock;
  protected readonly pool: VUPool<V>;
  protected readonly recorder: ScenarioRecorder;
  protected readonly plan: ScenarioPlan;
  /** When the scenario is due to begin, on `clock`. */
  private beginAt = 0;
  /** When the regular duration ends, from the scenario's start. */
  private regularEndMs = Infinity;
  private graceEndsAt = Infinity;
  private startTimer: ClockTimer | undefined;
  private endTimer: ClockTimer | undefined;
  private graceTimer: ClockTimer | undefined;
  private resolveDone!: () => void;
  private readonly onError: ((error: unknown) => void) | undefined;

  constructor(
    context: ExecutorContext<V>,
    readonly maxVUs: number,
    useIdleList: boolean,
  ) {
    this.plan = context.scenario;
    this.scenario = context.scenario.name;
    this.recorder = context.recorder;
    this.onError = context.onError;
    this.clock = context.clock ?? realClock;
    this.pool = new VUPool(
      context.runner as IterationRunner<V>,
      context.recorder,
      context.vuIds,
      maxVUs,
      this,
      useIdleList,
      this.clock,
      () => this.phase === 'running',
    );
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  start(runStartedAt: number): void {
    if (this.phase !== 'created') return;
    this.phase = 'waiting';
    this.beginAt = runStartedAt + this.plan.startTimeMs;
    this.startTimer = this.clock.setTimeout(this.begin, this.msUntil(this.beginAt));
  }

  stop(): void {
    if (this.phase === 'waiting' || this.phase === 'created') this.finish();
    else if (this.phase === 'running') this.beginGracefulStop();
  }

  hardStop(): void {
    if (this.phase === 'waiting' || this.phase === 'created') {
      this.finish();
      return;
    }
    if (this.phase === 'running') this.enterStopping();
    if (this.phase !== 'stopping') return;
    this.pool.interruptAll();
    if (this.pool.busy === 0) this.finish();
  }

  get beganAt(): number | undefined {
    return this.phase === 'created' || this.phase === 'waiting' || this.startedAt === 0 ? undefined : this.startedAt;
  }

  refreshGauges(): void {}

  initVUs(): void {}

  /** Milliseconds since this scenario began. */
  protected elapsed(): number {
    return this.clock.now() - this.startedAt;
  }

  /** delayUntil on this executor's clock. */
  private msUntil(at: number): number {
    return delayUntil(at, this.clock.now());
  }

  private readonly begin = (): void => {
    this.startTimer = undefined;
    if (this.phase !== 'waiting') return;
    if (this.clock.now() < this.beginAt) {
      this.startTimer = this.clock.setTimeout(this.begin, this.msUntil(this.beginAt));
      return;
    }
    this.phase = 'running';
    this.startedAt = this.clock.now();
    if (this.maxVUs === 0) {
      // This segment has no share of the scenario (k6's HasWork is false): nothing to schedule.
      this.finish();
      return;
    }
    try {
      this.onBegin();
    } catch (error) {
      // A VU that cannot be created (a bug, not a measurement) ends this scenario, not the process.
      this.failed(error);
      this.hardStop();
    }
  };

  /** Allocate the VUs and start the schedule. */
  protected abstract onBegin(): void;

  /** Whether this VU runs another iteration now (only asked while running). Closed models loop here. */
  protected abstract continueVU(handle: VUHandle<V>): boolean;

  /** Stop the schedule's own timers: the scenario is leaving the running phase. */
  protected onStopping(): void {}

  /** Last accounting before the VUs close (dropped iterations of the iteration executors). */
  protected onFinish(): void {}

  /** The pool went idle while running (iteration executors end early when all work is done). */
  protected onPoolIdleWhileRunning(): void {}

  /** End the regular duration this many ms after the scenario's start. */
  protected endRegularDurationAt(offsetMs: number): void {
    this.regularEndMs = offsetMs;
    this.endTimer = this.clock.setTimeout(this.endRegularDuration, this.msUntil(this.startedAt + offsetMs));
  }

  private readonly endRegularDuration = (): void => {
    this.endTimer = undefined;
    if (this.phase !== 'running') return;
    if (this.elapsed() < this.regularEndMs) {
      this.endTimer = this.clock.setTimeout(this.endRegularDuration, this.msUntil(this.startedAt + this.regularEndMs));
      return;
    }
    this.beginGracefulStop();
  };

  /** No new iterations; running ones get gracefulStop to finish, then are interrupted. */
  protected beginGracefulStop(): void {
    if (this.phase !== 'running') return;
    this.enterStopping();
    if (this.pool.busy === 0) {
      this.finish();
      return;
    }
    this.graceEndsAt = this.clock.now() + this.plan.gracefulStopMs;
    this.graceTimer = this.clock.setTimeout(this.gracePeriodOver, this.plan.gracefulStopMs);
  }

  private readonly gracePeriodOver = (): void => {
    this.graceTimer = undefined;
    if (this.phase !== 'stopping') return;
    if (this.clock.now() < this.graceEndsAt) {
      this.graceTimer = this.clock.setTimeout(this.gracePeriodOver, this.msUntil(this.graceEndsAt));
      return;
    }
    this.pool.interruptAll();
  };

  private enterStopping(): void {
    this.phase = 'stopping';
    if (this.endTimer !== undefined) this.clock.clearTimeout(this.endTimer);
    this.endTimer = undefined;
    this.onStopping();
  }

  nextIteration(handle: VUHandle<V>): boolean {
    return this.phase === 'running' && this.continueVU(handle);
  }

  poolIdle(): void {
    if (this.phase === 'stopping') this.finish();
    else if (this.phase === 'running') this.onPoolIdleWhileRunning();
  }

  failed(error: unknown): void {
    this.onError?.(error);
  }

  exhausted(): void {
    this.stop();
  }

  /** The scenario is over: account, clear every timer, close the VUs. */
  protected finish(): void {
    if (this.phase === 'done') return;
    const began = this.phase === 'running' || this.phase === 'stopping';
    if (this.phase === 'running') this.enterStopping();
    this.phase = 'done';
    for (const timer of [this.startTimer, this.endTimer, this.graceTimer]) {
      if (timer !== undefined) this.clock.clearTimeout(timer);
    }
    this.startTimer = this.endTimer = this.graceTimer = undefined;
    if (began) this.onFinish();
    void this.pool.close().then(this.resolveDone, this.resolveDone);
  }
}
