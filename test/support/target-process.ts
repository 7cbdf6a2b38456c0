// The shared target in a process of its own (see startTargetProcess in ./target.ts): prints its URL,
// and closes once its stdin ends. A second argument N: it first sends itself N requests (warming its
// request path) on up to ten keep-alive connections.
import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { startTarget, type Target, type TargetOptions } from './target';

/** Ten connections at a time, half to /ok and half to /slow?ms=1, so the routes a test times are warm too. */
async function warm(target: Target, count: number): Promise<void> {
  const secure = target.url.startsWith('https:');
  const options = { keepAlive: true, maxSockets: WARM_CONNECTIONS };
  const agent = secure ? new HttpsAgent({ ...options, rejectUnauthorized: false }) : new Agent(options);
  const send = secure ? httpsRequest : request;
  const one = (path: string): Promise<void> =>
    new Promise<void>((done, failed) => {
      send(`${target.url}${path}`, { agent }, (res) => res.resume().on('end', done)).on('error', failed).end();
    });
  for (let sent = 0; sent < count; sent += WARM_CONNECTIONS) {
    await Promise.all(Array.from({ length: Math.min(WARM_CONNECTIONS, count - sent) }, (_, i) => one(i % 2 === 0 ? '/ok' : '/slow?ms=1')));
  }
  agent.destroy();
}

const WARM_CONNECTIONS = 10;

void startTarget(JSON.parse(process.argv[2] ?? '{}') as TargetOptions).then(async (target) => {
  await warm(target, Number(process.argv[3] ?? 0));
  process.stdout.write(`${target.url}\n`);
  process.stdin.on('end', () => void target.close().then(() => process.exit(0))).resume();
});
