// The results panel's charts in a real VS Code (code-server + headless Chromium): the suite
// (./suite/charts.ts) runs a scenario and moves the mouse on the panel's charts through the chart page
// steps (./chart-steps.ts): one shared cursor, drag to zoom the charts and the tables, double-click to reset.
// Screenshots go to the artefacts (charts/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHART_STEPS } from './chart-steps';
import { PAGE_STEPS } from './page-steps';
import { describe, launchSuite, launchTimeout } from './run-vscode';

const RUN_TIMEOUT_MS = 4 * 60_000;

test('the charts share one cursor, zoom by a drag with the tables, and reset by a double-click, in code-server', { timeout: launchTimeout(RUN_TIMEOUT_MS) }, async (t) => {
  const result = await launchSuite(t, { suite: 'charts', timeoutMs: RUN_TIMEOUT_MS, passed: 2, pageSteps: { ...PAGE_STEPS, ...CHART_STEPS } });
  assert.ok(['chartHover', 'chartDrag', 'webviewScrollTo', 'chartDoubleClick'].every((name) => result.steps.some((s) => s.name === name && s.ok)), describe(result));
});
