// `volley debug`: one iteration of one scenario on one VU (setup before it, teardown after), through the
// engine's own request path — RequestStep renders into an Exchange, the agent sends it, the checks and
// captures are the FlowRunner's functions — with every request and response kept for the report. The
// run's FlowRunner is not used: keeping what was sent is this module's job alone, so a load run's hot
// path carries no recording hook. Control steps take the same decisions the flow program takes
// (roundsOf, isTrue, a weighted draw), walked as a tree so each decision can be shown where it is.
import { captureValue, lowerCaseHeaders, runCheck } from '../flow';
import { isTrue, roundsOf } from '../flow-program';
import { createHttpAgent, type HttpAgent, type HttpSession } from '../http/agent';
import { VUCookieJar } from '../http/cookies';
import { VolleyHttpError } from '../http/errors';
import { baseTarget, RequestStep, type BaseTarget } from '../http/request-step';
import { ResponseView } from '../http/response';
import type { Origin } from '../http/origin';
import { ScenarioData, ticketIndex } from '../data/picks';
import type { CapturePlan, FlowNodePlan, Plan, RequestStepPlan, StepPlan, TemplateContext } from '../scenario/plan';
import type { ScenarioDocument } from '../scenario/document';
import { flowNodes, flowOf, type FlowNodes } from './step-nodes';
import type { DebugControl, DebugPosition, DebugStage, DebugTimings } from './report';

/** One request as it went and came back, before anything is redacted or cut. */
export interface Exchanged {
  stage: DebugStage;
  step: RequestStepPlan;
  depth: number;
  rounds: number[];
  method: string;
  url: string;
  requestHeaders: Array<[string, string]>;
  requestBody: string | Buffer | null;
  status: number;
  errorClass?: string;
  error?: string;
  responseHeaders: Array<[string, string]>;
  responseBody: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  responseJson: unknown;
  timings: DebugTimings;
  checks: Array<{ name: string; passed: boolean }>;
  captures: Array<{ name: string; source: string; value: unknown }>;
  ok: boolean;
}

export interface IterationRecord {
  exchanges: Exchanged[];
  control: DebugControl[];
  /** Why the iteration ended early, when it did. */
  stopped?: string;
  /** The YAML nodes of each stage's steps (suggestions edit them). */
  nodes: Record<DebugStage, FlowNodes>;
}

const RENDER_FAILED = new VolleyHttpError('invalid-url', 'the request could not be rendered');
const INVALID_URL = new VolleyHttpError('invalid-url', 'the URL is not an http(s) URL (relative URLs need baseUrl)');

/** A capture's source as the file writes it: `json.items[0].id`, `header.X-Id`, `cookie.sid`, `regex:…`. */
export function captureSourceText(c: CapturePlan): string {
  switch (c.kind) {
    case 'json':
      return c.path.length === 0 ? 'json' : `json${jsonPathText(c.path)}`;
    case 'header':
      return `header.${c.header}`;
    case 'cookie':
      return `cookie.${c.cookie}`;
    case 'regex':
      return `regex:${c.regex.source}`;
  }
}

/** `.items[0].id`; a key that is no plain name in brackets and quotes. */
export function jsonPathText(path: ReadonlyArray<string | number>): string {
  return path.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$-]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/**
 * A step is ok when a response came, every check passed, and — unless a `status` check judged the
 * status — the status is below 400.
 */
function stepOk(step: RequestStepPlan, status: number, checks: ReadonlyArray<{ passed: boolean }>): boolean {
  if (status === 0 || checks.some((c) => !c.passed)) return false;
  return step.checks.some((c) => c.kind === 'status') || status < 400;
}

function headerPairs(raw: Buffer[] | null): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (raw) for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toString('latin1'), raw[i + 1].toString('latin1')]);
  return out;
}

class DebugVU {
  readonly exchanges: Exchanged[] = [];
  readonly control: DebugControl[] = [];
  private readonly response = new ResponseView();

  constructor(
    private readonly agent: HttpAgent,
    private readonly session: HttpSession,
    private readonly base: BaseTarget,
  ) {}

  /** Sends one request step as a run sends it, and keeps all of it. */
  async request(stage: DebugStage, step: RequestStepPlan, ctx: TemplateContext, jar: VUCookieJar | null, depth: number, rounds: number[]): Promise<Exchanged> {
    const ex = this.session.exchange;
    const request = new RequestStep(step, this.base, this.agent);
    let origin: Origin | undefined;
    let problem = INVALID_URL;
    try {
      origin = request.fill(ex, ctx, jar);
    } catch {
      problem = RENDER_FAILED;
    }
    // Kept whatever the checks read: the report shows every response in full.
    ex.keepHeaders = true;
    ex.keepBody = true;
    let url: string;
    const requestHeaders: Array<[string, string]> = [];
    let requestBody: string | Buffer | null = null;
    if (origin === undefined) {
      try {
        url = step.url.render(ctx);
      } catch {
        url = step.url.source;
      }
      const done = ex.begin();
      ex.fail(problem);
      await done;
    } else {
      url = origin.key + ex.path;
      requestHeaders.push(['host', new URL(origin.key).host]);
      for (let i = 0; i + 1 < ex.headers.length; i += 2) requestHeaders.push([ex.headers[i], ex.headers[i + 1]]);
      requestBody = ex.body;
      if (requestBody !== null && !requestHeaders.some(([n]) => n.toLowerCase() === 'content-length')) {
        requestHeaders.push(['content-length', String(Buffer.byteLength(requestBody))]);
      }
      await this.session.send(origin);
    }
    if (jar !== null && origin !== undefined && ex.rawHeaders !== null) jar.store(ex.rawHeaders, origin.key + ex.path);
    const status = ex.status;
    const response = this.response;
    response.reset(ex);
    const checks = lowerCaseHeaders(step.checks).map((check, i) => ({ name: step.checks[i].name, passed: status !== 0 && runCheck(check, response) }));
    const captures = lowerCaseHeaders(step.captures).map((c, i) => {
      const value = status === 0 || origin === undefined ? undefined : captureValue(c, response, ex, origin, jar);
      ctx.vars[c.name] = value;
      return { name: c.name, source: captureSourceText(step.captures[i]), value };
    });
    const record: Exchanged = {
      stage,
      step,
      depth,
      rounds,
      method: step.method,
      url,
      requestHeaders,
      requestBody,
      status,
      responseHeaders: headerPairs(ex.rawHeaders),
      responseBody: status === 0 ? '' : response.bodyText(),
      responseJson: status === 0 ? undefined : response.bodyJson(),
      timings: { ...ex.timings },
      checks,
      captures,
      ok: stepOk(step, status, checks),
    };
    if (status === 0) {
      record.errorClass = ex.errorClass ?? 'other';
      if (ex.error) record.error = ex.error.message;
    } else if (status >= 400) {
      record.errorClass = 'http-status';
    }
    this.exchanges.push(record);
    return record;
  }
}

export interface DebugRunOptions {
  plan: Plan;
  scenarioIndex: number;
  env: Record<string, string | undefined>;
  doc: ScenarioDocument;
  setup: boolean;
  teardown: boolean;
}

/** Runs setup (when the file has one), one iteration of the scenario, and teardown. Never rejects on HTTP failures. */
export async function runDebugIteration(options: DebugRunOptions): Promise<IterationRecord> {
  const { plan, env, doc } = options;
  const scenario = plan.scenarios[options.scenarioIndex];
  const nodes = flowOf(scenario);
  const lifecycleNodes = (stage: 'setup' | 'teardown'): FlowNodes =>
    flowNodes(doc, [stage], plan[stage].map((_, index) => ({ kind: 'step', index })));
  const record: IterationRecord = {
    exchanges: [],
    control: [],
    nodes: { setup: lifecycleNodes('setup'), flow: flowNodes(doc, ['scenarios', scenario.name, 'flow'], nodes), teardown: lifecycleNodes('teardown') },
  };
  const agent = createHttpAgent(plan.http);
  const cookies = plan.http.cookies !== 'off';
  const base = baseTarget(plan.baseUrl, agent);
  const setupData: Record<string, unknown> = {};
  const positions = record.nodes.flow.controls;

  const stage = async (name: 'setup' | 'teardown', data: Record<string, unknown>): Promise<boolean> => {
    const session = agent.session();
    const vu = new DebugVU(agent, session, base);
    const ctx: TemplateContext = { vars: { ...plan.variables, ...data }, vu: 0, iteration: 0, scenario: name, env };
    const jar = cookies ? new VUCookieJar() : null;
    try {
      for (const step of plan[name]) {
        if (step.kind === 'think') continue;
        const done = await vu.request(name, step, ctx, jar, 0, []);
        if (name === 'setup') for (const c of done.captures) setupData[c.name] = c.value;
        // As a run judges setup (lifecycle.ts): no response, a status of 400 or more, or a failed check ends it.
        if (name === 'setup' && (done.status === 0 || done.status >= 400 || done.checks.some((c) => !c.passed))) {
          record.stopped = `setup step "${step.name}" failed: no iteration ran`;
          return false;
        }
      }
      return true;
    } finally {
      record.exchanges.push(...vu.exchanges);
      await session.close();
    }
  };

  try {
    const setupOk = !options.setup || plan.setup.length === 0 || (await stage('setup', {}));
    if (setupOk) await iteration();
    if (options.teardown && plan.teardown.length > 0) await stage('teardown', setupData);
  } finally {
    await agent.close();
  }
  return record;

  async function iteration(): Promise<void> {
    const session = agent.session();
    const vu = new DebugVU(agent, session, base);
    const vars: Record<string, unknown> = { ...plan.variables, ...setupData };
    const ctx: TemplateContext = { vars, vu: 1, iteration: 0, scenario: scenario.name, env };
    const sets = (plan.data ?? []).filter((set) => scenario.dataSets?.includes(set.name) === true);
    if (sets.length > 0) {
      const data = new ScenarioData(sets, options.scenarioIndex, plan.scenarios.length, ticketIndex(undefined));
      const rows = data.rowsFor(1);
      if (!data.claim(rows)) {
        record.stopped = 'a unique data set has no row left: no iteration ran';
        await session.close();
        return;
      }
      ctx.data = rows;
    }
    const jar = cookies ? new VUCookieJar() : null;
    const at = (node: FlowNodePlan): DebugPosition => positions.get(node) ?? { line: scenario.range.start.line + 1, column: 1 };
    const note = (node: FlowNodePlan, depth: number, what: DistributiveOmit<DebugControl, 'position' | 'depth' | 'beforeStep'>): void => {
      vu.control.push({ ...what, position: at(node), depth, beforeStep: record.exchanges.length + vu.exchanges.length } as DebugControl);
    };
    const walk = async (list: readonly FlowNodePlan[], depth: number, rounds: number[]): Promise<void> => {
      for (const node of list) {
        switch (node.kind) {
          case 'step': {
            const step: StepPlan = scenario.steps[node.index];
            if (step.kind === 'think') {
              // One iteration to see what a flow does: its pauses are shown, not waited.
              vu.control.push({ kind: 'think', ms: step.durationMs, position: { line: step.range.start.line + 1, column: step.range.start.character + 1 }, depth, beforeStep: record.exchanges.length + vu.exchanges.length });
            } else {
              await vu.request('flow', step, ctx, jar, depth, rounds);
            }
            break;
          }
          case 'repeat': {
            const count = roundsOf(node.count, ctx);
            note(node, depth, { kind: 'repeat', rounds: count });
            for (let round = 0; round < count; round++) {
              if (node.as !== undefined) vars[node.as] = round;
              await walk(node.flow, depth + 1, [...rounds, round]);
            }
            break;
          }
          case 'if': {
            const value = node.condition.renderValue(ctx);
            const taken = isTrue(value) ? 'flow' : node.else.length > 0 ? 'else' : 'none';
            note(node, depth, { kind: 'if', condition: node.condition.source, value: value ?? null, taken });
            if (taken !== 'none') await walk(taken === 'flow' ? node.flow : node.else, depth + 1, rounds);
            break;
          }
          case 'choose': {
            let sum = 0;
            const cumulative = node.branches.map((b) => (sum += b.weight));
            const draw = Math.random() * sum;
            let branch = 0;
            while (branch < cumulative.length - 1 && draw >= cumulative[branch]) branch++;
            note(node, depth, { kind: 'choose', branch, branches: node.branches.length, weight: node.branches[branch].weight });
            await walk(node.branches[branch].flow, depth + 1, rounds);
            break;
          }
          case 'group':
            note(node, depth, { kind: 'group', name: scenario.groups?.[node.group]?.name ?? String(node.group) });
            await walk(node.flow, depth + 1, rounds);
            break;
        }
      }
    };
    try {
      await walk(nodes, 0, []);
    } finally {
      record.exchanges.push(...vu.exchanges);
      record.control.push(...vu.control);
      await session.close();
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
