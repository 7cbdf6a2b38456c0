// `npm run bench:profile`: the closed-model scenario (50 VUs against the loopback nginx; or PROFILE_RATE) under
// `node --cpu-prof`, one worker on one core, and the functions with the most self time — what
// docs/performance.md records. Not a test; bounded to BENCH_SECONDS (default 8) against 127.0.0.1.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildEngine, chooseCores, ensureTools, measure, startNginx } from './tools';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (ms) and its share of all samples. */
export function selfTimes(profile: Profile): Array<{ name: string; ms: number; percent: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^.*\/(node_modules\/)?/, (m) => (m.includes('node_modules') ? 'node_modules/' : ''));
    const name = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
    totals.set(name, (totals.get(name) ?? 0) + dt);
  });
  return [...totals.entries()].map(([name, ms]) => ({ name, ms, percent: (ms / all) * 100 })).sort((a, b) => b.ms - a.ms);
}

/**
 * Busy time (idle excluded) by where the code comes from: the bundle's modules (esbuild marks each with a
 * `// src/…` or `// node_modules/…` line), Node's internals, native frames (syscalls, GC).
 */
export function busyByModule(profile: Profile, bundleText: string, bundleName: string): Array<{ module: string; percent: number }> {
  const marks: Array<[number, string]> = [];
  bundleText.split('\n').forEach((line, i) => {
    const m = /^\/\/ ((?:node_modules|src)\/\S+)/.exec(line);
    if (m) marks.push([i, m[1].replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+).*/, 'npm:$1')]);
  });
  const moduleAt = (line: number): string => {
    let lo = 0;
    let hi = marks.length - 1;
    let found = '(bundle)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (marks[mid][0] <= line) {
        found = marks[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || frame.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    const key = frame.url.endsWith(bundleName)
      ? moduleAt(frame.lineNumber)
      : frame.url === ''
        ? `native: ${frame.functionName}`
        : frame.url.startsWith('wasm') ? 'wasm (undici llhttp)' : `node: ${frame.url.replace(/^node:/, '')}`;
    totals.set(key, (totals.get(key) ?? 0) + dt);
  });
  return [...totals.entries()].map(([module, t]) => ({ module, percent: (t / busy) * 100 })).sort((a, b) => b.percent - a.percent);
}

async function main(): Promise<void> {
  ensureTools();
  const engine = await buildEngine();
  const cores = chooseCores();
  const target = await startNginx(cores);
  const seconds = Number(process.env.BENCH_SECONDS ?? 8);
  const dir = mkdtempSync(join(tmpdir(), 'volley-prof-'));
  const file = join(dir, 'closed.volley.yaml');
  // PROFILE_RATE=N profiles constant-arrival-rate at N it/s instead of the closed model.
  const rate = Number(process.env.PROFILE_RATE ?? 0);
  const executor =
    rate > 0
      ? `executor: constant-arrival-rate
    rate: ${rate}
    timeUnit: 1s
    preAllocatedVUs: ${Math.ceil(rate / 10)}
    maxVUs: ${Math.ceil(rate / 5)}`
      : `executor: constant-vus
    vus: 50`;
  writeFileSync(
    file,
    `name: profile
baseUrl: http://127.0.0.1:${target.port}
scenarios:
  load:
    ${executor}
    duration: ${seconds}s
    flow:
      - name: get
        get: /
`,
  );
  try {
    const m = await measure(['node', '--cpu-prof', `--cpu-prof-dir=${dir}`, engine, 'run', file, '--quiet', '--no-store', '--workers', '1'], cores.generator);
    process.stderr.write(`profile: exit ${m.exitCode}, ${m.cpuSeconds.toFixed(2)} CPU s\n`);
  } finally {
    await target.stop();
  }
  const profileFile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (profileFile === undefined) throw new Error('no .cpuprofile written');
  const profile = JSON.parse(readFileSync(join(dir, profileFile), 'utf8')) as Profile;
  const count = Number(process.env.PROFILE_TOP ?? 30);
  process.stdout.write('self time, all samples:\n');
  for (const t of selfTimes(profile).slice(0, count)) process.stdout.write(`${t.percent.toFixed(1).padStart(5)} %  ${t.ms.toFixed(0).padStart(6)} ms  ${t.name}\n`);
  process.stdout.write('\nbusy time by module:\n');
  for (const m of busyByModule(profile, readFileSync(engine, 'utf8'), basename(engine)).slice(0, count)) {
    process.stdout.write(`${m.percent.toFixed(1).padStart(5)} %  ${m.module}\n`);
  }
  process.stdout.write(`profile: ${join(dir, profileFile)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`profile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
