// The shared target in a process of its own (see startTargetProcess in ./target.ts): prints its URL,
// and closes once its stdin ends. A second argument N: it first sends itself N requests (warming its
// request path), one at a time on one keep-alive connection.
import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { startTarget, type Target, type TargetOptions } from './target';

async function warm(target: Target, count: number): Promise<void> {
  const secure = target.url.startsWith('https:');
  const agent = secure ? new HttpsAgent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false }) : new Agent({ keepAlive: true, maxSockets: 1 });
  const send = secure ? httpsRequest : request;
  for (let i = 0; i < count; i++) {
    await new Promise<void>((done, failed) => {
      send(`${target.url}/ok`, { agent }, (res) => res.resume().on('end', done)).on('error', failed).end();
    });
  }
  agent.destroy();
}

void startTarget(JSON.parse(process.argv[2] ?? '{}') as TargetOptions).then(async (target) => {
  await warm(target, Number(process.argv[3] ?? 0));
  process.stdout.write(`${target.url}\n`);
  process.stdin.on('end', () => void target.close().then(() => process.exit(0))).resume();
});
