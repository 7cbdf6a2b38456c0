// What failure samples (issue #18) cost the engine: the same constant-arrival-rate run against a target in
// a process of its own that answers every 20th request 503 (5% failing), with samples on and off, the two
// alternating round by round (only same-run ratios count on a noisy machine); then the sampler alone, per
// failed request, on a real Exchange. Usage: npx tsx bench/failure-samples.ts  (RATE=20000 SECONDS_PER=3
// ROUNDS=2). The engine's CPU is this process's (the target is not in it).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startRun } from '../src/engine/run';
import { loadScenario } from '../src/engine/scenario/index';
import { Exchange } from '../src/engine/http/exchange';
import { DeadlineSweeper } from '../src/engine/http/deadlines';
import { Redactor } from '../src/engine/output/redact';
import { FailureSampler } from '../src/engine/samples/sampler';
import type { RequestStepPlan } from '../src/engine/scenario/plan';

const RATE = Number(process.env.RATE ?? 20_000);
const SECONDS = Number(process.env.SECONDS_PER ?? 3);
const ROUNDS = Number(process.env.ROUNDS ?? 2);

const TARGET = `
const http = require('node:http');
let n = 0;
const body = JSON.stringify({ error: 'out of stock', detail: 'x'.repeat(160) });
const server = http.createServer((req, res) => {
  req.resume();
  if (++n % 20 === 0) { res.statusCode = 503; res.setHeader('content-type', 'application/json'); res.end(body); }
  else res.end('ok');
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.on('end', () => process.exit(0)).resume();
`;

async function startTarget(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['-e', TARGET], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [port] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${port.toString().trim()}`, stop: () => child.stdin!.end() };
}

function plan(url: string) {
  const { plan: compiled, diagnostics } = loadScenario(
    `name: failure-samples bench
baseUrl: ${url}
scenarios:
  load:
    executor: constant-arrival-rate
    rate: ${RATE}
    timeUnit: 1s
    duration: ${SECONDS}s
    preAllocatedVUs: 400
    maxVUs: 400
    flow:
      - name: order
        post: /orders
        headers: { Authorization: "Bearer not-a-real-token" }
        json: { sku: "A-1", quantity: 2 }
`,
    'bench.volley.yaml',
  );
  if (!compiled) throw new Error(JSON.stringify(diagnostics));
  return compiled;
}

interface Round {
  requests: number;
  failed: number;
  dropped: number;
  cpuUsPerRequest: number;
  samples: number;
}

async function round(url: string, samples: boolean): Promise<Round> {
  const cpu = process.cpuUsage();
  const summary = await startRun(plan(url), { env: {}, onEvent: () => undefined, preflight: false, failureSamples: samples }).done;
  const used = process.cpuUsage(cpu);
  const step = summary.scenarios[0]!.steps[0]!;
  return {
    requests: step.requests,
    failed: step.failed,
    dropped: summary.scenarios[0]!.dropped,
    cpuUsPerRequest: (used.user + used.system) / Math.max(1, step.requests),
    samples: (summary.failureSamples ?? []).reduce((n, g) => n + g.samples.length, 0),
  };
}

/** The sampler alone: ns per failed request that the reservoir does not keep, and per kept (captured) one. */
function sampler(): { perOfferNs: number; perCaptureUs: number } {
  const ex = new Exchange(new DeadlineSweeper());
  ex.method = 'POST';
  ex.path = '/orders';
  ex.headers.push('authorization', 'Bearer not-a-real-token', 'content-type', 'application/json');
  ex.body = JSON.stringify({ sku: 'A-1', quantity: 2 });
  ex.status = 503;
  ex.rawHeaders = [Buffer.from('content-type'), Buffer.from('application/json')];
  ex.bodyChunks.push(Buffer.from(JSON.stringify({ error: 'out of stock', detail: 'x'.repeat(160) })));
  ex.failedBodyBytes = ex.bodyChunks[0]!.length;
  const compiled = plan('http://127.0.0.1:1');
  const step = compiled.scenarios[0]!.steps[0] as RequestStepPlan;
  const offers = 2_000_000;
  const s = new FailureSampler(compiled, new Redactor(['not-a-real-token']));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < offers; i++) s.offer(0, step, ex, 'http://127.0.0.1:1/orders', 'http-status');
  const perOfferNs = Number(process.hrtime.bigint() - t0) / offers;
  const captures = 20_000;
  const always = new FailureSampler(compiled, new Redactor(['not-a-real-token']), () => 0);
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < captures; i++) always.offer(0, step, ex, 'http://127.0.0.1:1/orders', 'http-status');
  const perCaptureUs = Number(process.hrtime.bigint() - t1) / captures / 1000;
  return { perOfferNs, perCaptureUs };
}

(async () => {
  const target = await startTarget();
  const results: Record<'on' | 'off', Round[]> = { on: [], off: [] };
  try {
    // A first round to warm the JIT and the target's connections up, not counted.
    await round(target.url, true);
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
        const m = await round(target.url, mode === 'on');
        results[mode].push(m);
        console.log(
          `samples ${mode} round ${r}: ${(m.requests / SECONDS).toFixed(0)} req/s (${m.failed} failed, ${m.dropped} dropped), ${m.cpuUsPerRequest.toFixed(1)} µs CPU/request, ${m.samples} samples kept`,
        );
      }
    }
  } finally {
    target.stop();
  }
  const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
  const on = mean(results.on.map((m) => m.cpuUsPerRequest));
  const off = mean(results.off.map((m) => m.cpuUsPerRequest));
  console.log(`mean engine CPU per request: off ${off.toFixed(1)} µs, on ${on.toFixed(1)} µs (${(((on - off) / off) * 100).toFixed(1)}%)`);
  const { perOfferNs, perCaptureUs } = sampler();
  const failuresPerSecond = RATE * 0.05;
  console.log(`sampler alone: ${perOfferNs.toFixed(0)} ns per failed request not kept, ${perCaptureUs.toFixed(1)} µs per sample kept`);
  console.log(
    `at ${RATE} req/s with 5% failing: ${failuresPerSecond} failures/s × ${perOfferNs.toFixed(0)} ns = ${((failuresPerSecond * perOfferNs) / 1e6).toFixed(2)} ms of CPU per second (${((failuresPerSecond * perOfferNs) / 1e7).toFixed(3)}% of a core), plus the 3 + 5 captures`,
  );
})();
