// A fault-injecting HTTP server on 127.0.0.1 for the doctor's tests. Behaviour per path:
//   /ok             200 at once
//   /slow?ms=N      200 after N ms
//   /hang           never answers (the client's timeout ends it)
//   /reset          destroys the connection without answering (the client sees a reset or an EOF)
//   /late?after=N   200 during the server's first N ms, then like /reset
// and per server: `keepAlive: false` answers every request with Connection: close; `resetAfter: N` resets
// every request after the first N; `maxConnections` caps open connections (the kernel accepts, Node closes
// the excess at once). `startStalledServer` runs a server in a worker thread whose event loop sleeps at
// start, so nothing accepts and its small listen backlog overflows: SYNs are dropped and retried.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Worker } from 'node:worker_threads';

export interface FaultOptions {
  keepAlive?: boolean;
  resetAfter?: number;
  maxConnections?: number;
}

export interface FaultServer {
  readonly url: string;
  readonly requests: number;
  /** TCP connections accepted. */
  readonly connections: number;
  close(): Promise<void>;
}

export async function startFaultServer(options: FaultOptions = {}): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  let requests = 0;
  let connections = 0;
  const startedAt = performance.now();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests++;
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (options.keepAlive === false) res.setHeader('connection', 'close');
    if (path === '/reset' || (options.resetAfter !== undefined && requests > options.resetAfter)) {
      req.socket.resetAndDestroy();
      return;
    }
    if (path === '/hang') return;
    if (path === '/late') {
      const after = Number(new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('after') ?? 1000);
      if (performance.now() - startedAt > after) req.socket.resetAndDestroy();
      else res.end('ok');
      return;
    }
    if (path === '/slow') {
      const ms = Number(new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('ms') ?? 100);
      const timer = setTimeout(() => res.end('ok'), ms);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    res.end('ok');
  };
  const server: Server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  if (options.maxConnections !== undefined) server.maxConnections = options.maxConnections;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get connections() {
      return connections;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const STALLED_SERVER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const server = http.createServer((req, res) => res.end('ok'));
server.keepAliveTimeout = 60000;
server.listen({ port: 0, host: '127.0.0.1', backlog: workerData.backlog }, () => {
  parentPort.postMessage(server.address().port);
  // Sleep without burning CPU: the worker's event loop does not accept anything meanwhile.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.stallMs);
});
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

/** A server that does not accept for `stallMs` after it starts listening, with a listen backlog of `backlog`. */
export async function startStalledServer(stallMs: number, backlog = 1): Promise<{ url: string; close(): Promise<void> }> {
  const worker = new Worker(STALLED_SERVER, { eval: true, workerData: { stallMs, backlog } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await worker.terminate();
    },
  };
}
