// `npm run bench`: Volley side by side with autocannon, wrk and hey against a loopback nginx, plus
// Volley's own arrival-rate accuracy, memory per VU, cold start and multi-worker scaling. Tools alternate
// A B C D A B C D…; every figure is the median of its rounds, and the comparisons are ratios measured in
// the same run on the same machine. Writes bench/results/<date>.json and .md, and the README's table.
// Benchmarks are not tests: nothing here asserts a timing. Every load goes to 127.0.0.1 and is bounded.
//
// Environment: BENCH_SECONDS (per closed-model round, default 10), BENCH_ROUNDS (default 3),
// BENCH_ONLY=closed,arrival,memory,cold,scaling (default all).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { RunEvent, RunSummary } from '../src/protocol';
import { ROOT, buildEngine, chooseCores, ensureTools, machine, measure, median, startNginx, type Cores, type Measured, type Target } from './tools';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
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

interface ArrivalResult {
  rate: number;
  achieved: number;
  droppedPercent: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  /** The worst per-second lateness p99 from the second second to the end of the schedule: the start transient left out. */
  latenessP99AfterStartMs: number;
  cpuSeconds: number;
}

async function arrivalRate(engine: string, target: Target, cores: Cores): Promise<ArrivalResult[]> {
  const seconds = Math.max(3, Math.round(SECONDS / 2));
  const results: ArrivalResult[] = [];
  for (const rate of [5000, 10_000, 20_000]) {
    const runs: ArrivalResult[] = [];
    for (let round = 1; round <= Math.max(1, ROUNDS - 1); round++) {
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
      const { measured, summary, aggregates } = await runVolley(engine, yaml, cores.generator, 1);
      const open = summary.scenarios[0];
      const total = open.iterations + open.dropped;
      runs.push({
        rate,
        achieved: open.iterations / seconds,
        droppedPercent: total > 0 ? (open.dropped / total) * 100 : 0,
        latenessP50Ms: open.lateness.med,
        latenessP99Ms: open.lateness.p99,
        latenessP99AfterStartMs: Math.max(0, ...aggregates.filter((a) => a.t >= 2 && a.t <= seconds).map((a) => a.scenarios[0]?.lateness.p99 ?? 0)),
        cpuSeconds: measured.cpuSeconds,
      });
      log(`arrival rate ${rate}/s round ${round}: ${Math.round(open.iterations / seconds)}/s, dropped ${open.dropped}, lateness p99 ${open.lateness.p99.toFixed(2)} ms (${runs[runs.length - 1]!.latenessP99AfterStartMs.toFixed(2)} ms after the first second)`);
    }
    results.push({
      rate,
      achieved: median(runs.map((r) => r.achieved)),
      droppedPercent: median(runs.map((r) => r.droppedPercent)),
      latenessP50Ms: median(runs.map((r) => r.latenessP50Ms)),
      latenessP99Ms: median(runs.map((r) => r.latenessP99Ms)),
      latenessP99AfterStartMs: median(runs.map((r) => r.latenessP99AfterStartMs)),
      cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    });
  }
  return results;
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
    lines.push('**Arrival rate (constant-arrival-rate, 1 worker on one core, default 0.5 s JIT warm-up; lateness over the whole run, and the worst second after the first)**', '');
    lines.push('| target it/s | achieved it/s | dropped | start lateness p50 | p99 | p99 after the first second |', '| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const a of r.arrival) lines.push(`| ${fmt(a.rate)} | ${fmt(a.achieved)} | ${fmt(a.droppedPercent, 2)} % | ${fmt(a.latenessP50Ms, 2)} ms | ${fmt(a.latenessP99Ms, 2)} ms | ${fmt(a.latenessP99AfterStartMs, 2)} ms |`);
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
  const cores = chooseCores();
  const target = await startNginx(cores);
  const results: Results = {
    date: new Date().toISOString().slice(0, 10),
    machine: machine(),
    settings: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, pinned: cores.pinned, generatorCore: cores.generator, targetCore: cores.target },
  };
  try {
    if (ONLY.has('closed')) results.closed = await closedModel(engine, autocannon, target, cores);
    if (ONLY.has('arrival')) results.arrival = await arrivalRate(engine, target, cores);
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
