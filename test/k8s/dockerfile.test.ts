// The engine image without a Docker engine (none runs on these machines): the Dockerfile's COPY lines are
// replayed into a temporary root, filtered by .dockerignore as `docker build` filters its context, and the
// ENTRYPOINT then runs from that root against a loopback server. What this cannot check is the base image;
// what it does check is that the files the image gets are all the engine needs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { workspace, type Workspace } from '../cli/helpers';
import { startTarget, type Target } from '../support/target';

const root = resolve(__dirname, '../..');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** .dockerignore as used here: `*` then `!path` exceptions. */
function includedInContext(path: string): boolean {
  const rules = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  let included = true;
  for (const rule of rules) {
    if (rule === '*') included = false;
    else if (rule.startsWith('!') && rule.slice(1) === path) included = true;
    else if (rule === path) included = false;
  }
  return included;
}

let ws: Workspace;
let imageRoot: string;
let target: Target;
let baseUrl: string;

before(async () => {
  ws = workspace();
  imageRoot = mkdtempSync(join(tmpdir(), 'volley-image-'));
  target = await startTarget();
  baseUrl = target.url;
});

after(async () => {
  ws.cleanup();
  rmSync(imageRoot, { recursive: true, force: true });
  await target.close();
});

/** Replays WORKDIR and COPY into `imageRoot`; the context's dist/engine.js is the freshly built bundle. */
function assembleImage(): { entrypoint: string[]; cmd: string[]; workdir: string } {
  let workdir = '/';
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  for (const line of instructions) {
    const [op, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (op === 'WORKDIR') workdir = args;
    else if (op === 'COPY') {
      const [source, destination] = rest;
      assert.ok(source && destination, line);
      assert.ok(includedInContext(source), `${source} is excluded from the build context by .dockerignore`);
      const from = source === 'dist/engine.js' ? ws.engine : join(root, source);
      assert.ok(existsSync(from), `${source} exists in the build context`);
      const to = destination.endsWith('/') ? join(imageRoot, workdir, destination, source.split('/').pop()!) : join(imageRoot, workdir, destination);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
    } else if (op === 'RUN' && args.startsWith('mkdir ')) {
      mkdirSync(join(imageRoot, args.split(/\s+/)[1]!), { recursive: true });
    } else if (op === 'ENTRYPOINT') entrypoint = JSON.parse(args) as string[];
    else if (op === 'CMD') cmd = JSON.parse(args) as string[];
  }
  return { entrypoint, cmd, workdir };
}

test('the image holds everything the engine needs: its entrypoint runs a load test from the copied files alone', async () => {
  const { entrypoint, cmd, workdir } = assembleImage();
  assert.equal(entrypoint[0], 'node');
  const script = join(imageRoot, entrypoint[1]!);
  assert.ok(existsSync(script), `${entrypoint[1]} is in the image`);
  const cwd = join(imageRoot, workdir);
  mkdirSync(cwd, { recursive: true });

  const help = spawnSync(process.execPath, [script, ...cmd], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: volley COMMAND/);

  writeFileSync(
    join(cwd, 'smoke.volley.yaml'),
    `name: image smoke\nbaseUrl: ${baseUrl}\nscenarios:\n  once:\n    executor: shared-iterations\n    vus: 2\n    iterations: 10\n    flow:\n      - get: /\n        check: { status: 200 }\nthresholds:\n  checks: [rate==1]\n`,
  );
  // Asynchronously: the target server lives in this process and must keep answering.
  const run = await new Promise<{ status: number | null; stderr: string }>((done) => {
    const child = spawn(process.execPath, [script, 'run', 'smoke.volley.yaml', '--summary-export', 'summary.json', '--no-store'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 30_000,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => done({ status, stderr }));
  });
  assert.equal(run.status, 0, run.stderr);
  const summary = JSON.parse(readFileSync(join(cwd, 'summary.json'), 'utf8')) as { metrics: Record<string, { count?: number }> };
  assert.equal(summary.metrics.http_reqs?.count, 10);
});
