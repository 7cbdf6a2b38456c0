// The imports as a person uses them (issue 15, "In the editor"): New Scenario from… through the quick pick
// and the input box, its warning counted in a notification; Paste cURL as Step into the flow at the
// cursor; and the "Load test this" lens of an .http request writing and opening that request's scenario.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from './harness';
import { eventually, pageStep, screenshot, volleyApi, volleyErrors, waitForRunLenses, workspaceRoot, writeWorkspaceFile } from './helpers';

/** A server without a host: the import warns (and uses 127.0.0.1:8080), so there is a warning to count. */
const OPENAPI = `openapi: 3.0.3
info: { title: E2E shop, version: "1" }
servers: [{ url: /api }]
paths:
  /products/{id}:
    get:
      operationId: getProduct
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer, example: 3 } }
      responses: { "200": { description: ok } }
`;

const HTTP_FILE = `@base = http://127.0.0.1:7878

# @name login
POST {{base}}/login
Content-Type: application/json

{"user": "demo", "password": "e2e-secret-pw"}

###
GET {{base}}/cart
Authorization: Bearer {{login.response.body.$.token}}
`;

async function openedBeside(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return eventually(`${uri.fsPath} in an editor`, () => vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString()));
}

test('New Scenario from OpenAPI: the kind in the quick pick, the name in the input box, the scenario opens beside, its warning counted', async () => {
  await volleyApi();
  const input = await writeWorkspaceFile('e2e-shop.openapi.yaml', OPENAPI);
  const created = vscode.commands.executeCommand<vscode.Uri | undefined>('volley.importScenario', undefined, input.fsPath);
  const picked = await pageStep<{ picked: string; items: string[] }>('quickPick', { pick: 'OpenAPI' });
  for (const kind of ['cURL', 'HAR', 'OpenAPI', 'Postman', '.http']) assert.ok(picked.items.some((i) => i.includes(kind)), `${kind} is not offered: ${JSON.stringify(picked.items)}`);
  const named = await pageStep<{ proposed: string }>('inputBox', { value: 'e2e-imported-shop' });
  assert.equal(named.proposed, 'e2e-shop', 'the name proposed is the input\'s');
  const toast = await pageStep<{ message: string; buttons: string[] }>('notification', { text: 'e2e-imported-shop.volley.yaml' });
  assert.match(toast.message, /imported e2e-shop\.openapi\.yaml into e2e-imported-shop\.volley\.yaml\. 1 warning/);
  assert.ok(toast.buttons.includes('Show Output'), JSON.stringify(toast.buttons));
  const uri = await created;
  assert.equal(uri?.toString(), vscode.Uri.joinPath(workspaceRoot(), 'e2e-imported-shop.volley.yaml').toString());
  const editor = await openedBeside(uri!);
  assert.equal(editor.document.languageId, 'volley');
  assert.match(editor.document.getText(), /^# Imported by volley import from e2e-shop\.openapi\.yaml: OpenAPI 3\.0\.3 document "E2E shop"/);
  assert.match(editor.document.getText(), /# warning: the server URL "\/api" has no host/);
  assert.match(editor.document.getText(), /- name: getProduct\n\s+get: \/products\/3\n/);
  assert.notEqual(editor.viewColumn, vscode.ViewColumn.One, 'the scenario opens beside');
  // The server has read it once its Run lens is there; then it has no error.
  await waitForRunLenses(uri!);
  assert.deepEqual(volleyErrors(uri!), []);
  await screenshot('import-openapi');
}, 40_000);

test('New Scenario from a Postman collection: the environment exported beside it is offered, and its secret value stays out of the file', async () => {
  await volleyApi();
  const input = await writeWorkspaceFile(
    'e2e-shop.postman_collection.json',
    JSON.stringify({
      info: { _postman_id: 'e2e', name: 'E2E shop', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [{ name: 'Account', request: { method: 'GET', header: [{ key: 'X-API-Key', value: '{{apiKey}}' }], url: '{{baseUrl}}/account' } }],
    }),
  );
  await writeWorkspaceFile(
    'e2e-local.postman_environment.json',
    JSON.stringify({ name: 'E2E local', values: [{ key: 'baseUrl', value: 'http://127.0.0.1:7878', enabled: true }, { key: 'apiKey', value: 'e2e-env-key-808', type: 'secret', enabled: true }] }),
  );
  const created = vscode.commands.executeCommand<vscode.Uri | undefined>('volley.importScenario', 'postman', input.fsPath);
  const picked = await pageStep<{ picked: string; items: string[] }>('quickPick', { pick: 'e2e-local.postman_environment.json' });
  assert.ok(picked.items.some((i) => i.includes('No environment')), JSON.stringify(picked.items));
  await pageStep('inputBox', { value: 'e2e-postman-env' });
  const uri = await created;
  const editor = await openedBeside(uri!);
  const text = editor.document.getText();
  assert.match(text, /Postman collection "E2E shop", 1 request, environment "E2E local"/);
  assert.match(text, /baseUrl: http:\/\/127\.0\.0\.1:7878\n/);
  assert.match(text, /X-API-Key: "\{\{ env\.API_KEY \}\}"/);
  assert.ok(!text.includes('e2e-env-key-808'), 'the secret value is not written');
}, 40_000);

test('Paste cURL as Step: the step lands after the step under the cursor, indented for the list, and its env variable is named', async () => {
  await volleyApi();
  const text = `baseUrl: http://127.0.0.1:7878
scenarios:
  shop:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /
      - think: 1s
`;
  const uri = await writeWorkspaceFile('e2e-paste.volley.yaml', text);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
  editor.selection = new vscode.Selection(7, 10, 7, 10);
  const curl = "curl 'http://127.0.0.1:7878/cart' -H 'Authorization: Bearer e2e-token-123456' --data-raw '{\"id\":3}'";
  const pasted = vscode.commands.executeCommand<boolean>('volley.pasteCurlAsStep', curl);
  const toast = await pageStep<{ message: string }>('notification', { text: 'pasted 1 step' });
  assert.match(toast.message, /env\.BEARER_TOKEN/);
  assert.equal(await pasted, true);
  const after = editor.document.getText();
  assert.match(after, /      - get: \/\n      - post: \/cart\n        headers:\n          Authorization: Bearer \{\{ env\.BEARER_TOKEN \}\}\n        json:\n          id: 3\n      - think: 1s\n/);
  assert.ok(!after.includes('e2e-token-123456'), 'the token is not written');
  await eventually('no error in the edited file', () => (editor.document.version > 1 && volleyErrors(uri).length === 0 ? true : undefined));
  await editor.document.save();
}, 30_000);

test('"Load test this" on .http requests and OpenAPI operations: a lens on each, and its scenario written beside the file and opened', async () => {
  await volleyApi();
  const uri = await writeWorkspaceFile('e2e-api.http', HTTP_FILE);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
  const found = await lensesOf(uri);
  assert.deepEqual(found.map((l) => [l.range.start.line, l.command?.title]), [[3, 'Load test this'], [9, 'Load test this']]);
  const cart = found[1]!.command!;
  const target = vscode.Uri.joinPath(workspaceRoot(), 'get-cart.volley.yaml');
  assert.ok(!existsSync(target.fsPath));
  const created = await vscode.commands.executeCommand<vscode.Uri | undefined>(cart.command, ...(cart.arguments ?? []));
  assert.equal(created?.toString(), target.toString());
  const editor = await openedBeside(target);
  const written = readFileSync(target.fsPath, 'utf8');
  assert.equal(editor.document.getText(), written);
  assert.match(written, /name: login/, 'the request the token comes from is kept');
  assert.match(written, /get: \/cart\n\s+headers:\n\s+Authorization: Bearer \{\{ token \}\}/);
  assert.ok(!written.includes('e2e-secret-pw'));
  await screenshot('load-test-this');

  // An OpenAPI document (the first test's): a lens on each operation's method key, named by its operationId.
  const openapi = vscode.Uri.joinPath(workspaceRoot(), 'e2e-shop.openapi.yaml');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(openapi), vscode.ViewColumn.One);
  const operations = await lensesOf(openapi);
  assert.deepEqual(operations.map((l) => [l.range.start.line, l.command?.arguments?.slice(1)]), [[5, ['getProduct', 'getProduct']]]);
  const op = operations[0]!.command!;
  const fromOperation = await vscode.commands.executeCommand<vscode.Uri | undefined>(op.command, ...(op.arguments ?? []));
  assert.equal(fromOperation?.toString(), vscode.Uri.joinPath(workspaceRoot(), 'getProduct.volley.yaml').toString());
  await openedBeside(fromOperation!);
  assert.match(readFileSync(fromOperation!.fsPath, 'utf8'), /- name: getProduct\n\s+get: \/products\/3\n/);
}, 40_000);

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const ours = lenses.filter((l) => l.command?.command === 'volley.loadTestThis');
    if (ours.length > 0) return ours.sort((a, b) => a.range.start.line - b.range.start.line);
    if (Date.now() > deadline) throw new Error(`no Load test this lens on ${uri.fsPath} after 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
