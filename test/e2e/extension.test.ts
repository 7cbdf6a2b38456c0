// The extension inside a real VS Code (code-server + headless chromium): the suite in ./suite runs in the
// extension host against a temporary workspace holding the examples. Needs dist/ (`npm run build`, which
// `npm test` and `npm run test:e2e` do first); installs code-server into the cache on first use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, buildSuite, codeServerReady, describe, ensureSetup, runInVSCode } from './run-vscode';

const SETUP_TIMEOUT_MS = 15 * 60_000;
const RUN_TIMEOUT_MS = 3 * 60_000;

test('the extension passes its suite inside code-server', { timeout: SETUP_TIMEOUT_MS + RUN_TIMEOUT_MS + 60_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/extension.js')), 'dist/ is missing: run `npm run build` first');
  if (!codeServerReady()) t.diagnostic('code-server is not in the cache yet: installing it (a few minutes, once)');
  await ensureSetup(SETUP_TIMEOUT_MS);
  const suite = await buildSuite(join(__dirname, 'suite/index.ts'));

  const workspace = mkdtempSync(join(tmpdir(), 'volley-e2e-workspace-'));
  for (const name of readdirSync(join(REPO_ROOT, 'examples'))) {
    if (name.endsWith('.volley.yaml')) cpSync(join(REPO_ROOT, 'examples', name), join(workspace, name));
  }
  // Screenshots land where a person finds them after a run (out/ is ignored by git); each run starts afresh.
  const artifactsDir = process.env.VOLLEY_E2E_ARTIFACTS_DIR ?? join(REPO_ROOT, 'out/test/e2e-artifacts');
  rmSync(artifactsDir, { recursive: true, force: true });
  try {
    const result = await runInVSCode({
      workspace,
      suite,
      timeoutMs: RUN_TIMEOUT_MS,
      artifactsDir,
      keepTemp: process.env.VOLLEY_E2E_KEEP === '1',
    });
    t.diagnostic(`ran in ${result.elapsedMs} ms; passed: ${result.summary?.passed.join('; ') ?? 'none'}`);
    if (result.screenshots.length > 0) t.diagnostic(`screenshots: ${result.screenshots.join(', ')}`);
    const ok = result.exitCode === 0 && result.summary !== undefined && result.summary.failed.length === 0;
    assert.ok(ok, describe(result));
    assert.ok(result.summary!.passed.length >= 3, describe(result));
    assert.deepEqual(result.leftovers, [], 'processes outlived the run (they have been killed now)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
