// The loopback target the suites share (k6 shares httpmultibin the same way): a real HTTP (or HTTPS)
// server on 127.0.0.1, on a port the kernel picks, that counts what reaches it and answers per path.
//
//   /ok                 200 "ok" (so does any path without a route of its own)
//   /slow?ms=N          200 after N ms (100 without ms); ms=A-B: a uniform time between A and B ms
//   /tailed?fast=A-B&slow=C-D&share=P
//                       slow-tailed service times: a share P (0.25 by default) of the responses take
//                       C–D ms (400–600 by default), the rest A–B ms (50–150 by default)
//   /status/N           answers status N
//   /products?page=P    a JSON list {"items":[{"id":100+P},{"id":200+P}]}
//   /cart (POST)        201 with a JSON {"cartId":"c<requests so far>"}
//   /close              200 with Connection: close, so the server ends the connection
//   /hang               never answers (the client's timeout ends it)
//   /reset              destroys the connection without answering (the client sees a reset or an EOF)
//   /late?after=N       200 during the target's first N ms, then like /reset
//   /cookies/set?N=V    a Set-Cookie header `N=V` per query parameter, V as decoded, so it may carry
//                       attributes: ?sid=abc%3B%20Path%3D%2F → Set-Cookie: sid=abc; Path=/
//   /cookies            the request's Cookie header as the body ('' without one)
//
// Per target: `https` (the fixture certificate in test/fixtures/tls), `keepAlive: false` (every answer
// says Connection: close), `resetAfter: N` (every request after the first N is reset), `maxConnections`
// (Node closes connections beyond it at once), and `routes`: a suite's own answers by exact path, tried
// before the ones above ('*' answers every path without a route). Every request is counted and kept in
// `received` (its body as text and as the bytes that arrived), after its body has arrived and before it is answered.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

/** Read when an HTTPS target starts, not on import: an ES module importing this file has no __dirname. */
function tlsFixture(): { key: Buffer; cert: Buffer } {
  return {
    key: readFileSync(join(__dirname, '../fixtures/tls/key.pem')),
    cert: readFileSync(join(__dirname, '../fixtures/tls/cert.pem')),
  };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The body's bytes as they arrived (a binary upload is not UTF-8). */
  raw: Buffer;
  /** performance.now() when its body had arrived. */
  at: number;
}

export type Route = (req: IncomingMessage, res: ServerResponse, body: string, target: Target) => void;

export interface TargetOptions {
  https?: boolean;
  keepAlive?: boolean;
  resetAfter?: number;
  maxConnections?: number;
  routes?: Record<string, Route>;
}

export interface Target {
  /** `http://127.0.0.1:PORT` (https for an HTTPS target), no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Connections open right now. */
  readonly open: number;
  /** Requests received so far. */
  readonly requests: number;
  /** Every request received, in order. */
  readonly received: ReceivedRequest[];
  /** Requests whose URL starts with `pathPrefix`. */
  count(pathPrefix: string): number;
  readonly server: Server;
  /** Ends every open connection and stops listening. */
  close(): Promise<void>;
}

/** Milliseconds from a query value `N` or `A-B` (uniform between A and B); `fallback` when absent. */
function msOf(value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback;
  const [low, high] = value.split('-').map(Number);
  return high === undefined ? low! : low! + (high - low!) * Math.random();
}

/** Answers 200 "ok" after `ms` (for a suite's own routes too); a closed connection clears the timer. */
export function answerAfter(res: ServerResponse, ms: number): void {
  const timer = setTimeout(() => res.end('ok'), ms);
  res.on('close', () => clearTimeout(timer));
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(value));
}

export async function startTarget(options: TargetOptions = {}): Promise<Target> {
  const sockets = new Set<Socket>();
  const received: ReceivedRequest[] = [];
  let connections = 0;
  const startedAt = performance.now();
  const routes = options.routes ?? {};

  const answer = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
    if (options.keepAlive === false) res.setHeader('connection', 'close');
    if (options.resetAfter !== undefined && received.length > options.resetAfter) {
      req.socket.resetAndDestroy();
      return;
    }
    const own = routes[path] ?? (BUILT_IN.has(path) || path.startsWith('/status/') ? undefined : routes['*']);
    if (own !== undefined) return own(req, res, body, target);
    if (path.startsWith('/status/')) {
      res.statusCode = Number(path.slice('/status/'.length));
      res.end('status');
      return;
    }
    switch (path) {
      case '/slow':
        return answerAfter(res, msOf(query.get('ms'), 100));
      case '/tailed': {
        const slow = Math.random() < Number(query.get('share') ?? 0.25);
        return answerAfter(res, slow ? msOf(query.get('slow') ?? '400-600', 0) : msOf(query.get('fast') ?? '50-150', 0));
      }
      case '/products': {
        const page = Number(query.get('page') ?? 0);
        return json(res, 200, { items: [{ id: 100 + page }, { id: 200 + page }] });
      }
      case '/cart':
        if (req.method === 'POST') return json(res, 201, { cartId: `c${received.length}` });
        break;
      case '/close':
        res.setHeader('connection', 'close');
        break;
      case '/hang':
        return;
      case '/reset':
        req.socket.resetAndDestroy();
        return;
      case '/cookies/set':
        res.setHeader('set-cookie', [...query].map(([name, value]) => `${name}=${value}`));
        break;
      case '/cookies':
        res.end(req.headers.cookie ?? '');
        return;
      case '/late':
        if (performance.now() - startedAt > msOf(query.get('after'), 1000)) {
          req.socket.resetAndDestroy();
          return;
        }
        break;
    }
    res.end('ok');
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      received.push({ method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body, raw, at: performance.now() });
      answer(req, res, body);
    });
  };
  const server: Server = options.https ? createHttpsServer(tlsFixture(), listener) : createHttpServer(listener);
  // Longer than any test: a connection the client keeps is never closed from this side meanwhile.
  server.keepAliveTimeout = 60_000;
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Failed TLS handshakes are what some tests are about; keep them off stderr.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const target: Target = {
    url: `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    get requests() {
      return received.length;
    },
    received,
    count(pathPrefix) {
      return received.filter((request) => request.url.startsWith(pathPrefix)).length;
    },
    server,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return target;
}

/** Paths the target answers itself; a suite's '*' route does not take them over. */
const BUILT_IN = new Set(['/ok', '/slow', '/tailed', '/products', '/cart', '/close', '/hang', '/reset', '/late', '/cookies/set', '/cookies']);

export interface TargetProcess {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The same target in a process of its own (built-in routes only), for tests that load the engine hard
 * enough that a target sharing its event loop would answer late: its timers then wait on nobody's loop.
 */
export async function startTargetProcess(options: Omit<TargetOptions, 'routes'> = {}): Promise<TargetProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'target-process.ts'), JSON.stringify(options)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ready, failed) => {
    child.once('error', failed);
    child.once('exit', (code) => failed(new Error(`the target process exited (${code}) before it listened`)));
    child.stdout!.once('data', (line: Buffer) => ready(line.toString().trim()));
  });
  return {
    url,
    async close() {
      // Closing its stdin ends the target process.
      const exited = new Promise((done) => child.once('exit', done));
      child.stdin!.end();
      await exited;
    },
  };
}
