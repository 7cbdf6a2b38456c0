// The language client and server as a person meets them: language id, diagnostics and quick fixes.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { test } from './harness';
import { eventually, screenshot, volleyDiagnostics, workspaceRoot, writeWorkspaceFile } from './helpers';

const EXTENSION_ID = 'volley.volley';
const EXAMPLE = 'constant-vus.volley.yaml';
const TYPO = 'constant-vu';

test('the extension activates', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  await extension.activate();
  assert.equal(extension.isActive, true);
});

test('an example opens as a volley document without diagnostics, and a misspelt executor gets an error', async () => {
  const example = vscode.Uri.joinPath(workspaceRoot(), EXAMPLE);
  const valid = await vscode.workspace.openTextDocument(example);
  assert.equal(valid.languageId, 'volley');
  await vscode.window.showTextDocument(valid);

  const text = valid.getText().replace('executor: constant-vus', `executor: ${TYPO}`);
  assert.notEqual(text, valid.getText(), 'the example no longer has `executor: constant-vus`');
  const typoUri = await writeWorkspaceFile('typo.volley.yaml', text);
  const typo = await vscode.workspace.openTextDocument(typoUri);
  assert.equal(typo.languageId, 'volley');
  await vscode.window.showTextDocument(typo);

  const error = await eventually('an error on the misspelt executor', () =>
    volleyDiagnostics(typoUri).find((d) => d.severity === vscode.DiagnosticSeverity.Error && d.message.includes(TYPO)),
  );
  const line = text.split('\n').findIndex((l) => l.includes(`executor: ${TYPO}`));
  const character = text.split('\n')[line]!.indexOf(TYPO);
  assert.deepEqual(
    [error.range.start.line, error.range.start.character, error.range.end.line, error.range.end.character],
    [line, character, line, character + TYPO.length],
  );
  // The server debounces per document and publishes in the order documents were opened, so by the time the
  // later file's error has arrived the example's own (empty) publication has been handled too.
  assert.deepEqual(
    vscode.languages.getDiagnostics(example).map((d) => `${d.source}: ${d.message}`),
    [],
  );
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  await screenshot('misspelt-executor');
});

test('the quick fix for a misspelt executor replaces it, and the error goes away', async () => {
  const uri = vscode.Uri.joinPath(workspaceRoot(), 'typo.volley.yaml');
  const document = await vscode.workspace.openTextDocument(uri);
  const error = await eventually('the executor error', () => volleyDiagnostics(uri).find((d) => d.message.includes(TYPO)));
  const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    error.range,
  );
  const fixes = actions.filter((a): a is vscode.CodeAction => a instanceof Object && 'edit' in a && a.edit !== undefined);
  const fix = fixes.find((a) => a.edit!.get(uri).some((edit) => edit.newText === 'constant-vus'));
  assert.ok(fix, `no fix to constant-vus among ${JSON.stringify(actions.map((a) => a.title))}`);
  assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
  const edits = fix.edit!.get(uri);
  assert.equal(edits.length, 1);
  assert.ok(edits[0]!.range.isEqual(error.range), `edit range ${JSON.stringify(edits[0]!.range)} is not the error's`);

  assert.equal(await vscode.workspace.applyEdit(fix.edit!), true);
  assert.match(document.getText(), /executor: constant-vus\n/);
  await eventually('the error to clear after the fix', () => (volleyDiagnostics(uri).length === 0 ? true : undefined));
});

test('completion offers the executor names for an executor value, and the keys an arrival-rate scenario still lacks', async () => {
  const uri = await writeWorkspaceFile(
    'complete.volley.yaml',
    'baseUrl: http://127.0.0.1:1\nscenarios:\n  a:\n    executor: \n  b:\n    executor: constant-arrival-rate\n    rate: 10\n    \n    flow:\n      - get: /\n',
  );
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  const labelsAt = async (line: number, character: number) => {
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(line, character));
    return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  };
  const executors = await labelsAt(3, '    executor: '.length);
  for (const name of ['constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus', 'ramping-vus', 'per-vu-iterations', 'shared-iterations']) {
    assert.ok(executors.includes(name), `${name} is not offered: ${JSON.stringify(executors)}`);
  }
  const keys = await labelsAt(7, 4);
  for (const key of ['timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs', 'gracefulStop']) assert.ok(keys.includes(key), `${key} is not offered: ${JSON.stringify(keys)}`);
  for (const key of ['rate', 'executor', 'flow', 'vus', 'stages']) assert.ok(!keys.includes(key), `${key} is offered: ${JSON.stringify(keys)}`);
});

test('hover explains an executor and a threshold', async () => {
  const uri = vscode.Uri.joinPath(workspaceRoot(), EXAMPLE);
  const document = await vscode.workspace.openTextDocument(uri);
  const lines = document.getText().split('\n');
  const hoverText = async (needle: string, offset: number) => {
    const line = lines.findIndex((l) => l.includes(needle));
    assert.ok(line >= 0, `${needle} is not in ${EXAMPLE}`);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, lines[line]!.indexOf(needle) + offset));
    return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  };
  const executor = await hoverText('executor: constant-vus', 'executor: '.length + 3);
  assert.match(executor, /Closed model: `vus` VUs loop over the flow for `duration`/);
  const threshold = await hoverText('p(95)<300', 2);
  assert.match(threshold, /p\(95\)/);
  assert.match(threshold, /300/);
});
