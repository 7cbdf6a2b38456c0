// Entry of the failure-samples suite (out/test/suite-samples.js; test/e2e/samples.test.ts): a run whose
// `checkout` step fails (503 with a JSON body) against a server in the extension host; its samples open
// from the results panel's error table, and from the hover of the step's inline figure (whose link opens
// them in the panel); the failed threshold in Problems links to them. The page steps are ../samples-steps.ts.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runRegistered, test } from './harness';
import { eventually, pageStep, screenshot, volleyApi, writeWorkspaceFile } from './helpers';
import type { OpenedSamples } from '../samples-steps';

const FILE = 'e2e-samples.volley.yaml';
const BODY = JSON.stringify({ error: 'out of stock', sku: 'A-1' });

let server: Server | undefined;
let uri: vscode.Uri | undefined;
let label = '';

const scenario = (port: number) => `name: e2e-samples
baseUrl: http://127.0.0.1:${port}
scenarios:
  shop:
    executor: per-vu-iterations
    vus: 2
    iterations: 10
    flow:
      - name: list
        get: /ok
      - name: checkout
        post: /fail
        json: { sku: "A-1" }
thresholds:
  http_req_failed: [rate<0.01]
`;

test('a run with a failing step keeps its samples, and Problems links the failed threshold to them', async () => {
  const volley = await volleyApi();
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/fail') {
      res.statusCode = 503;
      res.setHeader('content-type', 'application/json');
      res.end(BODY);
    } else res.end('ok');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  uri = await writeWorkspaceFile(FILE, scenario((server.address() as AddressInfo).port));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
  await vscode.commands.executeCommand('volley.runFile', uri);
  const run = volley.runner.lastRun;
  assert.ok(run && run.uri.toString() === uri.toString(), 'the run did not happen');
  label = run.label;
  const summary = run.events.find((e) => e.type === 'summary');
  assert.ok(summary?.type === 'summary');
  const [group] = summary.summary.failureSamples ?? [];
  assert.ok(group, 'the run kept no failure samples');
  assert.deepEqual([group.step, group.status, group.count, group.samples.length], ['checkout', 503, 20, 8]);
  await eventually('the panel to show the summary', () => (volley.panels.current?.rendered?.mode === 'summary' ? true : undefined), 30_000);

  const target = await eventually(
    'a failed threshold in Problems that links to the samples',
    () => {
      const d = vscode.languages.getDiagnostics(uri!).find((x) => x.source === 'volley run' && typeof x.code === 'object' && x.code.value === 'threshold');
      return d && typeof d.code === 'object' ? d.code.target : undefined;
    },
    30_000,
  );
  assert.equal(target.scheme, 'command');
  assert.equal(target.path, 'volley.showFailureSamples');
  const [args] = JSON.parse(decodeURIComponent(target.query)) as [{ scenario: string; stepIndex: number; runFile: string }];
  assert.deepEqual([args.scenario, args.stepIndex, args.runFile], ['shop', 1, run.runFile]);
}, 90_000);

test("the error table's row opens the failed step's samples: request, response, body start, timings", async () => {
  const opened = await pageStep<OpenedSamples>('openTableSamples', { title: label, step: 'checkout' }, 60_000);
  assert.equal(opened.lists.length, 1, JSON.stringify(opened));
  const [list] = opened.lists;
  assert.deepEqual([list.scenario, list.step, list.summary, list.samples], ['shop', '1', '8 samples of 20', 8]);
  assert.match(list.firstSample, /Request: POST http:\/\/127\.0\.0\.1:\d+\/fail/);
  assert.match(list.firstSample, /Response: 503/);
  assert.ok(list.firstSample.includes(BODY), list.firstSample);
  assert.match(list.firstSample, /Timings: blocked .* duration/);
}, 90_000);

test("the failing step's inline figure has a hover with the latest sample, whose link opens the samples in the panel", async () => {
  const volley = await volleyApi();
  // Closed first, so what the link opens is what is checked.
  const closed = await pageStep<OpenedSamples>('closeSamples', { title: label });
  assert.deepEqual(closed.lists, []);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri!), vscode.ViewColumn.One);
  await eventually('the inline figures laid out', () => (volley.review.reviewOf(uri!)?.lines.steps.some((s) => s.failing) ? true : undefined), 30_000);
  const hover = await pageStep<{ text: string }>('hoverFailingStep', { lineText: 'name: checkout', link: 'Show all 8 failure samples' }, 60_000);
  assert.match(hover.text, /Latest failure/);
  assert.match(hover.text, /HTTP 503/);
  assert.match(hover.text, /out of stock/);
  let facts: OpenedSamples | undefined;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    facts = await pageStep<OpenedSamples>('openedSamples', { title: label });
    if (facts.lists.some((l) => l.step === '1')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(facts?.lists.some((l) => l.step === '1' && l.samples === 8), JSON.stringify(facts));
  await pageStep('openedSamples', { title: label, screenshot: 'samples-from-hover' });
  await screenshot('samples-end');
}, 120_000);

test('cleanup', async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

export function run(): Promise<void> {
  return runRegistered();
}
