// The VUs of one scenario: allocation with run-wide ids, the idle list the arrival-rate executors draw
// from, iteration start and settlement, background initialisation of one more VU, interrupt and close.
// Every callback a VU needs is bound once when it is created, so running an iteration allocates nothing
// of ours (k6: lib/executor/vu_handle.go and the activeVUPool of ramping_arrival_rate.go).
import type { ScenarioRecorder } from '../metrics/recorder';
import type { Clock } from './clock';
import type { IterationRunner, VUIdSequence } from './types';

export type VUState =
  /** Allocated, not running: on the idle list (arrival-rate) or parked by its executor. */
  | 'idle'
  | 'running'
  /** Its next iteration is decided but deferred to the next turn of the event loop. */
  | 'pending';

/** What the pool asks of the executor that owns it. */
export interface VUPoolOwner<V> {
  /**
   * A looping VU's iteration just ended (or its deferred next one is due): should it run another one
   * now? Only asked of closed models; open models' VUs go back to the idle list.
   */
  nextIteration(handle: VUHandle<V>): boolean;
  /** No VU is running or pending any more. */
  poolIdle(): void;
  /** A rejected iteration or a VU that could not be created. */
  failed(error: unknown): void;
  /** The runner refused to start an iteration (its data ran out): start no more. */
  exhausted(): void;
}

export class VUHandle<V> {
  state: VUState = 'idle';
  /** Iterations started on this VU in this scenario: the next one's number (k6's __ITER). */
  iterations = 0;
  /** Set once `interrupt` reached this VU's running iteration, so it is interrupted only once. */
  interrupted = false;
  startedAt = 0;
  /** Executor-owned slot number (ramping-vus) or -1. */
  slot = -1;
  readonly onSettled: (completed: boolean) => void;
  readonly onFailed: (error: unknown) => void;
  readonly resume: () => void;

  constructor(
    readonly id: number,
    readonly vu: V,
    pool: VUPool<V>,
  ) {
    this.onSettled = (completed) => pool.settle(this, completed === true, undefined);
    this.onFailed = (error) => pool.settle(this, true, error);
    this.resume = () => pool.resume(this);
  }
}

/**
 * How many iterations may follow one another within one turn of the event loop. An iteration that
 * resolves without real I/O would otherwise chain forever on microtasks and starve every timer.
 */
const CHAIN_BUDGET = 256;

export class VUPool<V> {
  readonly handles: Array<VUHandle<V>> = [];
  /** Idle VUs the arrival-rate executors take from (a stack: the warmest VU first). */
  private readonly idle: Array<VUHandle<V>> = [];
  private busyCount = 0;
  private initPending = false;
  private closed = false;
  private reportedActive = -1;
  private reportedAllocated = -1;
  private chained = 0;
  private readonly resetChain = (): void => {
    this.chained = 0;
  };
  private readonly initInBackground = (): void => {
    this.initPending = false;
    if (this.closed || !this.accepting() || this.handles.length >= this.maxVUs) return;
    let handle: VUHandle<V> | undefined;
    try {
      handle = this.allocate();
    } catch (error) {
      this.owner.failed(error);
    }
    if (handle !== undefined) this.release(handle);
  };

  constructor(
    private readonly runner: IterationRunner<V>,
    private readonly recorder: ScenarioRecorder,
    private readonly vuIds: VUIdSequence,
    readonly maxVUs: number,
    private readonly owner: VUPoolOwner<V>,
    /**
     * Open model (arrival-rate): a VU that ends an iteration goes to the idle list the schedule draws
     * from. Closed model: the owner decides whether it loops, and an idle VU stays with its executor.
     */
    private readonly useIdleList: boolean,
    private readonly clock: Clock,
    /** Whether a background-initialised VU is still wanted. */
    private readonly accepting: () => boolean = () => true,
  ) {}

  get allocated(): number {
    return this.handles.length;
  }

  /** VUs running an iteration or about to. */
  get busy(): number {
    return this.busyCount;
  }

  get idleCount(): number {
    return this.idle.length;
  }

  /** A new VU (not on the idle list), or undefined at maxVUs. */
  allocate(): VUHandle<V> | undefined {
    if (this.closed || this.handles.length >= this.maxVUs) return undefined;
    const id = this.vuIds.next();
    const handle = new VUHandle(id, this.runner.newVU(id), this);
    this.handles.push(handle);
    this.reportVUs();
    return handle;
  }

  /** Allocate VUs onto the idle list until `count` exist. */
  preallocate(count: number): void {
    while (this.handles.length < count) {
      const handle = this.allocate();
      if (handle === undefined) return;
      this.release(handle);
    }
  }

  /**
   * k6's answer to a dropped iteration: initialise one more VU in the background while fewer than
   * maxVUs exist, one at a time, so the scheduling loop never waits for it.
   */
  growInBackground(): void {
    if (this.initPending || this.closed || this.handles.length >= this.maxVUs) return;
    this.initPending = true;
    this.clock.setImmediate(this.initInBackground);
  }

  get canGrow(): boolean {
    return !this.closed && this.handles.length < this.maxVUs;
  }

  /** Start an iteration on an idle VU; false when none is idle. */
  startIdle(): boolean {
    const handle = this.idle.pop();
    if (handle === undefined) return false;
    this.start(handle);
    return true;
  }

  /** Run one iteration on an idle VU. */
  start(handle: VUHandle<V>): void {
    if (handle.state === 'idle') {
      this.busyCount++;
      this.reportVUs();
    }
    this.launch(handle);
  }

  private launch(handle: VUHandle<V>): void {
    const claim = this.runner.claim;
    if (claim !== undefined && !claim(handle.vu)) {
      // Counted busy by the caller: stop the schedule first, so the release below can finish the scenario.
      handle.state = 'running';
      this.owner.exhausted();
      this.release(handle);
      return;
    }
    handle.state = 'running';
    handle.interrupted = false;
    handle.startedAt = this.clock.now();
    const iteration = handle.iterations++;
    let promise: Promise<boolean>;
    try {
      promise = this.runner.runIteration(handle.vu, iteration);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(handle.onSettled, handle.onFailed);
  }

  /** Called by a VU's bound callbacks when its iteration's promise settles. */
  settle(handle: VUHandle<V>, completed: boolean, error: unknown): void {
    if (handle.state !== 'running') return;
    if (error !== undefined) this.owner.failed(error);
    if (completed) this.recorder.iteration(this.clock.now() - handle.startedAt);
    else this.recorder.interrupted();
    if (this.chained === 0) this.clock.setImmediate(this.resetChain);
    if (this.useIdleList) {
      // Open model: an iteration already due goes to this VU at once — the one the schedule would pop
      // from the top of the idle list anyway — instead of waiting for the schedule's next wake-up, which
      // meanwhile would hand it to a VU that has not connected yet. Otherwise the VU waits idle.
      if (++this.chained <= CHAIN_BUDGET && this.owner.nextIteration(handle)) this.launch(handle);
      else this.release(handle);
      return;
    }
    if (++this.chained <= CHAIN_BUDGET) {
      if (this.owner.nextIteration(handle)) this.launch(handle);
      else this.release(handle);
    } else {
      handle.state = 'pending';
      this.clock.setImmediate(handle.resume);
    }
  }

  /** A deferred decision on a VU's next iteration comes due. */
  resume(handle: VUHandle<V>): void {
    if (handle.state !== 'pending') return;
    if (!this.closed && this.owner.nextIteration(handle)) this.launch(handle);
    else this.release(handle);
  }

  /**
   * Interrupt every running iteration; each then settles as interrupted. The owner must already refuse
   * new iterations, which also keeps pending VUs from starting one.
   */
  interruptAll(): void {
    for (const handle of this.handles) this.interrupt(handle);
  }

  interrupt(handle: VUHandle<V>): void {
    if (handle.state !== 'running' || handle.interrupted) return;
    handle.interrupted = true;
    this.runner.interrupt(handle.vu);
  }

  /** Mark a busy VU idle. */
  private release(handle: VUHandle<V>): void {
    if (handle.state !== 'idle') {
      handle.state = 'idle';
      this.busyCount--;
    }
    handle.interrupted = false;
    if (this.useIdleList) this.idle.push(handle);
    this.reportVUs();
    if (this.busyCount === 0) this.owner.poolIdle();
  }

  reportVUs(): void {
    const active = this.busyCount;
    const allocated = this.closed ? 0 : this.handles.length;
    if (active === this.reportedActive && allocated === this.reportedAllocated) return;
    this.reportedActive = active;
    this.reportedAllocated = allocated;
    this.recorder.setVUs(active, allocated);
  }

  /** Close every VU; only once nothing runs any more. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.idle.length = 0;
    const closing = this.handles.map((handle) => this.runner.closeVU(handle.vu).catch(() => undefined));
    await Promise.all(closing);
    this.reportVUs();
  }
}
