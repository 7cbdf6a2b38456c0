// Entry of the suite for the packaged extension (out/test/suite-packaged.js; test/e2e/packaged.test.ts
// installs the .vsix with `code-server --install-extension` and loads nothing from the checkout). Checks
// that what ships works on its own: it activates by itself, the language server answers, and a short run
// goes through the bundled engine into the bundled results panel.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoServer } from '../../../src/engine/demo/server';
import type { VolleyApi } from '../../../src/extension/main';
import { runRegistered, test } from './harness';
import { eventually, pageStep, screenshot, volleyDiagnostics, writeWorkspaceFile } from './helpers';
import type { WebviewFacts } from '../page-steps';

const EXTENSION_ID = 'volley.volley';

function installed(): vscode.Extension<VolleyApi> {
  const extension = vscode.extensions.getExtension<VolleyApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  return extension;
}

test('the installed extension is the packaged one, and activates on its own', async () => {
  const extension = installed();
  // Installed into the run's extensions directory, as publisher.name-version; nothing but what was packaged.
  assert.match(extension.extensionPath, new RegExp(`/extensions/volley\\.volley-${extension.packageJSON.version.replace(/\./g, '\\.')}$`));
  for (const shipped of ['dist/extension.js', 'dist/server.js', 'dist/engine.js', 'dist/webview/webview.js', 'dist/webview/results.css', 'media/icon.png', 'changelog.md', 'readme.md']) {
    assert.ok(existsSync(join(extension.extensionPath, shipped)), `${shipped} is not in the installed extension`);
  }
  for (const kept of ['src', 'test', 'node_modules', 'dist/extension.js.map']) {
    assert.equal(existsSync(join(extension.extensionPath, kept)), false, `${kept} was packaged`);
  }
  // workspaceContains:**/*.volley.{yaml,yml} (the workspace holds the examples): nobody calls activate().
  await eventually('the extension to activate', () => (extension.isActive ? true : undefined), 20_000);
});

test('the language server from the package answers: a misspelt executor gets an error', async () => {
  const uri = await writeWorkspaceFile(
    'typo.volley.yaml',
    'baseUrl: http://127.0.0.1:1\nscenarios:\n  a:\n    executor: constant-vu\n    vus: 1\n    duration: 1s\n    flow:\n      - get: /\n',
  );
  const document = await vscode.workspace.openTextDocument(uri);
  assert.equal(document.languageId, 'volley');
  await vscode.window.showTextDocument(document);
  const error = await eventually('an error on the misspelt executor', () =>
    volleyDiagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error && d.message.includes('constant-vu')),
  );
  assert.deepEqual([error.range.start.line, error.range.start.character], [3, 14]);
});

test('a run goes through the packaged engine into the packaged results panel', async () => {
  const volley = installed().exports;
  const target = await startDemoServer({ port: 0, latencyMs: 2, seed: 5 });
  try {
    const uri = await writeWorkspaceFile(
      'packaged-run.volley.yaml',
      `baseUrl: ${target.url}\nscenarios:\n  smoke:\n    executor: constant-vus\n    vus: 1\n    duration: 1s\n    flow:\n      - name: health\n        get: /health\n      - think: 50ms\nthresholds:\n  http_req_failed: [rate<0.5]\n`,
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
    await vscode.commands.executeCommand('volley.runFile', uri);
    const run = volley.runner.lastRun;
    assert.ok(run, 'the run did not happen');
    const summary = run.events.find((e) => e.type === 'summary');
    assert.equal(summary?.type === 'summary' && summary.summary.outcome, 'completed');
    await eventually('the summary in the panel', () => (volley.panels.current?.rendered?.mode === 'summary' ? true : undefined));
    const facts = await pageStep<WebviewFacts>('webviewFacts', { title: run.label });
    assert.ok(facts.headings.includes('Thresholds: all passed'), JSON.stringify(facts.headings));
    assert.deepEqual(facts.tables.find((t) => t.caption === 'Per step')?.rows.map((r) => r[0]), ['smoke › health']);
    assert.ok(facts.charts.length > 0 && facts.charts.every((c) => c.painted), JSON.stringify(facts.charts));
    // The script comes from the installed extension, by nonce.
    const ours = facts.scripts.filter((s) => s.id !== '_vscodeApiScript');
    assert.equal(ours.length, 1);
    assert.ok(ours[0]!.nonce.length >= 16 && ours[0]!.src.includes('volley.volley-'), JSON.stringify(ours));
    await screenshot('packaged-run');
  } finally {
    await target.close();
  }
}, 45_000);

export function run(): Promise<void> {
  return runRegistered();
}
