// Results that leave the editor, in a real VS Code (code-server + headless chromium): the suite
// (./suite/baseline.ts) sets volley.baseline, runs against a target made slower and reads the inline figures
// and Problems; then clicks the panel's Export HTML Report and answers the save dialog (the runner's page steps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_STEPS } from './page-steps';
import { REPO_ROOT, artifactsDirFor, buildSuite, describe, ensureSetup, exampleWorkspace, runInVSCode } from './run-vscode';

const SETUP_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 4 * 60_000;

test('volley.baseline in the inline review and Problems; Export HTML Report from the panel', { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/baseline.ts'), join(REPO_ROOT, 'out/test/suite-baseline.js'));
  const workspace = exampleWorkspace();
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir: artifactsDirFor('baseline'),
      pageSteps: PAGE_STEPS,
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    assert.ok(result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0, describe(result));
    assert.equal(result.summary!.passed.length, 2, describe(result));
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
