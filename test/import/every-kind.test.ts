// What every kind of input shares (issue 15, "Command line"): the same small journey written as cURL
// commands, a HAR, an OpenAPI document, a Postman collection and an .http file — each holding a bearer
// token, a password, an API key and a session cookie value in clear — is imported with the real CLI. For
// every kind: the file validates, starts with a comment naming its source, is a per-vu-iterations smoke
// by default (or what --executor asks), warns on stderr and beside the step about what it could not
// convert, and holds none of the input's secrets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { workspace, type Workspace } from '../cli/helpers';
import { assertNoSecret, importValid } from './helpers';

const TOKEN = 'tok-kind-7f3a9c21';
const PASSWORD = 'pw-kind-55ab';
const API_KEY = 'ak-kind-91e0';
const SESSION = 'sess-kind-c0ffee42';
const SECRETS = [TOKEN, PASSWORD, API_KEY, SESSION];
const ORIGIN = 'http://127.0.0.1:7878';

let ws: Workspace;
before(() => {
  ws = workspace();
});
after(() => ws.cleanup());

const CURL = `curl '${ORIGIN}/login' -H 'Content-Type: application/json' --data-raw '{"user":"alice","password":"${PASSWORD}"}'
curl '${ORIGIN}/cart' -H 'Authorization: Bearer ${TOKEN}' -H 'X-API-Key: ${API_KEY}' -b 'sid=${SESSION}' --proxy http://127.0.0.1:9 --json '{"id":3}'
`;

function harEntry(method: string, path: string, headers: Array<[string, string]>, body?: string): object {
  return {
    startedDateTime: '2026-12-02T20:00:00.000Z',
    time: 5,
    request: {
      method,
      url: `${ORIGIN}${path}`,
      httpVersion: 'HTTP/1.1',
      headers: headers.map(([name, value]) => ({ name, value })),
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: body?.length ?? 0,
      ...(body ? { postData: { mimeType: 'application/json', text: body } } : {}),
    },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', headers: [], cookies: [], content: { size: 2, mimeType: 'application/json', text: '{}' }, redirectURL: '', headersSize: -1, bodySize: 2 },
    cache: {},
    timings: { send: 0, wait: 5, receive: 0 },
  };
}

const HAR = JSON.stringify({
  log: {
    version: '1.2',
    creator: { name: 'WebInspector', version: '537.36' },
    entries: [
      harEntry('POST', '/login', [['Content-Type', 'application/json']], JSON.stringify({ user: 'alice', password: PASSWORD })),
      // A token and a cookie the browser had before the recording: from env, the cookie warned about.
      harEntry('POST', '/cart', [['Authorization', `Bearer ${TOKEN}`], ['X-API-Key', API_KEY], ['Cookie', `sid=${SESSION}`], ['Content-Type', 'application/json']], '{"id":3}'),
    ],
  },
});

const OPENAPI = `openapi: 3.0.3
info: { title: Kinds, version: '1' }
servers: [{ url: '${ORIGIN}' }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
paths:
  /login:
    post:
      operationId: login
      requestBody:
        content:
          application/json:
            example: { user: alice, password: ${PASSWORD} }
      responses: { '200': { description: ok } }
  /cart:
    post:
      operationId: addToCart
      security: [{ bearer: [] }]
      parameters:
        - { name: X-API-Key, in: header, required: true, schema: { type: string }, example: ${API_KEY} }
        - { name: sid, in: cookie, required: true, schema: { type: string }, example: ${SESSION} }
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [id, photo]
              properties:
                id: { type: integer, example: 3 }
                photo: { type: string, format: binary }
      responses: { '201': { description: created } }
`;

const POSTMAN = JSON.stringify({
  info: { _postman_id: 'k1', name: 'Kinds', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
  item: [
    { name: 'login', request: { method: 'POST', header: [{ key: 'Content-Type', value: 'application/json' }], body: { mode: 'raw', raw: `{"user":"alice","password":"{{password}}"}`, options: { raw: { language: 'json' } } }, url: '{{baseUrl}}/login' } },
    {
      name: 'add to cart',
      event: [{ listen: 'prerequest', script: { exec: ['pm.variables.set("t", Date.now())'] } }],
      request: {
        method: 'POST',
        auth: { type: 'bearer', bearer: [{ key: 'token', value: TOKEN }] },
        header: [{ key: 'X-API-Key', value: API_KEY }, { key: 'Cookie', value: `sid=${SESSION}` }],
        body: { mode: 'raw', raw: '{"id":3}', options: { raw: { language: 'json' } } },
        url: '{{baseUrl}}/cart',
      },
    },
  ],
  variable: [{ key: 'baseUrl', value: ORIGIN }, { key: 'password', value: PASSWORD }],
});

const HTTP = `@baseUrl = ${ORIGIN}
@token = ${TOKEN}

# @name login
POST {{baseUrl}}/login
Content-Type: application/json

{"user": "alice", "password": "${PASSWORD}"}

###
# @name addToCart
POST {{baseUrl}}/cart
Authorization: Bearer {{token}}
X-API-Key: ${API_KEY}
Cookie: sid=${SESSION}
Content-Type: application/json

{"id": 3}

> {% client.global.set("cart", response.body.cartId); %}
`;

const KINDS: Array<{ kind: string; file: string; text: string }> = [
  { kind: 'curl', file: 'kinds.sh', text: CURL },
  { kind: 'har', file: 'kinds.har', text: HAR },
  { kind: 'openapi', file: 'kinds.openapi.yaml', text: OPENAPI },
  { kind: 'postman', file: 'kinds.postman_collection.json', text: POSTMAN },
  { kind: 'http', file: 'kinds.http', text: HTTP },
];

for (const { kind, file, text } of KINDS) {
  test(`${kind}: validates, names its source first, a per-vu-iterations smoke (or --executor), warnings on stderr and beside the step, no secret of the input`, async () => {
    const input = ws.file(file, text);
    const imported = await importValid(ws, input, `${kind}.volley.yaml`);
    assert.ok(imported.text.startsWith(`# Imported by volley import from ${input}: `), imported.text.split('\n')[0]);
    assertNoSecret(imported.text, SECRETS);
    const scenarios = [...imported.text.matchAll(/\n {4}executor: (\S+)\n {4}vus: 1\n {4}iterations: 1\n/g)];
    assert.ok(scenarios.length > 0 && scenarios.every((m) => m[1] === 'per-vu-iterations'), imported.text);
    // A warning on stderr at the input's place, and the same beside its step.
    const warning = new RegExp(`${file.replace(/\./g, '\\.')}(:\\d+:\\d+)?: warning: (.+)`).exec(imported.stderr);
    assert.ok(warning, `no warning on stderr: ${imported.stderr}`);
    assert.match(imported.text, /\n\s+# warning: [^\n]+\n(\s+#[^\n]*\n)*\s+- (name: |post: )/, 'a warning comment above a step');
    assert.ok(imported.text.includes(`# warning: ${warning[2]}`), `the stderr warning "${warning[2]}" is in the file`);

    const other = await importValid(ws, input, `${kind}-arrival.volley.yaml`, ['--executor', 'constant-arrival-rate']);
    assert.match(other.text, /executor: constant-arrival-rate\n\s+rate: 1\n/);
    assertNoSecret(other.text, SECRETS);
  });
}
