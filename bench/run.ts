// `npm run bench`: Volley side by side with autocannon, wrk and hey against a loopback nginx, plus
// Volley's own arrival-rate accuracy (beside the same schedule driven by bare undici and by raw sockets,
// and the scheduling gaps of the generator core), memory per VU, cold start and multi-worker scaling. Tools alternate
// A B C D A B C D…; every figure is the median of its rounds, and the comparisons are ratios measured in
// the same run on the same machine. Writes bench/results/<date>.json and .md, and the README's table.
// Benchmarks are not tests: nothing here asserts a timing. Every load goes to 127.0.0.1 and is bounded.
//
// Environment: BENCH_SECONDS (per closed-model round, default 10), BENCH_ROUNDS (default 3),
// BENCH_ONLY=closed,arrival,memory,cold,scaling (default all), BENCH_RATES=5000,10000,20000 (the arrival
// rates, default these three).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { RunEvent, RunSummary } from '../src/protocol';
import { ROOT, buildEngine, bundle, chooseCores, ensureTools, machine, measure, median, medians, startNginx, type Cores, type Measured, type Target } from './tools';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATES = (process.env.BENCH_RATES ?? '5000,10000,20000').split(',').map(Number);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'closed,arrival,memory,cold,scaling').split(','));
const CONNECTIONS = 50;

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

const work = mkdtempSync(join(tmpdir(), 'volley-bench-work-'));
let fileCount = 0;
function scenarioFile(yaml: string): string {
  const file = join(work, `s${++fileCount}.volley.yaml`);
  writeFileSync(file, yaml);
  return file;
}

interface VolleyRun {
  measured: Measured;
  summary: RunSummary;
  aggregates: Array<Extract<RunEvent, { type: 'aggregate' }>>;
}

async function runVolley(engine: string, yaml: string, cores: string, workers: number): Promise<VolleyRun> {
  const file = scenarioFile(yaml);
  const out = join(work, `run${fileCount}.ndjson`);
  const measured = await measure(['node', engine, 'run', file, '--quiet', '--no-store', '--workers', String(workers), '--out', `ndjson=${out}`], cores);
  const events = readFileSync(out, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RunEvent);
  const summary = events.find((e): e is Extract<RunEvent, { type: 'summary' }> => e.type === 'summary')?.summary;
  if (summary === undefined) throw new Error(`volley run gave no summary (exit ${measured.exitCode}): ${measured.stderr.slice(0, 500)}`);
  const aggregates = events.filter((e): e is Extract<RunEvent, { type: 'aggregate' }> => e.type === 'aggregate');
  return { measured, summary, aggregates };
}

// ---- closed model: 50 connections / VUs, as many requests as each tool can --------------------------

interface ToolRound {
  tool: string;
  requests: number;
  seconds: number;
  cpuSeconds: number;
}

interface ClosedResult {
  tool: string;
  reqPerSec: number;
  reqPerCpuSecond: number;
  rounds: ToolRound[];
}

function closedYaml(target: Target, vus: number, seconds: number): string {
  return `name: bench-closed
baseUrl: http://127.0.0.1:${target.port}
scenarios:
  closed:
    executor: constant-vus
    vus: ${vus}
    duration: ${seconds}s
    gracefulStop: 2s
    flow:
      - name: get
        get: /
`;
}

type ToolRunner = (target: Target, cores: Cores) => Promise<ToolRound>;

function tools(engine: string, autocannon: string): Record<string, ToolRunner> {
  return {
    volley: async (target, cores) => {
      const { measured, summary } = await runVolley(engine, closedYaml(target, CONNECTIONS, SECONDS), cores.generator, 1);
      const requests = summary.metrics.http_reqs?.count ?? 0;
      return { tool: 'volley', requests, seconds: SECONDS, cpuSeconds: measured.cpuSeconds };
    },
    autocannon: async (target, cores) => {
      const m = await measure(['node', autocannon, '-c', String(CONNECTIONS), '-d', String(SECONDS), '--json', target.url], cores.generator);
      const json = JSON.parse(m.stdout) as { requests: { total: number }; duration: number };
      return { tool: 'autocannon', requests: json.requests.total, seconds: json.duration, cpuSeconds: m.cpuSeconds };
    },
    wrk: async (target, cores) => {
      const m = await measure(['wrk', '-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, target.url], cores.generator);
      const match = /(\d+) requests in ([\d.]+)(m?s)/.exec(m.stdout);
      if (!match) throw new Error(`wrk output not understood: ${m.stdout}`);
      const seconds = Number(match[2]) / (match[3] === 'ms' ? 1000 : 1);
      return { tool: 'wrk', requests: Number(match[1]), seconds, cpuSeconds: m.cpuSeconds };
    },
    hey: async (target, cores) => {
      const m = await measure(['hey', '-c', String(CONNECTIONS), '-z', `${SECONDS}s`, target.url], cores.generator, { ...process.env, GOMAXPROCS: '1' });
      const total = /Total:\s+([\d.]+) secs/.exec(m.stdout);
      const codes = [...m.stdout.matchAll(/\[\d{3}\]\s+(\d+) responses/g)].reduce((sum, x) => sum + Number(x[1]), 0);
      if (!total) throw new Error(`hey output not understood: ${m.stdout.slice(0, 400)}`);
      return { tool: 'hey', requests: codes, seconds: Number(total[1]), cpuSeconds: m.cpuSeconds };
    },
  };
}

async function closedModel(engine: string, autocannon: string, target: Target, cores: Cores): Promise<ClosedResult[]> {
  const runners = tools(engine, autocannon);
  const rounds: ToolRound[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, runner] of Object.entries(runners)) {
      const result = await runner(target, cores);
      log(`closed model round ${round}: ${name} ${Math.round(result.requests / result.seconds)} req/s, ${result.cpuSeconds.toFixed(2)} CPU s`);
      rounds.push(result);
    }
  }
  return Object.keys(runners).map((tool) => {
    const own = rounds.filter((r) => r.tool === tool);
    return {
      tool,
      reqPerSec: median(own.map((r) => r.requests / r.seconds)),
      reqPerCpuSecond: median(own.map((r) => r.requests / r.cpuSeconds)),
      rounds: own,
    };
  });
}

// ---- arrival rate: achieved rate, dropped, start lateness on one core -------------------------------
// Volley and, alternating with it, the same schedule driven by the least code that can (arrival-floor.ts:
// a bare undici dispatch loop, and raw sockets without HTTP parsing), so the table says how much of
// the lateness is the machine's.

const ARRIVAL_DRIVERS = ['volley', 'undici floor', 'socket floor'] as const;
type ArrivalDriver = (typeof ARRIVAL_DRIVERS)[number];

interface ArrivalFigures {
  achieved: number;
  droppedPercent: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  /** The worst per-second lateness p99 from the second second to the end of the schedule: the start transient left out. */
  latenessP99AfterStartMs: number;
  /** CPU time per scheduled iteration while the schedule ran (Volley: from its per-second CPU figures, so start-up and warm-up are left out). */
  cpuMicrosPerIteration: number;
}

interface ArrivalResult extends ArrivalFigures {
  rate: number;
  driver: ArrivalDriver;
}

interface FloorOutput {
  started: number;
  dropped: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  latenessP99PerSecondMs: number[];
  cpuMicrosPerIteration: number;
}

async function arrivalVolley(engine: string, target: Target, cores: Cores, rate: number, seconds: number): Promise<ArrivalFigures> {
  const yaml = `name: bench-arrival
baseUrl: http://127.0.0.1:${target.port}
scenarios:
  open:
    executor: constant-arrival-rate
    rate: ${rate}
    timeUnit: 1s
    duration: ${seconds}s
    preAllocatedVUs: ${rate / 10}
    maxVUs: ${rate / 5}
    gracefulStop: 2s
    flow:
      - name: get
        get: /
`;
  const { summary, aggregates } = await runVolley(engine, yaml, cores.generator, 1);
  const open = summary.scenarios[0]!;
  const total = open.iterations + open.dropped;
  const scheduled = aggregates.filter((a) => a.t >= 1 && a.t <= seconds);
  const cpuPercent = scheduled.reduce((sum, a) => sum + a.health.cpuPercent, 0) / Math.max(1, scheduled.length);
  return {
    achieved: open.iterations / seconds,
    droppedPercent: total > 0 ? (open.dropped / total) * 100 : 0,
    latenessP50Ms: open.lateness.med,
    latenessP99Ms: open.lateness.p99,
    latenessP99AfterStartMs: Math.max(0, ...scheduled.filter((a) => a.t >= 2).map((a) => a.scenarios[0]?.lateness.p99 ?? 0)),
    cpuMicrosPerIteration: (cpuPercent / 100) * (1e6 / rate),
  };
}

async function arrivalFloor(floor: string, client: 'undici' | 'socket', target: Target, cores: Cores, rate: number, seconds: number): Promise<ArrivalFigures> {
  const args = ['--client', client, '--port', String(target.port), '--rate', String(rate), '--seconds', String(seconds), '--vus', String(rate / 5)];
  const measured = await measure(['node', floor, ...args], cores.generator);
  const line = measured.stdout.trim().split('\n').pop() ?? '';
  if (measured.exitCode !== 0 || !line.startsWith('{')) throw new Error(`arrival floor (${client}) failed (exit ${measured.exitCode}): ${measured.stderr.slice(0, 500)}`);
  const out = JSON.parse(line) as FloorOutput;
  return {
    achieved: out.started / seconds,
    droppedPercent: (out.dropped / (out.started + out.dropped)) * 100,
    latenessP50Ms: out.latenessP50Ms,
    latenessP99Ms: out.latenessP99Ms,
    latenessP99AfterStartMs: Math.max(0, ...out.latenessP99PerSecondMs.slice(1)),
    cpuMicrosPerIteration: out.cpuMicrosPerIteration,
  };
}

async function arrivalRate(engine: string, floor: string, target: Target, cores: Cores): Promise<ArrivalResult[]> {
  const seconds = Math.max(3, Math.round(SECONDS / 2));
  const results: ArrivalResult[] = [];
  for (const rate of RATES) {
    const runs = new Map<ArrivalDriver, ArrivalFigures[]>(ARRIVAL_DRIVERS.map((d) => [d, []]));
    for (let round = 1; round <= Math.max(1, ROUNDS - 1); round++) {
      for (const driver of ARRIVAL_DRIVERS) {
        const figures =
          driver === 'volley'
            ? await arrivalVolley(engine, target, cores, rate, seconds)
            : await arrivalFloor(floor, driver === 'undici floor' ? 'undici' : 'socket', target, cores, rate, seconds);
        runs.get(driver)!.push(figures);
        log(
          `arrival rate ${rate}/s round ${round}, ${driver}: ${Math.round(figures.achieved)}/s, dropped ${figures.droppedPercent.toFixed(2)} %, ` +
            `lateness p99 ${figures.latenessP99Ms.toFixed(2)} ms (${figures.latenessP99AfterStartMs.toFixed(2)} ms after the first second), ${figures.cpuMicrosPerIteration.toFixed(1)} µs CPU an iteration`,
        );
      }
    }
    for (const [driver, figures] of runs) results.push({ rate, driver, ...medians(figures) });
  }
  return results;
}

/** What the machine takes from a busy thread on the generator core (scheduler-gaps.ts), median of the rounds. */
interface SchedulerGaps {
  lostMsPerSecond: number;
  gapsOver1MsPerSecond: number;
  gapsOver2MsPerSecond: number;
  largestGapMs: number;
}

async function schedulerGaps(script: string, cores: Cores): Promise<SchedulerGaps> {
  const rounds: SchedulerGaps[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const measured = await measure(['node', script, String(Math.max(3, Math.round(SECONDS / 2)))], cores.generator);
    if (measured.exitCode !== 0) throw new Error(`scheduler-gaps failed (exit ${measured.exitCode}): ${measured.stderr.slice(0, 500)}`);
    const gaps = JSON.parse(measured.stdout.trim()) as SchedulerGaps;
    rounds.push(gaps);
    log(`scheduler gaps round ${round}: ${gaps.lostMsPerSecond.toFixed(1)} ms lost a second, ${gaps.gapsOver2MsPerSecond.toFixed(1)} gaps over 2 ms a second, largest ${gaps.largestGapMs.toFixed(2)} ms`);
  }
  return medians(rounds);
}

// ---- memory per idle VU ----------------------------------------------------------------------------

interface MemoryResult {
  /** idle: allocated VUs that only think; connected: each has made a request and keeps its connection. */
  kind: 'idle' | 'connected';
  vus: number;
  rssMiB: number;
  perVuKiB: number;
}

async function memoryPerVU(engine: string, target: Target, cores: Cores): Promise<MemoryResult[]> {
  const rss = async (vus: number, kind: MemoryResult['kind']): Promise<number> => {
    const request = kind === 'connected' ? '\n      - name: get\n        get: /' : '';
    const yaml = `name: bench-memory
baseUrl: http://127.0.0.1:${target.port}
scenarios:
  idle:
    executor: constant-vus
    vus: ${vus}
    duration: 3s
    gracefulStop: 0s
    flow:${request}
      - think: 60s
`;
    const samples: number[] = [];
    for (let round = 1; round <= Math.max(1, ROUNDS - 1); round++) samples.push((await runVolley(engine, yaml, cores.generator, 1)).measured.maxRssKb);
    return median(samples);
  };
  const out: MemoryResult[] = [];
  for (const kind of ['idle', 'connected'] as const) {
    const base = await rss(1, kind);
    for (const vus of [1000, 10_000]) {
      const kb = await rss(vus, kind);
      out.push({ kind, vus, rssMiB: kb / 1024, perVuKiB: (kb - base) / (vus - 1) });
      log(`memory (${kind}): ${vus} VUs → ${(kb / 1024).toFixed(0)} MiB RSS, ${((kb - base) / (vus - 1)).toFixed(1)} KiB per VU`);
    }
  }
  return out;
}

// ---- cold start to the first request ---------------------------------------------------------------

interface ColdStartResult {
  workers: number;
  firstRequestMs: number;
  nodeBareMs: number;
}

async function coldStart(engine: string, cores: Cores): Promise<ColdStartResult[]> {
  let firstAt = 0;
  const server = createServer((_req, res) => {
    if (firstAt === 0) firstAt = performance.now();
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const file = scenarioFile(`name: bench-cold
baseUrl: http://127.0.0.1:${port}
scenarios:
  once:
    executor: shared-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /
`);
  const spawnTimed = (argv: string[]): Promise<number> =>
    new Promise((resolve, reject) => {
      const full = cores.pinned ? ['taskset', '-c', cores.generator, ...argv] : argv;
      const started = performance.now();
      const child = spawn(full[0], full.slice(1), { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => resolve(performance.now() - started));
    });
  const results: ColdStartResult[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 5; i++) bare.push(await spawnTimed(['node', '-e', '']));
  for (const workers of [1, 0]) {
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
      firstAt = 0;
      const started = performance.now();
      const args = ['node', engine, 'run', file, '--quiet', '--no-store'];
      if (workers > 0) args.push('--workers', String(workers));
      await spawnTimed(args);
      if (firstAt > 0) samples.push(firstAt - started);
    }
    results.push({ workers, firstRequestMs: median(samples), nodeBareMs: median(bare) });
    log(`cold start (${workers === 0 ? 'default workers' : `${workers} worker`}): first request after ${median(samples).toFixed(0)} ms (node -e '' exits after ${median(bare).toFixed(0)} ms)`);
  }
  server.close();
  return results;
}

// ---- multi-worker scaling --------------------------------------------------------------------------

interface ScalingResult {
  workers: number;
  cores: string;
  reqPerSec: number;
  cpuSeconds: number;
}

async function scaling(engine: string, target: Target, cores: Cores): Promise<ScalingResult[]> {
  const configs: Array<{ workers: number; cores: string }> = [
    { workers: 1, cores: cores.generator },
    { workers: 2, cores: cores.all },
  ];
  const rounds: ScalingResult[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const config of configs) {
      const { measured, summary } = await runVolley(engine, closedYaml(target, CONNECTIONS, SECONDS), config.cores, config.workers);
      const reqPerSec = (summary.metrics.http_reqs?.count ?? 0) / SECONDS;
      rounds.push({ ...config, reqPerSec, cpuSeconds: measured.cpuSeconds });
      log(`scaling round ${round}: ${config.workers} worker(s) on cores ${config.cores || 'any'}: ${Math.round(reqPerSec)} req/s`);
    }
  }
  return configs.map((config) => {
    const own = rounds.filter((r) => r.workers === config.workers);
    return { ...config, reqPerSec: median(own.map((r) => r.reqPerSec)), cpuSeconds: median(own.map((r) => r.cpuSeconds)) };
  });
}

// ---- report ----------------------------------------------------------------------------------------

interface Results {
  date: string;
  machine: Record<string, string | number>;
  settings: { seconds: number; rounds: number; connections: number; pinned: boolean; generatorCore: string; targetCore: string };
  closed?: ClosedResult[];
  arrival?: ArrivalResult[];
  schedulerGaps?: SchedulerGaps;
  memory?: MemoryResult[];
  coldStart?: ColdStartResult[];
  scaling?: ScalingResult[];
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');

export function markdown(r: Results): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(
    `Measured ${r.date} on ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, nginx ${m.nginx} (1 worker); ` +
      `load average ${m.loadAverage ?? 'n/a'} at the start; ` +
      `${r.settings.pinned ? `generator pinned to core ${r.settings.generatorCore}, target to core ${r.settings.targetCore}` : 'nothing pinned'}; ` +
      `medians of ${r.settings.rounds} alternating rounds of ${r.settings.seconds} s.`,
    '',
  );
  if (r.closed) {
    const ac = r.closed.find((c) => c.tool === 'autocannon');
    lines.push(`**Closed model, ${r.settings.connections} keep-alive connections / VUs, one generator core**`, '');
    lines.push('| tool | req/s | × autocannon | req per CPU-second | × autocannon |', '| --- | ---: | ---: | ---: | ---: |');
    for (const c of r.closed) {
      lines.push(
        `| ${c.tool}${c.tool === 'volley' ? ' (all timing phases in HDR histograms)' : ''} | ${fmt(c.reqPerSec)} | ${ac ? fmt(c.reqPerSec / ac.reqPerSec, 2) : ''} | ${fmt(c.reqPerCpuSecond)} | ${ac ? fmt(c.reqPerCpuSecond / ac.reqPerCpuSecond, 2) : ''} |`,
      );
    }
    lines.push('');
  }
  if (r.arrival) {
    lines.push(
      '**Arrival rate (constant-arrival-rate, 1 worker on one core, default 0.5 s JIT warm-up; lateness over the whole run, and the worst second after the first).** ' +
        'The floors run the same schedule with the least code that can (`bench/arrival-floor.ts`): a bare undici `dispatch` loop, and raw sockets without HTTP parsing — what this machine allows.',
      '',
    );
    lines.push('| target it/s | driver | achieved it/s | dropped | start lateness p50 | p99 | p99 after the first second | CPU per iteration |', '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const a of r.arrival) {
      lines.push(
        `| ${fmt(a.rate)} | ${a.driver} | ${fmt(a.achieved)} | ${fmt(a.droppedPercent, 2)} % | ${fmt(a.latenessP50Ms, 2)} ms | ${fmt(a.latenessP99Ms, 2)} ms | ${fmt(a.latenessP99AfterStartMs, 2)} ms | ${fmt(a.cpuMicrosPerIteration, 1)} µs |`,
      );
    }
    const g = r.schedulerGaps;
    if (g) {
      lines.push(
        '',
        `A thread that only reads the clock on the generator core lost ${fmt(g.lostMsPerSecond, 1)} ms a second to the machine, in ${fmt(g.gapsOver1MsPerSecond, 1)} gaps over 1 ms ` +
          `and ${fmt(g.gapsOver2MsPerSecond, 1)} over 2 ms a second, the largest ${fmt(g.largestGapMs, 2)} ms (\`bench/scheduler-gaps.ts\`, median of ${r.settings.rounds} rounds): no iteration due in a gap can start on time.`,
      );
    }
    lines.push('');
  }
  if (r.memory) {
    lines.push('**Memory per VU (peak RSS above a 1-VU run of the same flow; 1 worker)**', '');
    lines.push('| VUs | idle (think only) | per VU | each with a keep-alive connection | per VU |', '| ---: | ---: | ---: | ---: | ---: |');
    for (const vus of [...new Set(r.memory.map((x) => x.vus))]) {
      const idle = r.memory.find((x) => x.vus === vus && x.kind === 'idle');
      const connected = r.memory.find((x) => x.vus === vus && x.kind === 'connected');
      lines.push(
        `| ${fmt(vus)} | ${idle ? `${fmt(idle.rssMiB)} MiB` : ''} | ${idle ? `${fmt(idle.perVuKiB, 1)} KiB` : ''} | ${connected ? `${fmt(connected.rssMiB)} MiB` : ''} | ${connected ? `${fmt(connected.perVuKiB, 1)} KiB` : ''} |`,
      );
    }
    lines.push('');
  }
  if (r.coldStart) {
    lines.push('**Cold start: process start to the first request at the target**', '');
    lines.push('| workers | first request | (`node -e ""` start and exit) |', '| --- | ---: | ---: |');
    for (const c of r.coldStart) lines.push(`| ${c.workers === 0 ? 'default (one per core)' : c.workers} | ${fmt(c.firstRequestMs)} ms | ${fmt(c.nodeBareMs)} ms |`);
    lines.push('');
  }
  if (r.scaling) {
    const one = r.scaling.find((s) => s.workers === 1);
    lines.push(`**Worker scaling (closed model, ${r.settings.connections} VUs; the target shares the second core)**`, '');
    lines.push('| workers | cores | req/s | × 1 worker |', '| ---: | --- | ---: | ---: |');
    for (const s of r.scaling) lines.push(`| ${s.workers} | ${s.cores || 'any'} | ${fmt(s.reqPerSec)} | ${one ? fmt(s.reqPerSec / one.reqPerSec, 2) : ''} |`);
    lines.push('');
  }
  return lines.join('\n');
}

function updateReadme(table: string): void {
  const file = join(ROOT, 'README.md');
  const text = readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    log('README.md has no <!-- bench:start --> … <!-- bench:end --> block; table not copied');
    return;
  }
  writeFileSync(file, `${text.slice(0, i + start.length)}\n${table}\n${text.slice(j)}`);
}

async function main(): Promise<void> {
  const { autocannon } = ensureTools();
  log('building the engine bundle');
  const engine = await buildEngine();
  const floor = await bundle('bench/arrival-floor.ts', 'arrival-floor.js');
  const gaps = await bundle('bench/scheduler-gaps.ts', 'scheduler-gaps.js');
  const cores = chooseCores();
  const target = await startNginx(cores);
  const results: Results = {
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    settings: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, pinned: cores.pinned, generatorCore: cores.generator, targetCore: cores.target },
  };
  try {
    if (ONLY.has('closed')) results.closed = await closedModel(engine, autocannon, target, cores);
    if (ONLY.has('arrival')) {
      results.arrival = await arrivalRate(engine, floor, target, cores);
      results.schedulerGaps = await schedulerGaps(gaps, cores);
    }
    if (ONLY.has('memory')) results.memory = await memoryPerVU(engine, target, cores);
    if (ONLY.has('cold')) results.coldStart = await coldStart(engine, cores);
    if (ONLY.has('scaling')) results.scaling = await scaling(engine, target, cores);
  } finally {
    await target.stop();
  }
  const table = markdown(results);
  // A partial run (BENCH_ONLY) must not replace the day's full results.
  const base = join(ROOT, 'bench', 'results', ONLY.size === 5 ? results.date : `${results.date}-${[...ONLY].join('-')}`);
  writeFileSync(`${base}.json`, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(`${base}.md`, table + '\n');
  if (ONLY.size === 5) updateReadme(table);
  process.stdout.write(table + '\n');
  log(`wrote ${base}.json and ${base}.md`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
