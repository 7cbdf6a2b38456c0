// Nothing outlives the editor, and nothing is loaded on another machine unasked, in a real VS Code.
// The suite (./suite/shutdown.ts) starts a long run against the loopback server started here and leaves
// it running. After the suite (the workbench stops the extension host when run() settles, which
// deactivates the extension) the engine must be gone and the server's connections closed. Then, in the
// workbench opened again without the suite (a workbench running tests refuses to show dialogs): a file
// whose baseUrl is a documentation address (192.0.2.10) is run from the Command Palette, the modal is
// read and declined, and no engine and no run file appear (so not a packet is sent); the long run is
// started the same way and the page navigated away: again the engine must go, and its connections too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { startTarget, type Target } from '../support/target';
import { PAGE_STEPS, answerDialog, type DialogFacts } from './page-steps';
import { runFromPalette } from './workbench';
import { REPO_ROOT, artifactsDirFor, buildSuite, describe, ensureSetup, exampleWorkspace, runInVSCode } from './run-vscode';

const SETUP_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 2 * 60_000;
// Keep in step with ./suite/shutdown.ts.
const REMOTE_FILE = 'e2e-remote.volley.yaml';
const REMOTE_HOST = '192.0.2.10';
const RUN_COMMAND = 'Volley: Run Load Test';
const LONG_FILE = 'e2e-window.volley.yaml';
const ENGINE_FACTS = 'e2e-engine.json';
/** How long the engine and its connections may take to go once the extension host stops or the window closes. */
const GONE_WITHIN_MS = 5000;

interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

/** A living process (a zombie counts as gone: PID 1 here reaps late). */
function proc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') return undefined;
    return { pid, ppid: Number(ppid), cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() };
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
}

/**
 * This workspace's engine processes (dist/engine.js of this checkout, run in the workspace), whoever their
 * parent now is, each with its parent when that is an extension host.
 */
function workspaceEngines(workspace: string): { engine: ProcInfo; host: ProcInfo | undefined }[] {
  const script = join(REPO_ROOT, 'dist/engine.js');
  const found: { engine: ProcInfo; host: ProcInfo | undefined }[] = [];
  for (const pid of allPids()) {
    const engine = proc(pid);
    if (!engine?.cmdline.includes(script)) continue;
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    if (cwd !== workspace) continue;
    const parent = proc(engine.ppid);
    found.push({ engine, host: parent && /--type=extensionHost/.test(parent.cmdline) ? parent : undefined });
  }
  return found;
}

async function within<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

function runFiles(workspace: string): string[] {
  const dir = join(workspace, '.volley/runs');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

interface ShutdownFacts {
  afterSuite: { enginePid: number; goneInMs: number; requests: number };
  remote: DialogFacts;
  windowClose: { enginePid: number; hostPid: number; requestsWhileOpen: number; goneInMs: number; hostAlive: boolean };
}

const shutdownPhase =
  (workspace: string, target: Target, artifactsDir: string) =>
  async (page: Page, { reloadUrl }: { reloadUrl: string }): Promise<ShutdownFacts> => {
    // 1. The suite ended with its long run going; the workbench stopped the extension host (deactivate).
    const facts = JSON.parse(readFileSync(join(workspace, ENGINE_FACTS), 'utf8')) as { enginePid: number; hostPid: number };
    const first = await within(
      `engine ${facts.enginePid} gone and the target's connections closed after the extension host stopped (open: ${target.open})`,
      () => (proc(facts.enginePid) === undefined && target.open === 0 ? true : undefined),
      GONE_WITHIN_MS,
    );
    const afterSuite = { enginePid: facts.enginePid, goneInMs: first.ms, requests: target.requests };
    assert.deepEqual(workspaceEngines(workspace), [], 'an engine of this workspace is still running');

    // 2. The workbench again (no suite: only then does it show modal dialogs).
    await page.goto(reloadUrl);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.monaco-workbench .part.editor').waitFor({ state: 'visible', timeout: 10_000 });

    // 3. A target that is not this machine: the modal is read, then declined; nothing may start.
    const filesBefore = runFiles(workspace);
    await runFromPalette(page, REMOTE_FILE, RUN_COMMAND);
    await answerDialog(page, REMOTE_HOST, undefined, 40_000);
    await page.screenshot({ path: join(artifactsDir, 'remote-host-modal.png') }).catch(() => undefined);
    const remote = await answerDialog(page, REMOTE_HOST, 'Cancel');
    // Absence needs a window to be seen in: an engine forks within milliseconds of the answer.
    await sleep(2000);
    assert.deepEqual(workspaceEngines(workspace), [], 'an engine started after Cancel');
    assert.deepEqual(runFiles(workspace), filesBefore, 'a run file was created after Cancel');

    // 4. The long run started by hand, then the window navigated away.
    await runFromPalette(page, LONG_FILE, RUN_COMMAND);

    const { value: started } = await within('an engine started by the reopened window', () => workspaceEngines(workspace)[0], 20_000);
    assert.ok(started.host, `engine ${started.engine.pid}'s parent ${started.engine.ppid} is not an extension host`);
    const running = { engine: started.engine, host: started.host };
    assert.notEqual(running.engine.pid, facts.enginePid);
    const before = target.requests;
    await within('requests and an open connection from the new run', () => (target.requests > before + 5 && target.open > 0 ? true : undefined), 15_000);
    const requestsWhileOpen = target.requests;
    await page.screenshot({ path: join(artifactsDir, 'window-run.png') }).catch(() => undefined);

    // Navigating away is what closing the tab (or the window) does to the workbench.
    const closedAt = Date.now();
    await page.goto('about:blank');
    try {
      await within(
        `engine ${running.engine.pid} gone and the target's connections closed after the window closed`,
        () => (proc(running.engine.pid) === undefined && target.open === 0 ? true : undefined),
        GONE_WITHIN_MS,
      );
    } catch (error) {
      const engine = proc(running.engine.pid);
      throw new Error(
        `${(error as Error).message}; engine ${engine ? `alive (parent ${engine.ppid})` : 'gone'}, ` +
          `extension host ${proc(running.host.pid) ? 'alive' : 'gone'}, open connections ${target.open}, requests since ${target.requests - requestsWhileOpen}`,
      );
    }
    return {
      afterSuite,
      remote,
      windowClose: {
        enginePid: running.engine.pid,
        hostPid: running.host.pid,
        requestsWhileOpen,
        goneInMs: Date.now() - closedAt,
        hostAlive: proc(running.host.pid) !== undefined,
      },
    };
  };

function longScenario(baseUrl: string): string {
  return `# e2e: a long run (bounded: 2 VUs, 60 s) that the window closes under
baseUrl: ${baseUrl}
scenarios:
  hold:
    executor: constant-vus
    vus: 2
    duration: 60s
    gracefulStop: 1s
    flow:
      - name: home
        get: /
      - think: 100ms
`;
}

// 192.0.2.0/24 is TEST-NET-1 (RFC 5737): documentation only, never routed. Nothing may be sent to it.
const REMOTE_SCENARIO = `# e2e: a target that is not this machine; the run must be declined
baseUrl: http://192.0.2.10:8080
scenarios:
  remote:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
      - get: /
`;

test('nothing outlives the editor, and a remote target is not loaded unasked', { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/shutdown.ts'), join(REPO_ROOT, 'out/test/suite-shutdown.js'));
  const workspace = exampleWorkspace();
  const target = await startTarget();
  const artifactsDir = artifactsDirFor('shutdown');
  try {
    writeFileSync(join(workspace, REMOTE_FILE), REMOTE_SCENARIO);
    writeFileSync(join(workspace, LONG_FILE), longScenario(target.url));
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir,
      pageSteps: PAGE_STEPS,
      afterSuite: shutdownPhase(workspace, target, artifactsDir),
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    const ok = result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0;
    assert.ok(ok, describe(result));
    assert.equal(result.summary!.passed.length, 2, describe(result));
    assert.ok(result.afterSuite?.ok, describe(result));
    const facts = result.afterSuite.value as ShutdownFacts;
    t.diagnostic(`after the suite: engine gone ${facts.afterSuite.goneInMs} ms into the phase; window closed: engine gone in ${facts.windowClose.goneInMs} ms (extension host ${facts.windowClose.hostAlive ? 'still alive' : 'gone'})`);
    assert.ok(facts.afterSuite.requests > 0, 'the suite-started run sent no request');
    assert.match(facts.remote.message, /sends load to 192\.0\.2\.10\b.*not this machine/, facts.remote.message);
    assert.match(facts.remote.detail, /volley\.run\.confirmRemoteHosts/);
    assert.ok(facts.remote.buttons.includes('Run') && facts.remote.buttons.includes('Cancel'), JSON.stringify(facts.remote.buttons));
    assert.equal(facts.remote.clicked, 'Cancel');
    assert.ok(facts.windowClose.goneInMs <= GONE_WITHIN_MS + 500, JSON.stringify(facts));
    // Only the two long runs wrote run files; the declined one did not.
    const written = runFiles(workspace);
    assert.equal(written.length, 2, JSON.stringify(written));
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    await target.close();
    rmSync(workspace, { recursive: true, force: true });
  }
});
