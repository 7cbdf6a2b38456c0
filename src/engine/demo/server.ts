// The embedded demo target: a small shop API on node:http with lognormal latency, keep-alive and optional
// faults. Used by the Quick start, the examples, the extension's walkthrough and tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isLoopbackHost } from './loopback';
import { lognormalLatency, seededRandom } from './random';
import { demoOpenApiDocument } from './openapi';
import { Shop, type Product } from './shop';
import { SHOP_PAGE_HTML } from './shop-page';

export interface DemoServerOptions {
  /** 0 picks a free port. Default 7878. */
  port?: number;
  /** Must be a loopback address. Default 127.0.0.1. */
  host?: string;
  /** Median latency of an ordinary request; the actual one is lognormal around it. Default 20. */
  latencyMs?: number;
  /** Fraction of requests (besides /health) answered 500 or 503. Default 0. */
  faultRate?: number;
  /** Fraction of requests (besides /health) whose connection is reset instead of answered. Default 0. */
  resetRate?: number;
  /** Fixes latency and fault draws, for tests. Default: a random seed. */
  seed?: number;
}

export interface DemoServerStats {
  /** Requests received. */
  requests: number;
  /** TCP connections accepted (over the server's life, not open now). */
  connections: number;
  /** Requests answered 500/503 on purpose. */
  faults: number;
  /** Connections reset on purpose. */
  resets: number;
}

export interface DemoServer {
  url: string;
  port: number;
  host: string;
  stats: DemoServerStats;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

/** Relative cost of each endpoint against the median latency, so the steps of a flow differ like real ones. */
const COST = { list: 1, product: 0.5, login: 2, adminLogin: 2, adminCarts: 1, addToCart: 1.5, cart: 0.5, receipt: 2, checkout: 1.5, account: 0.5, shopPage: 0.2, notFound: 0.2 } as const;

type Route =
  | { kind: 'health' }
  | { kind: 'openapi' }
  | { kind: 'shopPage' }
  | { kind: 'list'; page: number | undefined }
  | { kind: 'product'; id: number }
  | { kind: 'login' }
  | { kind: 'adminLogin' }
  | { kind: 'adminCarts' }
  | { kind: 'addToCart' }
  | { kind: 'cart'; cartId: string }
  | { kind: 'receipt'; cartId: string }
  | { kind: 'checkout'; cartId: string }
  | { kind: 'account' }
  | { kind: 'methodNotAllowed'; allow: string }
  | { kind: 'notFound' };

interface RouteEntry {
  method: 'GET' | 'POST' | 'DELETE';
  /** As an OpenAPI path template, so the served document can be checked against this table. */
  path: string;
  make(params: string[], query: string): Route;
}

const productPage = (query: string): Route => {
  const pageText = new URLSearchParams(query).get('page');
  const page = pageText === null || pageText === '' ? 0 : Number(pageText);
  return { kind: 'list', page: Number.isInteger(page) && page >= 0 ? page : undefined };
};

/** Every route the demo answers: route() matches only these (GET ones answer HEAD too). */
export const DEMO_ROUTES: readonly RouteEntry[] = [
  { method: 'GET', path: '/health', make: () => ({ kind: 'health' }) },
  { method: 'GET', path: '/openapi.json', make: () => ({ kind: 'openapi' }) },
  { method: 'GET', path: '/shop', make: () => ({ kind: 'shopPage' }) },
  { method: 'GET', path: '/products', make: (_, query) => productPage(query) },
  { method: 'GET', path: '/products/{id}', make: ([id]) => ({ kind: 'product', id: /^\d{1,9}$/.test(id!) ? Number(id) : NaN }) },
  { method: 'POST', path: '/login', make: () => ({ kind: 'login' }) },
  { method: 'POST', path: '/admin/login', make: () => ({ kind: 'adminLogin' }) },
  { method: 'DELETE', path: '/admin/carts', make: () => ({ kind: 'adminCarts' }) },
  { method: 'GET', path: '/account', make: () => ({ kind: 'account' }) },
  { method: 'POST', path: '/cart', make: () => ({ kind: 'addToCart' }) },
  { method: 'GET', path: '/cart/{cartId}', make: ([cartId]) => ({ kind: 'cart', cartId: cartId! }) },
  { method: 'POST', path: '/cart/{cartId}/receipt', make: ([cartId]) => ({ kind: 'receipt', cartId: cartId! }) },
  { method: 'POST', path: '/cart/{cartId}/checkout', make: ([cartId]) => ({ kind: 'checkout', cartId: cartId! }) },
];

const ROUTE_PATTERNS = DEMO_ROUTES.map((entry) => ({
  entry,
  // `/products/` is the list too, as it always was.
  pattern: new RegExp(`^${entry.path.replace(/\{\w+\}/g, '([^/]+)')}${entry.path === '/products' ? '/?' : ''}$`),
}));

function route(method: string, rawUrl: string): Route {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q + 1);
  for (const { entry, pattern } of ROUTE_PATTERNS) {
    const match = pattern.exec(path);
    if (!match) continue;
    if (method !== entry.method && !(entry.method === 'GET' && method === 'HEAD')) return { kind: 'methodNotAllowed', allow: entry.method };
    let params: string[];
    try {
      params = match.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      return { kind: 'notFound' };
    }
    return entry.make(params, query);
  }
  return { kind: 'notFound' };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

function readBody(req: IncomingMessage, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('end', () => done(tooLarge ? undefined : Buffer.concat(chunks)));
  req.on('error', () => done(undefined));
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The routes that read their request body (the others drain it unread). */
const READS_BODY: ReadonlySet<Route['kind']> = new Set(['login', 'adminLogin', 'addToCart', 'receipt']);

/** `{user, password}` as JSON, or `{email, password}` as a urlencoded form (a browser's login form). */
function credentialsOf(req: IncomingMessage, body: Buffer): { user: string; password: string } | undefined {
  if (/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
    const form = new URLSearchParams(body.toString('utf8'));
    return { user: form.get('email') ?? form.get('user') ?? '', password: form.get('password') ?? '' };
  }
  const json = parseJsonObject(body.toString('utf8'));
  if (!json) return undefined;
  return { user: typeof json.user === 'string' ? json.user : '', password: typeof json.password === 'string' ? json.password : '' };
}

/** The value of cookie `name` in the request's Cookie header. */
function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const pair of (req.headers.cookie ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** Product ids arrive as numbers or, from a rendered template, as numeric strings. */
function productIdOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*\d{1,9}\s*$/.test(value)) return Number(value);
  return NaN;
}

export function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    return Promise.reject(new Error(`the demo target only listens on loopback addresses (127.0.0.0/8, ::1, localhost), not "${host}"`));
  }
  const latencyMs = Math.max(0, options.latencyMs ?? 20);
  const faultRate = Math.min(1, Math.max(0, options.faultRate ?? 0));
  const resetRate = Math.min(1, Math.max(0, options.resetRate ?? 0));
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const latency = lognormalLatency(random, latencyMs);
  const shop = new Shop();
  const stats: DemoServerStats = { requests: 0, connections: 0, faults: 0, resets: 0 };
  const sockets = new Set<Socket>();
  let tokens = 0;

  const answer = (req: IncomingMessage, res: ServerResponse, r: Route, body: Buffer | undefined): void => {
    switch (r.kind) {
      case 'health':
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 2 });
        res.end(req.method === 'HEAD' ? undefined : 'ok');
        return;
      case 'openapi':
        // servers[0] is the address the client reached, so an import of it runs against this target.
        return sendJson(res, 200, demoOpenApiDocument(`http://${req.headers.host ?? `${host}:${(server.address() as AddressInfo).port}`}`));
      case 'shopPage':
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(SHOP_PAGE_HTML) });
        res.end(req.method === 'HEAD' ? undefined : SHOP_PAGE_HTML);
        return;
      case 'list':
        if (r.page === undefined) return sendJson(res, 400, { error: 'page must be a whole number, 0 or more' });
        return sendJson(res, 200, { items: shop.page(r.page), page: r.page });
      case 'product': {
        const product = shop.product(r.id);
        return product ? sendJson(res, 200, product) : sendJson(res, 404, { error: 'product not found' });
      }
      case 'login':
      case 'adminLogin': {
        const credentials = body === undefined ? undefined : credentialsOf(req, body);
        if (!credentials) return sendJson(res, 400, { error: 'expected a JSON object {user, password} or a form {email, password}' });
        if (credentials.user === '' || credentials.password === '') return sendJson(res, 401, { error: 'user and password are required' });
        tokens++;
        const token = `${r.kind === 'login' ? 'demo' : 'admin'}-${tokens.toString(36)}-${Math.floor(random() * 1e9).toString(36)}`;
        if (r.kind === 'adminLogin') {
          shop.startAdminSession(token);
          return sendJson(res, 200, { token });
        }
        shop.startSession(token, credentials.user);
        // The session as a cookie too, as a browser login sets it.
        return sendJson(res, 200, { token }, { 'set-cookie': `sid=${token}; Path=/; HttpOnly; SameSite=Lax` });
      }
      case 'adminCarts': {
        const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        if (!auth || !shop.isAdmin(auth[1]!)) return sendJson(res, 401, { error: 'an admin bearer token is required (POST /admin/login)' });
        return sendJson(res, 200, { deleted: shop.clearCarts() });
      }
      case 'account': {
        const user = shop.sessionUser(cookieOf(req, 'sid') ?? '');
        if (user === undefined) return sendJson(res, 401, { error: 'log in first: no valid sid cookie' });
        return sendJson(res, 200, { user, cartId: shop.cartIdOf(user) ?? null });
      }
      case 'receipt': {
        if (!shop.cart(r.cartId)) return sendJson(res, 404, { error: 'cart not found' });
        if (!/^multipart\/form-data;\s*boundary=/i.test(req.headers['content-type'] ?? '')) {
          return sendJson(res, 415, { error: 'expected a multipart/form-data body' });
        }
        return sendJson(res, 201, { cartId: r.cartId, bytes: body?.length ?? 0 });
      }
      case 'checkout': {
        // The bearer token of a login session whose user owns the cart: a stale token or cart id is refused.
        const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const user = auth ? shop.sessionUser(auth[1]!) : undefined;
        if (user === undefined) return sendJson(res, 401, { error: 'a bearer token from POST /login is required' });
        const cart = shop.cart(r.cartId);
        if (!cart) return sendJson(res, 404, { error: 'cart not found' });
        if (cart.user !== user) return sendJson(res, 403, { error: 'this cart is not yours' });
        const total = Math.round(cart.items.reduce((sum, item) => sum + item.price * item.qty, 0) * 100) / 100;
        return sendJson(res, 200, { cartId: cart.cartId, items: cart.items.length, total });
      }
      case 'addToCart': {
        const json = body === undefined ? undefined : parseJsonObject(body.toString('utf8'));
        if (!json) return sendJson(res, 400, { error: 'expected a JSON object {id, user}' });
        const product: Product | undefined = shop.product(productIdOf(json.id));
        if (!product) return sendJson(res, 400, { error: `no product with id ${JSON.stringify(json.id)}` });
        const session = shop.sessionUser(cookieOf(req, 'sid') ?? '');
        const user = session ?? (typeof json.user === 'string' || typeof json.user === 'number' ? String(json.user) : 'anonymous');
        const cart = shop.addToCart(user, product);
        return sendJson(res, 201, { cartId: cart.cartId, items: cart.items });
      }
      case 'cart': {
        const cart = shop.cart(r.cartId);
        return cart ? sendJson(res, 200, { cartId: cart.cartId, items: cart.items }) : sendJson(res, 404, { error: 'cart not found' });
      }
      case 'methodNotAllowed':
        return sendJson(res, 405, { error: `method ${req.method} not allowed`, allow: r.allow }, { allow: r.allow });
      case 'notFound':
        return sendJson(res, 404, { error: 'not found', path: (req.url ?? '').split('?')[0] });
    }
  };

  const respond = (req: IncomingMessage, res: ServerResponse, r: Route, body: Buffer | undefined): void => {
    if (r.kind !== 'health' && r.kind !== 'openapi') {
      if (resetRate > 0 && random() < resetRate) {
        stats.resets++;
        // A TCP RST where the platform allows it, like a crashed or overloaded upstream.
        const socket = req.socket as Socket & { resetAndDestroy?: () => void };
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
        return;
      }
      if (faultRate > 0 && random() < faultRate) {
        stats.faults++;
        const status = random() < 0.5 ? 500 : 503;
        return sendJson(res, status, { error: status === 500 ? 'internal error (injected fault)' : 'service unavailable (injected fault)' });
      }
    }
    answer(req, res, r, body);
  };

  const server = createServer((req, res) => {
    stats.requests++;
    const r = route(req.method ?? 'GET', req.url ?? '/');
    const delay = r.kind === 'health' || r.kind === 'openapi' ? 0 : latency() * (COST[r.kind as keyof typeof COST] ?? COST.notFound);
    const go = (body: Buffer | undefined): void => {
      if (body === undefined && READS_BODY.has(r.kind) && !req.complete) return;
      if (delay <= 0) respond(req, res, r, body);
      else setTimeout(respond, delay, req, res, r, body);
    };
    if (READS_BODY.has(r.kind)) {
      readBody(req, (body) => {
        if (body === undefined && req.complete) return sendJson(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
        go(body);
      });
    } else {
      // Drain any body so the connection can be reused.
      req.resume();
      go(undefined);
    }
  });
  // Longer than common clients' idle timeouts, so the client, not the server, decides when to close:
  // otherwise a reused connection can race with the server closing it.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.on('connection', (socket: Socket) => {
    stats.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(options.port ?? 7878, host, () => {
      server.off('error', onError);
      const address = server.address() as AddressInfo;
      const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${urlHost}:${address.port}`,
        port: address.port,
        host,
        stats,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            for (const socket of sockets) socket.destroy();
          })),
      });
    });
  });
}
