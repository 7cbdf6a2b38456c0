// The results panel as a person sees and uses it, checked in its DOM through the runner's page steps
// (../page-steps.ts): after a run that the doctor diagnoses (too few VUs for the rate), the panel shows
// the thresholds, the per-step rows, painted charts and the diagnosis, under a nonce-only CSP; its Apply
// button edits the scenario file; a past run opens from the quick pick; two runs open in the compare view.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { startDemoServer, type DemoServer } from '../../../src/engine/demo/server';
import { test } from './harness';
import { eventually, pageStep, screenshot, volleyApi, workspaceRoot, writeWorkspaceFile } from './helpers';
import type { KeyboardFacts, WebviewFacts } from '../page-steps';

const FILE = 'e2e-apply.volley.yaml';

let target: DemoServer | undefined;
/** The diagnosed run's file in the run store, for the tests after the first. */
let diagnosedRunFile: string | undefined;
let diagnosedLabel: string | undefined;


// One VU for 20 iterations/s of about 300 ms each: most iterations are dropped, which the doctor explains
// with an estimate of the VUs needed and an edit of preAllocatedVUs/maxVUs.
const scenario = (baseUrl: string) => `# e2e: too few VUs for the rate, on purpose
name: e2e-apply
baseUrl: ${baseUrl}
scenarios:
  apply:
    executor: constant-arrival-rate
    rate: 20
    timeUnit: 1s
    duration: 2s
    preAllocatedVUs: 1
    maxVUs: 1
    gracefulStop: 5s
    flow:
      - name: list products
        get: /products?page=1
        check: { status: 200 }
      - name: health
        get: /health
      - think: 300ms
thresholds:
  http_req_failed: [rate<0.5]
  "http_req_duration{step:health}": [p(95)<60000]
  dropped_iterations: [count<1]
`;

const tableOf = (facts: WebviewFacts, caption: string) => {
  const table = facts.tables.find((t) => t.caption === caption);
  assert.ok(table, `no table captioned "${caption}" among ${JSON.stringify(facts.tables.map((t) => t.caption))}`);
  return table;
};

test('the panel after a diagnosed run: thresholds, per-step rows, painted charts and a diagnosis, in its DOM, under a nonce CSP', async () => {
  const volley = await volleyApi();
  target = await startDemoServer({ port: 0, latencyMs: 5, seed: 13 });
  const uri = await writeWorkspaceFile(FILE, scenario(target.url));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);

  await vscode.commands.executeCommand('volley.runFile', uri);
  const run = volley.runner.lastRun;
  assert.ok(run && run.uri.toString() === uri.toString(), 'the run did not happen');
  diagnosedRunFile = run.runFile;
  diagnosedLabel = run.label;
  const panel = await eventually('the panel to show the summary', () => (volley.panels.current?.rendered?.mode === 'summary' ? volley.panels.current : undefined));
  assert.ok(panel.rendered!.headings.includes('Diagnoses'), JSON.stringify(panel.rendered!.headings));

  const facts = await pageStep<WebviewFacts>('webviewFacts', { title: run.label });
  assert.equal(facts.title, run.label);
  // Thresholds, each with its outcome: the drops fail `dropped_iterations`, the rest pass.
  assert.ok(facts.headings.includes('Thresholds: 1 failed'), JSON.stringify(facts.headings));
  const thresholds = facts.thresholds.map((t) => `${t.className} ${t.text.replace(/ \(actual .*\)$/, '')}`).sort();
  assert.deepEqual(thresholds, [
    'fail ✗ failed dropped_iterations: count<1',
    'pass ✓ passed http_req_duration{step:health}: p(95)<60000',
    'pass ✓ passed http_req_failed: rate<0.5',
  ]);
  // The per-step table: one row per request step, named as in the file (the think step sends nothing).
  const steps = tableOf(facts, 'Per step');
  assert.deepEqual(steps.header, ['step', 'requests', 'failed', 'p50', 'p95', 'p99', 'max', 'checks']);
  assert.deepEqual(steps.rows.map((r) => r[0]), ['apply › list products', 'apply › health']);
  for (const row of steps.rows) assert.match(row[1]!, /^[1-9]\d*$/, `requests of ${row[0]}: ${row[1]}`);
  assert.equal(steps.rows[0]![7], `${steps.rows[0]![1]}/${steps.rows[0]![1]}`, 'every check passed');
  assert.deepEqual(tableOf(facts, 'Per scenario').rows.map((r) => r[0]), ['apply']);
  // Seven charts, each a canvas with something drawn on it.
  assert.equal(facts.charts.length, 7, JSON.stringify(facts.charts));
  for (const chart of facts.charts) assert.ok(chart.width > 0 && chart.height > 0 && chart.painted, `chart "${chart.caption}" is blank: ${JSON.stringify(chart)}`);
  // The doctor's diagnosis, with an Apply button for its edit.
  assert.ok(facts.headings.some((h) => h.startsWith('warning: ') && h.includes('(apply)')), JSON.stringify(facts.headings));
  assert.ok(facts.buttons.some((b) => /^Apply: set scenarios\.apply\.(preAllocatedVUs|maxVUs) to \d+/.test(b)), JSON.stringify(facts.buttons));

  // The policy: nothing by default, scripts only by this document's nonce.
  assert.ok(facts.csp, 'no Content-Security-Policy meta tag');
  const directives = new Map(facts.csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  const scriptSrc = directives.get('script-src') ?? [];
  assert.equal(scriptSrc.length, 1, facts.csp);
  const nonce = /^'nonce-([A-Za-z0-9_-]{16,})'$/.exec(scriptSrc[0]!)?.[1];
  assert.ok(nonce, `script-src is not one nonce: ${facts.csp}`);
  // VS Code puts its own acquireVsCodeApi script first, before the policy applies; every other script is ours.
  const ours = facts.scripts.filter((s) => s.id !== '_vscodeApiScript');
  assert.equal(ours.length, 1, JSON.stringify(facts.scripts));
  assert.equal(ours[0]!.nonce, nonce, 'the script does not carry the policy nonce');
  assert.equal(ours[0]!.inline, false);
  assert.match(ours[0]!.src, /\/dist\/webview\/webview\.js$/);
  assert.equal(facts.inlineScriptRan, false, 'an inline script without the nonce ran: the policy is not enforced');
  await screenshot('results-diagnosed');
}, 60_000);

test("the diagnosis's Apply button in the panel edits the scenario file", async () => {
  assert.ok(diagnosedLabel, 'the diagnosed run did not happen');
  const uri = vscode.Uri.joinPath(workspaceRoot(), FILE);
  const document = await vscode.workspace.openTextDocument(uri);
  const before = document.getText();
  const label = await pageStep<string>('webviewClick', { title: diagnosedLabel, button: 'Apply: set scenarios.apply.' });
  const wanted = [...label.matchAll(/set (scenarios\.apply\.\w+) to (\d+)/g)].map(([, path, value]) => [path!, Number(value)] as const);
  assert.ok(wanted.length > 0, label);
  await eventually('the edit in the scenario file', () => (document.getText() !== before ? true : undefined));
  const scenarioNow = (parse(document.getText()) as { scenarios: { apply: Record<string, unknown> } }).scenarios.apply;
  for (const [path, value] of wanted) assert.equal(scenarioNow[path.split('.')[2]!], value, `${path} after Apply:\n${document.getText()}`);
  assert.ok((scenarioNow.maxVUs as number) >= (scenarioNow.preAllocatedVUs as number), 'maxVUs fell below preAllocatedVUs');
  // Only those keys changed: the rest of the file is as written (comments included).
  const untouched = (text: string) => text.split('\n').filter((l) => !/^\s+(preAllocatedVUs|maxVUs):/.test(l));
  assert.deepEqual(untouched(document.getText()), untouched(before));
  await eventually('Apply to show the edited file', () => (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() ? true : undefined), 5000);
  await document.save();
  await screenshot('applied');
}, 30_000);

test('the panel by keyboard alone: Tab reaches every control, each named, with a focus ring; Enter applies a fix, Space reveals a step', async () => {
  assert.ok(diagnosedLabel && target, 'the diagnosed run did not happen');
  const uri = vscode.Uri.joinPath(workspaceRoot(), FILE);
  const document = await vscode.workspace.openTextDocument(uri);
  const walk = await pageStep<KeyboardFacts>('webviewKeyboard', { title: diagnosedLabel });
  const names = walk.order.map((o) => o.name);
  // Every control is reached, once, in the order it reads, and says what it does.
  assert.deepEqual(names, walk.interactive.map((i) => i.name), `Tab order ${JSON.stringify(names)}`);
  assert.ok(walk.interactive.length >= 3, JSON.stringify(walk.interactive));
  for (const stop of walk.order) {
    assert.ok(stop.name !== '', `a ${stop.tag} without an accessible name: ${JSON.stringify(stop)}`);
    assert.equal(stop.focusVisible, true, `no visible focus ring on "${stop.name}"`);
  }
  assert.ok(names.some((n) => n.startsWith('Apply: set scenarios.apply.')), JSON.stringify(names));
  assert.ok(names.includes('apply › list products') && names.includes('apply › health'), JSON.stringify(names));

  // Enter on Apply: put the VUs back as they ran (the click test applied them), then apply again by keyboard.
  const unapplied = document.getText().replace(/(\n\s+preAllocatedVUs:) \d+/, '$1 1').replace(/(\n\s+maxVUs:) \d+/, '$1 1');
  assert.notEqual(unapplied, document.getText(), 'the click test left no VUs to put back');
  const reset = new vscode.WorkspaceEdit();
  reset.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), unapplied);
  assert.equal(await vscode.workspace.applyEdit(reset), true);
  const viaEnter = await pageStep<KeyboardFacts>('webviewKeyboard', { title: diagnosedLabel, press: { button: 'Apply: set', key: 'Enter' } });
  assert.match(viaEnter.pressedOn ?? '', /^Apply: set scenarios\.apply\./);
  await eventually('Enter on Apply to edit the file', () => (document.getText() !== unapplied ? true : undefined));
  const applied = (parse(document.getText()) as { scenarios: { apply: { preAllocatedVUs: number } } }).scenarios.apply;
  assert.ok(applied.preAllocatedVUs > 1, document.getText());
  await document.save();

  // Space on a step's name reveals that step in the editor.
  const healthLine = document.getText().split('\n').findIndex((l) => l.includes('- name: health'));
  const viaSpace = await pageStep<KeyboardFacts>('webviewKeyboard', { title: diagnosedLabel, press: { button: 'apply › health', key: 'Space' } });
  assert.equal(viaSpace.pressedOn, 'apply › health');
  const editor = await eventually('Space on the step to select it in the editor', () => {
    const active = vscode.window.activeTextEditor;
    return active?.document.uri.toString() === uri.toString() && active.selection.start.line === healthLine ? active : undefined;
  });
  assert.equal(document.getText(editor.selection), 'health');
}, 45_000);

test('Open a Past Run… lists the stored runs in a quick pick and opens the chosen one in the panel and its file', async () => {
  const volley = await volleyApi();
  assert.ok(diagnosedRunFile, 'the diagnosed run did not happen');
  const uri = vscode.Uri.joinPath(workspaceRoot(), FILE);
  volley.review.clear(uri);
  const opened = vscode.commands.executeCommand('volley.openRun');
  const picked = await pageStep<{ picked: string; items: string[] }>('quickPick', { pick: FILE });
  await opened;
  assert.ok(picked.items.some((i) => i.includes('e2e-run.volley.yaml')), JSON.stringify(picked.items));
  assert.ok(picked.picked.includes(`${FILE} › apply`), picked.picked);
  const panel = await eventually('the past run in the panel', () => {
    const current = volley.panels.current;
    return current?.rendered?.mode === 'summary' && current.panel.title.startsWith(`Volley: ${FILE}`) ? current : undefined;
  });
  assert.ok(panel.rendered!.headings.includes('Thresholds: 1 failed'), JSON.stringify(panel.rendered!.headings));
  // The file's inline review comes back from disk, marked stale: Apply changed the file after that run.
  const review = await eventually('the inline review of the past run', () => volley.review.reviewOf(uri));
  const start = JSON.parse(readFileSync(diagnosedRunFile, 'utf8').split('\n')[0]!) as { runId: string };
  assert.equal(review.digest.runId, start.runId);
  assert.equal(review.stale, true);
}, 30_000);

test('Compare Two Runs opens the compare view: both runs overlaid (baseline dashed) and a delta table', async () => {
  assert.ok(diagnosedRunFile, 'the diagnosed run did not happen');
  const runsDir = vscode.Uri.file(dirname(diagnosedRunFile));
  const baseline = (await vscode.workspace.fs.readDirectory(runsDir)).map(([name]) => name).find((n) => n.includes('--e2e-run-'));
  assert.ok(baseline, 'the run of runs.ts is not in the store');
  const files = [vscode.Uri.joinPath(runsDir, baseline), vscode.Uri.file(diagnosedRunFile)];
  // As from the explorer's context menu on two selected run files.
  await vscode.commands.executeCommand('volley.compareRuns', files[0], files);
  const tab = await eventually('the compare tab', () =>
    vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label.includes(' ↔ ')),
  );
  assert.match(tab.label, /^Volley: e2e-run\.volley\.yaml .* ↔ e2e-apply\.volley\.yaml /);
  const facts = await pageStep<WebviewFacts>('webviewFacts', { title: 'Compare two runs' });
  assert.ok(facts.headings.includes('Differences'), JSON.stringify(facts.headings));
  const delta = facts.tables.find((t) => t.caption.includes('against the baseline'));
  assert.ok(delta && delta.rows.length > 0, JSON.stringify(facts.tables));
  assert.deepEqual(delta.header.slice(0, 4), ['figure', 'baseline', 'this run', 'change']);
  assert.equal(facts.charts.length, 7);
  for (const chart of facts.charts) assert.ok(chart.painted, `chart "${chart.caption}" is blank`);
  assert.ok(facts.charts.every((c) => c.dashedSwatches > 0), 'the baseline is not dashed in every chart');
  await screenshot('compare');
  await target?.close();
  target = undefined;
}, 30_000);

test('the run panel is left showing, for the reload phase the runner does after the suite', async () => {
  const volley = await volleyApi();
  const panel = volley.panels.current;
  assert.ok(panel, 'no run panel');
  // The compare view opened in the same group; the reload phase looks at the run panel, so it goes in front.
  panel.reveal();
  await eventually('the run panel in front', () => (panel.panel.visible && panel.rendered?.mode === 'summary' ? true : undefined));
  assert.match(panel.panel.title, new RegExp(`^Volley: ${FILE.replace(/\./g, '\\.')} `));
  // Where the reload phase (../extension.test.ts) finds the title it must see again.
  await pageStep<WebviewFacts>('webviewFacts', { title: panel.panel.title.replace(/^Volley: /, '') });
  await screenshot('before-reload');
});
