// `volley/insertSteps` (Paste cURL as Step) and `volley/openApiOperations` (the "Load test this" lenses),
// asked through the real LSP as the extension asks them: the steps land in the flow at the cursor,
// indented for its list, and the paste adds no error to the file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { LSP_REQUESTS, type InsertStepsResult } from '../../src/protocol';
import { parseScenarioDocument } from '../../src/engine/scenario/document';
import { validateDocument } from '../../src/engine/scenario/validate';
import { TestClient, applyEdits } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

/** What `volley import --from curl` writes for one command with a bearer token (its real output's shape). */
const IMPORTED = `# Imported by volley import from standard input: 1 curl command.
# Secrets are not in this file: set them when you run it,
#   volley run FILE -e BEARER_TOKEN=…

baseUrl: http://127.0.0.1:7878
scenarios:
  curl:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      # warning: curl flag --foo has no equivalent in a scenario: ignored
      - post: /cart
        headers:
          Authorization: Bearer {{ env.BEARER_TOKEN }}
        json:
          id: 7
`;

const FILE = `baseUrl: http://127.0.0.1:7878
scenarios:
  browse:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /
      - name: product
        get: /products/1

      - think: 1s
  empty:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow: []
thresholds:
  http_req_duration: ["p(95)<500"]
`;

let opened = 0;
async function insertAt(text: string, line: number, character = 0, scenario = IMPORTED): Promise<{ result: InsertStepsResult; text?: string }> {
  const uri = `file:///work/paste-${++opened}.volley.yaml`;
  await client.open(uri, text, 2);
  const result = await client.request(LSP_REQUESTS.insertSteps, { uri, position: { line, character }, scenario });
  if (!result.ok) return { result };
  assert.equal(result.version, 2);
  const after = applyEdits(text, [{ range: result.range, newText: result.newText }]);
  const errors = (t: string) => validateDocument(parseScenarioDocument(t)).filter((d) => d.severity === 'error').map((d) => d.message);
  const before = errors(text);
  assert.deepEqual(errors(after).filter((e) => !before.includes(e)), [], `the paste made the file invalid:\n${after}`);
  return { result, text: after };
}

test('the cursor inside a step: the new step goes after it, at the list\'s indentation, with its warning comment', async () => {
  const { result, text } = await insertAt(FILE, 9, 12);
  assert.ok(result.ok);
  assert.equal(result.steps, 1);
  assert.deepEqual(result.env, ['BEARER_TOKEN']);
  assert.match(
    text!,
    /        get: \/products\/1\n      # warning: curl flag --foo has no equivalent in a scenario: ignored\n      - post: \/cart\n        headers:\n          Authorization: Bearer \{\{ env.BEARER_TOKEN \}\}\n        json:\n          id: 7\n\n      - think: 1s/,
  );
});

test('the cursor on `flow:` puts the step first; on a blank line between steps, there', async () => {
  const first = await insertAt(FILE, 6, 4);
  assert.match(first.text!, /    flow:\n      # warning[^\n]*\n      - post: \/cart\n[\s\S]*\n      - get: \/\n/);
  const between = await insertAt(FILE, 10, 0);
  assert.match(between.text!, /get: \/products\/1\n      # warning[^\n]*\n      - post: \/cart\n[\s\S]*id: 7\n\n      - think: 1s/);
});

test('an empty inline flow gets a block list one level under its key', async () => {
  const { text } = await insertAt(FILE, 16, 10);
  assert.match(text!, /    flow:\n      # warning[^\n]*\n      - post: \/cart\n        headers:/);
  assert.doesNotMatch(text!, /\[\]/);
});

test('another origin than the file\'s baseUrl makes the URL absolute; setup is a flow too', async () => {
  const other = `baseUrl: http://localhost:9000
setup:
  - get: /token
scenarios:
  a:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /
`;
  const inScenario = await insertAt(other, 9, 8);
  assert.match(inScenario.text!, /      - post: http:\/\/127\.0\.0\.1:7878\/cart\n/);
  const inSetup = await insertAt(other, 2, 4);
  assert.match(inSetup.text!, /setup:\n  - get: \/token\n  # warning[^\n]*\n  - post: http:\/\/127\.0\.0\.1:7878\/cart\n    headers:/);
});

test('curl -k: the steps go in, and a note says the file needs insecureSkipTLSVerify (unless it has it)', async () => {
  const insecure = IMPORTED.replace('scenarios:', 'http:\n  insecureSkipTLSVerify: true\nscenarios:');
  const { result } = await insertAt(FILE, 7, 8, insecure);
  assert.ok(result.ok);
  assert.equal(result.notes.length, 1);
  assert.match(result.notes[0]!, /-k: add `http: \{ insecureSkipTLSVerify: true \}`/);
  const already = await insertAt(`http:\n  insecureSkipTLSVerify: true\n${FILE}`, 9, 8, insecure);
  assert.ok(already.result.ok);
  assert.deepEqual(already.result.notes, []);
  const plain = await insertAt(FILE, 7, 8);
  assert.ok(plain.result.ok);
  assert.deepEqual(plain.result.notes, []);
});

test('outside a flow: no edit, and a message that says where to put the cursor', async () => {
  for (const line of [0, 3, 18]) {
    const { result } = await insertAt(FILE, line, 2);
    assert.ok(!result.ok, `line ${line}`);
    assert.match(result.message, /put the cursor in a flow/);
  }
});

test('the operations of an OpenAPI document, YAML or JSON, at their method keys; null for anything else', async () => {
  const yaml = `openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /pets:
    get:
      operationId: listPets
      responses: {}
    post:
      responses: {}
    parameters: []
`;
  const ops = await client.request(LSP_REQUESTS.openApiOperations, { text: yaml });
  assert.deepEqual(ops, [
    { id: 'listPets', method: 'GET', path: '/pets', range: { start: { line: 4, character: 4 }, end: { line: 4, character: 7 } } },
    { id: 'POST /pets', method: 'POST', path: '/pets', range: { start: { line: 7, character: 4 }, end: { line: 7, character: 8 } } },
  ]);
  const json = '{\n  "swagger": "2.0",\n  "paths": {\n    "/a": {\n      "delete": { "operationId": "drop" }\n    }\n  }\n}\n';
  const fromJson = await client.request(LSP_REQUESTS.openApiOperations, { text: json });
  assert.equal(fromJson?.[0]?.id, 'drop');
  assert.deepEqual(fromJson?.[0]?.range.start, { line: 4, character: 6 });
  assert.equal(await client.request(LSP_REQUESTS.openApiOperations, { text: 'services:\n  web: {}\n' }), null);
});
