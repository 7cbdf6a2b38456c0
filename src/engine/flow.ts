// Runs one scenario's flow, iteration by iteration, on a VU: renders each request step into the VU's
// Exchange, sends it, records it, runs its checks and captures; waits on think steps. Like a k6 script,
// a failed request does not stop the iteration. Nothing here logs header values or rendered templates,
// so secrets (authorization, cookies, `env.*`) never reach the output.
import type { ErrorClass } from '../protocol';
import type { ScenarioRecorder, StepRecorder } from './metrics/recorder';
import { compareValues, evalJsonPath, regexCaptureValue } from './scenario/json-path';
import type { CapturePlan, CheckPlan, Plan, StepPlan, TemplateContext } from './scenario/plan';
import { compileProgram, isTrue, roundsOf, type FlowProgram } from './flow-program';
import type { HttpAgent, HttpSession } from './http/agent';
import { setCookieValue, VUCookieJar } from './http/cookies';
import { VolleyHttpError } from './http/errors';
import type { Exchange } from './http/exchange';
import type { Origin } from './http/origin';
import { baseTarget, RequestStep } from './http/request-step';
import { ResponseView } from './http/response';
import { ScenarioData, ticketIndex, type DataRow } from './data/picks';
import type { ExecutionTuple } from './segments';
import type { FailureSampler } from './samples/sampler';

export { createHttpAgent } from './http/agent';
export type { HttpAgent, HttpSession } from './http/agent';

export interface FlowDeps {
  plan: Plan;
  scenarioIndex: number;
  agent: HttpAgent;
  recorder: ScenarioRecorder;
  env: Record<string, string | undefined>;
  /** What `setup:` captured: read-only values every iteration starts with, over the file's variables. */
  setupData?: Readonly<Record<string, unknown>>;
  /** The process's own execution segment: data rows are numbered across segments by its stripe. */
  dataSegment?: ExecutionTuple;
  /** Keeps failed exchanges as evidence (absent: none kept, and exchanges keep no failed bodies). */
  samples?: FailureSampler;
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
  /** Only in the VU's first iteration. */
  once: boolean;
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
  /** Null when `http.cookies` is off. */
  readonly jar: VUCookieJar | null;
  interrupted = false;
  inRequest = false;
  /** The rows of the data sets the flow reads, by set name (also `ctx.data`). */
  rows: Record<string, DataRow> | undefined;
  /** Set once the VU's first iteration has begun: `once` steps are skipped from then on. */
  begun = false;
  /** A flow program's repeat rounds (done, and how many) and group start times, by slot. */
  readonly rounds: Float64Array;
  readonly roundLimits: Float64Array;
  readonly groupStarts: Float64Array;
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
    cookies: boolean,
    program: FlowProgram<PreparedStep> | null,
  ) {
    this.ctx = { vars: this.vars, vu: id, iteration: 0, scenario, env };
    this.jar = cookies ? new VUCookieJar() : null;
    this.rounds = new Float64Array(program?.loops ?? 0);
    this.roundLimits = new Float64Array(program?.loops ?? 0);
    this.groupStarts = new Float64Array(program?.groups ?? 0);
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

/** A think's pause this time: its duration, plus a uniform draw in [0, spreadMs) for a `{ min, max }` one. */
function pauseMs(think: PreparedThink): number {
  return think.spreadMs === 0 ? think.durationMs : think.durationMs + Math.random() * think.spreadMs;
}

const INVALID_URL = new VolleyHttpError('invalid-url', 'the URL is not an http(s) URL (relative URLs need baseUrl)');
const RENDER_FAILED = new VolleyHttpError('invalid-url', 'the request could not be rendered');

export class FlowRunner {
  private readonly steps: PreparedStep[];
  /** Null for a flow of steps only, which runs `steps` in order. */
  private readonly program: FlowProgram<PreparedStep> | null;
  private readonly scenarioName: string;
  /** The names every iteration starts from, with their values. */
  private readonly variables: Array<[string, unknown]>;
  /** What only `once` steps capture: set when the VU starts, then kept for its life. */
  private readonly vuVariables: Array<[string, unknown]>;
  private readonly noReuse: boolean;
  private readonly cookies: boolean;
  private readonly cookiesPerIteration: boolean;
  /** The data sets the flow reads; undefined when none, so an iteration without data does no data work. */
  private readonly data: ScenarioData | undefined;
  /**
   * Fixes the rows an iteration holds, before it starts (the VU pool asks); false when a `unique` set ran
   * out, and the scenario then starts no more iterations. Absent when the flow reads no data set.
   */
  readonly claim: ((state: VUState) => boolean) | undefined;
  private readonly samples: FailureSampler | undefined;

  constructor(private readonly deps: FlowDeps) {
    this.samples = deps.samples;
    const scenario = deps.plan.scenarios[deps.scenarioIndex];
    if (!scenario) throw new Error(`no scenario at index ${deps.scenarioIndex}`);
    const sets = (deps.plan.data ?? []).filter((set) => scenario.dataSets?.includes(set.name) === true);
    const data = sets.length > 0 ? new ScenarioData(sets, deps.scenarioIndex, deps.plan.scenarios.length, ticketIndex(deps.dataSegment)) : undefined;
    this.data = data;
    this.claim = data === undefined ? undefined : (state) => data.claim((state as FlowVU).rows!);
    this.scenarioName = scenario.name;
    this.noReuse = deps.plan.http.noVUConnectionReuse;
    this.cookies = deps.plan.http.cookies !== 'off';
    this.cookiesPerIteration = deps.plan.http.cookies === 'per-iteration';
    const base = baseTarget(deps.plan.baseUrl, deps.agent);
    this.steps = scenario.steps.map((step: StepPlan): PreparedStep => {
      if (step.kind === 'think') return { kind: 'think', durationMs: step.durationMs, spreadMs: step.maxDurationMs - step.durationMs };
      return {
        kind: 'request',
        once: step.once,
        request: new RequestStep(step, base, deps.agent),
        recorder: deps.recorder.step(step.index),
        checks: lowerCaseHeaders(step.checks),
        captures: lowerCaseHeaders(step.captures),
      };
    });
    this.program = scenario.flow ? compileProgram(scenario.flow, this.steps) : null;
    // Every name an iteration can set, so resetting the variables keeps the object's shape.
    const initial = new Map<string, unknown>([...Object.entries(deps.plan.variables), ...Object.entries(deps.setupData ?? {})]);
    for (const op of this.program?.ops ?? []) if (op.kind === 'repeat' && op.as !== undefined) initial.set(op.as, undefined);
    const capturedEachIteration = new Set<string>();
    for (const step of scenario.steps) {
      if (step.kind !== 'request') continue;
      for (const c of step.captures) {
        if (!initial.has(c.name)) initial.set(c.name, undefined);
        if (!step.once) capturedEachIteration.add(c.name);
      }
    }
    const onceOnly = new Set<string>();
    for (const step of scenario.steps) {
      if (step.kind === 'request' && step.once) for (const c of step.captures) if (!capturedEachIteration.has(c.name)) onceOnly.add(c.name);
    }
    this.variables = [...initial].filter(([name]) => !onceOnly.has(name));
    this.vuVariables = [...initial].filter(([name]) => onceOnly.has(name));
  }

  newVU(id: number): VUState {
    const vu = new FlowVU(id, this.deps.agent.session(), this.scenarioName, this.deps.env, this.cookies, this.program);
    vu.http.exchange.sampleFailures = this.samples !== undefined;
    if (this.data !== undefined) vu.ctx.data = vu.rows = this.data.rowsFor(id);
    for (const [name, value] of this.vuVariables) vu.vars[name] = value;
    this.resetVariables(vu);
    return vu;
  }

  /** Resolves true when the iteration completed, false when interrupted; never rejects. */
  async runIteration(state: VUState, iteration: number): Promise<boolean> {
    const vu = state as FlowVU;
    vu.interrupted = false;
    vu.ctx.iteration = iteration;
    const first = !vu.begun;
    vu.begun = true;
    this.resetVariables(vu);
    if (this.cookiesPerIteration) vu.jar!.clear();
    try {
      if (this.program !== null) return await this.runProgram(vu, this.program, first);
      const steps = this.steps;
      for (let i = 0; i < steps.length; i++) {
        if (vu.interrupted) return false;
        const step = steps[i];
        if (step.kind === 'think') {
          await vu.think(pauseMs(step));
          if (vu.interrupted) return false; // the think was cut short
        } else if (step.once && !first) {
          continue;
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

  /** One pass of a flow with control steps; as the plain loop, false when interrupted. */
  private async runProgram(vu: FlowVU, program: FlowProgram<PreparedStep>, first: boolean): Promise<boolean> {
    const ops = program.ops;
    const ctx = vu.ctx;
    for (let pc = 0; pc < ops.length; pc++) {
      if (vu.interrupted) return false;
      const op = ops[pc];
      switch (op.kind) {
        case 'request':
          if (op.once && !first) break;
          if (!(await this.request(vu, op))) return false;
          break;
        case 'think':
          await vu.think(pauseMs(op));
          if (vu.interrupted) return false;
          break;
        case 'repeat': {
          const rounds = roundsOf(op.count, ctx);
          if (rounds === 0) {
            pc = op.end - 1;
            break;
          }
          vu.rounds[op.slot] = 0;
          vu.roundLimits[op.slot] = rounds;
          if (op.as !== undefined) vu.vars[op.as] = 0;
          break;
        }
        case 'next': {
          const done = ++vu.rounds[op.slot];
          if (done < vu.roundLimits[op.slot]) {
            if (op.as !== undefined) vu.vars[op.as] = done;
            pc = op.start - 1;
          }
          break;
        }
        case 'if':
          if (!isTrue(op.condition.renderValue(ctx))) pc = op.otherwise - 1;
          break;
        case 'jump':
          pc = op.to - 1;
          break;
        case 'choose': {
          const draw = Math.random() * op.total;
          const cumulative = op.cumulative;
          let branch = 0;
          while (branch < cumulative.length - 1 && draw >= cumulative[branch]) branch++;
          pc = op.targets[branch] - 1;
          break;
        }
        case 'group-start':
          vu.groupStarts[op.slot] = performance.now();
          break;
        case 'group-end':
          this.deps.recorder.group(op.group, performance.now() - vu.groupStarts[op.slot]);
          break;
      }
    }
    return true;
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
      origin = step.request.fill(ex, vu.ctx, vu.jar);
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
    // As in k6, a request cut by the end of the scenario is not measured, but the bytes it moved count.
    if (vu.interrupted && ex.errorClass === 'aborted') {
      step.recorder.bytes(ex.bytesSent, ex.bytesReceived);
      return false;
    }

    const status = ex.status;
    const jar = vu.jar;
    if (jar !== null && ex.rawHeaders !== null) jar.store(ex.rawHeaders, origin!.key + ex.path);
    let errorClass: ErrorClass | undefined = ex.errorClass;
    if (status >= 400) errorClass = 'http-status';
    const failed = status === 0 || status >= 400;
    step.recorder.request(status, failed, errorClass, ex.timings, ex.bytesSent, ex.bytesReceived);
    const samples = this.samples;
    if (failed && samples !== undefined) {
      // A request that could not be made was not filled in: the exchange still holds the previous one's.
      if (origin === undefined) {
        ex.method = step.request.plan.method;
        ex.headers.length = 0;
        ex.body = null;
      }
      samples.offer(this.deps.scenarioIndex, step.request.plan, ex, origin === undefined ? '(not an http(s) URL)' : origin.key + ex.path, errorClass ?? 'other');
    }

    if (step.checks.length === 0 && step.captures.length === 0) return true;
    const response = vu.response;
    response.reset(ex);
    const checks = step.checks;
    for (let i = 0; i < checks.length; i++) step.recorder.check(runCheck(checks[i], response), i);
    const captures = step.captures;
    for (let i = 0; i < captures.length; i++) {
      const c = captures[i];
      vu.vars[c.name] = status === 0 ? undefined : captureValue(c, response, ex, origin!, jar);
    }
    return true;
  }
}

export function runCheck(check: CheckPlan, response: ResponseView): boolean {
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

/** A step's checks or captures with header names in lower case, as undici reports them; done once per step. */
export function lowerCaseHeaders<T extends CheckPlan | CapturePlan>(items: readonly T[]): T[] {
  return items.map((c) => (c.kind === 'header' ? { ...c, header: c.header.toLowerCase() } : c));
}

/**
 * What capture `c` takes from a response. `cookie.NAME`: set by this response (k6's `res.cookies`), else
 * what the jar holds for the request's URL.
 */
export function captureValue(c: CapturePlan, response: ResponseView, ex: Exchange, origin: Origin, jar: VUCookieJar | null): unknown {
  if (c.kind === 'cookie') return setCookieValue(ex.rawHeaders, c.cookie) ?? jar?.value(c.cookie, origin.key + ex.path);
  return capture(c, response);
}

function capture(c: Exclude<CapturePlan, { kind: 'cookie' }>, response: ResponseView): unknown {
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
