// Test parts for the HTTP layer: real servers on 127.0.0.1 that count TCP connections and requests, a
// small real recorder that keeps what the flow records, and builders for hand-made Plans.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
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

export const TLS_FIXTURE = {
  key: readFileSync(join(__dirname, '../fixtures/tls/key.pem')),
  cert: readFileSync(join(__dirname, '../fixtures/tls/cert.pem')),
};

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
  readonly checks: boolean[] = [];
  /** The plan index each check outcome was recorded with. */
  readonly checkIndexes: Array<number | undefined> = [];
  request(status: number, failed: boolean, errorClass: ErrorClass | undefined, timings: Timings, bytesSent: number, bytesReceived: number): void {
    // The flow reuses its Timings object: copy, as the real registry records the numbers at once.
    this.requests.push({ status, failed, errorClass, timings: { ...timings }, bytesSent, bytesReceived });
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
  iteration(): void {}
  interrupted(): void {}
  dropped(): void {}
  lateness(): void {}
  setVUs(): void {}
  setTargetRate(): void {}
}

export interface TestServer {
  url: string;
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** Connections open right now. */
  open: number;
  requests: number;
  /** Received requests, in order (method, url, headers, body). */
  received: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  server: Server;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** An HTTP (or HTTPS with the fixture certificate) server on 127.0.0.1 that counts what it sees. */
export async function startServer(handler: Handler, options: { https?: boolean } = {}): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      state.requests++;
      state.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  };
  const server: Server = options.https ? createHttpsServer(TLS_FIXTURE, listener) : createHttpServer(listener);
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    state.connections++;
    state.open++;
    sockets.add(socket);
    socket.on('close', () => {
      state.open--;
      sockets.delete(socket);
    });
  });
  // Failed TLS handshakes are expected in tests; keep them off stderr.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const state: TestServer = {
    url: `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    connections: 0,
    open: 0,
    requests: 0,
    received: [],
    server,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
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
  json?: JsonTemplate;
  text?: string;
  timeoutMs?: number;
  checks?: CheckPlan[];
  captures?: CapturePlan[];
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
    url: tpl(spec.url, names),
    query: (spec.query ?? []).map(([k, v]) => [k, tpl(v, names)]),
    headers: (spec.headers ?? []).map(([k, v]) => [k, tpl(v, names)]),
    body: spec.json ? { kind: 'json', value: spec.json } : spec.text !== undefined ? { kind: 'text', template: tpl(spec.text, names) } : { kind: 'none' },
    timeoutMs: spec.timeoutMs ?? 0,
    checks: spec.checks ?? [],
    captures: spec.captures ?? [],
  };
}

export function thinkStep(index: number, durationMs: number): StepPlan {
  return { kind: 'think', name: `think ${durationMs}ms`, index, range: RANGE, durationMs };
}

export function httpPlan(overrides: Partial<HttpPlan> = {}): HttpPlan {
  return {
    connections: 'per-vu',
    maxConnectionsPerHost: 100,
    timeoutMs: 60_000,
    noVUConnectionReuse: false,
    insecureSkipTLSVerify: false,
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
