// HAR import of the demo target itself: Chromium (driven by playwright-core, as the e2e harness does)
// records a user on the demo's /shop page — typing a password into its form, which logs in, adds a
// product with the login's token, reads the new cart and checks it out. The import must capture the token
// and the cart id and write neither them nor the password; the run goes to a fresh demo target on the
// same address, where the recorded token is unknown and the recorded cart id is another user's, so only
// the values the run captures itself get every request through.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { workspace, type Workspace } from '../cli/helpers';
import { assertNoSecret, importValid, runImported } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'har-demo-pw-8812';

let ws: Workspace;
let demo: DemoServer;
before(async () => {
  ws = workspace();
  demo = await startDemoServer({ port: 0, latencyMs: 1, seed: 3 });
});
after(async () => {
  await demo.close();
  ws.cleanup();
});

async function recordShop(harPath: string): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], timeout: 30_000 });
  try {
    const context = await browser.newContext({ recordHar: { path: harPath } });
    const page = await context.newPage();
    await page.goto(`${demo.url}/shop`);
    await page.locator('#products li').first().waitFor({ timeout: 15_000 });
    await page.fill('input[name=user]', 'har-shopper');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button');
    await page.waitForFunction(() => document.title !== 'Volley demo shop', undefined, { timeout: 15_000 });
    assert.equal(await page.title(), 'done', await page.locator('#status').textContent() ?? '');
    await context.close();
  } finally {
    await browser.close();
  }
}

interface HarEntry {
  request: { method: string; url: string; headers: Array<{ name: string; value: string }> };
  response: { status: number; content: { text?: string } };
}

test("a HAR Chromium recorded on the demo's shop page: token and cart id captured, no secret written, and the run passes on a fresh demo that refuses the recorded ones", { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, async () => {
  const har = join(ws.dir, 'demo-shop.har');
  await recordShop(har);
  const entries = (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries;
  const login = entries.find((e) => e.request.url.endsWith('/login'))!;
  const token = (JSON.parse(login.response.content.text!) as { token: string }).token;
  const checkout = entries.find((e) => e.request.url.endsWith('/checkout'))!;
  const cartId = /\/cart\/([^/]+)\/checkout$/.exec(checkout.request.url)![1]!;
  assert.equal(checkout.response.status, 200, 'the recorded checkout succeeded');

  const imported = await importValid(ws, har, 'demo-shop.volley.yaml');
  assertNoSecret(imported.text, [PASSWORD, token]);
  assert.match(imported.text, /^# Imported by volley import from .*demo-shop\.har: HAR from Playwright/);
  assert.match(imported.text, /post: \/login\n( +.*\n)*?\s+capture:\n\s+token: json\.token/);
  assert.match(imported.text, /password: "\{\{ env\.PASSWORD \}\}"/);
  assert.match(imported.text, /post: \/cart\n( +.*\n)*?\s+Authorization: Bearer \{\{ token \}\}\n( +.*\n)*?\s+capture:\n\s+cartId: json\.cartId/);
  assert.match(imported.text, /get: \/cart\/\{\{ cartId \}\}\n/);
  assert.match(imported.text, /post: \/cart\/\{\{ cartId \}\}\/checkout\n\s+headers:\n( +.*\n)*?\s+Authorization: Bearer \{\{ token \}\}/);
  assert.doesNotMatch(imported.text, new RegExp(`/cart/${cartId}\\b`), 'the recorded cart id is not written');
  assert.doesNotMatch(imported.text, /\n\s+cookies:|Cookie:/i, 'the sid cookie is left to the jar');

  // A fresh target on the same address: the recorded token was never given there, and another user's
  // cart takes the recorded cart id first.
  const { port } = demo;
  await demo.close();
  demo = await startDemoServer({ port, latencyMs: 1, seed: 4 });
  const taken = (await (await fetch(`${demo.url}/cart`, { method: 'POST', body: JSON.stringify({ id: 1, user: 'someone-else' }) })).json()) as { cartId: string };
  assert.equal(taken.cartId, cartId);
  const replayed = await fetch(`${demo.url}/cart/${cartId}/checkout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  assert.equal(replayed.status, 401, 'the recorded request as it was is refused');

  const figures = await runImported(ws, imported.file, { PASSWORD }, { failed: true });
  const kept = entries.filter((e) => !/favicon/.test(e.request.url)).length;
  assert.deepEqual(figures, { requests: kept, failed: 0, checksPassed: 0, checksFailed: 0 }, imported.text);
});
