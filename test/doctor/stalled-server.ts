// A server that does not accept at all for a while, for the doctor's connect-failure tests. It stays
// apart from the shared target (test/support/target.ts) on purpose: what it shows is a listen backlog
// overflowing while nobody accepts (SYNs dropped and retried by the kernel), which needs a server whose
// event loop sleeps from the moment it listens, in a thread of its own — an HTTP route cannot express
// that, since a route runs only after a connection was accepted.
import { Worker } from 'node:worker_threads';

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
