// Runs a test suite inside a real VS Code: code-server (from the cache scripts/e2e/setup.sh fills) with
// headless Debian chromium driven by playwright-core, and the suite loaded into the extension host through
// the workbench's `payload` (extensionDevelopmentPath + extensionTestsPath), the same mechanism VS Code's
// own browser integration tests use. See docs/testing.md and ../shared/notes/vscode-e2e-offline.md.
//
// It builds only the suite (dist/ comes from `npm run build`), and it always cleans up: the browser, the
// server's whole process group (extension host and language server included) and the temporary dirs.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as esbuild from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { childEnv, killGroup, reapLeftovers, stopServer, waitForExit } from './processes';

export const REPO_ROOT = resolve(__dirname, '../..');
export const CODE_SERVER_VERSION = process.env.VOLLEY_CODE_SERVER_VERSION ?? '4.100.3';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The suite asks for a screenshot by logging this prefix and a name (see suite/screenshot.ts). */
export const SCREENSHOT_REQUEST = '[volley-e2e] screenshot ';
/** The suite's last word: a JSON summary of which tests passed and failed (see suite/harness.ts). */
export const RESULT_LINE = '[volley-e2e] result ';
/** The suite asks the runner to run a page step: this prefix, then `{ id, name, arg }` as JSON (see suite/helpers.ts). */
export const STEP_REQUEST = '[volley-e2e] step ';

/**
 * Something only the node side can do, run while the suite waits for it: look at or act on what a person
 * sees (the workbench, a webview's DOM, a notification) through playwright's Page. The suite asks for it
 * by name (`pageStep(name, arg)` in suite/helpers.ts); what it returns goes back to the suite as JSON, and
 * what it throws fails the suite's test with the same message.
 */
export type PageStep = (page: Page, arg: unknown) => Promise<unknown>;
const PAGE_STEP_TIMEOUT_MS = 20_000;

export function cacheDir(): string {
  return process.env.VOLLEY_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'volley');
}

export function codeServerDir(): string {
  return join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
}

export function codeServerReady(): boolean {
  return existsSync(join(codeServerDir(), '.volley-ready')) && existsSync(CHROMIUM);
}

/** Runs scripts/e2e/setup.sh (idempotent; seconds when the cache is warm, minutes when cold). */
export async function ensureSetup(timeoutMs = 15 * 60_000): Promise<void> {
  if (codeServerReady()) return;
  const child = spawn('bash', [join(REPO_ROOT, 'scripts/e2e/setup.sh')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, VOLLEY_CODE_SERVER_VERSION: CODE_SERVER_VERSION },
    detached: true,
  });
  const code = await waitForExit(child, timeoutMs);
  if (code === 'timeout') {
    killGroup(child, 'SIGKILL');
    throw new Error(`scripts/e2e/setup.sh did not finish in ${timeoutMs / 1000} s`);
  }
  if (code !== 0) throw new Error(`scripts/e2e/setup.sh failed (exit ${code}); its output is above`);
}

/** Bundles the in-extension-host suite to one CommonJS file, with `vscode` left to the extension host. */
export async function buildSuite(entry: string, outfile = join(REPO_ROOT, 'out/test/suite.js')): Promise<string> {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}

/** A temporary folder holding copies of the shipped examples: the workspace the editor opens. */
export function exampleWorkspace(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'volley-e2e-workspace-'));
  for (const name of readdirSync(join(REPO_ROOT, 'examples'))) {
    if (name.endsWith('.volley.yaml')) cpSync(join(REPO_ROOT, 'examples', name), join(workspace, name));
  }
  return workspace;
}

/**
 * Where one launch's screenshots go, emptied first: `out/test/e2e-artifacts/<launch>` (out/ is ignored by
 * git), or under $VOLLEY_E2E_ARTIFACTS_DIR.
 */
export function artifactsDirFor(launch: string): string {
  const dir = join(process.env.VOLLEY_E2E_ARTIFACTS_DIR ?? join(REPO_ROOT, 'out/test/e2e-artifacts'), launch);
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

export interface RunOptions {
  /** The folder VS Code opens. */
  workspace: string;
  /** The compiled suite (a .js file exporting `run(): Promise<void>`). */
  suite: string;
  /** The extension under development; the repository root by default (see `install` for the exception). */
  extensionPath?: string;
  /** Everything, from starting the server to the suite's exit. */
  timeoutMs?: number;
  /** Where screenshots go; a fresh temporary directory by default. Kept after the run. */
  artifactsDir?: string;
  /** Keep the temporary user-data, home and log directories (for debugging); printed in the result. */
  keepTemp?: boolean;
  /**
   * Leave workspace trust on (no `--disable-workspace-trust`, no trust setting), with the startup prompt
   * off: the workspace then opens untrusted, in restricted mode, as a folder from anywhere does.
   */
  workspaceTrust?: boolean;
  /**
   * .vsix files installed into the run's own extensions directory (`--install-extension`) before the
   * server starts. Without an `extensionPath`, a placeholder extension then stands in as the one under
   * development (the workbench loads test suites only through one), so the installed copy is what runs.
   */
  install?: string[];
  /** What the suite may ask the runner to do with the page, by name (see PageStep). */
  pageSteps?: Record<string, PageStep>;
  /**
   * A node-side phase after the suite has passed, with the same server and browser: what the suite
   * cannot do itself because it ends it, such as reloading the workbench. `reloadUrl` opens the same
   * folder with the extension under development but without the suite, so nothing runs twice. Its
   * value or error lands in `RunResult.afterSuite`; it is skipped when the suite failed.
   */
  afterSuite?: (page: Page, context: { reloadUrl: string }) => Promise<unknown>;
}

export interface PageStepRecord {
  name: string;
  ok: boolean;
  /** The value returned (ok) or the error's message. */
  detail: string;
  ms: number;
}

export interface RunResult {
  /** The code the workbench passed to codeAutomationExit; undefined when the run timed out or crashed. */
  exitCode: number | undefined;
  timedOut: boolean;
  /** The suite's own summary (see RESULT_LINE), when it got that far. */
  summary: { passed: string[]; failed: string[] } | undefined;
  /** Browser console, page errors and codeAutomationLog lines, in order. */
  log: string[];
  /** Processes still using the run's temporary directory after cleanup (killed, but a bug to report). */
  leftovers: string[];
  /** Server-side logs (extension host, language client output channel, ...) and the workbench's own. */
  logFiles: { path: string; contents: string }[];
  serverOutput: string;
  screenshots: string[];
  /** The page steps the suite asked for, in the order they finished. */
  steps: PageStepRecord[];
  /** What RunOptions.afterSuite returned or threw; undefined when there was none or it did not run. */
  afterSuite: { ok: true; value: unknown; ms: number } | { ok: false; error: string; ms: number } | undefined;
  artifactsDir: string;
  tempDir: string;
  elapsedMs: number;
}

export async function runInVSCode(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 180_000;
  const deadline = started + timeoutMs;
  const temp = mkdtempSync(join(tmpdir(), 'volley-e2e-'));
  const dirs = {
    home: join(temp, 'home'),
    userData: join(temp, 'user-data'),
    extensions: join(temp, 'extensions'),
    xdgConfig: join(temp, 'xdg/config'),
    xdgData: join(temp, 'xdg/data'),
    xdgCache: join(temp, 'xdg/cache'),
    xdgState: join(temp, 'xdg/state'),
    xdgRuntime: join(temp, 'xdg/runtime'),
    chromiumProfile: join(temp, 'chromium'),
    channel: join(temp, 'channel'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const artifactsDir = options.artifactsDir ?? join(temp, 'artifacts');
  mkdirSync(artifactsDir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  // Quiet, offline, deterministic: nothing opens on its own and nothing reaches for the network.
  writeFileSync(
    join(dirs.userData, 'User/settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'git.enabled': false,
      'git.autoRepositoryDetection': false,
      'npm.autoDetect': 'off',
      'typescript.disableAutomaticTypeAcquisition': true,
      // With trust on, no modal asks at startup: the folder simply opens in restricted mode.
      ...(options.workspaceTrust ? { 'security.workspace.trust.startupPrompt': 'never' } : { 'security.workspace.trust.enabled': false }),
    }),
  );

  const result: RunResult = {
    exitCode: undefined,
    timedOut: false,
    summary: undefined,
    log: [],
    logFiles: [],
    leftovers: [],
    serverOutput: '',
    screenshots: [],
    steps: [],
    afterSuite: undefined,
    artifactsDir,
    tempDir: temp,
    elapsedMs: 0,
  };
  const phase = (what: string) => result.log.push(`[runner] +${Date.now() - started} ms ${what}`);
  let server: ChildProcess | undefined;
  const serverOutput: string[] = [];
  let browser: BrowserContext | undefined;
  // Should this process exit or be interrupted before cleaning up, the server's group must not outlive it.
  const killOnExit = () => server && killGroup(server, 'SIGKILL');
  const killAndRaise = (signal: NodeJS.Signals) => {
    killOnExit();
    process.kill(process.pid, signal);
  };
  process.once('exit', killOnExit);
  process.once('SIGINT', killAndRaise);
  process.once('SIGTERM', killAndRaise);
  let page: Page | undefined;
  try {
    const entry = join(codeServerDir(), 'node_modules/code-server/out/node/entry.js');
    if (!existsSync(entry)) throw new Error(`code-server is not installed at ${codeServerDir()}; run scripts/e2e/setup.sh`);
    const env = childEnv({
      HOME: dirs.home,
      XDG_CONFIG_HOME: dirs.xdgConfig,
      XDG_DATA_HOME: dirs.xdgData,
      XDG_CACHE_HOME: dirs.xdgCache,
      XDG_STATE_HOME: dirs.xdgState,
      XDG_RUNTIME_DIR: dirs.xdgRuntime,
      VOLLEY_E2E_ARTIFACTS: artifactsDir,
      VOLLEY_E2E_CHANNEL: dirs.channel,
    });
    const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
    for (const vsix of options.install ?? []) {
      await installExtension(entry, resolve(vsix), common, { cwd: temp, env }, deadline);
      phase(`installed ${vsix}`);
    }
    server = spawn(
      process.execPath,
      [
        entry,
        '--auth', 'none',
        // Port 0: the kernel picks a free port and the server prints it, so there is no race for one.
        '--bind-addr', '127.0.0.1:0',
        '--disable-telemetry',
        '--disable-update-check',
        ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override',
        ...common,
        '--ignore-last-opened',
      ],
      {
        cwd: temp,
        // Its own process group, so the extension host and the language server go down with it.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env,
      },
    );
    server.stdout!.setEncoding('utf8').on('data', (chunk: string) => serverOutput.push(chunk));
    server.stderr!.setEncoding('utf8').on('data', (chunk: string) => serverOutput.push(chunk));
    const serverExited = waitForExit(server, timeoutMs);
    const address = await waitFor(
      () => /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(serverOutput.join(''))?.[1],
      deadline,
      serverExited,
      'code-server to listen',
    );
    await waitForHealth(address, deadline);
    phase(`code-server healthy at ${address}`);

    // A persistent context puts the profile in our temporary directory, which names every chromium
    // process on its command line: that is how the leftover check below finds them.
    browser = await chromium.launchPersistentContext(dirs.chromiumProfile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      timeout: Math.max(1000, deadline - Date.now()),
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    phase('chromium started');
    const currentPage = page;
    let exit!: (code: number) => void;
    const exited = new Promise<number>((resolveExit) => (exit = resolveExit));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      result.log.push(`[workbench ${type}] ${args.map(String).join(' ')}`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
      for (const file of logs ?? []) result.logFiles.push({ path: `browser/${file.relativePath}`, contents: file.contents });
      exit(code);
    });
    page.on('pageerror', (error) => result.log.push(`[page error] ${error.stack ?? error.message}`));
    page.on('console', (message) => {
      const text = message.text();
      // '%c'-styled lines are the workbench logger's echo of what codeAutomationLog already recorded.
      if (!text.startsWith('%c')) result.log.push(`[console ${message.type()}] ${text}`);
      const requested = text.indexOf(SCREENSHOT_REQUEST);
      if (requested >= 0) {
        const name = text.slice(requested + SCREENSHOT_REQUEST.length).trim().split(/\s/)[0]!;
        void screenshot(currentPage, artifactsDir, name).then(
          (file) => result.screenshots.push(file),
          (error: Error) => result.log.push(`[runner] screenshot ${name} failed: ${error.message}`),
        );
      }
      const stepAt = text.indexOf(STEP_REQUEST);
      if (stepAt >= 0) void runPageStep(currentPage, text.slice(stepAt + STEP_REQUEST.length), options.pageSteps ?? {}, dirs.channel, result);
      const summaryAt = text.indexOf(RESULT_LINE);
      if (summaryAt >= 0) {
        try {
          result.summary = JSON.parse(text.slice(summaryAt + RESULT_LINE.length));
        } catch {
          result.log.push('[runner] unreadable result line');
        }
      }
    });

    const authority = new URL(address).host;
    const remote = (path: string) => `vscode-remote://${authority}${resolve(path)}`;
    const developed = options.extensionPath ?? (options.install?.length ? placeholderExtension(temp) : REPO_ROOT);
    const payload = [
      ['extensionDevelopmentPath', remote(developed)],
      ['extensionTestsPath', remote(options.suite)],
    ];
    const workbenchUrl = (entries: string[][]) =>
      `${address}/?folder=${encodeURIComponent(resolve(options.workspace))}&payload=${encodeURIComponent(JSON.stringify(entries))}`;
    const url = workbenchUrl(payload);
    result.log.push(`[runner] ${url}`);
    await page.goto(url, { timeout: Math.max(1000, deadline - Date.now()) });

    const timeout = new AbortController();
    const outcome = await Promise.race([
      exited.then((code) => ({ kind: 'exit' as const, code })),
      serverExited.then((code) => ({ kind: 'server' as const, code })),
      sleep(Math.max(0, deadline - Date.now()), undefined, { signal: timeout.signal }).then(
        () => ({ kind: 'timeout' as const }),
        () => ({ kind: 'timeout' as const }),
      ),
    ]);
    timeout.abort();
    phase(`run ended: ${outcome.kind}`);
    if (outcome.kind === 'exit') {
      result.exitCode = outcome.code;
      const passed = outcome.code === 0 && result.summary !== undefined && result.summary.failed.length === 0;
      if (options.afterSuite && passed) {
        const afterStarted = Date.now();
        const reloadUrl = workbenchUrl(payload.filter(([key]) => key !== 'extensionTestsPath'));
        phase('after-suite phase');
        try {
          const value = await withTimeout(options.afterSuite(currentPage, { reloadUrl }), Math.max(1000, deadline - Date.now()), 'the after-suite phase');
          result.afterSuite = { ok: true, value, ms: Date.now() - afterStarted };
        } catch (error) {
          result.afterSuite = { ok: false, error: (error as Error).stack ?? String(error), ms: Date.now() - afterStarted };
          await screenshot(page, artifactsDir, 'after-suite-failed').then(
            (file) => result.screenshots.push(file),
            () => undefined,
          );
        }
        phase(`after-suite phase ${result.afterSuite.ok ? 'done' : 'failed'}`);
      }
    } else if (outcome.kind === 'server') result.log.push(`[runner] code-server exited early (${outcome.code})`);
    else {
      result.timedOut = true;
      result.log.push(`[runner] timed out after ${timeoutMs} ms`);
      // What the workbench showed when it stopped moving is the first thing to look at.
      await screenshot(page, artifactsDir, 'timeout').then(
        (file) => result.screenshots.push(file),
        () => undefined,
      );
    }
  } finally {
    await withTimeout(browser?.close(), 10_000).catch(() => undefined);
    phase('chromium closed');
    if (server) {
      await stopServer(server);
      phase('code-server stopped');
      result.serverOutput = serverOutput.join('');
      // The extension host and language server log on the server side, under the user-data dir.
      result.logFiles.push(...readLogs(join(dirs.userData, 'logs'), 'server'));
    }
    process.removeListener('exit', killOnExit);
    process.removeListener('SIGINT', killAndRaise);
    process.removeListener('SIGTERM', killAndRaise);
    result.leftovers = await reapLeftovers(temp);
    phase('leftover check done');
    if (!options.keepTemp) {
      // Screenshots in the default place keep their temporary directory; everything else goes.
      const keepArtifacts = !options.artifactsDir && result.screenshots.length > 0;
      if (keepArtifacts) for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
      else rmSync(temp, { recursive: true, force: true });
    }
    result.elapsedMs = Date.now() - started;
  }
  return result;
}

/** Everything a person needs to see why a run failed. */
export function describe(result: RunResult): string {
  const interesting = result.logFiles.filter((f) => /exthost|Volley|volley|renderer|remoteagent/i.test(f.path));
  const headline = [
    `exit code: ${result.exitCode ?? 'none'}${result.timedOut ? ' (timed out)' : ''}, ${result.elapsedMs} ms`,
    `summary: ${JSON.stringify(result.summary)}`,
    `page steps: ${result.steps.map((s) => `${s.name} ${s.ok ? 'ok' : `failed (${s.detail})`}`).join('; ') || 'none'}`,
    `after-suite phase: ${result.afterSuite === undefined ? 'none' : result.afterSuite.ok ? `ok in ${result.afterSuite.ms} ms` : `failed after ${result.afterSuite.ms} ms: ${result.afterSuite.error}`}`,
    `leftover processes: ${result.leftovers.join('; ') || 'none'}`,
  ];
  return [
    ...headline,
    `screenshots: ${result.screenshots.join(', ') || 'none'}`,
    '--- console ---',
    ...result.log.slice(-200),
    ...interesting.flatMap((f) => [`--- ${f.path} ---`, tail(f.contents, 80)]),
    '--- code-server output ---',
    tail(result.serverOutput, 60),
    // Again at the end: a CI log that keeps only the tail of a failure still shows what failed.
    '--- what failed (as above) ---',
    ...headline,
  ].join('\n');
}

/** `code-server --install-extension FILE.vsix`, into the run's own extensions directory. */
async function installExtension(
  entry: string,
  vsix: string,
  common: string[],
  spawnOptions: { cwd: string; env: NodeJS.ProcessEnv },
  deadline: number,
): Promise<void> {
  const child = spawn(process.execPath, [entry, ...common, '--install-extension', vsix], { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await waitForExit(child, Math.max(1000, deadline - Date.now()));
  if (code !== 0) {
    killGroup(child, 'SIGKILL');
    throw new Error(`installing ${vsix} failed (${code}):\n${output}`);
  }
  // code-server reports some failures on stdout and still exits 0.
  if (!/successfully installed/i.test(output)) throw new Error(`installing ${vsix} did not report success:\n${output}`);
}

/**
 * The workbench runs a test suite only through an extension under development; this one contributes
 * nothing, so the extensions that run are the installed ones.
 */
function placeholderExtension(temp: string): string {
  const dir = join(temp, 'placeholder-extension');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'e2e-placeholder', publisher: 'volley-e2e', version: '0.0.0', engines: { vscode: '*' } }),
  );
  return dir;
}

/**
 * Runs the step the suite asked for and answers in the channel directory, as `<id>.json`, written whole
 * (renamed into place), which the suite polls for.
 */
async function runPageStep(page: Page, request: string, steps: Record<string, PageStep>, channel: string, result: RunResult): Promise<void> {
  const started = Date.now();
  let id: string;
  let name: string;
  let arg: unknown;
  try {
    ({ id, name, arg } = JSON.parse(request) as { id: string; name: string; arg: unknown });
    if (!/^[\w-]+$/.test(id)) throw new Error(`bad step id ${JSON.stringify(id)}`);
  } catch (error) {
    result.log.push(`[runner] unreadable step request ${request}: ${(error as Error).message}`);
    return;
  }
  let answer: { ok: true; value: unknown } | { ok: false; error: string };
  try {
    const step = steps[name];
    if (!step) throw new Error(`the runner has no page step "${name}" (it has: ${Object.keys(steps).join(', ') || 'none'})`);
    const value = await withTimeout(step(page, arg), PAGE_STEP_TIMEOUT_MS);
    answer = { ok: true, value: value ?? null };
  } catch (error) {
    answer = { ok: false, error: `page step ${name}: ${(error as Error).message}` };
  }
  const detail = answer.ok ? JSON.stringify(answer.value) : answer.error;
  result.steps.push({ name, ok: answer.ok, detail: detail.length > 2000 ? `${detail.slice(0, 2000)}…` : detail, ms: Date.now() - started });
  result.log.push(`[runner] page step ${name}: ${answer.ok ? 'ok' : `failed: ${answer.error}`}`);
  const file = join(channel, `${id}.json`);
  try {
    writeFileSync(`${file}.partial`, JSON.stringify(answer));
    renameSync(`${file}.partial`, file);
  } catch (error) {
    // The run is over and its directories are gone: nobody waits for this answer any more.
    result.log.push(`[runner] page step ${name} answered too late: ${(error as Error).message}`);
  }
}

async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  const safe = name.replace(/[^\w.-]/g, '_');
  const file = join(dir, `${safe}.png`);
  const partial = `${file}.partial`;
  await page.screenshot({ path: partial, type: 'png', timeout: 10_000 });
  // The suite waits for the final name to appear, so it must appear whole.
  renameSync(partial, file);
  return file;
}

async function waitFor<T>(probe: () => T | undefined, deadline: number, failed: Promise<unknown>, what: string): Promise<T> {
  let gone = false;
  void failed.then(() => (gone = true));
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (gone) throw new Error(`code-server exited while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function waitForHealth(address: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      const response = await fetch(`${address}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`code-server at ${address} never became healthy`);
    await sleep(100);
  }
}

async function withTimeout<T>(promise: Promise<T> | undefined, ms: number, what = 'it'): Promise<T | undefined> {
  if (!promise) return undefined;
  const timer = new AbortController();
  try {
    return await Promise.race([promise, sleep(ms, undefined, { signal: timer.signal }).then(() => Promise.reject(new Error(`${what} timed out after ${ms} ms`)))]);
  } finally {
    timer.abort();
  }
}

function readLogs(root: string, label: string): { path: string; contents: string }[] {
  if (!existsSync(root)) return [];
  const files: { path: string; contents: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.log')) files.push({ path: `${label}/${relative(root, path)}`, contents: readFileSync(path, 'utf8') });
    }
  };
  walk(root);
  return files;
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}

export interface SuiteLaunch {
  /** The suite's file under test/e2e/suite, without `.ts`: `charts` runs suite/charts.ts. */
  suite: string;
  timeoutMs: number;
  /** How many of the suite's tests must pass (all of them: a suite that stops early passes fewer). */
  passed: number;
  pageSteps?: Record<string, PageStep>;
  workspaceTrust?: boolean;
  /** Where screenshots go; artifactsDirFor(suite) by default. */
  artifactsDir?: string;
}

/** The time a launch's node:test case needs: code-server's first install, the run, and a margin. */
export const launchTimeout = (runTimeoutMs: number): number => 15 * 60_000 + runTimeoutMs + 60_000;

/**
 * One suite in a fresh code-server on a copy of the examples: what every launch but the special ones
 * (packaged, shutdown) does the same way. Asserts the suite passed and no process outlived it; returns the
 * result for the launch's own assertions on page steps and screenshots.
 */
export async function launchSuite(t: { diagnostic(message: string): void }, launch: SuiteLaunch): Promise<RunResult> {
  if (!existsSync(join(REPO_ROOT, 'dist/extension.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  if (!codeServerReady()) t.diagnostic('code-server is not in the cache yet: installing it (a few minutes, once)');
  await ensureSetup();
  const suite = await buildSuite(join(REPO_ROOT, `test/e2e/suite/${launch.suite}.ts`), join(REPO_ROOT, `out/test/suite-${launch.suite}.js`));
  const workspace = exampleWorkspace();
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: launch.timeoutMs,
      artifactsDir: launch.artifactsDir ?? artifactsDirFor(launch.suite),
      workspaceTrust: launch.workspaceTrust,
      pageSteps: launch.pageSteps,
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    if (result.screenshots.length > 0) t.diagnostic(`screenshots: ${result.screenshots.join(', ')}`);
    const ok = result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0;
    if (!ok || result.summary!.passed.length !== launch.passed) {
      throw new Error(`the ${launch.suite} suite did not pass all ${launch.passed} tests\n${describe(result)}`);
    }
    if (result.leftovers.length > 0) throw new Error(`processes outlived the run (they have been killed now): ${result.leftovers.join('; ')}`);
    return result;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}
