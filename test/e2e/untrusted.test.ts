// An untrusted workspace in a real VS Code: code-server started with workspace trust left on (no
// --disable-workspace-trust), so the folder opens in restricted mode. The suite (./suite/untrusted.ts)
// checks that IntelliSense and the imports work and that no run starts; the runner reads the refusal's notification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PAGE_STEPS } from './page-steps';
import { REPO_ROOT, artifactsDirFor, buildSuite, describe, ensureSetup, exampleWorkspace, runInVSCode } from './run-vscode';

const SETUP_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 2 * 60_000;

test('in an untrusted workspace IntelliSense and imports work and runs are refused', { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/untrusted.ts'), join(REPO_ROOT, 'out/test/suite-untrusted.js'));
  const workspace = exampleWorkspace();
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir: artifactsDirFor('untrusted'),
      workspaceTrust: true,
      pageSteps: PAGE_STEPS,
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    const ok = result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0;
    assert.ok(ok, describe(result));
    assert.equal(result.summary!.passed.length, 4, describe(result));
    assert.ok(result.steps.some((s) => s.name === 'notification' && s.ok), describe(result));
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
