// Entry of the suite for an untrusted workspace (out/test/suite-untrusted.js; test/e2e/untrusted.test.ts
// starts code-server with workspace trust left on). IntelliSense keeps working; every way to start a run
// refuses with the extension's message, and no engine process is started for a run; an import (an edit)
// works, and its engine child is gone when it has.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UNTRUSTED_MESSAGE } from '../../../src/extension/trust';
import { runRegistered, test } from './harness';
import { eventually, EXTENSION_ID, pageStep, screenshot, volleyApi, volleyDiagnostics, workspaceRoot, writeWorkspaceFile } from './helpers';
import { children, engineProcesses } from './processes';




test('the workspace is untrusted, and the extension runs in it (limited support)', async () => {
  assert.equal(vscode.workspace.isTrusted, false, 'the workspace is trusted: this suite must run with workspace trust on');
  const volley = await volleyApi();
  assert.ok(volley.runner, 'the extension did not activate');
});

test('IntelliSense still works: a diagnostic, its quick fix, and completion', async () => {
  const text = 'baseUrl: http://127.0.0.1:1\nscenarios:\n  a:\n    executor: constant-vu\n    vus: 1\n    duration: 1s\n    flow:\n      - get: /\n';
  const uri = await writeWorkspaceFile('typo.volley.yaml', text);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const error = await eventually('an error on the misspelt executor', () => volleyDiagnostics(uri).find((d) => d.message.includes('constant-vu')));
  assert.equal(error.range.start.line, 3);
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, error.range);
  assert.ok(actions.some((a) => a.edit?.get(uri).some((e) => e.newText === 'constant-vus')), JSON.stringify(actions.map((a) => a.title)));
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(4, 4));
  const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  assert.ok(labels.includes('gracefulStop'), JSON.stringify(labels));
});

test('Run, Run Scenario, Estimate VUs, Debug One Iteration and the Testing view refuse with the message, and no engine process starts', async () => {
  const volley = await volleyApi();
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  // The scan sees this extension host's children: the language server is one of them.
  const before = children();
  assert.ok(before.some((p) => p.cmdline.includes(join(extensionPath, 'dist/server.js'))), `no language server among ${JSON.stringify(before)}`);
  assert.deepEqual(engineProcesses(extensionPath), []);

  let started = 0;
  const listener = volley.runner.onDidStart(() => started++);
  try {
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'constant-arrival-rate.volley.yaml');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    assert.equal(await vscode.commands.executeCommand('volley.runFile', uri), undefined);
    const toast = await pageStep<{ message: string; buttons: string[] }>('notification', { text: UNTRUSTED_MESSAGE });
    assert.equal(toast.message, UNTRUSTED_MESSAGE);
    assert.ok(toast.buttons.includes('Manage Workspace Trust'), JSON.stringify(toast.buttons));
    await screenshot('untrusted-refused');

    await vscode.commands.executeCommand('volley.runScenario', uri, 'catalogue');
    await vscode.commands.executeCommand('volley.estimateVUs', uri, 'catalogue');
    assert.equal(await vscode.commands.executeCommand('volley.debugIteration', uri, 'catalogue'), undefined, 'Debug One Iteration ran');

    await volley.tests.controller.resolveHandler?.(undefined);
    const item = await eventually('the file as a test item', () => volley.tests.controller.items.get(uri.toString()));
    await volley.tests.profile.runHandler(new vscode.TestRunRequest([item]), new vscode.CancellationTokenSource().token);
    assert.equal(volley.tests.outcomes.get(item.id), 'errored');

    assert.equal(started, 0, 'a run started');
    assert.equal(volley.runner.current, undefined);
    assert.equal(volley.runner.lastRun, undefined);
    assert.deepEqual(engineProcesses(extensionPath), [], 'an engine process is running');
    // VS Code itself runs helpers now and then (its port finder lists /proc): only Volley's are counted.
    assert.deepEqual(
      children().filter((p) => p.cmdline.includes(extensionPath) && !p.cmdline.includes(join(extensionPath, 'dist/server.js'))),
      [],
      'the extension started a process besides the language server',
    );
    assert.equal(existsSync(join(workspaceRoot().fsPath, '.volley')), false, 'a run store was created');
  } finally {
    listener.dispose();
  }
});

test('importing is an edit, not a run: Paste cURL as Step works here, and its engine child is gone once it has', async () => {
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const text = 'baseUrl: http://127.0.0.1:7878\nscenarios:\n  a:\n    executor: per-vu-iterations\n    vus: 1\n    iterations: 1\n    flow:\n      - get: /\n';
  const uri = await writeWorkspaceFile('untrusted-paste.volley.yaml', text);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  editor.selection = new vscode.Selection(7, 8, 7, 8);
  assert.equal(await vscode.commands.executeCommand('volley.pasteCurlAsStep', "curl 'http://127.0.0.1:7878/cart' -X DELETE"), true);
  assert.match(editor.document.getText(), /      - get: \/\n      - delete: \/cart\n/);
  assert.deepEqual(engineProcesses(extensionPath), [], 'the import\'s engine process is still there');
  assert.equal(existsSync(join(workspaceRoot().fsPath, '.volley')), false, 'a run store was created');
});

export function run(): Promise<void> {
  return runRegistered();
}
