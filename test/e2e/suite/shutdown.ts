// Entry of the suite for shutdown.test.ts (out/test/suite-shutdown.js). The node side has written a long
// run against a loopback server it watches into the workspace; this suite starts it and leaves it running.
// The workbench stops the extension host when run() settles, and the runner's afterSuite phase checks that
// the engine went with it. The remote-host modal is left to that phase too: a workbench running a test
// suite refuses to show dialogs.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRegistered, test } from './harness';
import { eventually, EXTENSION_ID, screenshot, volleyApi, workspaceRoot } from './helpers';
import { engineProcesses, processes } from './processes';

// Keep in step with ../shutdown.test.ts.
const LONG_FILE = 'e2e-window.volley.yaml';
const ENGINE_FACTS = 'e2e-engine.json';



test('the workspace is trusted and asks before loading other machines (the runner answers the modal later)', async () => {
  const volley = await volleyApi();
  assert.ok(volley.runner, 'the extension did not activate');
  assert.equal(vscode.workspace.isTrusted, true);
  assert.equal(vscode.workspace.getConfiguration('volley').get('run.confirmRemoteHosts'), true);
  assert.equal(existsSync(join(workspaceRoot().fsPath, '.volley')), false, 'a run store exists before any run');
});

test('a long run is left running when the suite ends (its engine is a child of this extension host)', async () => {
  const volley = await volleyApi();
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const uri = vscode.Uri.joinPath(workspaceRoot(), LONG_FILE);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  // Never awaited: the run is still going when run() settles and the workbench stops the extension host.
  void vscode.commands.executeCommand('volley.runFile', uri);
  const run = await eventually('the long run to start', () => volley.runner.current);
  await eventually('a second of the run', () => (run.events.some((e) => e.type === 'aggregate') ? true : undefined), 20_000);
  const pid = run.process.pid;
  assert.ok(pid !== undefined);
  const engine = processes().find((p) => p.pid === pid);
  assert.ok(engine, `engine ${pid} is not running`);
  assert.equal(engine.ppid, process.pid, 'the engine is not a child of this extension host');
  assert.ok(engine.cmdline.includes(join(extensionPath, 'dist/engine.js')), engine.cmdline);
  assert.deepEqual(engineProcesses(extensionPath).map((p) => p.pid), [pid]);
  writeFileSync(join(workspaceRoot().fsPath, ENGINE_FACTS), JSON.stringify({ enginePid: pid, hostPid: process.pid, runFile: run.runFile }));
  await screenshot('long-run');
}, 40_000);

export function run(): Promise<void> {
  return runRegistered();
}
