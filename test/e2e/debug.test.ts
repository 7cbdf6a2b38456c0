// Debug One Iteration in a real VS Code (code-server + headless chromium): the suite (./suite/debug.ts)
// runs in the extension host; the page step below opens the first step of the panel's list as a person
// would (a click on its summary) and reads what it shows. Screenshots go to out/test/e2e-artifacts/debug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_STEPS, webviewFrame } from './page-steps';
import type { PageStep } from './run-vscode';
import { describe, launchSuite, launchTimeout } from './run-vscode';

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

test('Debug One Iteration: the steps in the panel, and the quick fix makes the next debug run pass', { timeout: launchTimeout(RUN_TIMEOUT_MS) }, async (t) => {
  const result = await launchSuite(t, { suite: 'debug', timeoutMs: RUN_TIMEOUT_MS, passed: 1, pageSteps: { ...PAGE_STEPS, debugSteps } });
  assert.ok(result.steps.filter((s) => s.name === 'debugSteps' && s.ok).length >= 2, describe(result));
});
