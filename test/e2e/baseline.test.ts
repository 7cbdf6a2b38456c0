// Results that leave the editor, in a real VS Code (code-server + headless chromium): the suite
// (./suite/baseline.ts) sets volley.baseline, runs against a target made slower and reads the inline figures
// and Problems; then clicks the panel's Export HTML Report and answers the save dialog (the runner's page steps).
import { test } from 'node:test';
import { PAGE_STEPS } from './page-steps';
import { launchSuite, launchTimeout } from './run-vscode';

const RUN_TIMEOUT_MS = 4 * 60_000;

test('volley.baseline in the inline review and Problems; Export HTML Report from the panel', { timeout: launchTimeout(RUN_TIMEOUT_MS) }, async (t) => {
  await launchSuite(t, { suite: 'baseline', timeoutMs: RUN_TIMEOUT_MS, passed: 2, pageSteps: PAGE_STEPS });
});
