// Insufficient VUs: an arrival-rate scenario dropped iterations, which k6 does only when no VU is idle.
// Live, the numbers come from the seconds' percentiles (k6's sizing rule); at the end from the VU estimator
// (src/engine/estimate) over the run's exact iteration-duration histogram, which also weighs the tail.
import type { Diagnosis, ScenarioFigures } from '../../../protocol';
import { arrivalsOf, explainDroppedIterations, isArrivalRate, iterationDurationKey } from '../../estimate';
import { ms, round } from '../evidence';
import { DOCTOR_THRESHOLDS } from '../thresholds';
import type { DoctorContext, Rule, RunEnd, ScenarioFacts, Second } from '../types';
import { estimateVUsForRate } from '../vu-estimate';

interface Tally {
  dropped: number;
  firstT: number;
  peakRate: number;
  peakActive: number;
  peakAllocated: number;
  /** Iteration duration percentiles of the seconds that dropped (the load the VUs could not carry). */
  medMs: number;
  p95Ms: number;
}

/** The estimator's explanation of the drops, as a diagnosis; undefined without a histogram to estimate from. */
function fromEstimator(
  facts: ScenarioFacts,
  tally: Tally,
  totals: ScenarioFigures,
  histograms: Record<string, string> | undefined,
): Diagnosis | undefined {
  const durations = histograms?.[iterationDurationKey(facts.name)];
  if (durations === undefined || !isArrivalRate(facts.executor)) return undefined;
  try {
    const x = explainDroppedIterations({
      scenario: facts.name,
      executor: facts.executor,
      dropped: totals.dropped,
      durations,
      vusReached: Math.max(tally.peakAllocated, totals.vusMax),
    });
    const diagnosis: Diagnosis = {
      id: 'insufficient-vus',
      severity: 'warning',
      title: x.title,
      scenario: facts.name,
      evidence: { ...x.evidence, firstDropSecond: tally.firstT, peakVUsActive: tally.peakActive, peakVUsAllocated: tally.peakAllocated },
      explanation: x.explanation,
      fix: x.fix,
    };
    // maxVUs may never be below preAllocatedVUs: when both rise, the single `edit` is maxVUs (valid alone).
    if (x.edits.length > 0) {
      diagnosis.edit = x.edits.find((e) => e.path[2] === 'maxVUs') ?? x.edits[0];
      if (x.edits.length > 1) diagnosis.edits = x.edits;
    }
    return diagnosis;
  } catch {
    return undefined; // no durations measured: the closed form below still says something
  }
}

export function insufficientVUsRule(context: DoctorContext): Rule {
  const tallies = new Map<string, Tally>();

  const build = (facts: ScenarioFacts, tally: Tally, totals: ScenarioFigures | undefined): Diagnosis | undefined => {
    const e = facts.executor;
    if (e.type !== 'constant-arrival-rate' && e.type !== 'ramping-arrival-rate') return undefined;
    const medMs = Math.max(tally.medMs, totals?.iterationDuration.med ?? 0);
    const p95Ms = Math.max(tally.p95Ms, totals?.iterationDuration.p95 ?? 0);
    const rate = tally.peakRate > 0 ? tally.peakRate : arrivalsOf(e).peakPerSecond;
    const estimate = estimateVUsForRate(medMs, p95Ms, rate);
    const atMax = tally.peakAllocated >= e.maxVUs;
    const suggested = Math.max(estimate.suggested, atMax ? e.maxVUs + 1 : e.preAllocatedVUs + 1);
    const raiseMax = suggested > e.maxVUs;
    const dropped = totals?.dropped ?? tally.dropped;
    return {
      id: 'insufficient-vus',
      severity: 'warning',
      title: raiseMax
        ? `Insufficient VUs: ${dropped} iterations dropped with all ${e.maxVUs} VUs (maxVUs) busy`
        : `Insufficient pre-allocated VUs: ${dropped} iterations dropped while VUs were being started`,
      scenario: facts.name,
      evidence: {
        droppedIterations: dropped,
        firstDropSecond: tally.firstT,
        ratePerSecond: round(rate, 2),
        preAllocatedVUs: e.preAllocatedVUs,
        maxVUs: e.maxVUs,
        peakVUsActive: tally.peakActive,
        peakVUsAllocated: tally.peakAllocated,
        iterationMedMs: round(medMs),
        iterationP95Ms: round(p95Ms),
        k6RuleVUs: estimate.k6Rule,
        suggestedVUs: suggested,
      },
      explanation:
        `At ${round(rate, 2)} iterations/s with iterations taking ${ms(medMs)} (median) to ${ms(p95Ms)} (p95), about ` +
        `${estimate.k6Rule} to ${estimate.suggested} VUs are busy at any moment (k6's rule: median iteration duration × rate). ` +
        (raiseMax
          ? `The scenario may use at most ${e.maxVUs}, so when all were busy the executor dropped the iteration (never retried): ` +
            'the SUT received less load than asked for.'
          : `It started with ${e.preAllocatedVUs}; each time none was idle an iteration was dropped and one more VU started in the ` +
            'background, so the first seconds ran below the rate.') +
        ' Longer iterations (a slower SUT) raise the need; if durations grew during the run, the SUT may be the real limit.',
      fix: raiseMax
        ? `Set maxVUs to at least ${suggested} (and preAllocatedVUs close to it), or lower the rate.`
        : `Set preAllocatedVUs to ${suggested}.`,
      edit: { path: ['scenarios', facts.name, raiseMax ? 'maxVUs' : 'preAllocatedVUs'], value: suggested },
      ...(raiseMax
        ? {
            edits: [
              { path: ['scenarios', facts.name, 'maxVUs'], value: suggested },
              { path: ['scenarios', facts.name, 'preAllocatedVUs'], value: suggested },
            ],
          }
        : {}),
    };
  };

  return {
    observe(second: Second): Diagnosis[] {
      const out: Diagnosis[] = [];
      for (const s of second.scenarios) {
        const facts = context.scenarios.get(s.scenario);
        if (!facts) continue;
        let tally = tallies.get(s.scenario);
        if (s.dropped < DOCTOR_THRESHOLDS.vus.minDropped && !tally) continue;
        tally ??= { dropped: 0, firstT: second.t, peakRate: 0, peakActive: 0, peakAllocated: 0, medMs: 0, p95Ms: 0 };
        tallies.set(s.scenario, tally);
        tally.dropped += s.dropped;
        tally.peakRate = Math.max(tally.peakRate, s.targetRate ?? 0);
        tally.peakActive = Math.max(tally.peakActive, s.vusActive);
        tally.peakAllocated = Math.max(tally.peakAllocated, s.vusAllocated, s.vusMax);
        if (s.dropped > 0 && s.iterationDuration.count > 0) {
          tally.medMs = Math.max(tally.medMs, s.iterationDuration.med);
          tally.p95Ms = Math.max(tally.p95Ms, s.iterationDuration.p95);
        }
        if (s.dropped > 0) {
          const d = build(facts, tally, undefined);
          if (d) out.push(d);
        }
      }
      return out;
    },
    conclude(end: RunEnd): Diagnosis[] {
      const out: Diagnosis[] = [];
      for (const totals of end.scenarios) {
        const facts = context.scenarios.get(totals.scenario);
        if (!facts || totals.dropped < DOCTOR_THRESHOLDS.vus.minDropped) continue;
        const tally = tallies.get(totals.scenario) ?? {
          dropped: totals.dropped,
          firstT: 0,
          peakRate: totals.targetRate ?? 0,
          peakActive: totals.vusActive,
          peakAllocated: totals.vusAllocated,
          medMs: 0,
          p95Ms: 0,
        };
        tally.peakActive = Math.max(tally.peakActive, totals.vusActive);
        tally.peakAllocated = Math.max(tally.peakAllocated, totals.vusAllocated);
        const d = fromEstimator(facts, tally, totals, end.histograms) ?? build(facts, tally, totals);
        if (d) out.push(d);
      }
      return out;
    },
  };
}
