// The Plan a merge measures into, rebuilt from what a run file says about its plan (`start.plan`): the
// scenarios with their request steps (names, order, methods), the checks by name, and the thresholds
// compiled again from their key and expression. Only what metrics and thresholds read is real; the
// request details (URL, body, captures) are not in the run file and are never run here.
import type { CheckFigures, PlanInfo } from '../../protocol';
import type { CheckPlan, ExecutorPlan, HttpMethod, Plan, Range, ScenarioPlan, StepPlan, Template, ThresholdPlan } from '../scenario/plan';
import { parseMetricKey, parseThresholdExpression } from '../scenario/threshold-expr';

const METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const NOT_RUN: Template = { source: '', constant: '', secret: false, render: () => '', renderValue: () => '' };

function lineRange(line: number): Range {
  const position = { line: Math.max(0, line - 1), character: 0 };
  return { start: position, end: position };
}

/** Stands in for the executor: metrics do not depend on it, and the merge never schedules anything. */
function notScheduled(info: PlanInfo['scenarios'][number]): ExecutorPlan {
  return { type: 'constant-vus', vus: info.maxVUs, durationMs: info.durationMs };
}

export interface PlanFromInfo {
  plan: Plan;
  /** Thresholds that could not be compiled again (not expected: the runs validated them). */
  problems: string[];
}

export function planFromInfo(info: PlanInfo, checks: readonly CheckFigures[]): PlanFromInfo {
  const problems: string[] = [];
  const scenarios: ScenarioPlan[] = info.scenarios.map((scenario) => {
    const steps: StepPlan[] = scenario.steps.map((step) => {
      const group = step.group !== undefined ? { group: step.group } : {};
      if (step.kind === 'think') return { kind: 'think', name: step.name, index: step.index, range: lineRange(step.line), durationMs: 0, maxDurationMs: 0, ...group };
      const names: string[] = [];
      for (const c of checks) if (c.scenario === scenario.name && c.step === step.name && !names.includes(c.name)) names.push(c.name);
      const stepChecks: CheckPlan[] = names.map((name) => ({ kind: 'status', name, allowed: [] }));
      const method = METHODS.find((m) => m === step.method) ?? 'GET';
      return {
        kind: 'request',
        once: false,
        name: step.name,
        index: step.index,
        range: lineRange(step.line),
        method,
        url: NOT_RUN,
        query: [],
        headers: [],
        cookies: [],
        body: { kind: 'none' },
        timeoutMs: 0,
        checks: stepChecks,
        captures: [],
        ...group,
      };
    });
    return {
      name: scenario.name,
      range: lineRange(1),
      executor: notScheduled(scenario),
      startTimeMs: scenario.startTimeMs,
      gracefulStopMs: scenario.gracefulStopMs,
      steps,
      ...(scenario.groups ? { groups: scenario.groups.map((g, index) => ({ name: g.name, index, range: lineRange(g.line) })) } : {}),
    };
  });

  const thresholds: ThresholdPlan[] = [];
  for (const t of info.thresholds) {
    const key = parseMetricKey(t.key);
    const expr = parseThresholdExpression(t.source);
    if (!key.ok || !expr.ok) {
      problems.push(`threshold ${t.key}: ${t.source}: ${!key.ok ? key.message : !expr.ok ? expr.message : ''}`);
      continue;
    }
    thresholds.push({
      key: t.key,
      metric: key.metric,
      tags: key.tags,
      source: t.source,
      aggregation: expr.aggregation,
      op: expr.op,
      value: expr.value,
      abortOnFail: false,
      delayAbortEvalMs: 0,
      range: lineRange(t.line),
    });
  }

  return {
    plan: {
      file: info.file,
      name: info.name,
      baseUrl: info.baseUrl,
      http: { connections: 'per-vu', maxConnectionsPerHost: 0, timeoutMs: 0, noVUConnectionReuse: false, insecureSkipTLSVerify: false, cookies: 'off' },
      variables: {},
      setup: [],
      teardown: [],
      scenarios,
      thresholds,
    },
    problems,
  };
}
