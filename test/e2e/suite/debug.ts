// Entry of the Debug One Iteration suite (out/test/suite-debug.js; test/e2e/debug.test.ts). A target in
// the extension host whose item IDs change when it is reseeded, and a flow with an ID copied by hand from
// it: the lens beside Run shows the steps in the results panel, a failed check is a diagnostic at the
// check, the suggestion is a quick fix on the literal, and after it the next debug run passes against the
// reseeded target.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DebugReport } from '../../../src/protocol';
import { DEBUG_DIAGNOSTIC_SOURCE } from '../../../src/extension/debug-iteration';
import { runRegistered, test } from './harness';
import { eventually, pageStep, screenshot, volleyApi, waitForRunLenses, writeWorkspaceFile } from './helpers';

let ids: string[] = [];
const reseed = (): void => {
  ids = [0, 1, 2].map(() => `it-${randomBytes(4).toString('hex')}`);
};

const send = (res: ServerResponse, status: number, value: unknown): void => {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(value));
};

const flow = (baseUrl: string, id: string): string => `# e2e: an ID copied by hand from a response
baseUrl: ${baseUrl}
scenarios:
  order:
    executor: constant-vus
    vus: 2
    duration: 10s
    flow:
      - name: list items
        get: /items
        check: { status: 200 }
      - name: item detail
        get: /items/${id}
        check: { status: 200 }
`;

async function debugLens(uri: vscode.Uri): Promise<DebugReport> {
  await waitForRunLenses(uri);
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
  const lens = lenses.find((l) => l.command?.title === 'Debug One Iteration');
  assert.ok(lens?.command, `no Debug One Iteration lens: ${JSON.stringify(lenses.map((l) => l.command?.title))}`);
  assert.deepEqual(lens.command.arguments?.slice(1), ['order']);
  const report = await vscode.commands.executeCommand<DebugReport | undefined>(lens.command.command, ...(lens.command.arguments ?? []));
  assert.ok(report, 'the debug run gave no report');
  return report;
}

test('Debug One Iteration shows the steps; the capture quick fix makes the next debug run pass against changed IDs', async () => {
  await volleyApi();
  reseed();
  const server = createServer((req, res) => {
    if (req.url === '/items') return send(res, 200, { items: ids.map((id, i) => ({ id, name: `item ${i}` })) });
    const m = /^\/items\/([^/?]+)$/.exec(req.url ?? '');
    if (m && ids.includes(m[1]!)) return send(res, 200, { id: m[1], name: 'an item' });
    send(res, 404, { error: 'no such item' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    // An ID from yesterday's server: the detail step fails, and its check is a diagnostic where it is written.
    const uri = await writeWorkspaceFile('e2e-debug.volley.yaml', flow(baseUrl, 'it-00000000'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const stale = await debugLens(uri);
    assert.equal(stale.ok, false);
    assert.deepEqual(stale.steps.map((s) => [s.name, s.response.status]), [['list items', 200], ['item detail', 404]]);
    const failedCheck = await eventually('the failed check in Problems', () =>
      vscode.languages.getDiagnostics(uri).find((d) => d.source === DEBUG_DIAGNOSTIC_SOURCE && d.code === 'check-failed'),
    );
    const lines = document.getText().split('\n');
    const checkLine = lines.findIndex((l, i) => l.includes('check: { status: 200 }') && lines[i - 2]?.includes('- name: item detail'));
    assert.equal(failedCheck.range.start.line, checkLine);
    assert.equal(failedCheck.range.start.character, document.lineAt(checkLine).text.indexOf('status'));
    assert.match(failedCheck.message, /Check "status is 200" failed in the debug iteration: status 404/);
    await screenshot('debug-failed-check');

    // The ID copied from today's response: debug passes, and suggests capturing it.
    const id = ids[1]!;
    const edit = new vscode.WorkspaceEdit();
    const literal = document.getText().indexOf('it-00000000');
    edit.replace(uri, new vscode.Range(document.positionAt(literal), document.positionAt(literal + 'it-00000000'.length)), id);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await eventually('the failed check gone once the file changed', () =>
      vscode.languages.getDiagnostics(uri).some((d) => d.source === DEBUG_DIAGNOSTIC_SOURCE) ? undefined : true,
    );
    const report = await debugLens(uri);
    assert.equal(report.ok, true, JSON.stringify(report.steps.map((s) => s.response.status)));
    assert.equal(report.suggestions.length, 1, JSON.stringify(report.suggestions));
    assert.deepEqual(report.suggestions[0]!.capture, { name: 'itemId', source: 'json.items[1].id', existing: false });

    // The panel shows the steps as an expandable request/response list.
    const facts = await pageStep<{ summaries: string[]; expanded: string; headings: string[] }>('debugSteps', { title: 'Debug: order' });
    assert.equal(facts.summaries.length, 2, JSON.stringify(facts));
    assert.match(facts.summaries[0]!, /^✓ list items — GET → 200 · .* · checks 1\/1$/);
    assert.match(facts.summaries[1]!, /^✓ item detail — GET → 200/);
    assert.match(facts.expanded, new RegExp(`GET ${baseUrl}/items\\n`));
    assert.match(facts.expanded, /"items": \[/);
    assert.ok(facts.headings.includes('Suggestions'), JSON.stringify(facts.headings));
    await screenshot('debug-steps');

    // The quick fix on the literal: one edit adds the capture and replaces the literal.
    const suggestion = await eventually('the suggestion on the literal', () =>
      vscode.languages.getDiagnostics(uri).find((d) => d.source === DEBUG_DIAGNOSTIC_SOURCE && d.code === 'capture-suggestion'),
    );
    assert.equal(suggestion.range.start.line, report.suggestions[0]!.literals[0]!.position.line - 1);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, suggestion.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title.startsWith('Capture itemId'));
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const fixed = document.getText();
    assert.ok(fixed.includes('capture: { itemId: "json.items[1].id" }'), fixed);
    assert.ok(fixed.includes('get: /items/{{ itemId }}'), fixed);
    assert.ok(!fixed.includes(id), fixed);
    await screenshot('debug-quick-fix');

    // The target's IDs change; the next debug run (which saves the file) passes with what it captured.
    reseed();
    const after = await debugLens(uri);
    assert.equal(after.ok, true, JSON.stringify(after.steps.map((s) => [s.request.url, s.response.status])));
    assert.equal(after.exitCode, 0);
    assert.equal(after.steps[1]!.request.url, `${baseUrl}/items/${ids[1]}`);
    assert.deepEqual(after.suggestions, []);
    assert.equal(document.isDirty, false, 'the debug run saved the file');
    await pageStep('debugSteps', { title: 'Debug: order' });
    await screenshot('debug-passes-after-fix');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}, 90_000);

export function run(): Promise<void> {
  return runRegistered();
}
