// The rules engine: every rule family sees each aggregate of the run; a diagnosis is emitted live the first
// time its key (id, scenario, step) turns up, and at the end each rule's conclusion replaces the live
// version (run totals instead of the second it fired in). Preflight findings lead the final list.
import type { Diagnosis, DiagnosisSeverity } from '../../protocol';
import type { Plan, ScenarioPlan } from '../scenario/plan';
import type { WorkShare } from '../segments';
import { round } from './evidence';
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
  /** This process's execution segment: the rules judge its part, and VU edits are scaled to the file's. */
  share?: WorkShare;
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
  const inFile = (d: Diagnosis): Diagnosis => inFileTerms(d, context.share);
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
      const found = safely(() => preflightDiagnoses(plan, scenarios, context.system, options.share)).map(inFile);
      preflightFound.push(...found);
      return found;
    },
    observe(second) {
      const fresh: Diagnosis[] = [];
      for (const rule of rules) {
        for (const d of safely(() => rule.observe(second)).map(inFile)) {
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
      for (const rule of rules) for (const d of safely(() => rule.conclude(end)).map(inFile)) final.set(diagnosisKey(d), d);
      const late = [...final].filter(([key]) => !emitted.has(key)).map(([, d]) => d);
      const ordered = [...final.values()].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
      return { final: [...preflightFound, ...ordered], late };
    },
  };
}

/** Scenario keys whose value is a VU count, which an execution segment runs a share of. */
const VU_KEYS = new Set(['preAllocatedVUs', 'maxVUs', 'vus', 'startVUs']);

/**
 * A segment's diagnosis in the scenario file's terms: the rules judged this process's part, so an edit of
 * a VU count is that part's need, and the file needs it divided by the share (every segment grows by the
 * same factor). The fix says so, with the segment's numbers kept where the rule wrote them.
 */
export function inFileTerms(d: Diagnosis, share: number): Diagnosis {
  if (share >= 1) return d;
  type Edit = NonNullable<Diagnosis['edit']>;
  const isVUCount = (e: Edit): boolean => e.path[0] === 'scenarios' && VU_KEYS.has(e.path[2] ?? '') && typeof e.value === 'number';
  const whole = (e: Edit): Edit => (isVUCount(e) ? { ...e, value: Math.ceil((e.value as number) / share - 1e-9) } : e);
  const edit = d.edit && whole(d.edit);
  const edits = d.edits?.map(whole);
  const scaled = (edits ?? (edit ? [edit] : [])).filter(isVUCount);
  const percent = `${round(share * 100, 2)} %`;
  return {
    ...d,
    evidence: { ...d.evidence, segmentShare: round(share, 4) },
    ...(edit ? { edit } : {}),
    ...(edits ? { edits } : {}),
    fix:
      scaled.length === 0
        ? d.fix
        : `${d.fix} (Those are this execution segment's VUs: it runs ${percent} of the scenario, so in the file: ` +
          `${scaled.map((e) => `${e.path[2]}: ${String(e.value)}`).join(', ')}.)`,
  };
}
