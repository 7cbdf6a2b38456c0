// The VU sizing estimate for an arrival-rate scenario: k6's rule, the recommended preAllocatedVUs from
// the in-flight model (./in-flight.ts), a maxVUs cushion for a slower system, and the arithmetic in words.
import type { Hist } from '../metrics/hdr';
import { arrivalsOf, type ArrivalRatePlan, type Arrivals } from './arrivals';
import {
  distributionFromHistogram,
  distributionFromSamples,
  maxOf,
  mean,
  quantile,
  type DurationDistribution,
} from './distribution';
import { explainMs, explainNumber, explainProbability, scenarioDuration } from '../../format';
import { dropProbabilityBound, inFlight, vusForTarget, type InFlight } from './in-flight';

export const DEFAULT_TARGET_DROP_PROBABILITY = 0.001;
export const DEFAULT_SLOWDOWN = 2;

export interface EstimateOptions {
  /** Acceptable chance that at least one iteration of the whole scenario is dropped (default 0.001). */
  targetDropProbability?: number;
  /** How much slower than measured the maxVUs cushion allows iterations to get (default 2). */
  slowdown?: number;
  /** Named in the explanation. */
  scenario?: string;
}

/** Raw samples (ms), an HDR histogram of µs or its base64 form, or a distribution built already. */
export type DurationsInput = DurationDistribution | ArrayLike<number> | Hist | string;

export interface VUEstimate {
  scenario: string | undefined;
  executor: ArrivalRatePlan['type'];
  /** Peak rate in iterations per timeUnit (the rate itself for constant-arrival-rate). */
  rate: number;
  timeUnitMs: number;
  /** `1s`, as a scenario file writes it. */
  timeUnit: string;
  peakRatePerSecond: number;
  /** Iterations the scenario's schedule starts. */
  arrivals: number;
  samples: number;
  medianIterationMs: number;
  meanIterationMs: number;
  p95IterationMs: number;
  p99IterationMs: number;
  maxIterationMs: number;
  /** Little's law: mean duration × rate, the VUs busy on average at the peak. */
  meanConcurrency: number;
  /** k6's rule without its variance constant: ceil(median × peak rate). */
  k6Rule: number;
  recommendedPreAllocatedVUs: number;
  recommendedMaxVUs: number;
  targetDropProbability: number;
  slowdown: number;
  /** Upper bounds on P(at least one dropped iteration over the scenario) at each VU count. */
  dropProbability: { k6Rule: number; recommended: number };
  inFlight: { mean: number; sd: number; max: number; method: InFlight['method'] };
  explanation: string;
}

export class EstimateError extends Error {}

export function toDistribution(input: DurationsInput): DurationDistribution {
  if (typeof input === 'string') return distributionFromHistogram(input);
  if ('weights' in input && 'values' in input) return input as DurationDistribution;
  if ('getCountAtIndex' in input) return distributionFromHistogram(input as Hist);
  return distributionFromSamples(input as ArrayLike<number>);
}

/** ceil that forgives floating-point dust: 20.000000000000004 VUs is 20. */
function ceilVUs(x: number): number {
  return Math.max(0, Math.ceil(x - 1e-9));
}

export function estimateVUs(plan: ArrivalRatePlan, durations: DurationsInput, options: EstimateOptions = {}): VUEstimate {
  const target = options.targetDropProbability ?? DEFAULT_TARGET_DROP_PROBABILITY;
  const slowdown = options.slowdown ?? DEFAULT_SLOWDOWN;
  if (!(target > 0 && target < 1)) throw new EstimateError(`the target drop probability must be between 0 and 1, got ${target}`);
  if (!(slowdown >= 1)) throw new EstimateError(`the slowdown factor must be at least 1, got ${slowdown}`);
  const d = toDistribution(durations);
  if (d.count === 0) throw new EstimateError('no iteration durations were measured: nothing to estimate from');
  const arrivals = arrivalsOf(plan);
  const median = quantile(d, 0.5);
  const p95 = quantile(d, 0.95);
  const p99 = quantile(d, 0.99);
  const avg = mean(d);
  // VUs needed for a duration x at the peak: x ms × rate / timeUnit ms.
  const busy = (x: number): number => (arrivals.timeUnitMs > 0 ? (x * arrivals.peakRate) / arrivals.timeUnitMs : 0);
  const k6Rule = ceilVUs(busy(median));
  const model = inFlight(d, arrivals.spacingMs);
  const recommended = arrivals.peakRate > 0 ? vusForTarget(model, arrivals.total, target) : 1;
  const recommendedMax = Math.max(recommended, ceilVUs(busy(p99) * slowdown));
  const estimate: VUEstimate = {
    scenario: options.scenario,
    executor: plan.type,
    rate: arrivals.peakRate,
    timeUnitMs: arrivals.timeUnitMs,
    timeUnit: scenarioDuration(arrivals.timeUnitMs),
    peakRatePerSecond: arrivals.peakPerSecond,
    arrivals: arrivals.total,
    samples: d.count,
    medianIterationMs: median,
    meanIterationMs: avg,
    p95IterationMs: p95,
    p99IterationMs: p99,
    maxIterationMs: maxOf(d),
    meanConcurrency: busy(avg),
    k6Rule,
    recommendedPreAllocatedVUs: recommended,
    recommendedMaxVUs: recommendedMax,
    targetDropProbability: target,
    slowdown,
    dropProbability: {
      k6Rule: dropProbabilityBound(model, arrivals.total, k6Rule),
      recommended: dropProbabilityBound(model, arrivals.total, recommended),
    },
    inFlight: { mean: model.mean, sd: Math.sqrt(model.variance), max: model.max, method: model.method },
    explanation: '',
  };
  estimate.explanation =
    arrivals.peakRate > 0 && arrivals.total > 0
      ? explain(estimate, arrivals, model, plan)
      : `${options.scenario ? `Scenario ${options.scenario}` : 'The scenario'} never starts an iteration (its rate is 0): one VU is plenty.`;
  return estimate;
}

/** What `vus` VUs risk, in words: an upper bound when it is small, the per-arrival odds when drops are likely. */
function dropOdds(model: InFlight, arrivals: number, vus: number): string {
  const perArrival = model.tail(vus);
  const bound = dropProbabilityBound(model, arrivals, vus);
  if (bound < 0.5) return `with ${vus} VUs the chance of any dropped iteration is at most ${explainProbability(bound)}.`;
  // P(some drop) ≥ P(in flight ≥ vus) at any one arrival: that many busy iterations means a drop by then.
  return (
    `with ${vus} VUs an iteration finds them all busy with probability ${explainProbability(perArrival)}` +
    (perArrival * arrivals >= 1 ? `, so over ${explainNumber(arrivals)} iterations drops are all but certain.` : ', so drops are likely.')
  );
}

function explain(e: VUEstimate, arrivals: Arrivals, model: InFlight, plan: ArrivalRatePlan): string {
  const perUnit = `${explainNumber(e.rate)}/${e.timeUnit === '1s' ? 's' : e.timeUnit}`;
  const rateText = `${perUnit}${e.timeUnit === '1s' ? '' : ` (${explainNumber(e.peakRatePerSecond)}/s)`}`;
  const lines: string[] = [];
  const peak = plan.type === 'ramping-arrival-rate' ? 'at its peak rate' : 'at';
  lines.push(
    `${e.scenario ? `Scenario ${e.scenario}` : 'The scenario'} starts ${explainNumber(e.arrivals)} iterations, ${peak} ${rateText}: one every ${explainMs(arrivals.spacingMs)}.`,
  );
  lines.push(
    `Measured iteration durations (${explainNumber(e.samples)} samples): median ${explainMs(e.medianIterationMs)}, mean ${explainMs(e.meanIterationMs)}, ` +
      `p95 ${explainMs(e.p95IterationMs)}, p99 ${explainMs(e.p99IterationMs)}, max ${explainMs(e.maxIterationMs)}.`,
  );
  lines.push(
    `k6's rule: median × rate = ${explainMs(e.medianIterationMs)} × ${perUnit} = ${explainNumber((e.medianIterationMs * e.rate) / e.timeUnitMs)} → ${e.k6Rule} VUs. ` +
      `It covers a typical iteration, not the spread: ${dropOdds(model, e.arrivals, e.k6Rule)}`,
  );
  lines.push(
    `In flight: when an iteration is due, the one started k × ${explainMs(arrivals.spacingMs)} earlier still runs with probability P(duration ≥ k × ${explainMs(arrivals.spacingMs)}); ` +
      `summed over k, ${explainNumber(model.mean)} iterations are in flight on average (sd ${explainNumber(Math.sqrt(model.variance))}, never more than ${model.max}` +
      `${model.certain > 0 ? `, at least ${model.certain}` : ''}). Mean duration × rate gives the same average: ${explainNumber(e.meanConcurrency)}.`,
  );
  const perArrival = e.targetDropProbability / Math.max(1, e.arrivals);
  lines.push(
    `Target: at most ${explainProbability(e.targetDropProbability)} chance of any dropped iteration over ${explainNumber(e.arrivals)} iterations, ` +
      `so each may find every VU busy with probability at most ${explainProbability(e.targetDropProbability)} / ${explainNumber(e.arrivals)} = ${explainProbability(perArrival)}: ` +
      `P(in flight ≥ ${e.recommendedPreAllocatedVUs}) ${model.method === 'exact' ? '=' : '≤'} ${explainProbability(model.tail(e.recommendedPreAllocatedVUs))} → ` +
      `preAllocatedVUs ${e.recommendedPreAllocatedVUs} (k6's rule ${e.recommendedPreAllocatedVUs >= e.k6Rule ? '+' : '−'} ${Math.abs(e.recommendedPreAllocatedVUs - e.k6Rule)} for variance).`,
  );
  const cushion = (e.p99IterationMs * e.rate * e.slowdown) / e.timeUnitMs;
  lines.push(
    `maxVUs: p99 × rate × slowdown = ${explainMs(e.p99IterationMs)} × ${perUnit} × ${explainNumber(e.slowdown)} = ${explainNumber(cushion)} → ${e.recommendedMaxVUs}` +
      `${e.recommendedMaxVUs > Math.ceil(cushion - 1e-9) ? ' (at least preAllocatedVUs)' : ''}, so the pool can grow if the system slows down ${explainNumber(e.slowdown)}×.`,
  );
  if (e.samples < 30) lines.push(`Only ${e.samples} iterations were measured: the tail is uncertain; measure longer for a firmer number.`);
  return lines.join('\n');
}
