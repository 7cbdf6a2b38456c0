// The editor's imports with the real engine: runImport (src/extension/import-process.ts) runs `volley
// import` in a child process as New Scenario from…, Paste cURL as Step and the "Load test this" lenses do,
// and reads its warnings and errors back with their places; what it writes validates. The lenses' targets
// (.http request lines, OpenAPI detection) are read from real files' text.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envNamesIn, importArgs, parseImportLine, runImport } from '../../src/extension/import-process';
import { httpRequestLines, mayBeOpenApi, requestFileBase } from '../../src/extension/import-targets';
import { volley, workspace, type Workspace } from '../cli/helpers';

let ws: Workspace;
before(() => {
  ws = workspace();
});
after(() => ws.cleanup());

const HTTP_FILE = `@base = http://127.0.0.1:7878

# @name login
POST {{base}}/login
Content-Type: application/json

{"user": "demo", "password": "s3cr3t-pw"}

###
# the product page
GET {{base}}/products/1
Authorization: Bearer {{login.response.body.$.token}}

###
GET {{base}}/cart?page=2
`;

const OPENAPI = `openapi: 3.0.3
info: { title: Shop, version: "1" }
servers: [{ url: "http://127.0.0.1:7878" }]
paths:
  /products/{id}:
    get:
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer, example: 7 } }
      responses: { "200": { description: ok } }
    delete:
      operationId: deleteProduct
      parameters:
        - { name: id, in: path, required: true, schema: { type: integer } }
      responses: { "204": { description: gone } }
`;

async function assertValid(file: string): Promise<string> {
  const validated = await volley(ws, ['validate', file]);
  const text = readFileSync(file, 'utf8');
  assert.equal(validated.code, 0, `${validated.stdout}${validated.stderr}\n${text}`);
  return text;
}

test('the lenses find each .http request on its request line, with the id the importer takes', () => {
  const requests = httpRequestLines(HTTP_FILE);
  assert.deepEqual(
    requests.map((r) => ({ line: r.line, id: r.id, name: r.name, method: r.method })),
    [
      { line: 3, id: '4', name: 'login', method: 'POST' },
      { line: 10, id: '11', name: undefined, method: 'GET' },
      { line: 14, id: '15', name: undefined, method: 'GET' },
    ],
  );
  assert.equal(requestFileBase(requests[1]!.method, requests[1]!.url), 'get-products-1');
  assert.equal(requestFileBase('GET', '/products/{id}'), 'get-products-id');
  assert.equal(requestFileBase('POST', '/x', 'login'), 'login');
});

test('an OpenAPI document is told from other YAML and JSON by its top-level key', () => {
  assert.ok(mayBeOpenApi('/w/api.yaml', OPENAPI));
  assert.ok(mayBeOpenApi('/w/api.json', '{\n  "swagger": "2.0",\n  "info": {}\n}'));
  assert.ok(mayBeOpenApi('/w/api.json', '{"openapi":"3.1.0"}'));
  assert.ok(!mayBeOpenApi('/w/docker-compose.yml', 'services:\n  openapi: {}\n'));
  assert.ok(!mayBeOpenApi('/w/x.volley.yaml', 'openapi: 3.0.0\n'));
  assert.ok(!mayBeOpenApi('/w/api.http', 'openapi: 3.0.0\n'));
});

test('"Load test this" on an .http request: that request and the one it takes a token from, nothing else', async () => {
  const input = ws.file('api.http', HTTP_FILE);
  const out = join(ws.dir, 'get-products.volley.yaml');
  const result = await runImport({ enginePath: ws.engine, kind: 'http', inputFile: input, outputFile: out, requests: ['11'], cwd: ws.dir });
  assert.ok(result.ok, JSON.stringify(result));
  const text = await assertValid(out);
  assert.equal(result.scenario, text);
  assert.match(text, /name: login/);
  assert.match(text, /get: \/products\/1/);
  assert.match(text, /Bearer \{\{ token \}\}/);
  assert.doesNotMatch(text, /cart/, 'the request the lens was not on stays out');
  assert.ok(!text.includes('s3cr3t-pw'), 'the password is not written');
  assert.deepEqual(result.env, ['PASSWORD']);
});

test('"Load test this" on an OpenAPI operation without an operationId names it by METHOD /path', async () => {
  const input = ws.file('shop.yaml', OPENAPI);
  const out = join(ws.dir, 'get-products-id.volley.yaml');
  const result = await runImport({ enginePath: ws.engine, kind: 'openapi', inputFile: input, outputFile: out, operations: ['GET /products/{id}'], cwd: ws.dir });
  assert.ok(result.ok, JSON.stringify(result));
  const text = await assertValid(out);
  assert.match(text, /get: \/products\/7/);
  assert.doesNotMatch(text, /delete:/);
  const byId = await runImport({ enginePath: ws.engine, kind: 'openapi', inputFile: input, outputFile: join(ws.dir, 'del.volley.yaml'), operations: ['deleteProduct'], cwd: ws.dir });
  assert.ok(byId.ok, JSON.stringify(byId));
  assert.match(await assertValid(join(ws.dir, 'del.volley.yaml')), /delete: \/products\//);
});

test('cURL from the clipboard: through standard input, warnings at their line, the token to env', async () => {
  const result = await runImport({
    enginePath: ws.engine,
    kind: 'curl',
    text: "curl 'http://127.0.0.1:7878/cart' -H 'Authorization: Bearer eyJhbGciOi.secret-token-42' --frobnicate\n",
    cwd: ws.dir,
  });
  assert.ok(result.ok, JSON.stringify(result));
  assert.match(result.scenario, /Bearer \{\{ env\.BEARER_TOKEN \}\}/);
  assert.ok(!result.scenario.includes('secret-token-42'));
  assert.deepEqual(result.env, ['BEARER_TOKEN']);
  assert.equal(result.warnings.length, 1);
  assert.equal(result.warnings[0]!.line, 1);
  assert.match(result.warnings[0]!.message, /--frobnicate/);
});

test('input that cannot be imported: the error with its line and column, no scenario', async () => {
  const input = ws.file('broken.http', 'GET http://127.0.0.1:7878/a\nthis is not a header\n');
  const out = join(ws.dir, 'broken.volley.yaml');
  const result = await runImport({ enginePath: ws.engine, kind: 'http', inputFile: input, outputFile: out, cwd: ws.dir });
  assert.ok(!result.ok);
  assert.deepEqual({ line: result.error.line, column: result.error.column }, { line: 2, column: 1 });
  assert.match(result.error.message, /is not a header/);
  const missing = await runImport({ enginePath: ws.engine, kind: 'http', inputFile: ws.file('ok.http', HTTP_FILE), requests: ['99'], cwd: ws.dir });
  assert.ok(!missing.ok);
  assert.match(missing.error.message, /--request 99: no request/);
});

test('the stderr lines are read for the input as it was named, paths with colons included', () => {
  assert.deepEqual(parseImportLine('C:\\a:b\\api.http:3:7: warning: odd', 'C:\\a:b\\api.http'), { level: 'warning', at: { message: 'odd', line: 3, column: 7 } });
  assert.deepEqual(parseImportLine('api.yaml: error: no operations', 'api.yaml'), { level: 'error', at: { message: 'no operations' } });
  assert.equal(parseImportLine('wrote x.volley.yaml (curl)', 'api.yaml'), undefined);
  assert.deepEqual(importArgs({ enginePath: 'e', kind: 'curl' }), ['import', '-', '--from', 'curl']);
  assert.deepEqual(envNamesIn('a: "{{ env.A }}"\nb: "{{ env.B }} {{ env.A }}"'), ['A', 'B']);
});

test('New Scenario from a Postman collection with an environment: --environment, its secret value to env; an error in it names that file', async () => {
  const collection = ws.file(
    'api.postman_collection.json',
    JSON.stringify({
      info: { _postman_id: 'x1', name: 'Env', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [{ name: 'Me', request: { method: 'GET', header: [{ key: 'X-API-Key', value: '{{apiKey}}' }], url: '{{baseUrl}}/me' } }],
    }),
  );
  const environment = ws.file('local.postman_environment.json', JSON.stringify({ name: 'Local', values: [{ key: 'baseUrl', value: 'http://127.0.0.1:7878', enabled: true }, { key: 'apiKey', value: 'editor-key-31', type: 'secret', enabled: true }] }));
  assert.deepEqual(importArgs({ enginePath: 'e', kind: 'postman', inputFile: 'c.json', environment: 'env.json' }), ['import', 'c.json', '--from', 'postman', '--environment', 'env.json']);
  const out = join(ws.dir, 'env.volley.yaml');
  const result = await runImport({ enginePath: ws.engine, kind: 'postman', inputFile: collection, outputFile: out, environment, cwd: ws.dir });
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(result.env, ['API_KEY']);
  assert.deepEqual(result.warnings, []);
  const text = await assertValid(out);
  assert.doesNotMatch(text, /editor-key-31/);
  assert.match(text, /baseUrl: http:\/\/127\.0\.0\.1:7878\n/);

  const broken = ws.file('broken.postman_environment.json', '{"name": "x"}');
  const failed = await runImport({ enginePath: ws.engine, kind: 'postman', inputFile: collection, environment: broken, cwd: ws.dir });
  assert.ok(!failed.ok);
  assert.equal(failed.error.message, `${broken}: not a Postman environment: it has no values list`);
});
