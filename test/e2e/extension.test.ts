// The extension inside a real VS Code (code-server + headless chromium): the suite in ./suite runs in the
// extension host against a temporary workspace holding the examples, and the runner's page steps
// (./page-steps.ts) look at the results webview's DOM for it. Needs dist/ (`npm run build`, which
// `npm test` and `npm run test:e2e` do first); installs code-server into the cache on first use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_STEPS } from './page-steps';
import { REPO_ROOT, artifactsDirFor, buildSuite, codeServerReady, describe, ensureSetup, exampleWorkspace, runInVSCode } from './run-vscode';

const SETUP_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 3 * 60_000;

test('the extension passes its suite inside code-server', { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  if (!codeServerReady()) t.diagnostic('code-server is not in the cache yet: installing it (a few minutes, once)');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/index.ts'));
  const workspace = exampleWorkspace();
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir: artifactsDirFor('extension'),
      pageSteps: PAGE_STEPS,
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
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
