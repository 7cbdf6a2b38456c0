// Two commands as a person uses them, through the workbench's own widgets (the runner's page steps):
// Estimate VUs runs a bounded trial of an arrival-rate example against the demo target and its
// notification's button writes the recommendation into the file; New Scenario from a Template picks a
// template in the quick pick, takes a name in the input box, and opens a valid scenario.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoServer } from '../../../src/engine/demo/server';
import { test } from './harness';
import { eventually, pageStep, screenshot, volleyErrors, waitForRunLenses, workspaceRoot, writeWorkspaceFile } from './helpers';

const EXTENSION_ID = 'volley.volley';
const ARRIVAL_EXAMPLE = 'constant-arrival-rate.volley.yaml';
/** Far more VUs than a fast target at 10/s needs, so the recommendation is bound to differ. */
const TOO_MANY_VUS = 37;

/**
 * The example's one scenario's VU keys, read from the text: a strict YAML parser refuses the example's
 * `json.items[0].id` in a flow mapping, which Volley's own reader accepts.
 */
function vuKeys(text: string): { preAllocatedVUs: number; maxVUs: number } {
  const value = (key: string) => Number(new RegExp(`^\\s+${key}: (\\d+)\\s*$`, 'm').exec(text)?.[1]);
  return { preAllocatedVUs: value('preAllocatedVUs'), maxVUs: value('maxVUs') };
}

test('Estimate VUs: a bounded trial against the demo target, and the notification’s button writes preAllocatedVUs', async () => {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  await extension.activate();
  const target = await startDemoServer({ port: 0, latencyMs: 5, seed: 17 });
  const settings = vscode.workspace.getConfiguration('volley');
  try {
    // The example as shipped, aimed at the demo target this test started, with a VU count to correct.
    const example = readFileSync(join(workspaceRoot().fsPath, ARRIVAL_EXAMPLE), 'utf8');
    const text = example
      .replace(/^baseUrl: .*$/m, `baseUrl: ${target.url}`)
      .replace(/preAllocatedVUs: \d+/, `preAllocatedVUs: ${TOO_MANY_VUS}`)
      .replace(/maxVUs: \d+/, `maxVUs: ${TOO_MANY_VUS + 3}`);
    assert.notEqual(text, example);
    const uri = await writeWorkspaceFile('e2e-estimate.volley.yaml', text);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    // A bounded trial: two seconds of 10 iterations/s.
    await settings.update('estimate.trialDuration', '2s', vscode.ConfigurationTarget.Global);
    assert.equal(vscode.workspace.getConfiguration('volley', uri).get('estimate.trialDuration'), '2s');

    const estimated = vscode.commands.executeCommand('volley.estimateVUs', uri);
    const answer = await pageStep<{ message: string; button: string }>(
      'notificationClick',
      { text: 'needs about', button: 'Set preAllocatedVUs', timeoutMs: 18_000 },
      25_000,
    );
    await estimated;
    const [, pre, max] = /^Set preAllocatedVUs: (\d+)(?:, maxVUs: (\d+))?$/.exec(answer.button) ?? [];
    assert.ok(pre, `the button: ${answer.button}`);
    assert.match(answer.message, new RegExp(`catalogue needs about ${pre} VUs \\(median iteration \\d+ ms`));
    const recommended = Number(pre);
    assert.notEqual(recommended, TOO_MANY_VUS, 'the trial recommended what the file already had: nothing to show');
    const scenario = await eventually('the recommendation in the file', () => {
      const now = vuKeys(document.getText());
      return now.preAllocatedVUs !== TOO_MANY_VUS ? now : undefined;
    });
    assert.equal(scenario.preAllocatedVUs, recommended);
    if (max !== undefined) assert.equal(scenario.maxVUs, Math.max(Number(max), recommended));
    // Only those two lines changed.
    const untouched = (t: string) => t.split('\n').filter((l) => !/^\s+(preAllocatedVUs|maxVUs):/.test(l));
    assert.deepEqual(untouched(document.getText()), untouched(text));
    await document.save();
    await screenshot('estimate-applied');
  } finally {
    await settings.update('estimate.trialDuration', undefined, vscode.ConfigurationTarget.Global);
    await target.close();
  }
}, 45_000);

test('New Scenario from a Template: picked in the quick pick, named in the input box, it opens as a valid volley file', async () => {
  const template = 'shared-iterations';
  const created = vscode.commands.executeCommand<vscode.Uri | undefined>('volley.newScenario');
  const picked = await pageStep<{ picked: string; items: string[] }>('quickPick', { pick: template });
  assert.ok(picked.picked.startsWith(template), picked.picked);
  // Every shipped example is offered.
  for (const name of ['constant-arrival-rate', 'constant-vus', 'ramping-vus', 'per-vu-iterations']) {
    assert.ok(picked.items.some((i) => i.startsWith(name)), `${name} is not offered: ${JSON.stringify(picked.items)}`);
  }
  const named = await pageStep<{ title: string; proposed: string }>('inputBox', { value: 'e2e from template' });
  assert.equal(named.proposed, template);
  const uri = await created;
  assert.ok(uri, 'the command made no file');
  assert.equal(uri.toString(), vscode.Uri.joinPath(workspaceRoot(), 'e2e-from-template.volley.yaml').toString());
  const editor = await eventually('the new file in the editor', () =>
    vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() ? vscode.window.activeTextEditor : undefined,
  );
  const document = editor.document;
  assert.equal(document.languageId, 'volley');
  assert.equal(document.getText(), readFileSync(join(workspaceRoot().fsPath, `${template}.volley.yaml`), 'utf8'));
  // The server has read it once its lenses are there; then it has no error. An error typed in shows up
  // and goes again, so the empty list is the server's answer, not silence.
  const lenses = await waitForRunLenses(uri);
  assert.ok(lenses.some((t) => t.includes('Run')), JSON.stringify(lenses));
  assert.deepEqual(volleyErrors(uri), []);
  const typo = new vscode.WorkspaceEdit();
  const at = document.getText().indexOf('executor: shared-iterations') + 'executor: '.length;
  assert.ok(at >= 'executor: '.length, 'the template has no shared-iterations executor');
  typo.insert(uri, document.positionAt(at), 'x');
  assert.equal(await vscode.workspace.applyEdit(typo), true);
  await eventually('an error for the typo', () => (volleyErrors(uri).length > 0 ? true : undefined));
  const fix = new vscode.WorkspaceEdit();
  fix.delete(uri, new vscode.Range(document.positionAt(at), document.positionAt(at + 1)));
  assert.equal(await vscode.workspace.applyEdit(fix), true);
  await eventually('the error to go with the typo', () => (document.getText().includes('executor: shared-iterations') && volleyErrors(uri).length === 0 ? true : undefined));
  await document.save();
  await screenshot('new-scenario');
}, 30_000);
