// ramping-arrival-rate (k6: lib/executor/ramping_arrival_rate.go, `cal`): the rate moves linearly inside
// each stage, from the previous stage's target (startRate for the first) to the stage's own, and
// iteration n (counting from 1) starts when the area under the rate curve reaches n. So a flat rate r
// starts its first iteration at 1/r, not at 0 — that is k6's schedule — and the run starts
// floor(total area) iterations, the last possibly exactly at the end. Each time comes from the
// closed-form inverse of the stage's area (a quadratic), not from simulation.
import type { ExecutorPlan, Stage } from '../scenario/plan';
import { stagesDurationMs } from '../scenario/stages';
import { ArrivalRateExecutor, iterationStripe, type ArrivalSchedule, type IterationStripe } from './arrival-rate';
import type { ExecutorContext } from './types';

type Config = Extract<ExecutorPlan, { type: 'ramping-arrival-rate' }>;

interface StageSpan {
  startMs: number;
  durationMs: number;
  /** Rates in iterations per timeUnit. */
  fromRate: number;
  toRate: number;
  /**
   * Cumulative area up to this stage's start and end, times 2 × timeUnit: for whole-number rates
   * and milliseconds these are exact integers, so stage membership never suffers rounding.
   */
  areaBefore2T: number;
  areaEnd2T: number;
}

function spans(startRate: number, stages: readonly Stage[]): StageSpan[] {
  const result: StageSpan[] = [];
  let startMs = 0;
  let from = startRate;
  let area = 0;
  for (const stage of stages) {
    const end = area + stage.durationMs * (from + stage.target);
    result.push({
      startMs,
      durationMs: stage.durationMs,
      fromRate: from,
      toRate: stage.target,
      areaBefore2T: area,
      areaEnd2T: end,
    });
    area = end;
    startMs += stage.durationMs;
    from = stage.target;
  }
  return result;
}

/** How many iterations the stages start: floor of the area under the rate curve. */
export function rampingArrivalRateTotal(config: Pick<Config, 'startRate' | 'timeUnitMs' | 'stages'>): number {
  if (!(config.timeUnitMs > 0)) return 0;
  const all = spans(config.startRate, config.stages);
  const area2T = all.length === 0 ? 0 : all[all.length - 1]!.areaEnd2T;
  const unit = 2 * config.timeUnitMs;
  let count = Math.floor(area2T / unit);
  if ((count + 1) * unit <= area2T) count++;
  if (count > 0 && count * unit > area2T) count--;
  return Math.max(0, count);
}

export class RampingArrivalRateSchedule implements ArrivalSchedule {
  readonly total: number;
  readonly durationMs: number;
  private readonly spans: StageSpan[];
  private readonly timeUnitMs: number;
  private readonly stripe: IterationStripe;
  private stage = 0;
  private issued = 0;

  constructor(config: Config, stripe: IterationStripe = iterationStripe(undefined, 0, 0)) {
    this.spans = spans(config.startRate, config.stages);
    this.timeUnitMs = config.timeUnitMs;
    this.stripe = stripe;
    this.total = stripe.count(rampingArrivalRateTotal(config));
    this.durationMs = stagesDurationMs(config.stages);
  }

  next(): number {
    if (this.issued >= this.total) return Infinity;
    this.issued++;
    // Counting from 1, as the area under the rate curve does (k6's cal starts at start + 1).
    const n = this.stripe.next() + 1;
    const n2T = n * 2 * this.timeUnitMs;
    while (this.stage < this.spans.length - 1 && n2T > this.spans[this.stage]!.areaEnd2T) this.stage++;
    const span = this.spans[this.stage]!;
    // Iterations into this stage (fractional), and the rates in iterations per ms.
    const a = (n2T - span.areaBefore2T) / (2 * this.timeUnitMs);
    const r0 = span.fromRate / this.timeUnitMs;
    const r1 = span.toRate / this.timeUnitMs;
    let x: number;
    if (r0 === r1) {
      x = a / r0;
    } else {
      // area(x) = r0·x + (r1 − r0)·x²/(2D) = a, solved as 2a / (r0 + √(r0² + 2a(r1 − r0)/D)), the form
      // without cancellation when r0 is large and the slope small.
      const discriminant = r0 * r0 + (2 * a * (r1 - r0)) / span.durationMs;
      x = (2 * a) / (r0 + Math.sqrt(Math.max(0, discriminant)));
    }
    return span.startMs + Math.min(Math.max(0, x), span.durationMs);
  }

  rateAt(offsetMs: number): number {
    const perSecond = 1000 / this.timeUnitMs;
    for (const span of this.spans) {
      if (offsetMs < span.startMs + span.durationMs) {
        const progress = span.durationMs > 0 ? Math.max(0, offsetMs - span.startMs) / span.durationMs : 1;
        return (span.fromRate + (span.toRate - span.fromRate) * progress) * perSecond;
      }
    }
    const last = this.spans[this.spans.length - 1];
    return last === undefined ? 0 : last.toRate * perSecond;
  }
}

export class RampingArrivalRateExecutor<V> extends ArrivalRateExecutor<V> {
  constructor(context: ExecutorContext<V>, config: Config) {
    const stripe = iterationStripe(context.share, config.maxVUs, config.preAllocatedVUs);
    super(context, new RampingArrivalRateSchedule(config, stripe), config.preAllocatedVUs, config.maxVUs);
  }
}
