// The open model shared by both arrival-rate executors: iterations start on a schedule whatever the
// system under test does. One timer, re-armed to the next due time; every wake-up starts the iterations
// that are due (a late timer catches up, in slices that let responses come in between), each on an idle
// VU or else dropped — never retried — with one more VU initialised in the background while fewer than
// maxVUs exist (k6: constant_arrival_rate.go and ramping_arrival_rate.go, Run). A VU that ends an
// iteration while one is due takes it at once. Due times are offsets from one start timestamp, so the
// schedule does not drift; each start's lateness is measured when it actually starts.
import { BaseExecutor } from './base-executor';
import type { IndexIterator, WorkShare } from '../segments';
import type { ClockTimer } from './clock';
import { scaled, type ExecutorContext } from './types';

/** How long one wake-up starts due iterations before it lets I/O run (see tick). */
const CATCH_UP_SLICE_MS = 0.5;

/**
 * Which of the scenario's iterations (0-based, in schedule order) this executor starts: all of them, or
 * k6's stripe for its segment. As in k6 (Init: GetNewExecutionTupleFromValue(maxVUs)), the stripe comes
 * from the sequence re-cut by maxVUs, so each segment starts iterations in proportion to its VUs, and
 * the segments' iterations interleave: together they are exactly the single-process schedule.
 */
export interface IterationStripe {
  /** How many of the first `total` iterations are this executor's. */
  count(total: number): number;
  /** The global index of this executor's next iteration. */
  next(): number;
}

class AllIterations implements IterationStripe {
  private index = 0;
  count(total: number): number {
    return total;
  }
  next(): number {
    return this.index++;
  }
}

class SegmentIterations implements IterationStripe {
  private readonly indexes: IndexIterator | undefined;
  constructor(private readonly share: WorkShare | undefined) {
    this.indexes = share?.indexes();
  }
  count(total: number): number {
    return this.share === undefined ? 0 : this.share.scale(total);
  }
  next(): number {
    return this.indexes === undefined ? Infinity : this.indexes.next();
  }
}

export function iterationStripe(share: WorkShare | undefined, maxVUs: number, preAllocatedVUs: number): IterationStripe {
  if (share === undefined || share.isFull) return new AllIterations();
  const vus = Math.max(maxVUs, preAllocatedVUs);
  return new SegmentIterations(share.scale(vus) === 0 ? undefined : share.reSegmented(vus));
}

/** The iteration start times of an arrival-rate executor, in order. */
export interface ArrivalSchedule {
  /** How many iterations the schedule starts in all. */
  readonly total: number;
  /** When the regular duration ends, in ms from the scenario's start. */
  readonly durationMs: number;
  /** The offset of the next iteration (ms from the start) and advances; Infinity when none is left. */
  next(): number;
  /** The rate aimed at, in iterations per second, this many ms after the start. */
  rateAt(offsetMs: number): number;
}

export abstract class ArrivalRateExecutor<V> extends BaseExecutor<V> {
  readonly plannedDurationMs: number;
  private readonly preAllocatedVUs: number;
  private readonly schedule: ArrivalSchedule;
  private nextDue = Infinity;
  private timer: ClockTimer | undefined;
  private catchUp: ClockTimer | undefined;
  private scheduled = 0;
  private dropped = 0;

  constructor(context: ExecutorContext<V>, schedule: ArrivalSchedule, preAllocatedVUs: number, maxVUs: number) {
    super(context, Math.max(scaled(context, maxVUs), scaled(context, preAllocatedVUs)), true);
    this.schedule = schedule;
    this.preAllocatedVUs = scaled(context, preAllocatedVUs);
    this.plannedDurationMs = schedule.durationMs;
  }

  /** Iterations whose start time has come so far: started + dropped. */
  get scheduledIterations(): number {
    return this.scheduled;
  }

  get droppedIterations(): number {
    return this.dropped;
  }

  override initVUs(): void {
    this.pool.preallocate(this.preAllocatedVUs);
  }

  protected onBegin(): void {
    // k6 initialises the preallocated VUs before the scenario starts; the run does so before its clock
    // (initVUs). Should it not have, they are created here, and the schedule's clock starts once they
    // exist (≈15 µs a VU, 30 ms for 2,000), or the first iterations would all be late by it.
    this.initVUs();
    this.startedAt = this.clock.now();
    this.refreshGauges();
    this.nextDue = this.schedule.next();
    this.tick();
  }

  override refreshGauges(): void {
    if (this.phase === 'running') this.recorder.setTargetRate(this.schedule.rateAt(this.elapsed()));
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.catchUp = undefined;
    if (this.phase !== 'running') return;
    const clock = this.clock;
    const wokeAt = clock.now();
    let elapsed = wokeAt - this.startedAt;
    while (this.nextDue <= elapsed) {
      this.scheduled++;
      const started = this.pool.startIdle();
      if (started) {
        this.recorder.lateness(elapsed - this.nextDue);
      } else {
        this.dropped++;
        this.recorder.dropped();
        this.pool.growInBackground();
      }
      this.nextDue = this.schedule.next();
      if (!started) continue;
      // Starting an iteration runs it up to its first await (a new VU's connect included), and nothing
      // else runs meanwhile: no response comes back, so no VU returns to the idle list and every due
      // iteration would take a VU that has yet to connect. A long catch-up therefore lets I/O run
      // (setImmediate comes after the poll phase) and goes on from there.
      const t = clock.now();
      elapsed = t - this.startedAt;
      if (t - wokeAt > CATCH_UP_SLICE_MS && this.nextDue <= elapsed) {
        this.catchUp = clock.setImmediate(this.tick);
        return;
      }
    }
    if (elapsed >= this.schedule.durationMs) {
      this.beginGracefulStop();
      return;
    }
    const wakeAt = Math.min(this.nextDue, this.schedule.durationMs);
    // Node's timers count whole milliseconds and may fire a fraction early; the loop above re-arms.
    this.timer = clock.setTimeout(this.tick, Math.max(1, Math.ceil(wakeAt - elapsed)));
  };

  /**
   * A VU just ended an iteration: if one is due, it starts on this VU now (the VU the schedule would
   * take next from the idle list). The schedule's own wake-up starts the rest.
   */
  protected continueVU(): boolean {
    const elapsed = this.elapsed();
    if (this.nextDue > elapsed) return false;
    this.scheduled++;
    this.recorder.lateness(elapsed - this.nextDue);
    this.nextDue = this.schedule.next();
    return true;
  }

  protected override onStopping(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.catchUp !== undefined) this.clock.clearImmediate(this.catchUp);
    this.timer = undefined;
    this.catchUp = undefined;
    this.recorder.setTargetRate(0);
  }
}
