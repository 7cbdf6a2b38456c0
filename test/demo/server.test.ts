import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'undici';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { isLoopbackHost } from '../../src/engine/demo/loopback';
import { lognormalLatency, seededRandom } from '../../src/engine/demo/random';

async function call(client: Client, method: string, path: string, body?: string) {
  const started = performance.now();
  const res = await client.request({
    method: method as 'GET',
    path,
    body,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text), ms: performance.now() - started, headers: res.headers };
}

describe('demo target endpoints', () => {
  let server: DemoServer;
  let client: Client;
  before(async () => {
    server = await startDemoServer({ port: 0, latencyMs: 0, seed: 1 });
    client = new Client(server.url);
  });
  after(async () => {
    await client.close();
    await server.close();
  });

  test('GET /health answers 200 ok', async () => {
    const r = await call(client, 'GET', '/health');
    assert.equal(r.status, 200);
    assert.equal(r.text, 'ok');
  });

  test('GET /products pages ten products, zero-based', async () => {
    const first = await call(client, 'GET', '/products?page=0');
    assert.equal(first.status, 200);
    const body = first.json();
    assert.equal(body.page, 0);
    assert.equal(body.items.length, 10);
    assert.deepEqual(Object.keys(body.items[0]).sort(), ['id', 'name', 'price']);
    assert.equal(body.items[0].id, 1);
    const third = (await call(client, 'GET', '/products?page=3')).json();
    assert.equal(third.items[0].id, 31);
    assert.equal((await call(client, 'GET', '/products')).json().page, 0);
    assert.equal((await call(client, 'GET', '/products?page=-1')).status, 400);
    assert.deepEqual((await call(client, 'GET', '/products?page=5000')).json().items, []);
  });

  test('GET /products/:id answers the product or 404', async () => {
    const r = await call(client, 'GET', '/products/42');
    assert.equal(r.status, 200);
    assert.equal(r.json().id, 42);
    assert.equal((await call(client, 'GET', '/products/0')).status, 404);
    assert.equal((await call(client, 'GET', '/products/abc')).status, 404);
  });

  test('POST /login gives a token; bad JSON is 400', async () => {
    const r = await call(client, 'POST', '/login', JSON.stringify({ user: 'ann', password: 'pw' }));
    assert.equal(r.status, 200);
    assert.match(r.json().token, /^demo-/);
    assert.equal((await call(client, 'POST', '/login', '{nope')).status, 400);
    assert.equal((await call(client, 'POST', '/login', JSON.stringify({ user: 'ann' }))).status, 401);
  });

  test('POST /cart adds to the user cart; GET /cart/:id reads it back', async () => {
    const added = await call(client, 'POST', '/cart', JSON.stringify({ id: 7, user: 'bob' }));
    assert.equal(added.status, 201);
    const { cartId, items } = added.json();
    assert.equal(typeof cartId, 'string');
    assert.deepEqual(items.map((i: { id: number; qty: number }) => [i.id, i.qty]), [[7, 1]]);
    // A rendered template sends the id as a string: accepted.
    const again = (await call(client, 'POST', '/cart', JSON.stringify({ id: '7', user: 'bob' }))).json();
    assert.equal(again.cartId, cartId);
    assert.equal(again.items[0].qty, 2);
    const read = await call(client, 'GET', `/cart/${cartId}`);
    assert.equal(read.status, 200);
    assert.equal(read.json().items[0].qty, 2);
    assert.equal((await call(client, 'GET', '/cart/nope')).status, 404);
    assert.equal((await call(client, 'POST', '/cart', 'not json')).status, 400);
    assert.equal((await call(client, 'POST', '/cart', JSON.stringify({ id: 99999, user: 'x' }))).status, 400);
  });

  test('a form login sets the sid cookie; /account and /cart read the session from it', async () => {
    const login = await client.request({
      method: 'POST',
      path: '/login',
      body: 'email=ann%40example.com&password=p%26ss+word',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const { token } = (await login.body.json()) as { token: string };
    assert.equal(login.statusCode, 200);
    assert.equal(login.headers['set-cookie'], `sid=${token}; Path=/; HttpOnly; SameSite=Lax`);
    const cookie = { cookie: `theme=dark; sid=${token}` };
    const account = await client.request({ method: 'GET', path: '/account', headers: cookie });
    assert.deepEqual(await account.body.json(), { user: 'ann@example.com', cartId: null });
    const added = await client.request({ method: 'POST', path: '/cart', body: JSON.stringify({ id: 3 }), headers: { ...cookie, 'content-type': 'application/json' } });
    const { cartId } = (await added.body.json()) as { cartId: string };
    const again = await client.request({ method: 'GET', path: '/account', headers: cookie });
    assert.deepEqual(await again.body.json(), { user: 'ann@example.com', cartId });
    const anonymous = await call(client, 'GET', '/account');
    assert.equal(anonymous.status, 401);
  });

  test('POST /cart/:id/receipt takes a multipart body and counts its bytes; an unknown cart is 404', async () => {
    const added = await call(client, 'POST', '/cart', JSON.stringify({ id: 5, user: 'receipts' }));
    const { cartId } = added.json() as { cartId: string };
    const body = Buffer.concat([Buffer.from('--b\r\ncontent-disposition: form-data; name="f"; filename="r.pdf"\r\n\r\n'), Buffer.from([0, 255, 128, 10]), Buffer.from('\r\n--b--\r\n')]);
    const sent = await client.request({ method: 'POST', path: `/cart/${cartId}/receipt`, body, headers: { 'content-type': 'multipart/form-data; boundary=b' } });
    assert.equal(sent.statusCode, 201);
    assert.deepEqual(await sent.body.json(), { cartId, bytes: body.length });
    const notMultipart = await call(client, 'POST', `/cart/${cartId}/receipt`, '{}');
    assert.equal(notMultipart.status, 415);
    const unknown = await client.request({ method: 'POST', path: '/cart/nope/receipt', body, headers: { 'content-type': 'multipart/form-data; boundary=b' } });
    assert.equal(unknown.statusCode, 404);
    await unknown.body.dump();
  });

  test('admin: POST /admin/login gives a token that DELETE /admin/carts needs; a user token is refused', async () => {
    await call(client, 'POST', '/cart', JSON.stringify({ id: 7, user: 'admin-test' }));
    const user = (await call(client, 'POST', '/login', JSON.stringify({ user: 'u', password: 'p' }))).json() as { token: string };
    const refused = await client.request({ method: 'DELETE', path: '/admin/carts', headers: { authorization: `Bearer ${user.token}` } });
    assert.equal(refused.statusCode, 401);
    await refused.body.dump();
    const admin = (await call(client, 'POST', '/admin/login', JSON.stringify({ user: 'admin', password: 'secret' }))).json() as { token: string };
    const deleted = await client.request({ method: 'DELETE', path: '/admin/carts', headers: { authorization: `Bearer ${admin.token}` } });
    assert.equal(deleted.statusCode, 200);
    const { deleted: count } = (await deleted.body.json()) as { deleted: number };
    assert.ok(count >= 1, String(count));
    const noPassword = await call(client, 'POST', '/admin/login', JSON.stringify({ user: 'admin', password: '' }));
    assert.equal(noPassword.status, 401);
  });

  test('anything else is a JSON 404; a wrong method is 405', async () => {
    const r = await call(client, 'GET', '/nowhere?x=1');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { error: 'not found', path: '/nowhere' });
    const m = await call(client, 'DELETE', '/login');
    assert.equal(m.status, 405);
    assert.equal(m.headers.allow, 'POST');
  });

  test('keep-alive: many requests reuse one connection', async () => {
    const fresh = await startDemoServer({ port: 0, latencyMs: 0, seed: 2 });
    const c = new Client(fresh.url);
    try {
      for (let i = 0; i < 25; i++) assert.equal((await call(c, 'GET', `/products?page=${i % 10}`)).status, 200);
      assert.equal(fresh.stats.requests, 25);
      assert.equal(fresh.stats.connections, 1);
    } finally {
      await c.close();
      await fresh.close();
    }
  });
});

describe('demo target behaviour', () => {
  test('latency stays within the lognormal clamp around the median', async () => {
    const server = await startDemoServer({ port: 0, latencyMs: 20, seed: 7 });
    const client = new Client(server.url, { pipelining: 1 });
    try {
      // Ten at a time: the timer, not queueing, sets each response time.
      const times: number[] = [];
      for (let round = 0; round < 4; round++) {
        const batch = await Promise.all(Array.from({ length: 10 }, () => new Client(server.url)).map(async (c) => {
          try {
            return (await call(c, 'GET', '/products?page=1')).ms;
          } finally {
            await c.close();
          }
        }));
        times.push(...batch);
      }
      times.sort((a, b) => a - b);
      // The clamp is [0.4×, 4×] of 20 ms; allow scheduling slack above.
      assert.ok(times[0] >= 7.5, `fastest ${times[0]} ms is below 0.4 × 20 ms`);
      assert.ok(times[times.length - 1] < 80 + 60, `slowest ${times[times.length - 1]} ms`);
      const median = times[Math.floor(times.length / 2)];
      assert.ok(median >= 12 && median <= 45, `median ${median} ms`);
      // /health is never delayed.
      assert.ok((await call(client, 'GET', '/health')).ms < 15);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test('fault rate: roughly that fraction answers 500/503, /health never', async () => {
    const server = await startDemoServer({ port: 0, latencyMs: 0, faultRate: 0.3, seed: 11 });
    const client = new Client(server.url);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 300; i++) statuses.push((await call(client, 'GET', '/products/1')).status);
      const faults = statuses.filter((s) => s === 500 || s === 503).length;
      assert.ok(faults > 60 && faults < 120, `${faults} faults of 300 at rate 0.3`);
      assert.ok(statuses.includes(500) && statuses.includes(503));
      assert.equal(statuses.filter((s) => s !== 200 && s !== 500 && s !== 503).length, 0);
      assert.equal(server.stats.faults, faults);
      for (let i = 0; i < 20; i++) assert.equal((await call(client, 'GET', '/health')).status, 200);
    } finally {
      await client.close();
      await server.close();
    }
  });

  test('reset rate: the connection is cut instead of answered', async () => {
    const server = await startDemoServer({ port: 0, latencyMs: 0, resetRate: 1, seed: 3 });
    const client = new Client(server.url);
    try {
      await assert.rejects(call(client, 'GET', '/products/1'));
      assert.equal(server.stats.resets, 1);
    } finally {
      await client.close().catch(() => {});
      await server.close();
    }
  });

  test('the same seed gives the same latency sequence', async () => {
    const a = lognormalLatency(seededRandom(5), 20);
    const b = lognormalLatency(seededRandom(5), 20);
    const seqA = Array.from({ length: 50 }, a);
    assert.deepEqual(seqA, Array.from({ length: 50 }, b));
    assert.ok(seqA.every((ms) => ms >= 8 && ms <= 80));
  });

  test('refuses a host that is not loopback', async () => {
    await assert.rejects(startDemoServer({ port: 0, host: '0.0.0.0' }), /loopback/);
    assert.equal(isLoopbackHost('127.1.2.3'), true);
    assert.equal(isLoopbackHost('::1'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('10.0.0.1'), false);
    assert.equal(isLoopbackHost('example.com'), false);
  });
});
