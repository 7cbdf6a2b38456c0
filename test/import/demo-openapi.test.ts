// The demo target's own OpenAPI document (GET /openapi.json, every route of its router: see
// test/demo/openapi-routes.test.ts) imported with the real CLI to a flow per tag, validated, and run
// against the demo with every check passing. The session, shopper and admin tokens are given at run
// time as a user would (from a login), and a stale one is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_ROUTES, startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { workspace, type Workspace } from '../cli/helpers';
import { assertNoSecret, importValid, runImported } from './helpers';

let ws: Workspace;
let demo: DemoServer;
before(async () => {
  ws = workspace();
  demo = await startDemoServer({ port: 0, latencyMs: 1, seed: 1 });
});
after(async () => {
  await demo.close();
  ws.cleanup();
});

async function login(path: string, user: string): Promise<string> {
  const response = await fetch(`${demo.url}${path}`, { method: 'POST', body: JSON.stringify({ user, password: 'demo' }) });
  return ((await response.json()) as { token: string }).token;
}

test("the demo target's own document: imported to a flow per tag, validated, every route run against the demo with its check passing", async () => {
  const response = await fetch(`${demo.url}/openapi.json`);
  assert.equal(response.status, 200);
  const document = (await response.json()) as { servers: Array<{ url: string }> };
  assert.equal(document.servers[0].url, demo.url, 'servers[0] is the address the client reached');
  const input = ws.file('demo-openapi.json', JSON.stringify(document, null, 2));
  const imported = await importValid(ws, input, 'demo.volley.yaml');
  assert.match(imported.text, new RegExp(`OpenAPI 3\\.1\\.0 document "Volley demo shop" 1\\.0\\.0, ${DEMO_ROUTES.length} operations`));
  const flows = ['health', 'site', 'catalogue', 'auth', 'admin', 'cart'];
  for (const flow of flows) assert.match(imported.text, new RegExp(`\\n  ${flow}:\\n    executor: per-vu-iterations`));
  assert.match(imported.text, /- name: getProduct\n\s+get: \/products\/1\n\s+check: \{ status: 200 \}/);
  assert.match(imported.text, /- name: addToCart\n\s+post: \/cart\n\s+json:\n\s+id: 1\n\s+user: shopper\n\s+check: \{ status: 201 \}/);
  assert.match(imported.text, /- name: account\n\s+get: \/account\n\s+cookies:\n\s+sid: "\{\{ env\.SESSION \}\}"/);
  assert.match(imported.text, /- name: checkout\n\s+post: \/cart\/c1\/checkout\n\s+headers:\n\s+Authorization: Bearer \{\{ env\.SHOPPER_TOKEN \}\}/);
  assert.match(imported.text, /- name: uploadReceipt\n\s+post: \/cart\/c1\/receipt\n\s+multipart:\n\s+note: paid\n\s+check: \{ status: 201 \}/);
  assert.match(imported.text, /- name: deleteCarts\n\s+delete: \/admin\/carts\n\s+headers:\n\s+Authorization: Bearer \{\{ env\.ADMIN_TOKEN \}\}/);
  assertNoSecret(imported.text, ['password: demo']);

  // What a user does: log in for the tokens, then run. The admin flow empties every cart, so it runs after the others.
  const shopper = await login('/login', 'shopper');
  const env = { PASSWORD: 'demo', SESSION: shopper, SHOPPER_TOKEN: shopper };
  const shop = await runImported(ws, imported.file, env, { flags: flows.filter((f) => f !== 'admin').flatMap((f) => ['--scenario', f]) });
  assert.deepEqual(shop, { requests: DEMO_ROUTES.length - 2, checksPassed: DEMO_ROUTES.length - 2, checksFailed: 0 });
  const stale = await runImported(ws, imported.file, { ...env, SHOPPER_TOKEN: 'demo-stale-1' }, { flags: ['--scenario', 'cart'] });
  assert.deepEqual(stale, { requests: 4, checksPassed: 3, checksFailed: 1 }, 'the checkout refuses a token no login gave');
  const admin = await runImported(ws, imported.file, { PASSWORD: 'demo', ADMIN_TOKEN: await login('/admin/login', 'admin') }, { flags: ['--scenario', 'admin'] });
  assert.deepEqual(admin, { requests: 2, checksPassed: 2, checksFailed: 0 });

});
