// Debug One Iteration in a real VS Code (code-server + headless chromium): the suite (./suite/debug.ts)
// runs in the extension host; the page step below opens the first step of the panel's list as a person
// would (a click on its summary) and reads what it shows. Screenshots go to out/test/e2e-artifacts/debug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_STEPS, webviewFrame } from './page-steps';
import type { PageStep } from './run-vscode';
import { REPO_ROOT, artifactsDirFor, buildSuite, codeServerReady, describe, ensureSetup, exampleWorkspace, runInVSCode } from './run-vscode';

const SETUP_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 3 * 60_000;

/** The debug list's step summaries, and the text of the first step once its summary is clicked open. */
const debugSteps: PageStep = async (page, arg) => {
  const frame = await webviewFrame(page, (arg as { title?: string } | null)?.title);
  const summaries = frame.locator('details.debug-step > summary');
  await summaries.first().waitFor({ state: 'visible', timeout: 10_000 });
  const texts = (await summaries.allTextContents()).map((t) => t.trim());
  await summaries.first().click();
  const body = frame.locator('details.debug-step').first().locator('pre').first();
  await body.waitFor({ state: 'visible', timeout: 10_000 });
  const expanded = (await frame.locator('details.debug-step').first().locator('pre').allTextContents()).join('\n');
  const headings = (await frame.locator('h1, h2').allTextContents()).map((t) => t.trim());
  return { summaries: texts, expanded, headings };
};

test('Debug One Iteration: the steps in the panel, and the quick fix makes the next debug run pass', { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  if (!codeServerReady()) t.diagnostic('code-server is not in the cache yet: installing it (a few minutes, once)');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/debug.ts'), join(REPO_ROOT, 'out/test/suite-debug.js'));
  const workspace = exampleWorkspace();
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir: artifactsDirFor('debug'),
      pageSteps: { ...PAGE_STEPS, debugSteps },
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    if (result.screenshots.length > 0) t.diagnostic(`screenshots: ${result.screenshots.join(', ')}`);
    const ok = result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0;
    assert.ok(ok, describe(result));
    assert.equal(result.summary!.passed.length, 1, describe(result));
    assert.ok(result.steps.filter((s) => s.name === 'debugSteps' && s.ok).length >= 2, describe(result));
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
