// The plan's facts the rules need, computed once before the run: origins per scenario (for connection
// counts), requests per iteration, think times, timeouts.
import { maxVUsOf, plannedDurationMs } from '../executors';
import type { Plan, ScenarioPlan } from '../scenario/plan';
import { peakConnections } from './planned-connections';
import { readSystemLimits, type SystemLimits } from './system-limits';
import type { DoctorContext, ScenarioFacts } from './types';

/** The origin a URL template reaches; `undefined` when it is only known at run time. */
export function originOf(urlSource: string, baseUrl: string | undefined): string | undefined {
  const absolute = /^https?:\/\//i.test(urlSource);
  if (!absolute) return baseUrl === undefined || baseUrl.includes('{{') ? undefined : safeOrigin(baseUrl);
  const authorityEnd = urlSource.slice(urlSource.indexOf('//') + 2).search(/[/?#]/);
  const authority = authorityEnd < 0 ? urlSource : urlSource.slice(0, urlSource.indexOf('//') + 2 + authorityEnd);
  return authority.includes('{{') ? undefined : safeOrigin(authority);
}

function safeOrigin(text: string): string | undefined {
  try {
    const origin = new URL(text).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

export function scenarioFacts(plan: Plan, scenario: ScenarioPlan): ScenarioFacts {
  const origins = new Set<string>();
  let dynamicOrigins = false;
  let requestsPerIteration = 0;
  let maxThinkMs = 0;
  const stepTimeoutMs = new Map<string, number>();
  for (const step of scenario.steps) {
    if (step.kind === 'think') {
      maxThinkMs = Math.max(maxThinkMs, step.durationMs);
      continue;
    }
    requestsPerIteration++;
    stepTimeoutMs.set(step.name, step.timeoutMs);
    const origin = originOf(step.url.source, plan.baseUrl);
    if (origin === undefined) dynamicOrigins = true;
    else origins.add(origin);
  }
  return {
    name: scenario.name,
    executor: scenario.executor,
    startTimeMs: scenario.startTimeMs,
    endMs: scenario.startTimeMs + plannedDurationMs(scenario.executor),
    gracefulStopMs: scenario.gracefulStopMs,
    maxVUs: maxVUsOf(scenario.executor),
    origins: [...origins],
    dynamicOrigins,
    requestsPerIteration,
    maxThinkMs,
    stepTimeoutMs,
  };
}

export function doctorContext(
  plan: Plan,
  scenarios: readonly ScenarioPlan[],
  options: { threads?: number; system?: SystemLimits } = {},
): DoctorContext {
  const facts = scenarios.map((s) => scenarioFacts(plan, s));
  return {
    http: plan.http,
    scenarios: new Map(facts.map((f) => [f.name, f])),
    plannedConnections: peakConnections(facts, plan).connections,
    threads: Math.max(1, options.threads ?? 1),
    system: options.system ?? readSystemLimits(),
  };
}
