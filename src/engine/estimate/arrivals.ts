// The arrival side of the estimate, from the same schedule math the executors run: the peak rate, the
// spacing of arrivals at that peak, and how many iterations the scenario starts in all.
import { constantArrivalRateTotal } from '../executors/constant-arrival-rate';
import { rampingArrivalRateTotal } from '../executors/ramping-arrival-rate';
import type { ExecutorPlan } from '../scenario/plan';
import { stagesDurationMs } from '../scenario/stages';

export type ArrivalRatePlan = Extract<ExecutorPlan, { type: 'constant-arrival-rate' | 'ramping-arrival-rate' }>;

export function isArrivalRate(plan: ExecutorPlan): plan is ArrivalRatePlan {
  return plan.type === 'constant-arrival-rate' || plan.type === 'ramping-arrival-rate';
}

export interface Arrivals {
  /** The highest rate the plan reaches, in iterations per timeUnit. */
  peakRate: number;
  timeUnitMs: number;
  peakPerSecond: number;
  /** Time between two arrivals at the peak rate, ms (Infinity when the rate is 0). */
  spacingMs: number;
  /** Iterations the schedule starts over the whole scenario. */
  total: number;
  durationMs: number;
}

export function arrivalsOf(plan: ArrivalRatePlan): Arrivals {
  const peakRate =
    plan.type === 'constant-arrival-rate' ? plan.rate : Math.max(plan.startRate, ...plan.stages.map((s) => s.target));
  const total = plan.type === 'constant-arrival-rate' ? constantArrivalRateTotal(plan) : rampingArrivalRateTotal(plan);
  const durationMs =
    plan.type === 'constant-arrival-rate' ? plan.durationMs : stagesDurationMs(plan.stages);
  return {
    peakRate,
    timeUnitMs: plan.timeUnitMs,
    peakPerSecond: plan.timeUnitMs > 0 ? (peakRate * 1000) / plan.timeUnitMs : 0,
    spacingMs: peakRate > 0 ? plan.timeUnitMs / peakRate : Infinity,
    total,
    durationMs,
  };
}
