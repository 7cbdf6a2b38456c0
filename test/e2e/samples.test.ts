// Failure samples in a real VS Code (code-server + headless chromium): the suite (./suite/samples.ts) runs
// a scenario with a failing step, then opens its samples from the results panel's error table and from the
// hover of the step's inline figure; the page steps (./samples-steps.ts) act on the page and screenshot
// the table, the hover and the panel the hover's link opened (out/test/e2e-artifacts/samples/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_STEPS } from './page-steps';
import { samplesSteps } from './samples-steps';
import { artifactsDirFor, launchSuite, launchTimeout } from './run-vscode';

const RUN_TIMEOUT_MS = 5 * 60_000;

test("a failed step's samples open from the error table and from the inline hover", { timeout: launchTimeout(RUN_TIMEOUT_MS) }, async (t) => {
  const artifactsDir = artifactsDirFor('samples');
  await launchSuite(t, { suite: 'samples', timeoutMs: RUN_TIMEOUT_MS, passed: 4, artifactsDir, pageSteps: { ...PAGE_STEPS, ...samplesSteps(artifactsDir) } });
  for (const name of ['samples-error-table', 'samples-inline-hover', 'samples-from-hover']) {
    assert.ok(existsSync(join(artifactsDir, `${name}.png`)), `no screenshot ${name}.png in ${artifactsDir}`);
  }
});
