// Shared by the CLI tests: the engine bundle built once per test file (the real dist/engine.js build,
// into a temp dir, so a stale or half-built dist/ never matters), and spawning it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const root = resolve(__dirname, '../..');

export interface Workspace {
  dir: string;
  engine: string;
  file(name: string, text: string): string;
  cleanup(): void;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'volley-cli-'));
  const engine = join(dir, 'engine.js');
  // The same options as scripts/build.mjs uses for dist/engine.js.
  buildSync({
    entryPoints: [join(root, 'src/engine/main.ts')],
    outfile: engine,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
    banner: { js: '#!/usr/bin/env node' },
  });
  return {
    dir,
    engine,
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  stderrSoFar(): string;
  finished: Promise<Finished>;
}

export function spawnVolley(ws: Workspace, args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [ws.engine, ...args], {
    cwd: ws.dir,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const finished = new Promise<Finished>((done) => {
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
  // Never let a test leave an engine running.
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  timer.unref();
  void finished.then(() => clearTimeout(timer));
  return { child, stderrSoFar: () => stderr, finished };
}

export function volley(ws: Workspace, args: string[], env?: Record<string, string>): Promise<Finished> {
  return spawnVolley(ws, args, env).finished;
}

export interface NdjsonEvent {
  type: string;
  [key: string]: unknown;
}

/** Whole lines only: a line being written when a process died is not an event. */
export function readNdjson(path: string): NdjsonEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
  return complete
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as NdjsonEvent);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A free port on 127.0.0.1 (for commands that take a port rather than a server). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** A small constant-arrival-rate scenario against baseUrl; every load bounded by rate × duration. */
export function scenario(baseUrl: string, opts: { rate?: number; duration?: string; thresholds?: string; extraStep?: string; gracefulStop?: string } = {}): string {
  return `name: cli test
baseUrl: ${baseUrl}
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: ${opts.rate ?? 20}
    timeUnit: 1s
    duration: ${opts.duration ?? '2s'}
    preAllocatedVUs: 4
    maxVUs: 8
    gracefulStop: ${opts.gracefulStop ?? '2s'}
    flow:
      - name: list products
        get: /products?page={{ iteration % 10 }}
        check: { status: 200 }
        capture: { firstId: json.items[0].id }
      - name: add to cart
        post: /cart
        json: { id: "{{ firstId }}", user: "u-{{ vu }}" }
${opts.extraStep ?? ''}${opts.thresholds ? `thresholds:\n${opts.thresholds}\n` : ''}`;
}
