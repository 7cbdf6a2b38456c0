// The results panel's charts in a real VS Code (code-server + headless Chromium): the suite
// (./suite/charts.ts) runs a scenario and moves the mouse on the panel's charts through the chart page
// steps (./chart-steps.ts): one shared cursor, drag to zoom the charts and the tables, double-click to reset.
// Screenshots go to the artefacts (charts/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_STEPS } from './chart-steps';
import { PAGE_STEPS } from './page-steps';
import { REPO_ROOT, artifactsDirFor, buildSuite, describe, ensureSetup, exampleWorkspace, runInVSCode } from './run-vscode';

const SETUP_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 4 * 60_000;

test('the charts share one cursor, zoom by a drag with the tables, and reset by a double-click, in code-server', { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/charts.ts'), join(REPO_ROOT, 'out/test/suite-charts.js'));
  const workspace = exampleWorkspace();
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir: artifactsDirFor('charts'),
      pageSteps: { ...PAGE_STEPS, ...CHART_STEPS },
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    if (result.screenshots.length > 0) t.diagnostic(`screenshots: ${result.screenshots.join(', ')}`);
    const ok = result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0;
    assert.ok(ok, describe(result));
    assert.equal(result.summary!.passed.length, 2, describe(result));
    assert.ok(['chartHover', 'chartDrag', 'webviewScrollTo', 'chartDoubleClick'].every((name) => result.steps.some((s) => s.name === name && s.ok)), describe(result));
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
