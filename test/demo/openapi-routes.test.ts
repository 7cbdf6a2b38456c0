// The demo's OpenAPI document against its router: every route of the table route() matches is an
// operation of the served document and the other way round, so neither can change without the other;
// and each route really is answered (not the router's 404 or 405), so the table is what the server serves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_ROUTES, startDemoServer, type DemoServer } from '../../src/engine/demo/server';

let demo: DemoServer;
before(async () => {
  demo = await startDemoServer({ port: 0, latencyMs: 0, seed: 1 });
});
after(() => demo.close());

interface Operation {
  parameters?: Array<{ name: string; in: string; example?: unknown }>;
}

async function served(): Promise<Record<string, Record<string, Operation>>> {
  const response = await fetch(`${demo.url}/openapi.json`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { paths: Record<string, Record<string, Operation>> }).paths;
}

test('every route the demo answers is an operation of its OpenAPI document, and every operation is a route', async () => {
  const paths = await served();
  const routes = DEMO_ROUTES.map((r) => `${r.method} ${r.path}`).sort();
  const operations = Object.entries(paths)
    .flatMap(([path, item]) => Object.keys(item).filter((k) => ['get', 'post', 'put', 'patch', 'delete'].includes(k)).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  assert.deepEqual(operations, routes);
  for (const wanted of ['GET /shop', 'POST /login', 'GET /account', 'POST /cart/{cartId}/receipt', 'POST /cart/{cartId}/checkout', 'POST /admin/login', 'DELETE /admin/carts']) {
    assert.ok(routes.includes(wanted), `${wanted} is routed and documented`);
  }
});

test("each documented route is answered by its handler, not the router's 404 or 405", async () => {
  const paths = await served();
  for (const route of DEMO_ROUTES) {
    const operation = paths[route.path]![route.method.toLowerCase()]!;
    const url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => String(operation.parameters?.find((p) => p.name === name)?.example ?? 'x'));
    const response = await fetch(`${demo.url}${url}`, { method: route.method, body: route.method === 'POST' ? '{}' : undefined, headers: { 'content-type': 'application/json' } });
    const text = await response.text();
    assert.notEqual(response.status, 405, `${route.method} ${url}: ${text}`);
    assert.ok(!(response.status === 404 && text.includes('"not found"')), `${route.method} ${url} reached no handler: ${text}`);
  }
  const other = await fetch(`${demo.url}/cart/c1/nothing`);
  assert.equal(other.status, 404);
  assert.match(await other.text(), /"error":"not found"/);
});

test('GET /shop is a page with no external resources; checkout refuses an unknown token and another user’s cart', async () => {
  const page = await fetch(`${demo.url}/shop`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  const html = await page.text();
  assert.doesNotMatch(html, /(src|href)=["']?(https?:)?\/\//, 'nothing is loaded from elsewhere');

  const login = async (user: string): Promise<string> =>
    ((await (await fetch(`${demo.url}/login`, { method: 'POST', body: JSON.stringify({ user, password: 'pw' }) })).json()) as { token: string }).token;
  const [alice, bob] = [await login('alice-shop'), await login('bob-shop')];
  const cart = (await (await fetch(`${demo.url}/cart`, { method: 'POST', body: JSON.stringify({ id: 2, user: 'alice-shop' }) })).json()) as { cartId: string };
  const checkout = (token: string): Promise<Response> => fetch(`${demo.url}/cart/${cart.cartId}/checkout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const ok = await checkout(alice);
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { cartId: cart.cartId, items: 1, total: (await (await fetch(`${demo.url}/products/2`)).json() as { price: number }).price });
  assert.equal((await checkout(bob)).status, 403);
  assert.equal((await checkout('demo-stale-token')).status, 401);
});
