// .http import (REST Client / httpyac syntax): file variables, system variables, request references as
// captures, run against a loopback target that accepts only the token it issued last, so a run passes
// only when the captured token reaches the wire.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTarget, type Target } from '../support/target';
import { volley, workspace, type Workspace } from '../cli/helpers';
import { Answers, assertNoSecret, importValid, runImported } from './helpers';

const PASSWORD = 'hunter2-http';
const API_KEY = 'key-0c1d2e';

let ws: Workspace;
let target: Target;
let issued = 0;
const answers = new Answers();
const answer = answers.send.bind(answers);
const answered = answers.list;

before(async () => {
  ws = workspace();
  target = await startTarget({
    routes: {
      '/login': (_req, res, body) => {
        const { user, password } = JSON.parse(body) as { user: string; password: string };
        if (user !== 'alice' || password !== PASSWORD) return answer(res, '/login', 401, { error: 'bad credentials' });
        issued++;
        answer(res, '/login', 200, { data: { token: `token-${issued}` } });
      },
      '/cart': (req, res, body) => {
        // Only the token issued last is valid: a stale or missing one is refused.
        if (req.headers.authorization !== `Bearer token-${issued}`) return answer(res, '/cart', 401, { error: 'stale token' });
        const { id } = JSON.parse(body) as { id: number };
        answer(res, '/cart', 201, { cartId: `cart-${issued}`, id });
      },
      '*': (req, res) => {
        const ok = req.url?.split('?')[0] === `/carts/cart-${issued}` && req.headers.authorization === `Bearer token-${issued}` && req.headers['x-api-key'] === API_KEY;
        answer(res, req.url ?? '', ok ? 200 : 401, ok ? { ok: true } : { error: 'stale token or cart' });
      },
    },
  });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

function httpFile(origin: string): string {
  return `# The shop API, as a REST Client / httpyac file
@baseUrl = ${origin}
@user = alice
@password = ${PASSWORD}
@apiKey = ${API_KEY}

### Log in
# @name login
POST {{baseUrl}}/login HTTP/1.1
Content-Type: application/json

{
  "user": "{{user}}",
  "password": "{{password}}",
  "device": "{{$guid}}"
}

###
// @name addToCart
POST {{baseUrl}}/cart
Authorization: Bearer {{login.response.body.$.data.token}}
Content-Type: application/json

{"id": {{$randomInt 1 10}}, "user": "{{user}}"}

###
# @no-redirect
GET {{baseUrl}}/carts/{{addToCart.response.body.$.cartId}}
    ?expand=items
    &at={{$isoTimestamp}}
Authorization: Bearer {{login.response.body.$.data.token}}
X-API-Key: {{apiKey}}
X-Tenant: {{tenant}}

> {%
  client.test("ok", () => client.assert(response.status === 200));
%}
`;
}

test('.http: file variables, system variables and request references become variables, helpers and captures that reach the wire', async () => {
  const input = ws.file('shop.http', httpFile(target.url));
  const imported = await importValid(ws, input, 'shop.volley.yaml');
  assertNoSecret(imported.text, [PASSWORD, API_KEY]);
  assert.match(imported.text, /^# Imported by volley import from .*shop\.http: \.http file, 3 requests\./);
  assert.match(imported.text, new RegExp(`baseUrl: ${target.url}\\nvariables:\\n  baseUrl: ${target.url}\\n  user: alice\\n`));
  assert.match(imported.text, /- name: login\n\s+post: \/login\n\s+json:\n\s+user: "\{\{ user \}\}"\n\s+password: "\{\{ env\.PASSWORD \}\}"\n\s+device: "\{\{ uuid\(\) \}\}"\n\s+capture:\n\s+token: json\.data\.token/);
  assert.match(imported.text, /id: "\{\{ randomInt\(1, 9\) \}\}"/, "REST Client's exclusive max becomes randomInt's inclusive one");
  assert.match(imported.text, /capture:\n\s+cartId: json\.cartId/);
  assert.match(imported.text, /get: \/carts\/\{\{ cartId \}\}\?expand=items&at=\{\{ isoTime\(\) \}\}/);
  assert.match(imported.text, /# warning: @no-redirect has no equivalent in a scenario: ignored/);
  assert.match(imported.text, /#   > \{%\n\s+#     client\.test/, 'the response script is kept as a comment');
  assert.match(imported.stderr, /shop\.http:33:11: warning: \{\{tenant\}\} is not defined in the file \(one of its environments\?\): read from env\.TENANT/);

  for (let run = 1; run <= 2; run++) {
    answers.clear();
    await runImported(ws, imported.file, { PASSWORD, API_KEY, TENANT: 't1' });
    assert.deepEqual(answered, [['/login', 200], ['/cart', 201], [`/carts/cart-${issued}?expand=items&at=${answered[2]?.[0].split('at=')[1] ?? ''}`, 200]], `run ${run}`);
  }
  const last = target.received[target.received.length - 1];
  assert.equal(last.headers['x-tenant'], 't1');
  assert.match(last.url, /at=\d{4}-\d\d-\d\dT/);
});

test('.http errors are located; a reference to a later request is a warning, not a broken file', async () => {
  const bad = await volley(ws, ['import', ws.file('bad.http', 'GET http://127.0.0.1:9/a\nnot a header\n'), '--from', 'http']);
  assert.equal(bad.code, 104);
  assert.equal(bad.stderr, `${ws.dir}/bad.http:2:1: error: "not a header" is not a header (Name: value); leave a blank line before the body\n`);
  const trace = await volley(ws, ['import', ws.file('trace.http', '\n\nTRACE http://127.0.0.1:9/a\n')]);
  assert.equal(trace.code, 104);
  assert.match(trace.stderr, /trace\.http:3:1: error: TRACE: Volley sends/);
  const forward = await importValid(ws, ws.file('fwd.http', `GET http://127.0.0.1:9/a?t={{later.response.body.$.token}}\n\n###\n# @name later\nGET http://127.0.0.1:9/b\n`), 'fwd.volley.yaml');
  assert.match(forward.stderr, /no earlier request is named later; read from env instead/);
});
