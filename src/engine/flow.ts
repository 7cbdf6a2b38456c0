// Runs one scenario's flow, iteration by iteration, on a VU: renders each request step into the VU's
// Exchange, sends it, records it, runs its checks and captures; waits on think steps. Like a k6 script,
// a failed request does not stop the iteration. Nothing here logs header values or rendered templates,
// so secrets (authorization, cookies, `env.*`) never reach the output.
import type { ErrorClass } from '../protocol';
import type { ScenarioRecorder, StepRecorder } from './metrics/recorder';
import { compareValues, evalJsonPath, regexCaptureValue } from './scenario/json-path';
import type { CapturePlan, CheckPlan, Plan, StepPlan, TemplateContext } from './scenario/plan';
import type { HttpAgent, HttpSession } from './http/agent';
import { VolleyHttpError } from './http/errors';
import type { Origin } from './http/origin';
import { baseTarget, RequestStep } from './http/request-step';
import { ResponseView } from './http/response';

export { createHttpAgent } from './http/agent';
export type { HttpAgent, HttpSession } from './http/agent';

export interface FlowDeps {
  plan: Plan;
  scenarioIndex: number;
  agent: HttpAgent;
  recorder: ScenarioRecorder;
  env: Record<string, string | undefined>;
}

export interface VUState {
  /** 1-based global VU number (k6's __VU). */
  readonly id: number;
  /** The VU's HTTP: its reusable request and, in per-vu mode, its connections. */
  readonly http: HttpSession;
  /** What templates see; `vars` and `iteration` change per iteration. */
  readonly ctx: TemplateContext;
}

interface PreparedRequest {
  kind: 'request';
  request: RequestStep;
  recorder: StepRecorder;
  checks: CheckPlan[];
  captures: CapturePlan[];
}

interface PreparedThink {
  kind: 'think';
  durationMs: number;
  /** max − min of a `{ min, max }` think: each pause adds a uniform draw in [0, spreadMs). */
  spreadMs: number;
}

type PreparedStep = PreparedRequest | PreparedThink;

class FlowVU implements VUState {
  readonly ctx: TemplateContext;
  readonly vars: Record<string, unknown> = {};
  readonly response = new ResponseView();
  interrupted = false;
  inRequest = false;
  private thinkTimer: NodeJS.Timeout | null = null;
  private thinkResolve: (() => void) | null = null;
  private readonly thinkExecutor = (resolve: () => void): void => {
    this.thinkResolve = resolve;
  };
  private readonly thinkDone = (): void => {
    this.thinkTimer = null;
    const resolve = this.thinkResolve;
    this.thinkResolve = null;
    resolve?.();
  };

  constructor(
    readonly id: number,
    readonly http: HttpSession,
    scenario: string,
    env: Record<string, string | undefined>,
  ) {
    this.ctx = { vars: this.vars, vu: id, iteration: 0, scenario, env };
  }

  think(ms: number): Promise<void> {
    const p = new Promise<void>(this.thinkExecutor);
    this.thinkTimer = setTimeout(this.thinkDone, ms);
    return p;
  }

  stopThinking(): void {
    if (this.thinkTimer === null) return;
    clearTimeout(this.thinkTimer);
    this.thinkDone();
  }
}

const INVALID_URL = new VolleyHttpError('invalid-url', 'the URL is not an http(s) URL (relative URLs need baseUrl)');
const RENDER_FAILED = new VolleyHttpError('invalid-url', 'the request could not be rendered');

export class FlowRunner {
  private readonly steps: PreparedStep[];
  private readonly scenarioName: string;
  private readonly variables: Array<[string, unknown]>;
  private readonly noReuse: boolean;

  constructor(private readonly deps: FlowDeps) {
    const scenario = deps.plan.scenarios[deps.scenarioIndex];
    if (!scenario) throw new Error(`no scenario at index ${deps.scenarioIndex}`);
    this.scenarioName = scenario.name;
    this.noReuse = deps.plan.http.noVUConnectionReuse;
    const base = baseTarget(deps.plan.baseUrl, deps.agent);
    this.steps = scenario.steps.map((step: StepPlan): PreparedStep => {
      if (step.kind === 'think') return { kind: 'think', durationMs: step.durationMs, spreadMs: step.maxDurationMs - step.durationMs };
      return {
        kind: 'request',
        request: new RequestStep(step, base, deps.agent),
        recorder: deps.recorder.step(step.index),
        checks: step.checks.map((c) => (c.kind === 'header' ? { ...c, header: c.header.toLowerCase() } : c)),
        captures: step.captures.map((c) => (c.kind === 'header' ? { ...c, header: c.header.toLowerCase() } : c)),
      };
    });
    // Every name an iteration can set, so resetting the variables keeps the object's shape.
    const initial = new Map<string, unknown>(Object.entries(deps.plan.variables));
    for (const step of scenario.steps) {
      if (step.kind === 'request') for (const c of step.captures) if (!initial.has(c.name)) initial.set(c.name, undefined);
    }
    this.variables = [...initial];
  }

  newVU(id: number): VUState {
    const vu = new FlowVU(id, this.deps.agent.session(), this.scenarioName, this.deps.env);
    this.resetVariables(vu);
    return vu;
  }

  /** Resolves true when the iteration completed, false when interrupted; never rejects. */
  async runIteration(state: VUState, iteration: number): Promise<boolean> {
    const vu = state as FlowVU;
    vu.interrupted = false;
    vu.ctx.iteration = iteration;
    this.resetVariables(vu);
    try {
      const steps = this.steps;
      for (let i = 0; i < steps.length; i++) {
        if (vu.interrupted) return false;
        const step = steps[i];
        if (step.kind === 'think') {
          await vu.think(step.spreadMs === 0 ? step.durationMs : step.durationMs + Math.random() * step.spreadMs);
          if (vu.interrupted) return false; // the think was cut short
        } else if (!(await this.request(vu, step))) {
          return false;
        }
      }
      // An interruption that came after the last step cut nothing: the iteration is complete.
      return true;
    } catch {
      // A bug in a step must not take the run down; the iteration counts as cut short.
      return false;
    } finally {
      vu.inRequest = false;
      if (this.noReuse) vu.http.closeConnections();
    }
  }

  /** gracefulStop: aborts the in-flight request or think now; runIteration then resolves false. */
  interrupt(state: VUState): void {
    const vu = state as FlowVU;
    vu.interrupted = true;
    if (vu.inRequest) vu.http.exchange.abort('aborted');
    vu.stopThinking();
  }

  async closeVU(state: VUState): Promise<void> {
    const vu = state as FlowVU;
    vu.stopThinking();
    await vu.http.close();
  }

  private resetVariables(vu: FlowVU): void {
    const vars = vu.vars;
    const initial = this.variables;
    for (let i = 0; i < initial.length; i++) vars[initial[i][0]] = initial[i][1];
  }

  /** Resolves false when the request was cut by an interruption (then nothing is recorded). */
  private async request(vu: FlowVU, step: PreparedRequest): Promise<boolean> {
    const http = vu.http;
    const ex = http.exchange;
    let origin: Origin | undefined;
    let problem = INVALID_URL;
    try {
      origin = step.request.fill(ex, vu.ctx);
    } catch {
      problem = RENDER_FAILED;
    }
    vu.inRequest = true;
    if (origin === undefined) {
      const done = ex.begin();
      ex.fail(problem);
      await done;
    } else {
      await http.send(origin);
    }
    vu.inRequest = false;
    // As in k6, a request cut by the end of the scenario is not measured.
    if (vu.interrupted && ex.errorClass === 'aborted') return false;

    const status = ex.status;
    let errorClass: ErrorClass | undefined = ex.errorClass;
    if (status >= 400) errorClass = 'http-status';
    step.recorder.request(status, status === 0 || status >= 400, errorClass, ex.timings, ex.bytesSent, ex.bytesReceived);

    if (step.checks.length === 0 && step.captures.length === 0) return true;
    const response = vu.response;
    response.reset(ex);
    const checks = step.checks;
    for (let i = 0; i < checks.length; i++) step.recorder.check(runCheck(checks[i], response), i);
    const captures = step.captures;
    for (let i = 0; i < captures.length; i++) {
      const c = captures[i];
      vu.vars[c.name] = status === 0 ? undefined : capture(c, response);
    }
    return true;
  }
}

function runCheck(check: CheckPlan, response: ResponseView): boolean {
  switch (check.kind) {
    case 'status':
      return check.allowed.includes(response.status);
    case 'header':
      return response.headerEquals(check.header, check.equals);
    case 'bodyContains':
      return response.status !== 0 && response.bodyText().includes(check.text);
    case 'json':
      return compareValues(evalJsonPath(response.bodyJson(), check.path), check.op, check.expected);
  }
}

function capture(c: CapturePlan, response: ResponseView): unknown {
  switch (c.kind) {
    case 'json': {
      const json = response.bodyJson();
      return json === undefined ? undefined : evalJsonPath(json, c.path);
    }
    case 'header':
      return response.header(c.header);
    case 'regex':
      c.regex.lastIndex = 0;
      return regexCaptureValue(c.regex, response.bodyText());
  }
}
