// HAR import on a real recording: Chromium (driven by playwright-core, as the e2e harness does) records a
// HAR of two pages of a loopback shop whose API hands out a fresh token, CSRF value, session cookie and
// cart id on every login. The import must leave out assets and the other host, mark the pages, put a think
// step between them and correlate every one of those values, so that the run, which gets new ones,
// passes against a target that refuses stale ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { chromium } from 'playwright-core';
import { startTarget, type Target } from '../support/target';
import { volley, workspace, type Workspace } from '../cli/helpers';
import { Answers, assertNoSecret, importValid, runImported } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'har-pw-31';

let ws: Workspace;
let target: Target;
let logins = 0;
const answers = new Answers();
const answered = answers.list;
const current = (): { token: string; csrf: string; sid: string; cart: string } => ({
  token: `tok-${logins}-a1b2c3d4`,
  csrf: `csrf-${logins}-9f8e7d`,
  sid: `sess-${logins}-77aa`,
  cart: `cart-${logins}-0042`,
});

const send = (res: ServerResponse, path: string, status: number, type: string, body: string): void => answers.send(res, path, status, body, type);

const PAGE_ONE = `<!doctype html><html><head><title>Shop</title><link rel="stylesheet" href="/style.css"></head>
<body><img src="/logo.png"><script>
(async () => {
  const login = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: 'alice', password: '${PASSWORD}' }) }).then((r) => r.json());
  localStorage.setItem('token', login.token);
  const cart = await fetch('/api/cart', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + login.token }, body: JSON.stringify({ id: 3 }) }).then((r) => r.json());
  await fetch('/api/carts/' + cart.cartId + '?view=full', { headers: { 'X-CSRF-Token': login.csrf } });
  await fetch('http://localhost:' + location.port + '/track', { mode: 'no-cors' }).catch(() => undefined);
  document.title = 'done';
})();
</script></body></html>`;

const PAGE_TWO = `<!doctype html><html><head><title>Orders</title></head><body><script>
fetch('/api/orders', { headers: { Authorization: 'Bearer ' + localStorage.getItem('token') } }).then(() => { document.title = 'done2'; });
</script></body></html>`;

before(async () => {
  ws = workspace();
  const cookie = (header: string | undefined): string | undefined => /(?:^|; )sid=([^;]+)/.exec(header ?? '')?.[1];
  target = await startTarget({
    routes: {
      '/': (_req, res) => send(res, '/', 200, 'text/html', PAGE_ONE),
      '/page2': (_req, res) => send(res, '/page2', 200, 'text/html', PAGE_TWO),
      '/api/login': (_req, res, body) => {
        const { password } = JSON.parse(body) as { password: string };
        if (password !== PASSWORD) return send(res, '/api/login', 401, 'application/json', '{}');
        logins++;
        res.setHeader('set-cookie', `sid=${current().sid}; Path=/; HttpOnly`);
        send(res, '/api/login', 200, 'application/json', JSON.stringify({ token: current().token, csrf: current().csrf }));
      },
      '/api/cart': (req, res) => {
        const fresh = req.headers.authorization === `Bearer ${current().token}` && cookie(req.headers.cookie) === current().sid;
        send(res, '/api/cart', fresh ? 201 : 401, 'application/json', JSON.stringify(fresh ? { cartId: current().cart } : { error: 'stale' }));
      },
      '/api/orders': (req, res) => send(res, '/api/orders', req.headers.authorization === `Bearer ${current().token}` ? 200 : 401, 'application/json', '[]'),
      '/style.css': (_req, res) => send(res, '/style.css', 200, 'text/css', 'body{}'),
      '/logo.png': (_req, res) => send(res, '/logo.png', 200, 'image/png', 'png'),
      '*': (req, res) => {
        const path = req.url?.split('?')[0] ?? '';
        const fresh = path === `/api/carts/${current().cart}` && req.headers['x-csrf-token'] === current().csrf && cookie(req.headers.cookie) === current().sid;
        send(res, path.startsWith('/api/carts/') ? '/api/carts' : path, fresh ? 200 : 401, 'application/json', '{}');
      },
    },
  });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

async function record(harPath: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], timeout: 20_000 });
  try {
    const context = await browser.newContext({ recordHar: { path: harPath } });
    const page = await context.newPage();
    await page.goto(`${target.url}/`);
    await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 10_000 });
    await page.waitForTimeout(400);
    await page.goto(`${target.url}/page2`);
    await page.waitForFunction(() => document.title === 'done2', undefined, { timeout: 10_000 });
    await context.close();
  } finally {
    await browser.close();
  }
}

test('a HAR Chromium recorded: assets and other hosts left out, pages marked, a think between them, every fresh value correlated', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, async () => {
  const har = join(ws.dir, 'shop.har');
  await record(har);
  const recorded = readFileSync(har, 'utf8');
  const first = current();
  assert.ok(recorded.includes(first.token) && recorded.includes(first.sid), 'the recording holds the values of its login');

  const imported = await importValid(ws, har, 'shop.volley.yaml');
  assertNoSecret(imported.text, [PASSWORD, first.token, first.csrf, first.sid, first.cart]);
  assert.doesNotMatch(imported.text, /style\.css|logo\.png|\/track/);
  assert.match(imported.stderr, /shop\.har: warning: 2 static asset request\(s\) left out/);
  assert.match(imported.text, /\n# warning: 2 static asset request\(s\) left out[^\n]*\n# warning: 1 request\(s\) to other hosts than 127\.0\.0\.1:\d+ left out/, 'what no step shows is in the header');
  // playwright records one HAR page per tab, so each navigation is a page, named by its path.
  // Pages are groups (k6's group): their requests carry the group tag.
  assert.match(imported.text, /- group: \/\n\s+flow:\n\s+- get: \/\n/);
  assert.match(imported.text, /- think: (\d+(ms|s|m))+\n\s+- group: \/page2\n\s+flow:\n\s+- get: \/page2/);
  assert.doesNotMatch(imported.text, /zstd/, 'the engine does not decode zstd: it is not offered');
  assert.match(imported.text, /capture:\n\s+token: json\.token\n\s+csrf: json\.csrf/);
  assert.match(imported.text, /Authorization: Bearer \{\{ token \}\}/);
  assert.match(imported.text, /get: \/api\/carts\/\{\{ cartId \}\}/);
  assert.match(imported.text, /X-CSRF-Token: "\{\{ csrf \}\}"/);
  assert.match(imported.text, /password: "\{\{ env\.PASSWORD \}\}"/);
  assert.doesNotMatch(imported.text, /\n\s+cookies:|Cookie:/i, 'cookies are left to the jar');

  // --host keeps the other host's request; --include-assets the assets.
  const port = new URL(target.url).port;
  const wider = await importValid(ws, har, 'shop-wider.volley.yaml', ['--host', `localhost:${port}`, '--include-assets']);
  assert.match(wider.text, new RegExp(`get: http://localhost:${port}/track\n`));
  assert.match(wider.text, /get: \/style\.css\n[\s\S]*get: \/logo\.png\n|get: \/logo\.png\n[\s\S]*get: \/style\.css\n/);
  assert.doesNotMatch(wider.stderr, /left out/);

  for (let run = 1; run <= 2; run++) {
    answers.clear();
    await runImported(ws, imported.file, { PASSWORD });
    assert.deepEqual(answered, [['/', 200], ['/api/login', 200], ['/api/cart', 201], ['/api/carts', 200], ['/page2', 200], ['/api/orders', 200]], `run ${run}`);
  }
});

test('not a HAR: a clear error, exit 104', async () => {
  const r = await volley(ws, ['import', ws.file('x.har', '{"log": {"version": "1.2"}}'), '--from', 'har']);
  assert.equal(r.code, 104);
  assert.match(r.stderr, /x\.har: error: not a HAR file: it has no log\.entries\n$/);
});
