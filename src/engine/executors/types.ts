// The executor core's view of the world: it schedules iterations on VUs and knows nothing about HTTP,
// so the same code runs a FlowRunner in a real run and plain timed functions in the executor tests.
import type { Clock } from './clock';
import type { ScenarioRecorder } from '../metrics/recorder';
import type { ScenarioPlan } from '../scenario/plan';
import type { WorkShare } from '../segments';

/** What runs one iteration of a scenario's flow on one VU. FlowRunner (../flow.ts) is one. */
export interface IterationRunner<V> {
  newVU(id: number): V;
  /** Resolves true when the iteration completed, false when `interrupt` cut it short. */
  runIteration(vu: V, iteration: number): Promise<boolean>;
  /** Cut the VU's running iteration short; its `runIteration` promise then resolves (false). */
  interrupt(vu: V): void;
  closeVU(vu: V): Promise<void>;
  /**
   * Asked before each iteration starts, when present: false means the runner has nothing left to run
   * (a `unique` data set ran out), and the scenario starts no more iterations.
   */
  readonly claim?: ((vu: V) => boolean) | undefined;
}

/**
 * Hands out VU ids, 1-based and unique across all scenarios of a run (k6's __VU). A part of a run (a
 * worker thread, an execution segment) takes the ids of its stripe, like k6's exec.vu.idInTest, so ids
 * stay unique across the parts.
 */
export class VUIdSequence {
  private last = 0;
  constructor(private readonly stripe?: { next(): number }) {}
  next(): number {
    this.last = this.stripe === undefined ? this.last + 1 : this.stripe.next() + 1;
    return this.last;
  }
  get issued(): number {
    return this.last;
  }
}

export interface ExecutorContext<V> {
  scenario: ScenarioPlan;
  runner: IterationRunner<V>;
  recorder: ScenarioRecorder;
  vuIds: VUIdSequence;
  /**
   * A bug, not a measurement: an iteration's promise rejected (the iteration still counts, as k6 counts
   * iterations that threw) or a VU could not be created (the scenario then ends).
   */
  onError?: (error: unknown) => void;
  /**
   * This executor's part of the scenario (k6's execution segment, or a worker thread's part of it):
   * VUs, iterations and arrival-rate iterations are split as k6 splits them. Absent: the whole scenario.
   */
  share?: WorkShare;
  /** The time the executor reads and the timers it arms; absent: the real clock (./clock.ts). */
  clock?: Clock;
}

/** VUs (or any count) this executor runs of the scenario's `value`. */
export function scaled(context: Pick<ExecutorContext<unknown>, 'share'>, value: number): number {
  const share = context.share;
  return share === undefined || share.isFull ? value : share.scale(value);
}

export interface Executor {
  readonly scenario: string;
  /** When the schedule ends, from the scenario's own start, without gracefulStop (k6's regular duration). */
  readonly plannedDurationMs: number;
  /** The most VUs this executor may initialise. */
  readonly maxVUs: number;
  /** When the scenario actually began on the context's clock; undefined before (or if it never did). */
  readonly beganAt: number | undefined;
  /**
   * k6's init phase: create the VUs the scenario starts with, before the run's clock (and any warm-up)
   * starts, so neither their creation nor the garbage collection it brings on lands in the schedule.
   */
  initVUs(): void;
  /** Arms the startTime timer; `runStartedAt` is the run's start on the context's clock. */
  start(runStartedAt: number): void;
  /** Like the end of the duration: no new iterations, running ones may finish within gracefulStop. */
  stop(): void;
  /** Interrupt every running iteration now. */
  hardStop(): void;
  /** Refresh gauges that drift with time (the ramping target rate); the run calls it once a second. */
  refreshGauges(): void;
  /** Settles once every VU is closed: the scenario is over. Never rejects. */
  readonly done: Promise<void>;
}

export { now } from './clock';
