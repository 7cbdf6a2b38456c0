// Time as the executors see it: the monotonic clock and the timers they arm, in one object passed in
// their context. A run uses the real one; the executor tests pass a fake one (test/support/fake-clock.ts)
// so counts and orderings are exact instead of depending on how late a busy machine's timers fire.
// The executors read the clock from a field they set once: no allocation per iteration, and in a run
// every call site sees one implementation only, so V8 keeps the calls monomorphic.

/** What a clock's setTimeout/setImmediate return, to be handed back to the same clock to clear. */
export type ClockTimer = object;

export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Like Node's: `ms` below 1 counts as 1. */
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
  /** After the current turn's I/O (Node's check phase). */
  setImmediate(callback: () => void): ClockTimer;
  clearImmediate(immediate: ClockTimer): void;
}

/** Milliseconds on the real monotonic clock (the run's own timing reads it directly). */
export function now(): number {
  return performance.now();
}

/** Node's own clock and timers. */
export const realClock: Clock = {
  now,
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  setImmediate: (callback) => setImmediate(callback),
  clearImmediate: (immediate) => clearImmediate(immediate as NodeJS.Immediate),
};
