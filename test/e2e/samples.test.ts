// Failure samples in a real VS Code (code-server + headless chromium): the suite (./suite/samples.ts) runs
// a scenario with a failing step, then opens its samples from the results panel's error table and from the
// hover of the step's inline figure; the page steps (./samples-steps.ts) act on the page and screenshot
// the table, the hover and the panel the hover's link opened (out/test/e2e-artifacts/samples/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_STEPS } from './page-steps';
import { samplesSteps } from './samples-steps';
import { REPO_ROOT, artifactsDirFor, buildSuite, describe, ensureSetup, exampleWorkspace, runInVSCode } from './run-vscode';

const SETUP_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 5 * 60_000;

test("a failed step's samples open from the error table and from the inline hover", { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/samples.ts'), join(REPO_ROOT, 'out/test/suite-samples.js'));
  const workspace = exampleWorkspace();
  const artifactsDir = artifactsDirFor('samples');
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir,
      pageSteps: { ...PAGE_STEPS, ...samplesSteps(artifactsDir) },
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    const ok = result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0;
    assert.ok(ok, describe(result));
    assert.equal(result.summary!.passed.length, 4, describe(result));
    for (const name of ['samples-error-table', 'samples-inline-hover', 'samples-from-hover']) {
      assert.ok(existsSync(join(artifactsDir, `${name}.png`)), `no screenshot ${name}.png in ${artifactsDir}`);
    }
    t.diagnostic(`screenshots: ${artifactsDir}`);
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
