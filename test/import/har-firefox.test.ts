// HAR import of Firefox's export. Firefox cannot run here, so the two recordings in test/fixtures/import
// are built in the shape Firefox's HarBuilder (devtools/client/netmonitor/src/har/har-builder.js) writes:
// creator and browser "Firefox", one page per export with pageTimings, no _resourceType (assets are
// known by their type and extension), `_securityState`, `serverIPAddress`, `connection`, `cache: {}`,
// timings with -1 for what did not happen, headersSize/bodySize, Host, Connection, Cookie, Sec-Fetch-* and
// Priority headers, request and response `cookies` arrays, postData with `params: []` for JSON and the
// params of a urlencoded form, response text as is for text and base64 with `encoding` for binary.
// firefox-demo-shop.har is the demo's /shop page (login, cart, checkout), run against a fresh demo that
// refuses its recorded token and cart id; firefox-form-site.har a server-rendered login form with assets.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { startTarget, type Target } from '../support/target';
import { workspace, type Workspace } from '../cli/helpers';
import { Answers, assertNoSecret, importValid, runImported } from './helpers';

const FIXTURES = join(__dirname, '../fixtures/import');
const DEMO_TOKEN = 'demo-1-f3k9q2x';
const DEMO_PASSWORD = 'ff-Secret-4471';
const FORM_PASSWORD = 'ff-Form-Pass-93';
const CSRF = 'csrf-7d1e44a09b';
const SESSION = 's3ss-ff-0c9a71d2';

let ws: Workspace;
let demo: DemoServer;
let site: Target;
const answers = new Answers();
before(async () => {
  ws = workspace();
  demo = await startDemoServer({ port: 0, latencyMs: 1, seed: 5 });
  // The form site as its server would answer a run: a fresh session, checked with the CSRF value given with -e.
  let sessions = 0;
  const session = (cookie: string | undefined): boolean => /(?:^|; )session=fresh-\d+/.test(cookie ?? '');
  site = await startTarget({
    routes: {
      '/login': (_req, res) => answers.send(res, '/login', 200, '<form></form>', 'text/html'),
      '/session': (_req, res, body) => {
        const form = new URLSearchParams(body);
        if (form.get('password') !== FORM_PASSWORD || form.get('csrf') !== CSRF) return answers.send(res, '/session', 403, 'bad form', 'text/plain');
        res.setHeader('set-cookie', `session=fresh-${++sessions}; Path=/; HttpOnly`);
        answers.send(res, '/session', 200, 'signed in', 'text/plain');
      },
      '/dashboard': (req, res) => answers.send(res, '/dashboard', session(req.headers.cookie) ? 200 : 401, '<p></p>', 'text/html'),
      '/api/me': (req, res) => answers.send(res, '/api/me', session(req.headers.cookie) && req.headers['x-csrf-token'] === CSRF ? 200 : 401, {}),
    },
  });
});
after(async () => {
  await demo.close();
  await site.close();
  ws.cleanup();
});

function fixtureOn(name: string, from: string, to: string): string {
  return ws.file(name, readFileSync(join(FIXTURES, name), 'utf8').split(from).join(to));
}

test("Firefox's export of the demo's /shop page: browser noise dropped, token and cart id captured, no secret written, and it runs on a demo that refuses the recorded values", async () => {
  const har = fixtureOn('firefox-demo-shop.har', '127.0.0.1:7878', `127.0.0.1:${demo.port}`);
  const imported = await importValid(ws, har, 'firefox-shop.volley.yaml');
  assertNoSecret(imported.text, [DEMO_PASSWORD, DEMO_TOKEN, 'f3k9q2x']);
  assert.match(imported.text, /^# Imported by volley import from .*firefox-demo-shop\.har: HAR from Firefox 128\.0, 7 of 8 requests\./);
  assert.match(imported.stderr, /warning: 1 static asset request\(s\) left out/, 'the favicon, known by its extension');
  assert.match(imported.text, /- group: Volley demo shop\n\s+flow:\n\s+- get: \/shop\n/);
  assert.doesNotMatch(imported.text, /Host:|Connection:|Sec-Fetch|Priority:|Accept-Language:|Referer:|Origin:|Content-Length:|zstd|Cookie:|cookies:/i);
  assert.match(imported.text, /post: \/login\n( +.*\n)*?\s+json:\n\s+user: ff-shopper\n\s+password: "\{\{ env\.PASSWORD \}\}"\n\s+capture:\n\s+token: json\.token/);
  assert.match(imported.text, /Authorization: Bearer \{\{ token \}\}\n( +.*\n)*?\s+capture:\n\s+cartId: json\.cartId/);
  assert.match(imported.text, /get: \/cart\/\{\{ cartId \}\}\n/);
  assert.match(imported.text, /post: \/cart\/\{\{ cartId \}\}\/checkout\n/);

  // The recorded cart id c1 goes to another user first; the recorded token was never given here.
  const other = (await (await fetch(`${demo.url}/cart`, { method: 'POST', body: JSON.stringify({ id: 1, user: 'someone-else' }) })).json()) as { cartId: string };
  assert.equal(other.cartId, 'c1');
  const figures = await runImported(ws, imported.file, { PASSWORD: 'any' }, { failed: true });
  assert.deepEqual(figures, { requests: 7, failed: 0, checksPassed: 0, checksFailed: 0 });
});

test("Firefox's export of a form login with assets: assets known by type and extension, base64 bodies read, form params a form:, navigations as groups", async () => {
  const har = fixtureOn('firefox-form-site.har', '127.0.0.1:7879', new URL(site.url).host);
  const imported = await importValid(ws, har, 'firefox-form.volley.yaml');
  assertNoSecret(imported.text, [FORM_PASSWORD, CSRF, SESSION]);
  assert.match(imported.stderr, /warning: 4 static asset request\(s\) left out/);
  assert.doesNotMatch(imported.text, /\/static\//);
  assert.match(imported.text, /- group: \/login\n\s+flow:\n\s+- get: \/login\n/);
  assert.match(imported.text, /post: \/session\n( +.*\n)*?\s+form:\n\s+csrf: "\{\{ env\.CSRF \}\}"\n\s+email: ff\.user@example\.com\n\s+password: "\{\{ env\.PASSWORD \}\}"/);
  assert.match(imported.text, /- group: \/dashboard\n\s+flow:\n\s+- get: \/dashboard\n/);
  assert.match(imported.text, /get: \/api\/me\n\s+headers:\n( +.*\n)*?\s+X-CSRF-Token: "\{\{ env\.CSRF \}\}"/, 'the same value, the same env name');

  answers.clear();
  await runImported(ws, imported.file, { PASSWORD: FORM_PASSWORD, CSRF });
  assert.deepEqual(answers.list, [['/login', 200], ['/session', 200], ['/dashboard', 200], ['/api/me', 200]], 'the session cookie the run gets is the one sent');

  const all = await importValid(ws, har, 'firefox-form-assets.volley.yaml', ['--include-assets']);
  for (const asset of ['site.css', 'site.js', 'logo.png', 'inter.woff2']) assert.match(all.text, new RegExp(`get: /static/${asset.replace('.', '\\.')}\\n`));
});
