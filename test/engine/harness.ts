// A real HTTP target on 127.0.0.1 that counts what reaches it, and a helper that compiles a scenario
// file's text and runs it with startRun, collecting every event.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RunEvent, RunSummary } from '../../src/protocol';
import { startRun, type RunHandle } from '../../src/engine/run';
import { loadScenario } from '../../src/engine/scenario/index';
import type { Plan } from '../../src/engine/scenario/plan';
import type { WorkShare } from '../../src/engine/segments';

export interface ReceivedRequest {
  method: string;
  url: string;
  body: string;
  /** performance.now() when it arrived. */
  at: number;
}

export interface Target {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted. */
  connections: number;
  count(pathPrefix: string): number;
  close(): Promise<void>;
}

/** Responds per path: /slow?ms=N waits N ms; /status/N answers N; /products a JSON list; else 200 "ok". */
export async function startTarget(): Promise<Target> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? '', url, body: Buffer.concat(chunks).toString(), at: performance.now() });
      const path = url.split('?')[0]!;
      const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
      if (path === '/slow') {
        const timer = setTimeout(() => res.end('ok'), Number(query.get('ms') ?? 100));
        res.on('close', () => clearTimeout(timer));
        return;
      }
      if (path.startsWith('/status/')) {
        res.statusCode = Number(path.slice('/status/'.length));
        res.end('status');
        return;
      }
      if (path === '/products') {
        const page = Number(query.get('page') ?? 0);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ items: [{ id: 100 + page }, { id: 200 + page }] }));
        return;
      }
      if (path === '/cart' && req.method === 'POST') {
        res.statusCode = 201;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ cartId: `c${requests.length}` }));
        return;
      }
      res.end('ok');
    });
  };
  const server: Server = createServer(handle);
  let connections = 0;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    count(pathPrefix) {
      return requests.filter((request) => request.url.startsWith(pathPrefix)).length;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export function compile(text: string): Plan {
  const { diagnostics, plan } = loadScenario(text, 'test.volley.yaml');
  if (plan === undefined) {
    throw new Error(`the test scenario does not compile:\n${diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n')}`);
  }
  return plan;
}

export interface Collected {
  handle: RunHandle;
  /** performance.now() when startRun was called. */
  startedAt: number;
  events: Array<RunEvent & { at: number }>;
  /** ms from startRun to the summary. */
  finished: Promise<{ summary: RunSummary; took: number }>;
  ofType<T extends RunEvent['type']>(type: T): Array<Extract<RunEvent, { type: T }> & { at: number }>;
}

export function run(plan: Plan, options: { scenarios?: string[]; env?: Record<string, string>; warmUp?: boolean; share?: WorkShare } = {}): Collected {
  const events: Array<RunEvent & { at: number }> = [];
  const started = performance.now();
  const handle = startRun(plan, {
    env: options.env ?? {},
    scenarios: options.scenarios,
    warmUp: options.warmUp,
    share: options.share,
    onEvent: (event) => events.push({ ...event, at: performance.now() - started }),
  });
  return {
    handle,
    startedAt: started,
    events,
    finished: handle.done.then((summary) => ({ summary, took: performance.now() - started })),
    ofType: <T extends RunEvent['type']>(type: T) =>
      events.filter((event) => event.type === type) as Array<Extract<RunEvent, { type: T }> & { at: number }>,
  };
}
