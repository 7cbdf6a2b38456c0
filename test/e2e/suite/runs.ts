// Running from the editor, as a person does it: a bounded run against the demo target (started here, on
// 127.0.0.1, port 0), the run file in the run store, the results panel going from live charts to the
// summary, figures and a code lens in the file, a failed threshold in the Problems view, figures following
// an edit and turning stale, and Stop ending a long run without leaving a process.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDemoServer, type DemoServer } from '../../../src/engine/demo/server';
import { parseRunFile } from '../../../src/extension/run-file';
import { test } from './harness';
import { eventually, screenshot, volleyApi, workspaceRoot, writeWorkspaceFile } from './helpers';


let target: DemoServer | undefined;


async function demoTarget(): Promise<DemoServer> {
  target ??= await startDemoServer({ port: 0, latencyMs: 5, seed: 11 });
  return target;
}

function scenario(baseUrl: string, duration: string, thresholds: string): string {
  return `# e2e: a bounded run against the demo target
name: e2e-shop
baseUrl: ${baseUrl}
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 10
    timeUnit: 1s
    duration: ${duration}
    preAllocatedVUs: 4
    maxVUs: 5
    gracefulStop: 10s
    flow:
      - name: list products
        get: /products?page=1
        check: { status: 200 }
      - name: health
        get: /health
      - think: 200ms
thresholds:
${thresholds}
`;
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const lineOf = (document: vscode.TextDocument, needle: string): number => document.getText().split('\n').findIndex((l) => l.includes(needle));

test('a run against the demo target: run file, live panel then summary, inline figures, lens and Problems', async () => {
  const volley = await volleyApi();
  const server = await demoTarget();
  const uri = await writeWorkspaceFile(
    'e2e-run.volley.yaml',
    scenario(server.url, '3s', '  http_req_failed: [rate<0.5]\n  "http_req_duration{step:health}": [p(95)<0.001]'),
  );
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, vscode.ViewColumn.One);

  const finished = vscode.commands.executeCommand('volley.runFile', uri);
  const run = await eventually('the run to start', () => volley.runner.current);
  const panel = await eventually('the results panel', () => volley.livePanel());
  const live = await eventually('live charts in the panel', () => (panel.rendered?.mode === 'live' && panel.rendered.charts > 0 ? panel.rendered : undefined), 20_000);
  assert.equal(live.charts, 7, JSON.stringify(live));
  await screenshot('results-live');
  await finished;
  assert.equal(volley.runner.current, undefined);
  assert.equal(alive(run.process.pid), false, 'the engine process is gone after the run');

  // The run store holds the run, whole.
  const runsDir = join(workspaceRoot().fsPath, '.volley/runs');
  assert.ok(existsSync(run.runFile) && run.runFile.startsWith(runsDir), run.runFile);
  const stored = parseRunFile(readFileSync(run.runFile, 'utf8')).events;
  assert.equal(stored[0]?.type, 'start');
  assert.deepEqual(stored.slice(-2).map((e) => e.type), ['summary', 'end']);
  assert.ok(stored.some((e) => e.type === 'aggregate'));
  // Named the CLI's way (src/engine/runs), so `volley estimate --from` and the store's "latest run" find it.
  assert.ok(readdirSync(runsDir).includes(basename(run.runFile)));
  assert.match(basename(run.runFile), /^\d{4}-\d\d-\d\dT[\d-]+Z--e2e-run-[0-9a-f]{8}\.ndjson$/);
  assert.equal(stored[0]?.type === 'start' && stored[0].runId, run.runId);

  const summary = await eventually('the summary in the panel', () => (panel.rendered?.mode === 'summary' ? panel.rendered : undefined));
  assert.ok(summary.headings.includes('Thresholds: 1 failed'), JSON.stringify(summary.headings));
  assert.ok(summary.headings.includes('Scenarios and steps'), JSON.stringify(summary.headings));
  assert.ok(summary.headings.includes('Summary'), JSON.stringify(summary.headings));

  // Inline review: per-step figures on the step lines, the scenario's code lens, the failed threshold.
  const review = await eventually('the inline review', () => volley.review.reviewOf(uri));
  assert.equal(review.stale, false);
  const listLine = lineOf(document, '- name: list products');
  const listFigures = review.lines.steps.find((s) => s.line === listLine);
  assert.match(listFigures?.text ?? '', /^p95 [\d.]+ (ms|s) · 0% failed · \d+ req$/);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
  const resultLens = lenses.find((l) => l.command?.title.includes('/s of 10/s'));
  assert.ok(resultLens, JSON.stringify(lenses.map((l) => l.command?.title)));
  assert.equal(resultLens.range.start.line, lineOf(document, '  browse:'));
  assert.match(resultLens.command!.title, /^\$\(graph\) [\d.]+\/s of 10\/s · \d+ dropped · VUs \d+\/5$/);
  const problems = await eventually('the failed threshold in Problems', () =>
    vscode.languages.getDiagnostics(uri).find((d) => d.source === 'volley run' && d.message.includes('p(95)<0.001')),
  );
  assert.equal(problems.range.start.line, lineOf(document, 'step:health'));
  assert.equal(problems.severity, vscode.DiagnosticSeverity.Error);
  // The editor asks for lenses again a moment after they change; let the picture settle for people.
  await sleep(1500);
  await screenshot('inline-review');

  // Two lines added above: the figures move with their step, and are marked stale.
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(1, 0), '# edited\n# again\n');
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  await eventually('the figures to follow the edit', () => {
    const now = volley.review.reviewOf(uri);
    return now?.stale && now.lines.steps.some((s) => s.line === listLine + 2 && s.text === listFigures!.text) ? true : undefined;
  });
  const moved = vscode.languages.getDiagnostics(uri).find((d) => d.source === 'volley run');
  assert.equal(moved?.range.start.line, problems.range.start.line + 2);
  await document.save();
}, 60_000);

test('the Testing view lists the file with its thresholds and reports each one after a run', async () => {
  const volley = await volleyApi();
  const server = await demoTarget();
  const uri = await writeWorkspaceFile('e2e-tests.volley.yaml', scenario(server.url, '2s', '  http_req_failed: [rate<0.5]\n  http_req_duration: [p(95)<0.001, max<60000]'));
  await volley.tests.controller.resolveHandler?.(undefined);
  const item = await eventually('the file as a test item', () => volley.tests.controller.items.get(uri.toString()));
  await volley.tests.controller.resolveHandler?.(item);
  const children: vscode.TestItem[] = [];
  item.children.forEach((c) => children.push(c));
  assert.deepEqual(children.map((c) => c.label).sort(), ['http_req_duration: max<60000', 'http_req_duration: p(95)<0.001', 'http_req_failed: rate<0.5']);
  const cancel = new vscode.CancellationTokenSource();
  await volley.tests.profile.runHandler(new vscode.TestRunRequest([item]), cancel.token);
  const outcome = (label: string) => volley.tests.outcomes.get(children.find((c) => c.label === label)!.id);
  assert.equal(outcome('http_req_failed: rate<0.5'), 'passed');
  assert.equal(outcome('http_req_duration: max<60000'), 'passed');
  assert.equal(outcome('http_req_duration: p(95)<0.001'), 'failed');
  assert.equal(volley.tests.outcomes.get(item.id), 'failed');
  await vscode.commands.executeCommand('workbench.view.testing.focus');
  await screenshot('testing-view');
}, 60_000);

test('Stop ends a long run gracefully, a second Stop at once, and no engine process remains', async () => {
  const volley = await volleyApi();
  const server = await demoTarget();
  const uri = await writeWorkspaceFile('e2e-long.volley.yaml', scenario(server.url, '5m', '  http_req_failed: [rate<0.5]'));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);

  const finished = vscode.commands.executeCommand('volley.runFile', uri);
  const run = await eventually('the long run to start', () => volley.runner.current);
  await eventually('a second of the run', () => (run.events.some((e) => e.type === 'aggregate') ? true : undefined), 20_000);
  const pid = run.process.pid;
  assert.equal(alive(pid), true);
  const stoppedAt = Date.now();
  await vscode.commands.executeCommand('volley.stop');
  await sleep(100);
  await vscode.commands.executeCommand('volley.stop');
  await finished;
  assert.ok(Date.now() - stoppedAt < 8000, `stopping took ${Date.now() - stoppedAt} ms`);
  assert.equal(alive(pid), false, `engine process ${pid} is still alive`);
  const summary = run.events.find((e) => e.type === 'summary');
  assert.equal(summary?.type === 'summary' && summary.summary.outcome, 'stopped');
  assert.deepEqual(run.events.at(-1), { type: 'end', exitCode: 105 });
  assert.equal(volley.runner.current, undefined);
  await screenshot('stopped');
  await target?.close();
  target = undefined;
}, 60_000);
