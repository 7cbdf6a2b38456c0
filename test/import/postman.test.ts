// Postman collection v2.1 import: a collection exported from Postman (test/fixtures/import) with folders,
// collection variables, inherited bearer auth, API-key and Basic auth, raw / urlencoded / form-data
// bodies and test scripts, run against a target that accepts only the token it issued last.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTarget, type Target } from '../support/target';
import { volley, workspace, type Workspace } from '../cli/helpers';
import { Answers, assertNoSecret, importValid, runImported } from './helpers';

const COLLECTION = readFileSync(join(__dirname, '../fixtures/import/shop.postman_collection.json'), 'utf8');
const SECRETS = ['pm-pass-0420', 'pm-key-7a7a', 'pm-basic-pw', 'stale-token-from-export'];

let ws: Workspace;
let target: Target;
let issued = 0;
const answers = new Answers();
const answer = answers.send.bind(answers);
const answered = answers.list;

before(async () => {
  ws = workspace();
  const fresh = (auth: string | undefined): boolean => auth === `Bearer token-${issued}`;
  target = await startTarget({
    routes: {
      '/login': (_req, res, body) => {
        const { user, password } = JSON.parse(body) as { user: string; password: string };
        if (user !== 'alice' || password !== 'pm-pass-0420') return answer(res, '/login', 401, { error: 'bad credentials' });
        issued++;
        answer(res, '/login', 200, { data: { token: `token-${issued}` } });
      },
      '/cart': (req, res) => (fresh(req.headers.authorization) ? answer(res, '/cart', 201, { cartId: `cart-${issued}` }) : answer(res, '/cart', 401, { error: 'stale token' })),
      '/feedback': (req, res, body) => {
        const ok = req.headers.authorization === `Basic ${Buffer.from('alice:pm-basic-pw').toString('base64')}` && body === 'message=great+shop+%26+fast&rating=5';
        answer(res, '/feedback', ok ? 200 : 400, {});
      },
      '/receipts': (req, res, body) => answer(res, '/receipts', fresh(req.headers.authorization) && body.includes('receipt bytes') && body.includes('from postman') ? 200 : 400, {}),
      '*': (req, res) => {
        const ok = req.url === `/carts/cart-${issued}?expand=items` && req.headers['x-api-key'] === 'pm-key-7a7a';
        answer(res, '/carts', ok ? 200 : 401, {});
      },
    },
  });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

test('a Postman collection: folders marked, variables, auth from env, bodies, test-script captures that reach the wire', async () => {
  writeFileSync(join(ws.dir, 'receipt.txt'), 'receipt bytes\n');
  const input = ws.file('shop.postman_collection.json', COLLECTION.replace('http://127.0.0.1:7878', target.url));
  const imported = await importValid(ws, input, 'shop.volley.yaml');
  assertNoSecret(imported.text, SECRETS);
  assert.match(imported.text, /^# Imported by volley import from .*: Postman collection "Shop API", 5 requests\./);
  // Folders are groups (k6's group): their requests carry the group tag.
  assert.match(imported.text, /- group: Auth\n\s+flow:\n\s+- name: Log in/);
  assert.match(imported.text, /- group: Shop\n/);
  assert.match(imported.text, /check: \{ status: 200 \}\n\s+capture:\n\s+token: json\.data\.token/, 'pm.environment.set(…, jsonData.data.token) is a capture');
  assert.match(imported.text, /Authorization: Bearer \{\{ token \}\}/, "the collection's bearer auth reads the captured token");
  assert.match(imported.text, /capture:\n\s+cartId: json\.cartId/);
  assert.match(imported.text, /# warning: test script lines other than variable sets[^\n]*\n\s+#\s+console\.log/);
  assert.match(imported.text, /get: \/carts\/\{\{ cartId \}\}\?expand=items/);
  assert.match(imported.text, /form:\n\s+message: great shop & fast\n\s+rating: "5"\n/);
  assert.match(imported.text, /receipt:\n\s+file: receipt\.txt/);

  const env = { PASSWORD: 'pm-pass-0420', X_API_KEY: 'pm-key-7a7a', PASSWORD_2: 'pm-basic-pw' };
  for (let run = 1; run <= 2; run++) {
    answers.clear();
    const figures = await runImported(ws, imported.file, env);
    assert.deepEqual(answered, [['/login', 200], ['/cart', 201], ['/carts', 200], ['/feedback', 200], ['/receipts', 200]], `run ${run}`);
    assert.deepEqual(figures, { requests: 5, checksPassed: 1, checksFailed: 0 });
  }
});

test('not a collection: a clear error, exit 104', async () => {
  const r = await volley(ws, ['import', ws.file('x.json', '{"info": {}, "items": []}'), '--from', 'postman']);
  assert.equal(r.code, 104);
  assert.match(r.stderr, /x\.json: error: not a Postman collection: it has no item list\n$/);
});

test('a Postman environment (--environment FILE): its values are read, secret ones become env and are never written, and the run sends them', async () => {
  const collection = ws.file(
    'env.postman_collection.json',
    JSON.stringify({
      info: { _postman_id: 'e1', name: 'Env API', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [
        {
          name: 'Carts of a user',
          request: {
            method: 'GET',
            header: [{ key: 'X-API-Key', value: '{{apiKey}}' }, { key: 'X-Client', value: '{{clientSecret}}' }, { key: 'X-Tenant', value: '{{tenant}}' }, { key: 'X-Signing', value: '{{signingKey}}' }],
            url: { raw: '{{baseUrl}}/carts/{{cartRef}}?expand=items', host: ['{{baseUrl}}'], path: ['carts', '{{cartRef}}'], query: [{ key: 'expand', value: 'items' }] },
          },
        },
      ],
      variable: [{ key: 'tenant', value: 'from-collection' }],
    }),
  );
  // As Postman exports an environment: "secret" values are typed so, whatever their name.
  const environment = ws.file(
    'local.postman_environment.json',
    JSON.stringify({
      id: '5d1c', name: 'Local',
      values: [
        { key: 'baseUrl', value: target.url, type: 'default', enabled: true },
        { key: 'cartRef', value: 'cart-env-3', type: 'default', enabled: true },
        { key: 'apiKey', value: 'env-key-5150', type: 'secret', enabled: true },
        { key: 'clientSecret', value: 'env-client-secret-77', type: 'default', enabled: true },
        { key: 'tenant', value: 'acme', type: 'default', enabled: true },
        { key: 'unused', value: 'off', type: 'default', enabled: false },
        { key: 'signingKey', value: '', type: 'secret', enabled: true },
      ],
      _postman_variable_scope: 'environment', _postman_exported_at: '2026-12-02T20:00:00.000Z', _postman_exported_using: 'Postman/11.20.0',
    }),
  );
  const imported = await importValid(ws, collection, 'env.volley.yaml', ['--environment', environment]);
  assertNoSecret(imported.text, ['env-key-5150', 'env-client-secret-77']);
  assert.doesNotMatch(imported.stderr, /not defined/, 'every variable is in the collection or the environment');
  assert.match(imported.text, /^# Imported by volley import from .*: Postman collection "Env API", 1 request, environment "Local"\./);
  assert.match(imported.text, /#   API_KEY: the environment variable apiKey\n#   CLIENT_SECRET: the environment variable clientSecret\n#   SIGNING_KEY: the environment variable signingKey \(empty in the export\)\n/);
  assert.match(imported.text, new RegExp(`baseUrl: ${target.url.replace(/\./g, '\\.')}\\n`));
  assert.match(imported.text, /variables:\n\s+tenant: acme\n( +.*\n)*?\s+cartRef: cart-env-3\n/, "the environment's value wins over the collection's");
  assert.doesNotMatch(imported.text, /unused/, 'a disabled value is left out');
  assert.match(imported.text, /X-API-Key: "\{\{ env\.API_KEY \}\}"\n\s+X-Client: "\{\{ env\.CLIENT_SECRET \}\}"\n\s+X-Tenant: "\{\{ tenant \}\}"/);
  assert.match(imported.text, /get: \/carts\/\{\{ cartRef \}\}/);

  const received = target.received.length;
  await runImported(ws, imported.file, { API_KEY: 'env-key-5150', CLIENT_SECRET: 'env-client-secret-77', SIGNING_KEY: 'sk' });
  const [sent] = target.received.slice(received);
  assert.equal(sent.url, '/carts/cart-env-3?expand=items');
  assert.equal(sent.headers['x-api-key'], 'env-key-5150');
  assert.equal(sent.headers['x-tenant'], 'acme');
  assert.equal(sent.headers['x-signing'], 'sk');

  const notPostman = await volley(ws, ['import', ws.file('one.sh', 'curl http://127.0.0.1:9/a'), '--environment', environment]);
  assert.equal(notPostman.code, 104);
  assert.match(notPostman.stderr, /one\.sh: error: --environment is a Postman environment, for a Postman collection; this input is curl\n$/);
  const bad = await volley(ws, ['import', collection, '--environment', ws.file('bad.postman_environment.json', '{\n  "values": [,]\n}')]);
  assert.equal(bad.code, 104);
  assert.match(bad.stderr, /bad\.postman_environment\.json:2:\d+: error: not valid JSON/);
  const noValues = await volley(ws, ['import', collection, '--environment', ws.file('x.json', '{"name": "x"}')]);
  assert.match(noValues.stderr, /x\.json: error: not a Postman environment: it has no values list\n$/);
  const missing = await volley(ws, ['import', collection, '--environment', join(ws.dir, 'nope.json')]);
  assert.equal(missing.code, 104);
  assert.match(missing.stderr, /cannot read .*nope\.json/);
});
