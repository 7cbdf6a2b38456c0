// The plan's facts the rules need, computed once before the run: origins per scenario (for connection
// counts), requests per iteration, think times, timeouts.
import { maxVUsOf, plannedDurationMs } from '../executors';
import type { ExecutorPlan, FlowNodePlan, Plan, ScenarioPlan, StepPlan } from '../scenario/plan';
import type { WorkShare } from '../segments';
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

/**
 * The part of an executor a share runs, as the executors themselves cut it: VU and iteration counts by the
 * share (k6's segment scaling), rates by its fraction.
 */
export function executorShare(e: ExecutorPlan, share: WorkShare | undefined): ExecutorPlan {
  if (share === undefined || share.isFull) return e;
  const n = (value: number): number => share.scale(value);
  const fraction = share.fraction;
  switch (e.type) {
    case 'constant-arrival-rate':
      return { ...e, rate: e.rate * fraction, preAllocatedVUs: n(e.preAllocatedVUs), maxVUs: n(e.maxVUs) };
    case 'ramping-arrival-rate':
      return {
        ...e,
        startRate: e.startRate * fraction,
        stages: e.stages.map((s) => ({ ...s, target: s.target * fraction })),
        preAllocatedVUs: n(e.preAllocatedVUs),
        maxVUs: n(e.maxVUs),
      };
    case 'constant-vus':
      return { ...e, vus: n(e.vus) };
    case 'ramping-vus':
      return { ...e, startVUs: n(e.startVUs), stages: e.stages.map((s) => ({ ...s, target: n(s.target) })) };
    case 'per-vu-iterations':
      return { ...e, vus: n(e.vus) };
    case 'shared-iterations':
      return { ...e, vus: n(e.vus), iterations: n(e.iterations) };
  }
}

/**
 * The requests an iteration of a flow with control steps sends on average: a repeat's count times its
 * flow's (1 for a template count), a choose's branches by weight, an if's larger side.
 */
function requestsOfFlow(flow: readonly FlowNodePlan[], steps: readonly StepPlan[]): number {
  let sum = 0;
  for (const node of flow) {
    switch (node.kind) {
      case 'step':
        if (steps[node.index]?.kind === 'request') sum++;
        break;
      case 'repeat':
        sum += (typeof node.count === 'number' ? node.count : 1) * requestsOfFlow(node.flow, steps);
        break;
      case 'if':
        sum += Math.max(requestsOfFlow(node.flow, steps), requestsOfFlow(node.else, steps));
        break;
      case 'choose': {
        const total = node.branches.reduce((t, b) => t + b.weight, 0);
        for (const b of node.branches) sum += (b.weight / total) * requestsOfFlow(b.flow, steps);
        break;
      }
      case 'group':
        sum += requestsOfFlow(node.flow, steps);
        break;
    }
  }
  return sum;
}

export function scenarioFacts(plan: Plan, scenario: ScenarioPlan, share?: WorkShare): ScenarioFacts {
  const executor = executorShare(scenario.executor, share);
  const origins = new Set<string>();
  let dynamicOrigins = false;
  let requestsPerIteration = 0;
  let maxThinkMs = 0;
  const stepTimeoutMs = new Map<string, number>();
  for (const step of scenario.steps) {
    if (step.kind === 'think') {
      maxThinkMs = Math.max(maxThinkMs, step.maxDurationMs);
      continue;
    }
    requestsPerIteration++;
    stepTimeoutMs.set(step.name, step.timeoutMs);
    const origin = originOf(step.url.source, plan.baseUrl);
    if (origin === undefined) dynamicOrigins = true;
    else origins.add(origin);
  }
  if (scenario.flow) requestsPerIteration = requestsOfFlow(scenario.flow, scenario.steps);
  return {
    name: scenario.name,
    executor,
    startTimeMs: scenario.startTimeMs,
    endMs: scenario.startTimeMs + plannedDurationMs(scenario.executor),
    gracefulStopMs: scenario.gracefulStopMs,
    maxVUs: maxVUsOf(executor),
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
  options: { threads?: number; system?: SystemLimits; share?: WorkShare } = {},
): DoctorContext {
  const facts = scenarios.map((s) => scenarioFacts(plan, s, options.share));
  return {
    http: plan.http,
    scenarios: new Map(facts.map((f) => [f.name, f])),
    plannedConnections: peakConnections(facts, plan, options.share).connections,
    threads: Math.max(1, options.threads ?? 1),
    share: options.share?.fraction ?? 1,
    system: options.system ?? readSystemLimits(),
  };
}
