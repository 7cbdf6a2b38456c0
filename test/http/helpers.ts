// Test parts for the HTTP layer: a small real recorder that keeps what the flow records, and builders
// for hand-made Plans. The servers they drive are the shared target (test/support/target.ts).
import type { ErrorClass } from '../../src/protocol';
import type { ScenarioRecorder, StepRecorder, Timings } from '../../src/engine/metrics/recorder';
import type {
  CapturePlan,
  CheckPlan,
  HttpMethod,
  HttpPlan,
  JsonTemplate,
  Plan,
  RequestStepPlan,
  StepPlan,
  Template,
} from '../../src/engine/scenario/plan';
import { compileTemplate } from '../../src/engine/scenario/template';

export interface RecordedRequest {
  status: number;
  failed: boolean;
  errorClass: ErrorClass | undefined;
  timings: Timings;
  bytesSent: number;
  bytesReceived: number;
}

export class TestStepRecorder implements StepRecorder {
  readonly requests: RecordedRequest[] = [];
  /** Bytes of unmeasured (interrupted) requests. */
  unmeasuredSent = 0;
  unmeasuredReceived = 0;
  readonly checks: boolean[] = [];
  /** The plan index each check outcome was recorded with. */
  readonly checkIndexes: Array<number | undefined> = [];
  request(status: number, failed: boolean, errorClass: ErrorClass | undefined, timings: Timings, bytesSent: number, bytesReceived: number): void {
    // The flow reuses its Timings object: copy, as the real registry records the numbers at once.
    this.requests.push({ status, failed, errorClass, timings: { ...timings }, bytesSent, bytesReceived });
  }
  bytes(sent: number, received: number): void {
    this.unmeasuredSent += sent;
    this.unmeasuredReceived += received;
  }
  check(passed: boolean, index?: number): void {
    this.checks.push(passed);
    this.checkIndexes.push(index);
  }
}

export class TestRecorder implements ScenarioRecorder {
  readonly steps = new Map<number, TestStepRecorder>();
  step(index: number): TestStepRecorder {
    let s = this.steps.get(index);
    if (!s) {
      s = new TestStepRecorder();
      this.steps.set(index, s);
    }
    return s;
  }
  /** Each group pass: [group index, duration ms]. */
  readonly groups: Array<[number, number]> = [];
  group(index: number, durationMs: number): void {
    this.groups.push([index, durationMs]);
  }
  iteration(): void {}
  interrupted(): void {}
  dropped(): void {}
  lateness(): void {}
  setVUs(): void {}
  setTargetRate(): void {}
}

/** Waits until `predicate` holds (polling), failing after `ms`. */
export async function waitFor(predicate: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function tpl(source: string, names: string[] = []): Template {
  const compiled = compileTemplate(source, { names: new Set(names) });
  if (compiled.problems.length > 0) throw new Error(`template ${source}: ${compiled.problems.map((p) => p.message).join('; ')}`);
  return compiled.template;
}

const RANGE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export interface RequestSpec {
  name?: string;
  method?: HttpMethod;
  url: string;
  query?: Array<[string, string]>;
  headers?: Array<[string, string]>;
  cookies?: Array<[string, string]>;
  json?: JsonTemplate;
  text?: string;
  timeoutMs?: number;
  checks?: CheckPlan[];
  captures?: CapturePlan[];
  once?: boolean;
}

/** Template names in scope for the steps built by `planOf` (variables and captures). */
export function requestStep(index: number, spec: RequestSpec, names: string[] = []): RequestStepPlan {
  const method = spec.method ?? 'GET';
  return {
    kind: 'request',
    name: spec.name ?? `${method} ${spec.url}`,
    index,
    range: RANGE,
    method,
    once: spec.once ?? false,
    url: tpl(spec.url, names),
    query: (spec.query ?? []).map(([k, v]) => [k, tpl(v, names)]),
    headers: (spec.headers ?? []).map(([k, v]) => [k, tpl(v, names)]),
    cookies: (spec.cookies ?? []).map(([k, v]) => [k, tpl(v, names)]),
    body: spec.json ? { kind: 'json', value: spec.json } : spec.text !== undefined ? { kind: 'text', template: tpl(spec.text, names) } : { kind: 'none' },
    timeoutMs: spec.timeoutMs ?? 0,
    checks: spec.checks ?? [],
    captures: spec.captures ?? [],
  };
}

export function thinkStep(index: number, durationMs: number): StepPlan {
  return { kind: 'think', name: `think ${durationMs}ms`, index, range: RANGE, durationMs, maxDurationMs: durationMs };
}

export function httpPlan(overrides: Partial<HttpPlan> = {}): HttpPlan {
  return {
    connections: 'per-vu',
    maxConnectionsPerHost: 100,
    timeoutMs: 60_000,
    noVUConnectionReuse: false,
    insecureSkipTLSVerify: false,
    cookies: 'per-iteration',
    ...overrides,
  };
}

export function planOf(options: {
  baseUrl?: string;
  http?: Partial<HttpPlan>;
  variables?: Record<string, string | number | boolean>;
  steps: StepPlan[];
}): Plan {
  return {
    file: 'test.volley.yaml',
    name: 'test',
    baseUrl: options.baseUrl,
    http: httpPlan(options.http),
    variables: options.variables ?? {},
    setup: [],
    teardown: [],
    scenarios: [
      {
        name: 'main',
        range: RANGE,
        executor: { type: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 60_000 },
        startTimeMs: 0,
        gracefulStopMs: 30_000,
        steps: options.steps,
      },
    ],
    thresholds: [],
  };
}

/** A JSON body template from a plain value; strings are templates. */
export function jsonTemplate(value: unknown, names: string[] = []): JsonTemplate {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return { kind: 'value', value };
  if (typeof value === 'string') return { kind: 'string', template: tpl(value, names) };
  if (Array.isArray(value)) return { kind: 'array', items: value.map((v) => jsonTemplate(v, names)) };
  return { kind: 'object', entries: Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonTemplate(v, names)]) };
}
