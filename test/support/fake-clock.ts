// A deterministic clock for the executor tests (the Clock of src/engine/executors/clock.ts). Time stands
// still while code runs and moves only when the test runs the clock: each step jumps to the earliest
// callback due, runs it, then lets every promise it set off settle before the next one. So an iteration
// of 100 ms takes exactly 100 ms, counts and orderings are exact, and a test that takes seconds of
// schedule runs in milliseconds. What it cannot show is lateness on a busy machine: those tests stay
// on the real clock.
//
// node:test's mock.timers does not fit: it leaves performance.now() alone, and its tick() runs timers
// back to back without letting the iterations' promises settle in between.
import type { Clock, ClockTimer } from '../../src/engine/executors/clock';

interface Entry {
  at: number;
  /** Creation order: callbacks due at the same time run in it, as Node's do. */
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/** Lets every pending promise reaction run: a real macrotask comes after all microtasks. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  /** Pending callbacks, sorted by (at, seq). */
  private readonly queue: Entry[] = [];
  private running = false;
  /** Callbacks run so far. */
  steps = 0;

  /**
   * `start` is not 0: an executor reports a scenario that began at 0 as not begun (0 means unset
   * there), which a real performance.now() never hits.
   */
  constructor(
    start = 1000,
    /** A schedule that never lets time move (iterations without any duration, looping) fails here. */
    private readonly maxSteps = 1_000_000,
  ) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    // Node's rule: a delay below 1 ms (or not a number) is 1 ms.
    return this.schedule(this.time + (ms >= 1 ? ms : 1), callback);
  }

  clearTimeout(timer: ClockTimer): void {
    (timer as Entry).cancelled = true;
  }

  setImmediate(callback: () => void): ClockTimer {
    return this.schedule(this.time, callback);
  }

  clearImmediate(immediate: ClockTimer): void {
    (immediate as Entry).cancelled = true;
  }

  /** Callbacks waiting, not cleared. */
  get pending(): number {
    return this.queue.filter((entry) => !entry.cancelled).length;
  }

  /**
   * Runs the clock until `until` settles and returns its value. Fails when nothing is left to run and
   * it has not settled (the code under test waits for something that never comes), and after maxSteps.
   */
  async run<T>(until: Promise<T>): Promise<T> {
    let done = false;
    const settled = (): void => {
      done = true;
    };
    until.then(settled, settled);
    await this.drive(() => done, Infinity);
    if (!done) throw new Error(`fake clock at ${this.time}: nothing left to run, and the awaited promise has not settled`);
    return until;
  }

  /** Runs every callback due within the next `ms`, then leaves the time `ms` later. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await this.drive(() => false, target);
    this.time = target;
  }

  private async drive(stop: () => boolean, limit: number): Promise<void> {
    if (this.running) throw new Error('the fake clock is already being run');
    this.running = true;
    try {
      await settle();
      while (!stop()) {
        const entry = this.queue[0];
        if (entry === undefined || entry.at > limit) return;
        this.queue.shift();
        if (entry.cancelled) continue;
        if (++this.steps > this.maxSteps) throw new Error(`fake clock: more than ${this.maxSteps} callbacks, stuck at ${this.time}`);
        this.time = entry.at;
        entry.callback();
        await settle();
      }
    } finally {
      this.running = false;
    }
  }

  private schedule(at: number, callback: () => void): Entry {
    const entry: Entry = { at, seq: this.seq++, callback, cancelled: false };
    // Insert after every entry due at or before `at`: equal times keep their creation order.
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.queue[mid]!.at <= at) low = mid + 1;
      else high = mid;
    }
    this.queue.splice(low, 0, entry);
    return entry;
  }
}
