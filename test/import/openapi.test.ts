// OpenAPI import: a split document with $refs across files and security schemes run against a target
// that rejects any token but the one given at run time, Swagger 2.0, and GitHub's public document
// (1,200+ operations). The demo target's own document: demo-openapi.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { startTarget, type Target } from '../support/target';
import { volley, workspace, type Workspace } from '../cli/helpers';
import { assertNoSecret, importValid, runImported } from './helpers';

const TOKEN = 'live-token-5bd1';
const API_KEY = 'ak_9f8e7d6c';
const EXAMPLE_PASSWORD = 'Sup3rS3cret!';

let ws: Workspace;
let target: Target;
before(async () => {
  ws = workspace();
  target = await startTarget({
    routes: {
      '/orders': (req, res) => {
        // Only the token given with -e reaches here as valid: the example in the document is stale.
        const fresh = req.headers.authorization === `Bearer ${TOKEN}` && req.headers['x-api-key'] === API_KEY;
        res.statusCode = fresh ? 201 : 401;
        res.end(fresh ? '{"id":"o-1"}' : '{"error":"stale token"}');
      },
    },
  });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

function splitDocument(serverUrl: string): string {
  writeFileSync(
    join(ws.dir, 'schemas.yaml'),
    `Order:
  type: object
  required: [sku, quantity, customer]
  properties:
    sku: { type: string, example: KETTLE-1 }
    quantity: { type: integer, minimum: 1 }
    note: { type: string }
    customer: { $ref: '#/Customer' }
Customer:
  type: object
  required: [email, password]
  properties:
    email: { type: string, format: email }
    password: { type: string, example: '${EXAMPLE_PASSWORD}' }
`,
  );
  return ws.file(
    'api.yaml',
    `openapi: 3.0.3
info: { title: Orders, version: '2.1' }
servers:
  - url: '{scheme}://127.0.0.1:{port}'
    variables:
      scheme: { default: http }
      port: { default: '${new URL(serverUrl).port}' }
security:
  - bearerAuth: []
    apiKey: []
components:
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer, bearerFormat: JWT }
    apiKey: { type: apiKey, in: header, name: X-API-Key }
paths:
  /orders:
    post:
      operationId: createOrder
      tags: [orders]
      parameters:
        - { name: dryRun, in: query, required: true, schema: { type: boolean, default: false } }
        - { name: X-Api-Key-Hint, in: header, required: false, schema: { type: string } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: './schemas.yaml#/Order' }
      responses:
        '201': { description: created }
        '401': { description: stale token }
  /orders/{orderId}:
    parameters:
      - { name: orderId, in: path, required: true, schema: { type: string }, example: o-1 }
    get:
      operationId: getOrder
      tags: [orders]
      responses: { '200': { description: the order } }
  /status:
    get:
      operationId: status
      tags: [ops]
      security: []
      responses: { '2XX': { description: up } }
`,
  );
}

test('$refs across files, sampled bodies, security schemes from env: the token given at run time reaches the wire', async () => {
  const input = splitDocument(target.url);
  const imported = await importValid(ws, input, 'orders.volley.yaml', ['--tag', 'orders']);
  assertNoSecret(imported.text, [EXAMPLE_PASSWORD]);
  assert.doesNotMatch(imported.text, /\/status/, '--tag leaves other tags out');
  assert.match(imported.text, /Authorization: Bearer \{\{ env\.BEARER_AUTH_TOKEN \}\}\n\s+X-API-Key: "\{\{ env\.API_KEY \}\}"/);
  assert.match(imported.text, /#   BEARER_AUTH_TOKEN: the Bearer token of "bearerAuth"/);
  const before = target.received.length;
  const figures = await runImported(ws, imported.file, { BEARER_AUTH_TOKEN: TOKEN, API_KEY, PASSWORD: 'pw' });
  assert.deepEqual(figures, { requests: 2, checksPassed: 2, checksFailed: 0 });
  const [create, get] = target.received.slice(before);
  assert.equal(create.url, '/orders?dryRun=false');
  assert.deepEqual(JSON.parse(create.body), { sku: 'KETTLE-1', quantity: 1, customer: { email: 'user@example.com', password: 'pw' } });
  assert.equal(get.url, '/orders/o-1');

  const stale = await runImported(ws, imported.file, { BEARER_AUTH_TOKEN: 'stale', API_KEY, PASSWORD: 'pw' });
  assert.equal(stale.checksFailed, 1, 'a stale token is refused: the check of 201 fails');

  const one = await importValid(ws, input, 'status.volley.yaml', ['--operation', 'status', '--executor', 'shared-iterations']);
  assert.match(one.text, /ops:\n\s+executor: shared-iterations[\s\S]*- name: status\n\s+get: \/status\n\s+check: \{ status: 200 \}/);
  assert.doesNotMatch(one.text, /env\./, 'an operation with security: [] sends no credentials');
});

test('Swagger 2.0: host, basePath and schemes make baseUrl; Basic auth from env; formData a form', async () => {
  const input = ws.file(
    'swagger.json',
    JSON.stringify({
      swagger: '2.0',
      info: { title: 'Legacy', version: '1' },
      host: '127.0.0.1:9',
      basePath: '/v1',
      schemes: ['http'],
      securityDefinitions: { basic: { type: 'basic' } },
      security: [{ basic: [] }],
      paths: {
        '/pets/{petId}': {
          post: {
            operationId: 'updatePet',
            consumes: ['application/x-www-form-urlencoded'],
            parameters: [
              { name: 'petId', in: 'path', required: true, type: 'integer', 'x-example': 7 },
              { name: 'name', in: 'formData', required: true, type: 'string', default: 'Rex' },
            ],
            responses: { '200': { description: 'ok' } },
          },
        },
      },
    }),
  );
  const imported = await importValid(ws, input, 'legacy.volley.yaml');
  assert.match(imported.text, /baseUrl: http:\/\/127\.0\.0\.1:9\/v1/);
  assert.match(imported.text, /post: \/pets\/7\n\s+headers:\n\s+Authorization: Basic \{\{ base64\(env\.BASIC_USER \+ ':' \+ env\.BASIC_PASSWORD\) \}\}\n\s+form:\n\s+name: Rex/);
});

test("GitHub's public document (@octokit/openapi, 1,200+ operations) imports in seconds into a file that validates", async () => {
  const input = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const started = performance.now();
  // The file names its source (openapi:), so validate checks every step against it: each matches its
  // operation (no unknown-operation warning), and the only findings are a few of GitHub's own examples
  // that disagree with its schemas (an issue field's options without their required priority).
  const imported = await importValid(ws, input, 'github.volley.yaml', [], /: warning: the json body\S* (lacks|has) "/);
  assert.ok(imported.accepted.length < 20, imported.accepted.join('\n'));
  assert.ok(imported.accepted.some((l) => /lacks "priority", required by POST \/orgs\/\{org\}\/issue-fields/.test(l)), imported.accepted.join('\n'));
  assert.match(imported.text, /\nopenapi: \S*api\.github\.com\.json\n/);
  const seconds = (performance.now() - started) / 1000;
  const operations = Number(/, (\d+) operations\./.exec(imported.text)?.[1]);
  assert.ok(operations > 1000, `${operations} operations`);
  assert.ok(seconds < 30, `import and validate took ${seconds.toFixed(1)} s`);
  console.log(`github: ${operations} operations imported and validated in ${seconds.toFixed(1)} s`);
});

test('bad documents: located errors, exit 104', async () => {
  const yaml = await volley(ws, ['import', ws.file('bad.yaml', 'openapi: 3.0.0\ninfo:\n  title: x\n   version: 1\n'), '--from', 'openapi']);
  assert.equal(yaml.code, 104);
  assert.match(yaml.stderr, /bad\.yaml:3:10: error: not valid YAML: Nested mappings are not allowed in compact mappings\n$/);
  const json = await volley(ws, ['import', ws.file('bad.json', '{\n  "openapi": "3.0.0",\n  "paths": {,}\n}'), '--from', 'openapi']);
  assert.equal(json.code, 104);
  assert.match(json.stderr, /bad\.json:3:\d+: error: not valid JSON/);
  const tag = await volley(ws, ['import', splitDocument(target.url), '--tag', 'order']);
  assert.equal(tag.code, 104);
  assert.match(tag.stderr, /error: --tag order: no operation has this tag \(did you mean orders\?\)/);
  const ref = await volley(ws, ['import', ws.file('ref.yaml', "openapi: 3.0.0\ninfo: { title: x, version: '1' }\npaths:\n  /a:\n    get:\n      responses: { '200': { $ref: './missing.yaml#/R' } }\n")]);
  assert.equal(ref.code, 104);
  assert.match(ref.stderr, /error: cannot resolve the document: .*missing\.yaml/);
  for (const r of [yaml, json, tag, ref]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});
