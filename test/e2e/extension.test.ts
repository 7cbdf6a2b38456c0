// The extension inside a real VS Code (code-server + headless chromium): the suite in ./suite runs in the
// extension host against a temporary workspace holding the examples, and the runner's page steps
// (./page-steps.ts) look at the results webview's DOM for it. Needs dist/ (`npm run build`, which
// `npm test` and `npm run test:e2e` do first); installs code-server into the cache on first use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PAGE_STEPS, readWebview, type WebviewFacts } from './page-steps';
import { runFromPalette, waitForStoredTab } from './workbench';
import { REPO_ROOT, artifactsDirFor, buildSuite, codeServerReady, describe, ensureSetup, exampleWorkspace, runInVSCode } from './run-vscode';

const SETUP_TIMEOUT_MS = 15 * 60_000;
/** The diagnosed run's panel (suite/results.ts), which the reload phase expects back. */
const RUN_TITLE = 'e2e-apply.volley.yaml';
/** From opening the workbench again to the restored panel showing its run. */
const RESTORE_TIMEOUT_MS = 45_000;

interface Reloaded {
  before: WebviewFacts;
  after: WebviewFacts;
  /** The compare view, when the workbench had saved its tab before the reload (it saves its layout at moments of its own). */
  compareAfter: WebviewFacts | null;
  restoredInMs: number;
  /** Whether the first reload already showed the run tab the suite's workbench had stored. */
  restoredFromSuite: boolean;
}

/**
 * After the suite: the workbench reloaded (same folder and extension, without the suite). The results
 * panels come back through the extension's WebviewPanelSerializer when their tabs are shown, as a person
 * would show them: the run panel's DOM is read before and after, so the test can say it shows the same run.
 *
 * The suite's extension host is gone before the page is left, and with it the panel's serializer: a
 * workbench that saves its layout in that moment stores the group without the tab (seen in CI). So the
 * first reload only brings the run back into a workbench whose extension is alive (restored, or shown with
 * "Volley: Show Results" as a person would), waits until the workbench has stored its tab, and the second
 * reload is the one checked.
 */
const reloadPhase = (artifactsDir: string) => async (page: Page, { reloadUrl }: { reloadUrl: string }): Promise<Reloaded> => {
  const before = await readWebview(page, RUN_TITLE);
  const tabs = page.locator('.tabs-container .tab');
  // The tab as the workbench last saved it: its title may be that of an earlier view of the same run
  // (the live run's), since the web workbench saves its layout at moments of its own.
  const runTab = tabs.filter({ hasText: `Volley: ${RUN_TITLE}` }).filter({ hasNotText: '↔' }).first();

  await page.goto(reloadUrl);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: RESTORE_TIMEOUT_MS });
  const restoredFromSuite = await runTab.waitFor({ state: 'visible', timeout: 15_000 }).then(
    () => true,
    () => false,
  );
  if (!restoredFromSuite) {
    await runFromPalette(page, RUN_TITLE, 'Volley: Show Results');
    await runTab.waitFor({ state: 'visible', timeout: RESTORE_TIMEOUT_MS });
  }
  if (!(await waitForStoredTab(page, `Volley: ${RUN_TITLE}`, RESTORE_TIMEOUT_MS))) {
    throw new Error(`the workbench did not store the tab "Volley: ${RUN_TITLE}" within ${RESTORE_TIMEOUT_MS} ms`);
  }

  await page.goto(reloadUrl);
  const started = Date.now();
  const deadline = started + RESTORE_TIMEOUT_MS;
  const left = () => Math.max(1000, deadline - Date.now());
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: left() });
  await runTab.waitFor({ state: 'visible', timeout: left() });
  let compareAfter: WebviewFacts | null = null;
  const compareTab = tabs.filter({ hasText: '↔' }).first();
  if ((await compareTab.count()) > 0) {
    await compareTab.click({ timeout: left() });
    compareAfter = await readWebview(page, 'Compare two runs', left());
  }
  await runTab.click({ timeout: left() });
  // The serializer re-reads the run file; the summary is there once the per-step table is.
  for (;;) {
    const after = await readWebview(page, RUN_TITLE, left());
    if (after.tables.some((t) => t.caption === 'Per step') || Date.now() > deadline) {
      await page.screenshot({ path: join(artifactsDir, 'after-reload.png') }).catch(() => undefined);
      return { before, after, compareAfter, restoredInMs: Date.now() - started, restoredFromSuite };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
};

const stepRows = (facts: WebviewFacts) => facts.tables.find((t) => t.caption === 'Per step')?.rows.map((r) => r.slice(0, 2));

const RUN_TIMEOUT_MS = 4 * 60_000;

test('the extension passes its suite inside code-server', { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  if (!codeServerReady()) t.diagnostic('code-server is not in the cache yet: installing it (a few minutes, once)');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/index.ts'));
  const workspace = exampleWorkspace();
  const artifactsDir = artifactsDirFor('extension');
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir,
      pageSteps: PAGE_STEPS,
      afterSuite: reloadPhase(artifactsDir),
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    if (result.screenshots.length > 0) t.diagnostic(`screenshots: ${result.screenshots.join(', ')}`);
    const ok = result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0;
    assert.ok(ok, describe(result));
    assert.ok(result.summary!.passed.length >= 12, describe(result));
    // The webview was looked at from the page, not only through what the extension was told.
    assert.ok(result.steps.filter((s) => s.name === 'webviewFacts' && s.ok).length >= 2, describe(result));
    // Every provider names the schemes it serves (VS Code logs this once for an extension under development).
    const exthostLog = result.logFiles.filter((f) => f.path.includes('exthost')).map((f) => f.contents).join('\n');
    assert.ok(exthostLog.length > 0, 'no extension host log to check');
    assert.doesNotMatch(exthostLog, /'volley\.volley' uses a document selector without scheme/);
    // The reload phase: the panel came back showing the same run.
    assert.ok(result.afterSuite?.ok, describe(result));
    const { before, after, compareAfter, restoredInMs, restoredFromSuite } = result.afterSuite.value as Reloaded;
    t.diagnostic(`the results panel was restored ${restoredInMs} ms after the reload (the suite's workbench had ${restoredFromSuite ? '' : 'not '}stored its tab)`);
    assert.match(before.title, /^e2e-apply\.volley\.yaml › apply · /);
    assert.ok(after.title.startsWith(RUN_TITLE), after.title);
    // The same run: everything under the title as before the reload.
    assert.deepEqual(after.headings.slice(1), before.headings.slice(1));
    assert.deepEqual(after.thresholds, before.thresholds);
    assert.ok(stepRows(before)?.length === 2, JSON.stringify(before.tables));
    assert.deepEqual(stepRows(after), stepRows(before));
    assert.deepEqual(after.buttons, before.buttons);
    assert.equal(after.charts.length, 7, JSON.stringify(after.charts));
    for (const chart of after.charts) assert.ok(chart.painted, `chart "${chart.caption}" is blank after the reload`);
    if (compareAfter) {
      assert.ok(compareAfter.headings.includes('Differences'), JSON.stringify(compareAfter.headings));
      assert.equal(compareAfter.charts.filter((c) => c.painted && c.dashedSwatches > 0).length, 7, JSON.stringify(compareAfter.charts));
    } else t.diagnostic('the workbench had not saved the compare tab before the reload: only the run panel was checked');
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
