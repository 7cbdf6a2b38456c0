// setup and teardown from the editor: a run whose setup step fails shows that as its outcome in the panel
// (its own sections) and as an Error on the step's line; with `volley.run.setup` off the same file runs
// its scenario without setup, as `volley run --no-setup` does.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startDemoServer } from '../../../src/engine/demo/server';
import { parseRunFile } from '../../../src/extension/run-file';
import { test } from './harness';
import { eventually, screenshot, volleyApi, writeWorkspaceFile } from './helpers';

const scenario = (baseUrl: string): string => `# e2e: a setup step whose check fails
baseUrl: ${baseUrl}
setup:
  - name: admin login
    get: /products?page=1
    check: { status: 201 }
teardown:
  - name: clean up
    get: /health
scenarios:
  once:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - name: health
        get: /health
`;

test('a failed setup is the run\'s outcome in the panel and an Error on its step; volley.run.setup off skips it', async () => {
  const volley = await volleyApi();
  const target = await startDemoServer({ port: 0, latencyMs: 2, seed: 19 });
  const settings = vscode.workspace.getConfiguration('volley');
  try {
    const uri = await writeWorkspaceFile('e2e-setup.volley.yaml', scenario(target.url));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const loginLine = document.getText().split('\n').findIndex((l) => l.includes('- name: admin login'));

    const failed = vscode.commands.executeCommand('volley.runFile', uri);
    const panel = await eventually('the results panel', () => volley.livePanel());
    await failed;
    const shown = await eventually('the failed setup in the panel', () => (panel.rendered?.headings.includes('Setup failed') ? panel.rendered : undefined));
    assert.equal(shown.mode, 'summary');
    assert.ok(shown.headings.includes('Setup and teardown'), JSON.stringify(shown.headings));
    const problem = await eventually('the failed setup step in Problems', () =>
      vscode.languages.getDiagnostics(uri).find((d) => d.source === 'volley run' && d.code === 'setup-failed'),
    );
    assert.equal(problem.range.start.line, loginLine);
    assert.match(problem.message, /^Setup failed here: status 200, check "status is 201" failed, so no scenario ran \(exit code 107\)\. The response began: /);
    await screenshot('setup-failed');

    await settings.update('run.setup', false, vscode.ConfigurationTarget.Global);
    const outcome = await volley.runner.run({ uri });
    assert.equal(outcome?.exitCode, 0);
    const events = parseRunFile(readFileSync(outcome!.run.runFile, 'utf8')).events;
    assert.deepEqual(events.flatMap((e) => (e.type === 'lifecycle' ? [e.stage] : [])), ['teardown']);
    await eventually('the setup failure gone from Problems', () =>
      vscode.languages.getDiagnostics(uri).some((d) => d.code === 'setup-failed') ? undefined : true,
    );
  } finally {
    await settings.update('run.setup', undefined, vscode.ConfigurationTarget.Global);
    await target.close();
  }
}, 45_000);
