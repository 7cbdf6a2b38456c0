// After a run: why iterations were dropped, in the estimator's numbers, shaped so the doctor can turn it
// into a Diagnosis (title, explanation, fix, evidence, edit) and the summary can print the text as is.
import type { RunSummary, ScenarioFigures } from '../../protocol';
import type { ScenarioPlan } from '../scenario/plan';
import { isArrivalRate, type ArrivalRatePlan } from './arrivals';
import { survivalAt } from './distribution';
import { estimateVUs, toDistribution, type DurationsInput, type EstimateOptions, type VUEstimate } from './estimate';
import { explainMs, explainNumber, explainProbability } from '../../format';
import { iterationDurationsOf } from './from-run';

export interface DroppedIterationsInput {
  scenario: string;
  executor: ArrivalRatePlan;
  dropped: number;
  durations: DurationsInput;
  /** The most VUs the run had initialised (ScenarioFigures.vusMax), when known. */
  vusReached?: number;
  options?: EstimateOptions;
}

export interface DroppedIterationsExplanation {
  title: string;
  explanation: string;
  fix: string;
  evidence: Record<string, number | string>;
  /** Set preAllocatedVUs (and maxVUs when it is lower) to the recommendation; absent when they already meet it. */
  edits: Array<{ path: string[]; value: number }>;
  estimate: VUEstimate;
}

export function explainDroppedIterations(input: DroppedIterationsInput): DroppedIterationsExplanation {
  const durations = toDistribution(input.durations);
  const e = estimateVUs(input.executor, durations, { ...input.options, scenario: input.scenario });
  const { preAllocatedVUs, maxVUs } = input.executor;
  const pre = preAllocatedVUs;
  const max = Math.max(maxVUs, preAllocatedVUs);
  const rate = `${explainNumber(e.peakRatePerSecond)}/s`;
  const head =
    `${explainNumber(input.dropped)} iteration${input.dropped === 1 ? '' : 's'} dropped in ${input.scenario}: with median ${explainMs(e.medianIterationMs)} ` +
    `and peak rate ${rate}, k6's rule gives ${explainMs(e.medianIterationMs)} × ${rate} = ${e.k6Rule} VUs; ` +
    `the measured spread (p99 ${explainMs(e.p99IterationMs)}) needs preAllocatedVUs ${e.recommendedPreAllocatedVUs} ` +
    `to keep the chance of any drop below ${explainProbability(e.targetDropProbability)}, and maxVUs ${e.recommendedMaxVUs} leaves room for a ${explainNumber(e.slowdown)}× slowdown.`;
  const had =
    ` The scenario had preAllocatedVUs ${pre} and maxVUs ${max}` +
    (input.vusReached !== undefined ? ` (${input.vusReached} initialised by the end${input.vusReached >= max ? ': the cap was reached' : ''})` : '') +
    '.';
  const enough = pre >= e.recommendedPreAllocatedVUs;
  // Little's law backwards: the duration at which all `max` VUs are busy at the peak rate.
  const coveredMs = (max * e.timeUnitMs) / Math.max(e.rate, 1e-9);
  const why = enough
    ? ' That is already enough VUs for the durations this run measured, so the drops more likely come from a load generator that fell behind ' +
      '(late timers start several iterations at once: see its CPU and event-loop delay) or from a burst of slow iterations the totals average out.'
    : ` An iteration is dropped when every VU is busy at its start time; at this rate ${max} VUs keep up only while iterations take ` +
      `at most ${explainMs(coveredMs)}, and ${explainNumber(100 * survivalAt(durations, [coveredMs])[0])}% of the measured ones took that long or longer.`;
  const edits: Array<{ path: string[]; value: number }> = [];
  if (!enough) {
    edits.push({ path: ['scenarios', input.scenario, 'preAllocatedVUs'], value: e.recommendedPreAllocatedVUs });
    if (max < e.recommendedMaxVUs) edits.push({ path: ['scenarios', input.scenario, 'maxVUs'], value: e.recommendedMaxVUs });
  }
  return {
    title: `${explainNumber(input.dropped)} dropped iteration${input.dropped === 1 ? '' : 's'}: too few VUs for the rate`,
    explanation: head + had + why,
    fix: enough
      ? 'Check the load generator\'s health, or run the scenario from several workers/machines.'
      : `Set preAllocatedVUs: ${e.recommendedPreAllocatedVUs} and maxVUs: ${Math.max(max, e.recommendedMaxVUs)} (volley estimate shows the arithmetic).`,
    evidence: {
      dropped: input.dropped,
      medianIterationMs: round(e.medianIterationMs),
      p99IterationMs: round(e.p99IterationMs),
      peakRatePerSecond: round(e.peakRatePerSecond),
      k6Rule: e.k6Rule,
      preAllocatedVUs: pre,
      maxVUs: max,
      recommendedPreAllocatedVUs: e.recommendedPreAllocatedVUs,
      recommendedMaxVUs: e.recommendedMaxVUs,
    },
    edits,
    estimate: e,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * For every arrival-rate scenario of a finished run that dropped iterations: the explanation, from the
 * run's own iteration durations. Scenarios without a histogram are skipped.
 */
export function explainDroppedInRun(
  scenarios: readonly ScenarioPlan[],
  summary: RunSummary,
  options?: EstimateOptions,
): DroppedIterationsExplanation[] {
  const out: DroppedIterationsExplanation[] = [];
  for (const figures of summary.scenarios as ScenarioFigures[]) {
    if (figures.dropped <= 0) continue;
    const plan = scenarios.find((s) => s.name === figures.scenario);
    if (!plan || !isArrivalRate(plan.executor)) continue;
    const durations = iterationDurationsOf(summary, figures.scenario);
    if (!durations) continue;
    out.push(
      explainDroppedIterations({
        scenario: figures.scenario,
        executor: plan.executor,
        dropped: figures.dropped,
        durations,
        vusReached: figures.vusMax,
        options,
      }),
    );
  }
  return out;
}
