// Monte Carlo of an arrival-rate executor, to check the estimate against: the executors' own schedules
// give the start times, durations are drawn from a distribution, and the VU pool follows the executor's
// rules (an iteration takes an idle VU or is dropped; a drop adds one VU while fewer than maxVUs exist).
// Idealised on purpose: timers are punctual and a new VU is ready at once, so it isolates the variance
// the estimate is about.
import { ConstantArrivalRateSchedule } from '../executors/constant-arrival-rate';
import { RampingArrivalRateSchedule } from '../executors/ramping-arrival-rate';
import { seededRandom } from '../random';
import type { ArrivalRatePlan } from './arrivals';
import type { DurationDistribution } from './distribution';

export interface SimulationOptions {
  runs: number;
  /** Draws one iteration duration (ms) from uniform random numbers in [0, 1). */
  sample: (random: () => number) => number;
  seed?: number;
  /**
   * Also count, at every arrival, how many earlier iterations are still running in an unbounded pool
   * (what ./in-flight.ts models); `inFlightCounts[n]` is how many arrivals saw n.
   */
  recordInFlight?: boolean;
  /** Count in-flight only for arrivals this late (ms from the start): skips the warm-up, when fewer are running. */
  recordAfterMs?: number;
}

export { seededRandom };

export interface SimulationResult {
  runs: number;
  arrivalsPerRun: number;
  /** Runs in which at least one iteration was dropped. */
  runsWithDrop: number;
  meanDropped: number;
  maxDropped: number;
  inFlightCounts?: number[];
}

/** Inverse-CDF sampling from a measured distribution. */
export function samplerOf(d: DurationDistribution): (random: () => number) => number {
  const cumulative = new Float64Array(d.weights.length);
  let sum = 0;
  for (let i = 0; i < d.weights.length; i++) cumulative[i] = sum += d.weights[i];
  return (random) => {
    const r = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return d.values[lo];
  };
}

function scheduleOf(plan: ArrivalRatePlan): { next(): number; total: number } {
  return plan.type === 'constant-arrival-rate' ? new ConstantArrivalRateSchedule(plan) : new RampingArrivalRateSchedule(plan);
}

/** A binary min-heap of finish times: the VUs that are busy. */
class FinishTimes {
  private heap = new Float64Array(64);
  size = 0;

  push(t: number): void {
    if (this.size === this.heap.length) {
      const grown = new Float64Array(this.heap.length * 2);
      grown.set(this.heap);
      this.heap = grown;
    }
    let i = this.size++;
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent] <= t) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = t;
  }

  peek(): number {
    return this.size > 0 ? this.heap[0] : Infinity;
  }

  pop(): void {
    const h = this.heap;
    const last = h[--this.size];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && h[child + 1] < h[child]) child++;
      if (h[child] >= last) break;
      h[i] = h[child];
      i = child;
    }
    h[i] = last;
  }
}

export function simulateArrivals(plan: ArrivalRatePlan, options: SimulationOptions): SimulationResult {
  const random = seededRandom(options.seed ?? 1);
  const maxVUs = Math.max(plan.maxVUs, plan.preAllocatedVUs);
  let runsWithDrop = 0;
  let droppedTotal = 0;
  let maxDropped = 0;
  let arrivalsPerRun = 0;
  const inFlightCounts: number[] | undefined = options.recordInFlight ? [] : undefined;
  for (let run = 0; run < options.runs; run++) {
    const schedule = scheduleOf(plan);
    arrivalsPerRun = schedule.total;
    const busy = new FinishTimes();
    const unbounded = inFlightCounts ? new FinishTimes() : undefined;
    let vus = plan.preAllocatedVUs;
    let dropped = 0;
    for (let t = schedule.next(); t !== Infinity; t = schedule.next()) {
      // A VU whose iteration ended exactly now is free: the timer and the finish race, and either may win.
      while (busy.peek() <= t) busy.pop();
      const d = options.sample(random);
      if (unbounded) {
        while (unbounded.peek() < t) unbounded.pop();
        if (t >= (options.recordAfterMs ?? 0)) inFlightCounts![unbounded.size] = (inFlightCounts![unbounded.size] ?? 0) + 1;
        unbounded.push(t + d);
      }
      if (busy.size < vus) busy.push(t + d);
      else {
        dropped++;
        if (vus < maxVUs) vus++;
      }
    }
    if (dropped > 0) runsWithDrop++;
    droppedTotal += dropped;
    if (dropped > maxDropped) maxDropped = dropped;
  }
  if (inFlightCounts) for (let i = 0; i < inFlightCounts.length; i++) inFlightCounts[i] ??= 0;
  return {
    runs: options.runs,
    arrivalsPerRun,
    runsWithDrop,
    meanDropped: droppedTotal / Math.max(1, options.runs),
    maxDropped,
    inFlightCounts,
  };
}
