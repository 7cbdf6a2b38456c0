// What the benchmark harness stands on: the peer tools (installed from Debian and npm when missing), the
// engine bundle built fresh, a loopback nginx target, and running a command pinned to cores under GNU
// time so every tool's CPU seconds and peak RSS are measured the same way.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..');

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** nginx-light, wrk, hey and GNU time from Debian; autocannon from npm into a cache beside the harness. */
export function ensureTools(): { autocannon: string } {
  const debian: Array<[string, string]> = [
    ['nginx', 'nginx-light'],
    ['wrk', 'wrk'],
    ['hey', 'hey'],
    ['/usr/bin/time', 'time'],
    ['taskset', 'util-linux'],
  ];
  const missing = debian.filter(([command]) => !has(command)).map(([, pkg]) => pkg);
  if (missing.length > 0) {
    if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(', ')}: install them (apt-get install ${missing.join(' ')}) or run as root`);
    log(`installing ${missing.join(', ')} from Debian`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  // A local prefix, not a devDependency: the tests never need it, and the lockfile stays the app's.
  const prefix = join(ROOT, 'bench', '.tools');
  const autocannon = join(prefix, 'node_modules', 'autocannon', 'autocannon.js');
  if (!existsSync(autocannon)) {
    log('installing autocannon from npm into bench/.tools');
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, 'autocannon@8'], { stdio: 'inherit' });
  }
  return { autocannon };
}

/** `entry` bundled from the current source into a temp dir as one CommonJS file (a stale dist/ never matters). */
export async function bundle(entry: string, name: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outfile = join(mkdtempSync(join(tmpdir(), 'volley-bench-')), name);
  await esbuild.build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    sourcemap: false,
    logLevel: 'error',
  });
  return outfile;
}

/** The engine as `npm run build` makes dist/engine.js. */
export function buildEngine(): Promise<string> {
  return bundle('src/engine/main.ts', 'engine.js');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface Cores {
  /** Where the load generator runs. */
  generator: string;
  /** Where the target runs. */
  target: string;
  /** Both, for the multi-worker run. */
  all: string;
  pinned: boolean;
}

/** Generator on core 0, target on the last core; with one core nothing is pinned. */
export function chooseCores(): Cores {
  const n = cpus().length;
  if (n < 2 || !has('taskset')) return { generator: '', target: '', all: '', pinned: false };
  return { generator: '0', target: String(n - 1), all: `0-${n - 1}`, pinned: true };
}

export interface Target {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startNginx(cores: Cores): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'volley-bench-nginx-'));
  const port = await freePort();
  const config = readFileSync(join(ROOT, 'bench', 'nginx.conf.template'), 'utf8').replaceAll('{{DIR}}', dir).replaceAll('{{PORT}}', String(port));
  const configFile = join(dir, 'nginx.conf');
  writeFileSync(configFile, config);
  const args = ['-c', configFile, '-p', dir, '-e', join(dir, 'error.log')];
  const child = cores.pinned ? spawn('taskset', ['-c', cores.target, 'nginx', ...args], { stdio: 'ignore' }) : spawn('nginx', args, { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    port,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

export interface Measured {
  stdout: string;
  stderr: string;
  exitCode: number;
  wallSeconds: number;
  cpuSeconds: number;
  maxRssKb: number;
}

/** Runs `command` pinned to `cores` (if any) under GNU time; resolves with its output and resource use. */
export function measure(command: string[], cores: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<Measured> {
  const timeFile = join(mkdtempSync(join(tmpdir(), 'volley-bench-time-')), 'time.txt');
  const timed = ['/usr/bin/time', '-o', timeFile, '-f', '%e %U %S %M', ...command];
  const argv = cores === '' ? timed : ['taskset', '-c', cores, ...timed];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = existsSync(timeFile) ? readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '' : '';
      const [wall, user, sys, rss] = line.split(/\s+/).map(Number);
      resolve({ stdout, stderr, exitCode: code ?? -1, wallSeconds: wall ?? NaN, cpuSeconds: (user ?? NaN) + (sys ?? NaN), maxRssKb: rss ?? NaN });
    });
  });
}

export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Each figure's median over rounds of the same shape. */
export function medians<T extends Record<keyof T, number>>(rounds: readonly T[]): T {
  const keys = Object.keys(rounds[0] ?? {}) as Array<keyof T>;
  return Object.fromEntries(keys.map((key) => [key, median(rounds.map((round) => round[key]))])) as T;
}

export function machine(): Record<string, string | number> {
  const version = (command: string[]): string => {
    const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8' });
    return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] ?? '';
  };
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(Number(readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)?.[1] ?? 0) / 1024 / 1024),
    kernel: version(['uname', '-r']),
    node: process.version,
    nginx: version(['nginx', '-v']).replace('nginx version: ', ''),
    wrk: version(['wrk', '--version']).split(' ')[1] ?? '',
    hey: spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'hey'], { encoding: 'utf8' }).stdout ?? '',
    // Other work on the machine distorts absolute figures more than ratios: say how busy it was.
    loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}
