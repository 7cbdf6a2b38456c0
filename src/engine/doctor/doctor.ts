// The rules engine: every rule family sees each aggregate of the run; a diagnosis is emitted live the first
// time its key (id, scenario, step) turns up, and at the end each rule's conclusion replaces the live
// version (run totals instead of the second it fired in). Preflight findings lead the final list.
import type { Diagnosis, DiagnosisSeverity } from '../../protocol';
import type { Plan, ScenarioPlan } from '../scenario/plan';
import { doctorContext } from './context';
import { preflightDiagnoses } from './preflight';
import { poolExhaustionRule, slowConnectRule, churnRule } from './rules/connections';
import { failureSideRule, osLimitsRule, timeoutsRule } from './rules/failures';
import { generatorRule } from './rules/generator';
import { gracefulStopRule } from './rules/graceful-stop';
import { insufficientVUsRule } from './rules/vus';
import type { SystemLimits } from './system-limits';
import type { DoctorContext, Rule, RuleFactory, RunEnd, Second } from './types';

export const RULES: readonly RuleFactory[] = [
  generatorRule,
  osLimitsRule,
  insufficientVUsRule,
  poolExhaustionRule,
  slowConnectRule,
  churnRule,
  failureSideRule,
  timeoutsRule,
  gracefulStopRule,
];

export interface DoctorOptions {
  /** Engine threads whose CPU the health figures sum (default 1). */
  threads?: number;
  /** The OS limits (default: read from this process). */
  system?: SystemLimits;
  rules?: readonly RuleFactory[];
  /** A rule threw: the run goes on without that rule's answer for this call (a doctor bug must not end a run). */
  onRuleError?: (error: unknown) => void;
}

export interface Doctor {
  readonly context: DoctorContext;
  /** From the plan and the OS limits, before the first request; recorded for the final list. */
  preflight(): Diagnosis[];
  /** After each aggregate: the diagnoses to emit now (each key once). */
  observe(second: Second): Diagnosis[];
  /** At the end: `final` for summary.diagnoses; `late` are those never emitted live (emit them before the summary). */
  finish(end: RunEnd): { final: Diagnosis[]; late: Diagnosis[] };
}

export function diagnosisKey(d: Diagnosis): string {
  return `${d.id}\u0000${d.scenario ?? ''}\u0000${d.step ?? ''}`;
}

const SEVERITY_ORDER: Record<DiagnosisSeverity, number> = { error: 0, warning: 1, info: 2 };

export function createDoctor(plan: Plan, scenarios: readonly ScenarioPlan[], options: DoctorOptions = {}): Doctor {
  const context = doctorContext(plan, scenarios, options);
  const rules: Rule[] = (options.rules ?? RULES).map((factory) => factory(context));
  const emitted = new Map<string, Diagnosis>();
  const preflightFound: Diagnosis[] = [];
  const safely = (call: () => Diagnosis[]): Diagnosis[] => {
    try {
      return call();
    } catch (error) {
      options.onRuleError?.(error);
      return [];
    }
  };

  return {
    context,
    preflight() {
      const found = safely(() => preflightDiagnoses(plan, scenarios, context.system));
      preflightFound.push(...found);
      return found;
    },
    observe(second) {
      const fresh: Diagnosis[] = [];
      for (const rule of rules) {
        for (const d of safely(() => rule.observe(second))) {
          const key = diagnosisKey(d);
          if (emitted.has(key)) continue;
          emitted.set(key, d);
          fresh.push(d);
        }
      }
      return fresh;
    },
    finish(end) {
      const final = new Map<string, Diagnosis>(emitted);
      for (const rule of rules) for (const d of safely(() => rule.conclude(end))) final.set(diagnosisKey(d), d);
      const late = [...final].filter(([key]) => !emitted.has(key)).map(([, d]) => d);
      const ordered = [...final.values()].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
      return { final: [...preflightFound, ...ordered], late };
    },
  };
}
