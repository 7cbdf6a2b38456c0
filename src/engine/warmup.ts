// JIT warm-up before a high-rate arrival-rate run. A fresh V8 runs the per-iteration path (executor,
// VU pool, HTTP agent, undici, the metrics registry) in its interpreter for the first few thousand
// iterations, several times slower than once optimised: at 20,000 iterations/s the first second falls
// hundreds of milliseconds behind its schedule and starts every iteration late. Go-based k6 has no such
// phase. So before the schedule's clock starts, the same code runs against a sink on 127.0.0.1 inside this
// process — never the system under test — and its figures are thrown away. Every other run is primed with
// a few iterations of the same kind (`prime`), so that even its first requests are not read by cold code.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isArrivalRate, arrivalsOf } from './estimate/arrivals';
import { loadScenario } from './scenario/index';
import { stockHistograms } from './metrics/hdr';
import { trendsToStock } from './metrics/registry';
import type { RunHandle } from './run';
import type { Plan, ScenarioPlan } from './scenario/plan';
import type { WorkShare } from './segments';

/** Below this many iterations/s (per thread) a cold iteration path keeps up with its schedule. */
export const WARM_UP_MIN_RATE = 2000;
/** How long the warm-up runs its own arrival-rate schedule before it is stopped. */
export const WARM_UP_MS = 500;
/** Its rate: enough iterations for V8 to optimise the hot functions, no more than one core manages cold. */
const WARM_UP_RATE = 10_000;

/** The arrival rate (iterations/s) this thread's share of the selected scenarios peaks at, summed. */
export function peakArrivalRate(scenarios: readonly ScenarioPlan[], share: WorkShare | undefined): number {
  let total = 0;
  for (const { executor } of scenarios) {
    if (!isArrivalRate(executor)) continue;
    const perSecond = arrivalsOf(executor).peakPerSecond;
    total += perSecond * (share?.fraction ?? 1);
  }
  return total;
}

/** Starts a run of a plan: run.ts's own, passed in because run.ts imports this module. */
export type RunPlan = (plan: Plan) => RunHandle;

/**
 * Readies this thread for a run's clock: the warm-up if its share of the scenarios needs one (`warmUp`),
 * else priming (`prime`), then the stock of the first trends' histograms (after either, whose own run
 * would take them). Undefined when there is nothing to do: the run may start at once. A failed priming
 * just starts cold; `signal` cuts priming when the run it prepares is stopped.
 */
export function prepareToRun(
  plan: Plan,
  scenarios: readonly ScenarioPlan[],
  options: {
    warmUp: boolean;
    prime: boolean;
    share: WorkShare | undefined;
    log: (level: 'info' | 'warn', message: string) => void;
    run: RunPlan;
    signal?: AbortSignal;
  },
): Promise<void> | undefined {
  const warming = options.warmUp ? warmUpIfNeeded(plan, scenarios, options.share, options.log, options.run) : undefined;
  const ready = warming ?? (options.prime ? prime(plan, options.run, options.signal).catch(() => undefined) : undefined);
  return ready?.then(() => stockHistograms(trendsToStock(scenarios)));
}

/**
 * The warm-up, if this thread's share of the scenarios needs one (undefined when not): said in an info
 * line first, and a warm-up that fails is a warning, never the run's failure (the run just starts cold).
 */
function warmUpIfNeeded(
  plan: Plan,
  scenarios: readonly ScenarioPlan[],
  share: WorkShare | undefined,
  log: (level: 'info' | 'warn', message: string) => void,
  run: RunPlan,
): Promise<void> | undefined {
  const rate = peakArrivalRate(scenarios, share);
  if (rate < WARM_UP_MIN_RATE) return undefined;
  log(
    'info',
    `warming up for ${Math.round(rate).toLocaleString('en-US')} iterations/s: ${WARM_UP_MS} ms against a sink on 127.0.0.1 in this process, no requests to the target (--no-warm-up skips it)`,
  );
  return warmUp(plan, run).catch(
    (error: unknown) => log('warn', `warm-up failed, the run starts cold: ${error instanceof Error ? error.message : String(error)}`),
  );
}

/**
 * Runs the engine's iteration path against a loopback sink for WARM_UP_MS with the plan's HTTP settings
 * (so the same connection mode is what gets optimised). Nothing it measures is kept.
 */
function warmUp(plan: Plan, run: RunPlan): Promise<void> {
  // k6's arrival-rate executors last at least a second; the warm-up ends itself earlier.
  const executor = `executor: constant-arrival-rate
    rate: ${WARM_UP_RATE}
    timeUnit: 1s
    duration: 10s
    preAllocatedVUs: 20
    maxVUs: 20
    gracefulStop: 0s`;
  return runAgainstSink(plan, run, executor, GET_CHECKED, WARM_UP_RESPONSE, WARM_UP_MS);
}

/**
 * Primes the iteration path before any run's clock starts, however low its load: a few iterations against
 * the sink. Without it the first responses were read by cold code — undici compiles its llhttp
 * WebAssembly parser function by function on first use, and V8 compiles each JavaScript function of the
 * response path and of the iteration that follows on its first call. Against a target answering after a
 * fixed 200 ms, that put 11–19 ms between a first response becoming readable and its first-byte callback
 * (later requests: 0.1 ms); with 10 VUs whose first responses arrive together, each one also waited for
 * the cold continuation of the VUs read before it. Go-built k6 pays neither. Nothing it measures is kept.
 */
function prime(plan: Plan, run: RunPlan, signal?: AbortSignal): Promise<void> {
  const executor = `executor: per-vu-iterations
    vus: ${PRIME_VUS}
    iterations: ${PRIME_ITERATIONS}
    maxDuration: ${PRIME_MAX_MS}ms
    gracefulStop: 0s`;
  // A second step without a check: a response whose body is dropped, and an iteration's step-to-step path.
  return runAgainstSink(plan, run, executor, `${GET_CHECKED}
      - get: /warm-up?unchecked`, PRIME_RESPONSE, PRIME_MAX_MS, signal);
}

/** Prime's iterations: enough for every function on the path to have run and been compiled. */
const PRIME_VUS = 2;
const PRIME_ITERATIONS = 4;
const PRIME_MAX_MS = 2000;

/** The flow's one step in both: a GET with a status check. */
const GET_CHECKED = `      - get: /warm-up
        check:
          status: 200`;

/** `signal`: the run it prepares was stopped, so the rest is cut. */
async function runAgainstSink(
  plan: Plan,
  run: RunPlan,
  executor: string,
  flow: string,
  response: Buffer,
  cutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const sink = await startSink(response);
  try {
    const port = (sink.address() as AddressInfo).port;
    const text = `name: warm-up
baseUrl: http://127.0.0.1:${port}
http:
  connections: ${plan.http.connections}
scenarios:
  warm-up:
    ${executor}
    flow:
${flow}
`;
    const loaded = loadScenario(text, 'warm-up.volley.yaml');
    if (loaded.plan === undefined) throw new Error(`warm-up scenario does not compile: ${loaded.diagnostics[0]?.message ?? ''}`);
    if (signal?.aborted) return;
    const handle = run(loaded.plan);
    const stop = (): void => handle.stop(true);
    const cut = setTimeout(stop, cutMs);
    signal?.addEventListener('abort', stop);
    await handle.done.finally(() => {
      clearTimeout(cut);
      signal?.removeEventListener('abort', stop);
    });
  } finally {
    await new Promise<void>((closed) => sink.close(() => closed()));
  }
  collectGarbage();
}

let gc: (() => void) | undefined;

/**
 * A full collection before the clock starts. The warm-up's garbage fills the young generation, and the run's
 * first allocations then trigger a scavenge of it: 3–8 ms in which no response is read, measured inside the
 * first requests' durations (their responses arrive together). A new context of this isolate gets `gc` once
 * --expose-gc is set (the flag is process-wide; the existing contexts are unchanged).
 */
function collectGarbage(): void {
  try {
    if (gc === undefined) {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    }
    gc();
  } catch {
    // Without it the run starts as before; nothing measured depends on it.
  }
}

/**
 * The warm-up's answer, bare: its headers shape the type feedback V8 optimises with, and the one run with
 * priming's headers here measured 45.1 µs an iteration at 20,000/s against 37.8 (within this machine's
 * spread at that rate, 36–50 µs, so not proven; not worth the risk for a warm-up that optimises).
 */
const WARM_UP_RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok');
/**
 * Priming's answer carries the headers most servers send (Node's and nginx's both send Date and
 * Connection): undici handles `Connection` and `Keep-Alive` on a path of their own, which otherwise ran
 * for the first time on the run's first response (0.3–0.5 ms from its first byte to complete). Its type
 * feedback is left behind too; the closed model (primed, nginx's answers) measured no loss from it,
 * alternating before and after (bench/results/2026-12-03-first-round.md).
 */
const PRIME_RESPONSE = Buffer.from(
  'HTTP/1.1 200 OK\r\nServer: volley-sink\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Type: text/plain\r\n' +
    'Content-Length: 2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\nok',
);
const END_OF_HEAD = [13, 10, 13, 10];

/**
 * An HTTP/1.1 server that answers every request with the same 200: it counts request heads (the warm-up
 * sends GETs without a body) and writes one response per head, so keep-alive and pipelining both hold.
 */
function startSink(response: Buffer): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    let matched = 0;
    socket.on('data', (chunk: Buffer) => {
      let heads = 0;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === END_OF_HEAD[matched]) matched++;
        else matched = byte === 13 ? 1 : 0;
        if (matched === 4) {
          heads++;
          matched = 0;
        }
      }
      for (let i = 0; i < heads; i++) socket.write(response);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });
  const close = server.close.bind(server);
  // Closing waits for open connections; the warm-up's agent has closed its own, this covers the rest.
  server.close = (callback) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  return new Promise((listening, failed) => {
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => listening(server));
  });
}
