// An untrusted workspace in a real VS Code: code-server started with workspace trust left on (no
// --disable-workspace-trust), so the folder opens in restricted mode. The suite (./suite/untrusted.ts)
// checks that IntelliSense and the imports work and that no run starts; the runner reads the refusal's notification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_STEPS } from './page-steps';
import { describe, launchSuite, launchTimeout } from './run-vscode';

const RUN_TIMEOUT_MS = 2 * 60_000;

test('in an untrusted workspace IntelliSense and imports work and runs are refused', { timeout: launchTimeout(RUN_TIMEOUT_MS) }, async (t) => {
  const result = await launchSuite(t, { suite: 'untrusted', timeoutMs: RUN_TIMEOUT_MS, passed: 4, workspaceTrust: true, pageSteps: PAGE_STEPS });
  assert.ok(result.steps.some((s) => s.name === 'notification' && s.ok), describe(result));
});
