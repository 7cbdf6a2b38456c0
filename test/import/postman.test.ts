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
