// Errors concentrated in the graceful-stop window, and interrupted iterations: k6's guide warns that
// errors at the very end of a run often come from iterations still running after `duration` (and cut at
// duration + gracefulStop), not from the steady state the test is about.
import type { Diagnosis } from '../../../protocol';
import { durationText, ms, round, sum } from '../evidence';
import { DOCTOR_THRESHOLDS } from '../thresholds';
import type { DoctorContext, Rule, RunEnd, ScenarioFacts, Second } from '../types';

interface Tally {
  errors: number;
  windowErrors: number;
  windowRequests: number;
  windowSeconds: number;
}

export function gracefulStopRule(context: DoctorContext): Rule {
  const T = DOCTOR_THRESHOLDS.gracefulStop;
  const tallies = new Map<string, Tally>();

  /** A second (t-1, t] belongs to the stop window when most of it lies after the scenario's scheduled end. */
  const inWindow = (facts: ScenarioFacts, t: number): boolean => (t - 0.5) * 1000 >= facts.endMs;

  const build = (facts: ScenarioFacts, tally: Tally, interrupted: number, iterationMaxMs: number): Diagnosis | undefined => {
    const concentrated = tally.windowErrors >= T.minErrors && tally.windowErrors >= T.minShare * tally.errors;
    if (!concentrated && interrupted === 0) return undefined;
    const suggestedS = Math.max((iterationMaxMs * T.headroom) / 1000, (facts.gracefulStopMs * 2) / 1000, 1);
    const suggested = durationText(suggestedS);
    const share = tally.errors > 0 ? tally.windowErrors / tally.errors : 0;
    return {
      id: 'graceful-stop',
      severity: concentrated ? 'warning' : 'info',
      title: concentrated
        ? `${tally.windowErrors} of ${tally.errors} errors happened after the scenario's duration, in its graceful stop`
        : `${interrupted} iterations were interrupted at the end of gracefulStop (${ms(facts.gracefulStopMs)})`,
      scenario: facts.name,
      evidence: {
        errors: tally.errors,
        errorsInGracefulStop: tally.windowErrors,
        shareInGracefulStop: round(share, 2),
        requestsInGracefulStop: tally.windowRequests,
        interruptedIterations: interrupted,
        gracefulStopMs: facts.gracefulStopMs,
        scheduledEndMs: facts.endMs,
        iterationMaxMs: round(iterationMaxMs),
      },
      explanation:
        (concentrated
          ? `${Math.round(share * 100)}% of this scenario's errors came after its scheduled end (${ms(facts.endMs)}), from iterations ` +
            'that were still running in the graceful stop: the tail of the run, not its steady state. '
          : '') +
        (interrupted > 0
          ? `${interrupted} iteration${interrupted === 1 ? ' was' : 's were'} still running when gracefulStop (${ms(facts.gracefulStopMs)}) ran out ` +
            'and were cut: they count as interrupted, not as iterations, and their last requests are not measured. '
          : '') +
        'Judge the run by the seconds before the scheduled end.',
      fix: `Give running iterations time to finish: gracefulStop: ${suggested} (longer than the longest iteration), or find why iterations run so long at the end.`,
      edit: { path: ['scenarios', facts.name, 'gracefulStop'], value: suggested },
    };
  };

  return {
    observe(second: Second): Diagnosis[] {
      for (const s of second.scenarios) {
        const facts = context.scenarios.get(s.scenario);
        if (!facts) continue;
        let tally = tallies.get(s.scenario);
        if (!tally) tallies.set(s.scenario, (tally = { errors: 0, windowErrors: 0, windowRequests: 0, windowSeconds: 0 }));
        const failed = sum(s.steps, (st) => st.failed);
        tally.errors += failed;
        if (inWindow(facts, second.t)) {
          tally.windowErrors += failed;
          tally.windowRequests += sum(s.steps, (st) => st.requests);
          tally.windowSeconds++;
        }
      }
      // Only the end can tell whether errors concentrate at the end.
      return [];
    },
    conclude(end: RunEnd): Diagnosis[] {
      // A run stopped from outside or by a threshold interrupts iterations on purpose.
      if (end.outcome !== 'completed') return [];
      const out: Diagnosis[] = [];
      for (const totals of end.scenarios) {
        const facts = context.scenarios.get(totals.scenario);
        const tally = tallies.get(totals.scenario);
        if (!facts || !tally) continue;
        const d = build(facts, tally, totals.interrupted, totals.iterationDuration.max);
        if (d) out.push(d);
      }
      return out;
    },
  };
}
