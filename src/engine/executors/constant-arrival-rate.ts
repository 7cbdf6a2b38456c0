// constant-arrival-rate (k6: lib/executor/constant_arrival_rate.go): iteration g starts g × timeUnit/rate
// after the scenario's start, the first at 0, while that offset is before the end of `duration` — so
// ceil(duration × rate / timeUnit) iterations in all (k6 starts iterations until its regular-duration
// context ends; one due exactly at `duration` is not started).
import type { ExecutorPlan } from '../scenario/plan';
import { ArrivalRateExecutor, iterationStripe, type ArrivalSchedule, type IterationStripe } from './arrival-rate';
import type { ExecutorContext } from './types';

type Config = Extract<ExecutorPlan, { type: 'constant-arrival-rate' }>;

/** How many iterations start at offsets g × timeUnit/rate < duration. */
export function constantArrivalRateTotal(config: Pick<Config, 'rate' | 'timeUnitMs' | 'durationMs'>): number {
  const { rate, timeUnitMs, durationMs } = config;
  if (!(rate > 0) || !(timeUnitMs > 0) || !(durationMs > 0)) return 0;
  // Compare g × timeUnit with duration × rate in products, not quotients, so whole-number inputs
  // count exactly.
  const product = durationMs * rate;
  let count = Math.floor(product / timeUnitMs);
  if (count * timeUnitMs < product) count++;
  return count;
}

export class ConstantArrivalRateSchedule implements ArrivalSchedule {
  readonly total: number;
  readonly durationMs: number;
  private readonly timeUnitMs: number;
  private readonly rate: number;
  private readonly stripe: IterationStripe;
  private issued = 0;

  constructor(config: Config, stripe: IterationStripe = iterationStripe(undefined, 0, 0)) {
    this.stripe = stripe;
    this.total = stripe.count(constantArrivalRateTotal(config));
    this.durationMs = config.durationMs;
    this.timeUnitMs = config.timeUnitMs;
    this.rate = config.rate;
  }

  next(): number {
    if (this.issued >= this.total) return Infinity;
    this.issued++;
    // Each offset from the start, never a running sum: no drift over millions of iterations.
    return (this.stripe.next() * this.timeUnitMs) / this.rate;
  }

  rateAt(): number {
    return (this.rate * 1000) / this.timeUnitMs;
  }
}

export class ConstantArrivalRateExecutor<V> extends ArrivalRateExecutor<V> {
  constructor(context: ExecutorContext<V>, config: Config) {
    const stripe = iterationStripe(context.share, config.maxVUs, config.preAllocatedVUs);
    super(context, new ConstantArrivalRateSchedule(config, stripe), config.preAllocatedVUs, config.maxVUs);
  }
}
