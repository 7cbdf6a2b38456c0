// Failure samples (issue #18): for each step and kind of failure (an error class, or `http-status` with one
// status) a run keeps the first FIRST_KEPT failed exchanges and a uniform reservoir (Vitter's algorithm R)
// of RESERVOIR later ones, so a run that fails a million times keeps as many samples as one that fails
// twelve times. Only a failed request reaches `offer`; a later failure that the reservoir does not take costs
// a map lookup and a random draw, and nothing is copied out of the exchange unless it is kept.
import type { ErrorClass, FailureSample, FailureSampleGroup } from '../../protocol';
import type { Exchange } from '../http/exchange';
import type { Redactor } from '../output/redact';
import type { Plan, RequestStepPlan } from '../scenario/plan';
import { captureSample } from './capture';

export const FIRST_KEPT = 3;
export const RESERVOIR = 5;
/** Step × kind pairs kept per run; failures of further kinds are counted nowhere here (the metrics have them). */
export const MAX_GROUPS = 64;

interface Group {
  summary: FailureSampleGroup;
  first: FailureSample[];
  later: FailureSample[];
}

export class FailureSampler {
  private readonly byKey = new Map<string, Group>();

  constructor(
    private readonly plan: Plan,
    private readonly redactor: Redactor,
    private readonly random: () => number = Math.random,
  ) {}

  /** A failed request of a step of scenario `scenarioIndex`; `url` the URL it went to. */
  offer(scenarioIndex: number, step: RequestStepPlan, ex: Exchange, url: string, errorClass: ErrorClass): void {
    const status = errorClass === 'http-status' ? ex.status : 0;
    const key = `${scenarioIndex}/${step.index}/${errorClass}/${status}`;
    let group = this.byKey.get(key);
    if (group === undefined) {
      if (this.byKey.size >= MAX_GROUPS) return;
      const summary: FailureSampleGroup = {
        scenario: this.plan.scenarios[scenarioIndex].name,
        step: step.name,
        stepIndex: step.index,
        errorClass,
        count: 0,
        samples: [],
      };
      if (errorClass === 'http-status') summary.status = status;
      group = { summary, first: [], later: [] };
      this.byKey.set(key, group);
    }
    const count = ++group.summary.count;
    if (group.first.length < FIRST_KEPT) {
      group.first.push(captureSample(ex, url, this.redactor, true));
      return;
    }
    if (group.later.length < RESERVOIR) {
      group.later.push(captureSample(ex, url, this.redactor, false));
      return;
    }
    const pick = Math.floor(this.random() * (count - FIRST_KEPT));
    if (pick < RESERVOIR) group.later[pick] = captureSample(ex, url, this.redactor, false);
  }

  /** What the run kept, each group's samples in time order (the first ones, then the later picks). */
  groups(): FailureSampleGroup[] {
    return inStepOrder([...this.byKey.values()].map(({ summary, first, later }) => ({ ...summary, samples: [...first, ...byTime(later)] })));
  }
}

/** Scenarios as they first appear, then steps in file order, then the most frequent kind first. */
export function inStepOrder(groups: FailureSampleGroup[]): FailureSampleGroup[] {
  const scenarios = [...new Set(groups.map((g) => g.scenario))];
  return groups.sort((a, b) => scenarios.indexOf(a.scenario) - scenarios.indexOf(b.scenario) || a.stepIndex - b.stepIndex || b.count - a.count);
}

export function byTime(samples: FailureSample[]): FailureSample[] {
  return samples.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}
