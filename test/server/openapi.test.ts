// `openapi:` in the language server, over stdio: completion of paths, methods and json keys, hover on an
// operation, the checks as diagnostics, the document re-read when it changes on disk — on the demo
// target's own document (src/engine/demo/openapi.ts, written to a temp dir) and on GitHub's public one
// (@octokit/openapi, 1,200+ operations).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompletionRequest, type CompletionItem, type CompletionList, type Diagnostic, type MarkupContent, type TextEdit } from 'vscode-languageserver-protocol';
import { demoOpenApiDocument } from '../../src/engine/demo/openapi';
import { TestClient, find, withCursor } from './lsp-client';

const GITHUB = require.resolve('@octokit/openapi/generated/api.github.com.json');

let client: TestClient;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'volley-openapi-'));
  writeFileSync(join(dir, 'openapi.json'), JSON.stringify(demoOpenApiDocument('http://127.0.0.1:8080'), null, 2));
  client = new TestClient();
  await client.initialize();
});
after(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

let opened = 0;
async function open(text: string, name = `scenario-${++opened}.volley.yaml`): Promise<string> {
  const uri = pathToFileURL(join(dir, name)).href;
  writeFileSync(join(dir, name), text);
  await client.open(uri, text);
  return uri;
}

/** Polls until `accept` holds (the document is read asynchronously, once). */
async function eventually<T>(what: string, get: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await get();
    if (accept(last)) return last;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

async function latestDiagnostics(uri: string): Promise<Diagnostic[]> {
  return client.published(uri).at(-1)?.diagnostics ?? [];
}

function diagnosticsWhere(uri: string, accept: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  return eventually(`diagnostics of ${uri}`, () => latestDiagnostics(uri), accept);
}

/** A diagnostic's message as text. */
const textOf = (d: Diagnostic | undefined): string => (d === undefined ? '' : typeof d.message === 'string' ? d.message : d.message.value);

const openapiCodes = (list: Diagnostic[]) => list.filter((d) => String(d.code).startsWith('openapi')).map((d) => `${d.code}@${d.range.start.line + 1}:${d.range.start.character + 1}`);

const DEMO_HEAD = `baseUrl: http://127.0.0.1:8080
openapi: ./openapi.json
scenarios:
  shop:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
`;

test('diagnostics: a step no operation matches, a wrong method, a json body missing a required key or with an unknown one, an undocumented status; matching steps are clean', async () => {
  const text = `${DEMO_HEAD}      - get: /products/{{ iteration + 1 }}
        check: { status: [200, 404] }
      - post: /login
        json: { user: shopper, password: demo }
      - post: /cart
        json:
          id: 1
          usr: shopper
      - get: /product
      - delete: /cart/c1
      - get: /products?page=2
        check: { status: 201 }
`;
  const uri = await open(text);
  const diagnostics = await diagnosticsWhere(uri, (list) => openapiCodes(list).length >= 5);
  const at = (needle: string, delta = 0) => {
    const p = find(text, needle, delta);
    return `${p.line + 1}:${p.character + 1}`;
  };
  assert.deepEqual(openapiCodes(diagnostics).sort(), [
    `openapi-missing-property@${at('json:\n          id')}`,
    `openapi-undocumented-status@${at('201')}`,
    `openapi-unknown-operation@${at('/cart/c1')}`,
    `openapi-unknown-operation@${at('/product\n')}`,
    `openapi-unknown-property@${at('usr')}`,
  ].sort());
  const message = (code: string, needle: string) => textOf(diagnostics.find((d) => d.code === code && textOf(d).includes(needle)));
  assert.match(message('openapi-missing-property', 'user')!, /lacks "user", required by POST \/cart \(addToCart\)/);
  assert.match(message('openapi-unknown-property', 'usr')!, /did you mean user\?/);
  assert.match(message('openapi-unknown-operation', '/product:')!, /no operation .* has this path \(did you mean \/products\?\)/);
  assert.match(message('openapi-unknown-operation', 'DELETE')!, /no DELETE operation on this path \(it documents GET\)/);
  assert.match(message('openapi-undocumented-status', '201')!, /GET \/products \(listProducts\) does not document status 201: it documents 200, 400/);
  assert.ok(diagnostics.every((d) => d.severity === 2 || !String(d.code).startsWith('openapi')), 'all warnings');
});

test('paths relative to baseUrl\'s path: a baseUrl with the server\'s path in it, steps written without it; an absolute URL to the same origin is checked, to another is not', async () => {
  writeFileSync(join(dir, 'versioned.json'), JSON.stringify({ ...demoOpenApiDocument('http://127.0.0.1:8080/api/v1') }));
  const text = `baseUrl: http://127.0.0.1:8080/api/v1
openapi: versioned.json
scenarios:
  s:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /products/7
      - get: /nowhere
      - get: http://127.0.0.1:8080/api/v1/products/7
      - get: https://cdn.example.com/nowhere/at/all
      - get: http://127.0.0.1:8080/api/v1/nothing
`;
  const uri = await open(text);
  const diagnostics = await diagnosticsWhere(uri, (list) => openapiCodes(list).length > 1);
  assert.deepEqual(openapiCodes(diagnostics), [`openapi-unknown-operation@10:14`, `openapi-unknown-operation@13:14`]);
});

test('the key: a URL is an error at its value; a missing or invalid document is a warning there', async () => {
  const body = `scenarios:
  s:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: http://127.0.0.1:8080/health
`;
  const url = await open(`openapi: https://example.com/openapi.json\n${body}`);
  const urlDiagnostics = await diagnosticsWhere(url, (list) => list.length > 0);
  const refused = urlDiagnostics.find((d) => /openapi takes a file, not a URL/.test(textOf(d)));
  assert.ok(refused, JSON.stringify(urlDiagnostics));
  assert.equal(refused.severity, 1);
  assert.deepEqual(refused.range.start, { line: 0, character: 9 });

  const missing = await open(`openapi: ./no-such.yaml\n${body}`);
  const missingDiagnostics = await diagnosticsWhere(missing, (list) => list.some((d) => d.code === 'openapi-document'));
  const problem = missingDiagnostics.find((d) => d.code === 'openapi-document')!;
  assert.match(textOf(problem), /the OpenAPI document \.\/no-such\.yaml cannot be used: .*no-such\.yaml: no such file/);
  assert.deepEqual(problem.range, { start: { line: 0, character: 9 }, end: { line: 0, character: 23 } });

  writeFileSync(join(dir, 'broken.yaml'), 'openapi: 3.0.3\ninfo: { title: x\npaths: {}\n');
  const broken = await open(`openapi: broken.yaml\n${body}`);
  const brokenProblem = (await diagnosticsWhere(broken, (list) => list.some((d) => d.code === 'openapi-document'))).find((d) => d.code === 'openapi-document')!;
  assert.match(textOf(brokenProblem), /broken\.yaml:\d+:\d+: not valid YAML/);
});

/** The text an item inserts, with its snippet placeholders. */
const inserted = (item: CompletionItem | undefined) => (item?.textEdit as TextEdit | undefined)?.newText;

test('completion: paths for the method typed, path parameters as snippet placeholders; operations at a new step; json keys from the request schema', async () => {
  const paths = withCursor(`${DEMO_HEAD}      - get: /pro‸\n`);
  const pathsUri = await open(paths.text);
  const pathItems = await eventually('GET paths', () => client.completion(pathsUri, paths.position), (items) => items.some((i) => i.label === '/products/{id}'));
  assert.equal(inserted(pathItems.find((i) => i.label === '/products/{id}')), '/products/${1:id}');
  assert.equal(pathItems.find((i) => i.label === '/products/{id}')!.insertTextFormat, 2, 'a snippet');
  assert.ok(!pathItems.some((i) => i.label === '/login'), 'POST-only paths are not offered for get:');

  const key = withCursor(DEMO_HEAD.replace('openapi: ./openapi.json', 'openapi: ‸'));
  const files = await client.completion(await open(key.text), key.position);
  assert.ok(files.some((i) => i.label === 'openapi.json'), 'the key\'s value completes files beside the scenario');

  const post = withCursor(`${DEMO_HEAD}      - post: ‸\n`);
  const postItems = await client.completion(await open(post.text), post.position);
  assert.deepEqual(postItems.filter((i) => i.kind === 12).map((i) => i.label).sort(), ['/admin/login', '/cart', '/cart/{cartId}/checkout', '/cart/{cartId}/receipt', '/login']);

  const step = withCursor(`${DEMO_HEAD}      - get: /health\n      - ‸\n`);
  const stepItems = await client.completion(await open(step.text), step.position);
  assert.equal(inserted(stepItems.find((i) => i.label === 'GET /cart/{cartId}')), 'get: /cart/${1:cartId}');
  assert.equal(inserted(stepItems.find((i) => i.label === 'POST /login')), 'post: /login');
  assert.ok(stepItems.some((i) => i.label === 'think'), 'the format\'s own step keys are still offered');

  const body = withCursor(`${DEMO_HEAD}      - post: /cart\n        json:\n          id: 1\n          ‸\n`);
  const bodyItems = await client.completion(await open(body.text), body.position);
  const user = bodyItems.find((i) => i.label === 'user');
  assert.ok(user, JSON.stringify(bodyItems.map((i) => i.label)));
  assert.equal(user.detail, 'required string');
  assert.ok(!bodyItems.some((i) => i.label === 'id'), 'a key already there is not offered again');

  const flowBody = withCursor(`${DEMO_HEAD}      - post: /login\n        json: { user: a, ‸ }\n`);
  const flowItems = await client.completion(await open(flowBody.text), flowBody.position);
  assert.deepEqual(flowItems.filter((i) => i.kind === 5).map((i) => i.label), ['password']);
});

test('hover: the operation on a step\'s method or path, with its summary and parameters', async () => {
  const text = `${DEMO_HEAD}      - get: /products/{{ iteration + 1 }}\n      - get: /nowhere\n`;
  const uri = await open(text);
  const onPath = await eventually('hover', () => client.hover(uri, find(text, '/products/{{', 3)), (h) => h !== null);
  const value = (onPath!.contents as MarkupContent).value;
  assert.match(value, /\*\*GET \/products\/\{id\}\*\* `getProduct`/);
  assert.match(value, /\| `id` \| path \| yes \| integer \|/);
  assert.match(value, /Responses: 200, 404/);
  const onMethod = await client.hover(uri, find(text, '- get: /products', 3));
  assert.match((onMethod!.contents as MarkupContent).value, /getProduct/);
  const elsewhere = await client.hover(uri, find(text, '- get: /nowhere', 3));
  assert.ok(!elsewhere || !/`getProduct`/.test((elsewhere.contents as MarkupContent).value), 'no operation for a path the document lacks');
});

test('reload: the document edited on disk re-publishes the diagnostics without any change to the scenario', async () => {
  writeFileSync(join(dir, 'growing.json'), JSON.stringify(demoOpenApiDocument('http://127.0.0.1:8080')));
  const text = DEMO_HEAD.replace('./openapi.json', './growing.json') + '      - post: /wishlist\n        json: { id: 1 }\n';
  const uri = await open(text);
  await diagnosticsWhere(uri, (list) => openapiCodes(list).length === 1);
  const grown = demoOpenApiDocument('http://127.0.0.1:8080') as { paths: Record<string, unknown> };
  grown.paths['/wishlist'] = {
    post: {
      operationId: 'addToWishlist',
      requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['id', 'note'], properties: { id: { type: 'integer' }, note: { type: 'string' } } } } } },
      responses: { '201': { description: 'added' } },
    },
  };
  writeFileSync(join(dir, 'growing.json'), JSON.stringify(grown));
  const after = await diagnosticsWhere(uri, (list) => openapiCodes(list).some((c) => c.startsWith('openapi-missing-property')));
  assert.deepEqual(
    after.filter((d) => String(d.code).startsWith('openapi')).map(textOf),
    ['the json body lacks "note", required by POST /wishlist (addToWishlist)\'s request schema'],
  );
});

test("GitHub's public document (1,200+ operations): completion, hover and diagnostics", async () => {
  const text = `baseUrl: https://api.github.com
openapi: ${GITHUB}
scenarios:
  s:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /repos/{{ owner }}/hello-world
      - post: /repos/octo/hello-world/issues
        json: { title: Found a bug, labels: [bug], assignee_login: octocat }
        check: { status: 200 }
      - get: /repos/octo/hello-world/pulls/1/nope
`;
  const withVariables = text.replace('scenarios:', 'variables:\n  owner: octo\nscenarios:');
  const uri = await open(withVariables);
  const diagnostics = await diagnosticsWhere(uri, (list) => openapiCodes(list).length > 0);
  const found = diagnostics.filter((d) => String(d.code).startsWith('openapi'));
  assert.deepEqual(found.map((d) => d.code), ['openapi-unknown-property', 'openapi-undocumented-status', 'openapi-unknown-operation']);
  assert.match(textOf(found[0]), /the json body has "assignee_login", which POST \/repos\/\{owner\}\/\{repo\}\/issues \(issues\/create\)'s request schema does not list/);
  assert.match(textOf(found[1]), /does not document status 200: it documents 201, /);
  assert.match(textOf(found[2]), /GET \/repos\/octo\/hello-world\/pulls\/1\/nope: no operation of the OpenAPI document has this path/);
  const hover = await client.hover(uri, find(withVariables, '/repos/{{ owner }}', 2));
  assert.match((hover!.contents as MarkupContent).value, /\*\*GET \/repos\/\{owner\}\/\{repo\}\*\* `repos\/get`/);

  const cursor = withCursor(withVariables.replace('      - get: /repos/{{ owner }}/hello-world', '      - get: /repos/‸'));
  const pathsUri = await open(cursor.text);
  // 600+ GET paths start with /repos/: the best 150 are sent, the list marked incomplete so typing asks again.
  const list = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: pathsUri }, position: cursor.position })) as CompletionList;
  assert.equal(list.isIncomplete, true);
  assert.equal(list.items.filter((i) => i.kind === 12).length, 150);
  assert.ok(list.items.filter((i) => i.kind === 12).every((i) => i.label.startsWith('/repos/')));
  const narrowed = withCursor(withVariables.replace('      - get: /repos/{{ owner }}/hello-world', '      - get: /repos/{owner}/{repo}/pulls/‸'));
  const items = await client.completion(await open(narrowed.text), narrowed.position);
  assert.equal(inserted(items.find((i) => i.label === '/repos/{owner}/{repo}/pulls/{pull_number}')), '/repos/${1:owner}/${2:repo}/pulls/${3:pull_number}');
  const body = withCursor(withVariables.replace('{ title: Found a bug, labels: [bug], assignee_login: octocat }', '\n          title: x\n          ‸'));
  const bodyItems = await client.completion(await open(body.text), body.position);
  assert.deepEqual(bodyItems.filter((i) => i.kind === 5).map((i) => i.label).sort(), ['assignee', 'assignees', 'body', 'issue_field_values', 'labels', 'milestone', 'type']);
});
