// `setup:` and `teardown:` (k6's setup() and teardown()): flows run once per process, on one VU, before
// the scenarios start and after they all ended. Their requests are measured in a registry of their own,
// under the scenario names `setup` and `teardown`, so they are shown apart and never count as a scenario's
// iterations nor reach the doctor, the estimator or thresholds. A setup step that fails ends the test:
// the steps after it do not run, and the caller runs no scenario.
import type { RegistryWindow, ScenarioFigures, SetupFailure } from '../protocol';
import { captureValue, lowerCaseHeaders, runCheck } from './flow';
import { VUCookieJar } from './http/cookies';
import { createHttpAgent } from './http/agent';
import { baseTarget, RequestStep } from './http/request-step';
import { ResponseView } from './http/response';
import { MetricsRegistry } from './metrics/registry';
import { redactCredentialFields, stringsIn, type Redactor } from './output/redact';
import type { Plan, ScenarioPlan, StepPlan } from './scenario/plan';

export type LifecycleStage = 'setup' | 'teardown';

export type LifecycleResult =
  | { ok: true; captures: Record<string, unknown> }
  /** `failure` is the failed step (undefined when a stop cut the stage short); `message` says it in a sentence. */
  | { ok: false; message: string; failure?: SetupFailure };

/** What a stage measured: its figures, and its window for a merge (taken before the figures fold it). */
export interface LifecycleMeasurement {
  figures: ScenarioFigures;
  window: RegistryWindow;
}

/** How much of a failed setup response's body its message quotes. */
const BODY_PREFIX_CHARS = 200;

/** One stage's steps as a scenario of a registry of its own: its series carry `scenario: setup`/`teardown`. */
function stagePlan(plan: Plan, stage: LifecycleStage): Plan {
  const steps = plan[stage];
  const scenario: ScenarioPlan = {
    name: stage,
    range: steps[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    executor: { type: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 0 },
    startTimeMs: 0,
    gracefulStopMs: 0,
    steps,
  };
  return { ...plan, scenarios: [scenario], thresholds: [] };
}

export interface LifecycleRun {
  readonly done: Promise<LifecycleResult>;
  /** Cuts the stage short (a hard stop): the request in flight is aborted, no further step runs. */
  stop(): void;
  /** The stage's figures (one request row per step) and window, once `done` has settled. */
  measured(): LifecycleMeasurement;
}

/**
 * Runs `plan[stage]` once. `data` is what setup captured (teardown reads it); a setup result's `captures`
 * are every name its steps captured. Every value captured becomes one of `secrets` at once (a token read
 * by every iteration must not be written in clear text), so even the failed step's quoted body has it
 * replaced before it is cut short. Never rejects: a step that throws is a failed step.
 */
export function runLifecycle(
  plan: Plan,
  stage: LifecycleStage,
  env: Record<string, string | undefined>,
  data: Readonly<Record<string, unknown>>,
  secrets: Redactor,
): LifecycleRun {
  const stagePlanned = stagePlan(plan, stage);
  const registry = new MetricsRegistry(stagePlanned);
  const recorder = registry.scenario(0);
  const agent = createHttpAgent(plan.http);
  const session = agent.session();
  const base = baseTarget(plan.baseUrl, agent);
  const response = new ResponseView();
  // The stage is one VU of its own, as k6's setup() is: its cookies go back on its later steps.
  const jar = plan.http.cookies === 'off' ? null : new VUCookieJar();
  const captures: Record<string, unknown> = {};
  const ctx = { vars: { ...plan.variables, ...data } as Record<string, unknown>, vu: 0, iteration: 0, scenario: stage, env };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  /** Undefined when the step passed; else what failed, without the sentence's step prefix. */
  const runStep = async (step: StepPlan): Promise<Omit<SetupFailure, 'step' | 'stepIndex' | 'line'> | undefined> => {
    if (step.kind === 'think') {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, step.durationMs);
      });
      return undefined;
    }
    const ex = session.exchange;
    const request = new RequestStep(step, base, agent);
    const origin = request.fill(ex, ctx, jar);
    // Kept whatever the checks read: a failed setup quotes the body.
    ex.keepHeaders = true;
    ex.keepBody = true;
    if (origin === undefined) {
      recorder.step(step.index).request(0, true, 'invalid-url', ex.timings, 0, 0);
      return { status: 0, errorClass: 'invalid-url', failedChecks: [], message: 'the URL is not an http(s) URL (relative URLs need baseUrl)' };
    }
    await session.send(origin);
    if (jar !== null && ex.rawHeaders !== null) jar.store(ex.rawHeaders, origin.key + ex.path);
    const status = ex.status;
    const errorClass = status >= 400 ? 'http-status' : ex.errorClass;
    const stepRecorder = recorder.step(step.index);
    stepRecorder.request(status, status === 0 || status >= 400, errorClass, ex.timings, ex.bytesSent, ex.bytesReceived);
    response.reset(ex);
    const failedChecks = lowerCaseHeaders(step.checks).filter((check, i) => {
      const passed = runCheck(check, response);
      stepRecorder.check(passed, i);
      return !passed;
    });
    for (const c of lowerCaseHeaders(step.captures)) {
      const value = status === 0 ? undefined : captureValue(c, response, ex, origin, jar);
      ctx.vars[c.name] = value;
      captures[c.name] = value;
      secrets.add(stringsIn(value));
    }
    if (status === 0) {
      const errorClass = ex.errorClass ?? 'other';
      return { status, errorClass, failedChecks: [], message: `the request failed: ${errorClass}${ex.error ? ` (${ex.error.message})` : ''}` };
    }
    if (status < 400 && failedChecks.length === 0) return undefined;
    // A login response holds the token it issues: credential-named fields, the values captured and the env
    // secrets go before the body is cut, or a secret across the cut would leave its first characters.
    const body = secrets.text(redactCredentialFields(response.bodyText()));
    const bodyPrefix = body.length > BODY_PREFIX_CHARS ? `${body.slice(0, BODY_PREFIX_CHARS)}…` : body;
    const names = failedChecks.map((c) => c.name);
    const what = names.length > 0 ? `check ${names.map((n) => `"${n}"`).join(', ')} failed` : 'the request failed';
    return { status, failedChecks: names, bodyPrefix, message: `${what}: status ${status}, body ${JSON.stringify(bodyPrefix)}` };
  };

  const run = async (): Promise<LifecycleResult> => {
    try {
      for (const step of plan[stage]) {
        if (stopped) return { ok: false, message: `${stage} was stopped before step "${step.name}"` };
        let problem: Omit<SetupFailure, 'step' | 'stepIndex' | 'line'> | undefined;
        try {
          problem = await runStep(step);
        } catch (error) {
          problem = { status: 0, errorClass: 'other', failedChecks: [], message: `the step could not run: ${error instanceof Error ? error.message : String(error)}` };
        }
        if (problem !== undefined && stage === 'setup') {
          const line = step.range.start.line;
          const message = `setup step "${step.name}" (line ${line + 1}): ${problem.message}`;
          return { ok: false, message, failure: { ...problem, step: step.name, stepIndex: step.index, line, message } };
        }
      }
      return { ok: true, captures };
    } finally {
      await session.close();
      await agent.close();
    }
  };
  const done = run();
  let measurement: LifecycleMeasurement | undefined;
  return {
    done,
    stop() {
      stopped = true;
      session.exchange.abort('aborted');
      if (timer !== undefined) clearTimeout(timer);
      wake?.();
    },
    measured() {
      if (measurement === undefined) {
        const window = registry.exportWindow();
        measurement = { window, figures: registry.tick()[0] };
      }
      return measurement;
    },
  };
}
