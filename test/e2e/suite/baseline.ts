// Entry of the suite for results that leave the editor (out/test/suite-baseline.js; test/e2e/baseline.test.ts):
// with `volley.baseline` set to a stored run, a run against a target made slower shows each step's change on
// its line (`p95 … (+N% vs baseline)`) and Problems lists the steps that regressed; then the panel's
// "Export HTML Report" button, through the save dialog, writes the self-contained report.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { startDemoServer, type DemoServer } from '../../../src/engine/demo/server';
import { runRegistered, test } from './harness';
import { eventually, pageStep, screenshot, volleyApi, workspaceRoot, writeWorkspaceFile } from './helpers';

export function run(): Promise<void> {
  return runRegistered();
}

const FILE = 'e2e-baseline.volley.yaml';
const scenario = (baseUrl: string): string => `# e2e: a baseline run, then a slower one
baseUrl: ${baseUrl}
scenarios:
  shop:
    executor: per-vu-iterations
    vus: 2
    iterations: 6
    flow:
      - name: list products
        get: /products
      - name: one product
        get: /products/1
`;

const RUN_TIMEOUT_MS = 60_000;
let lastLabel = '';

async function runToSummary(uri: vscode.Uri): Promise<{ runFile: string; label: string }> {
  const volley = await volleyApi();
  const before = volley.runner.lastRun;
  await vscode.commands.executeCommand('volley.runFile', uri);
  const run = await eventually(
    'the run to finish with a summary',
    () => {
      const last = volley.runner.lastRun;
      return last && last !== before && last.events.some((e) => e.type === 'summary') ? last : undefined;
    },
    RUN_TIMEOUT_MS,
  );
  return { runFile: run.runFile, label: run.label };
}

test('volley.baseline: the step lines say "vs baseline" and Problems lists the regressed steps', async () => {
  const volley = await volleyApi();
  let fast: DemoServer | undefined;
  let slow: DemoServer | undefined;
  try {
    fast = await startDemoServer({ port: 0, latencyMs: 2, seed: 41 });
    const uri = await writeWorkspaceFile(FILE, scenario(fast.url));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const baseline = await runToSummary(uri);

    const settings = vscode.workspace.getConfiguration('volley', uri);
    await settings.update('baseline', relative(workspaceRoot().fsPath, baseline.runFile), vscode.ConfigurationTarget.Workspace);
    // The target made slower on the same port, so the file (and the run's text) stays as it was: 800 ms where
    // its steps took 2, well past the 10% limit even against a cold first run on a loaded machine (the steps
    // are product pages: the demo answers /health without delay).
    const port = Number(new URL(fast.url).port);
    await fast.close();
    fast = undefined;
    slow = await startDemoServer({ port, latencyMs: 800, seed: 41 });
    const slower = await runToSummary(uri);
    lastLabel = slower.label;

    const lineOf = (needle: string): number => document.getText().split('\n').findIndex((l) => l.includes(needle));
    const review = await eventually('the figures against the baseline', () => {
      const shown = volley.review.reviewOf(uri);
      return shown && shown.lines.steps.length === 2 && shown.lines.steps.every((s) => s.text.includes('vs baseline')) ? shown : undefined;
    });
    for (const step of review.lines.steps) assert.match(step.text, /^p95 [\d.,]+ m?s \(\+\d+% vs baseline\) · /, step.text);
    const regressions = await eventually('the regressions in Problems', () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.code === 'baseline-regression');
      return found.length >= 2 ? found : undefined;
    });
    assert.deepEqual(regressions.map((d) => d.range.start.line).sort((a, b) => a - b), [lineOf('- name: list products'), lineOf('- name: one product')]);
    for (const d of regressions) {
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.match(d.message, /^shop › (list products|one product): p95 .* → .* \(\+[\d.]+%\) vs baseline$/);
    }
    await screenshot('baseline');
  } finally {
    await vscode.workspace.getConfiguration('volley').update('baseline', undefined, vscode.ConfigurationTarget.Workspace);
    await fast?.close();
    await slow?.close();
  }
}, 3 * RUN_TIMEOUT_MS);

test('Export HTML Report: the panel\'s button, the save dialog named after the run, the report written', async () => {
  const volley = await volleyApi();
  const runFile = volley.runner.lastRun?.runFile;
  assert.ok(runFile && volley.panels.current?.runFile === runFile, 'the panel does not show the last run');
  const clicked = await pageStep<string>('webviewClick', { title: lastLabel, button: 'Export HTML Report' });
  assert.equal(clicked, 'Export HTML Report');
  const target = vscode.Uri.joinPath(workspaceRoot(), 'e2e-report.html');
  const reportName = runFile.split('/').pop()!.replace(/\.ndjson$/, '.html');
  const dialog = await pageStep<{ proposed: string }>('inputBox', { value: target.fsPath, proposedEndsWith: reportName });
  assert.ok(dialog.proposed.endsWith(reportName), `proposed ${dialog.proposed}`);
  await eventually('the report file', () => (existsSync(target.fsPath) ? true : undefined));
  const html = await eventually('the whole report', () => {
    const text = readFileSync(target.fsPath, 'utf8');
    return text.includes('</html>') ? text : undefined;
  });
  assert.match(html, /<title>Volley: /);
  assert.match(html, /default-src &#39;none&#39;/);
  assert.ok(!/https?:\/\//i.test(html), 'no http(s) reference in the report');
  await screenshot('exported');
}, RUN_TIMEOUT_MS);
