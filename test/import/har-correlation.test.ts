// HAR correlation from the other two places a response gives a value: a response header (a CSRF token
// an API hands out in `X-CSRF-Token`) and a Set-Cookie value a page's script reads back and sends in a
// header (a non-HttpOnly cookie, as double-submit CSRF schemes do). The recording is in Chromium's
// DevTools export shape; the run goes to a target that hands out fresh values on every login and
// refuses the recorded ones, so it passes only if both captures reach the wire.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { startTarget, type Target } from '../support/target';
import { workspace, type Workspace } from '../cli/helpers';
import { Answers, assertNoSecret, importValid, runImported } from './helpers';

const RECORDED = { csrf: 'csrf-rec-8a7b6c', xsrf: 'xsrf-rec-1f2e3d', session: 'sess-rec-44aa90' };

let ws: Workspace;
let target: Target;
let logins = 0;
const answers = new Answers();
const fresh = (): typeof RECORDED => ({ csrf: `csrf-new-${logins}x1`, xsrf: `xsrf-new-${logins}x2`, session: `sess-new-${logins}x3` });
const cookie = (req: IncomingMessage, name: string): string | undefined => new RegExp(`(?:^|; )${name}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1];

before(async () => {
  ws = workspace();
  target = await startTarget({
    routes: {
      '/api/session': (_req, res) => {
        logins++;
        res.setHeader('x-csrf-token', fresh().csrf);
        res.setHeader('set-cookie', [`XSRF-TOKEN=${fresh().xsrf}; Path=/`, `session=${fresh().session}; Path=/; HttpOnly`]);
        answers.send(res, '/api/session', 200, { ok: true });
      },
      '/api/orders': (req, res, body) => {
        const ok = req.headers['x-csrf-token'] === fresh().csrf && req.headers['x-xsrf-token'] === fresh().xsrf && cookie(req, 'session') === fresh().session && JSON.parse(body).item === 'kettle';
        answers.send(res, '/api/orders', ok ? 201 : 403, {});
      },
    },
  });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

function entry(method: string, url: string, requestHeaders: Array<[string, string]>, responseHeaders: Array<[string, string]>, status: number, postData?: string): object {
  return {
    _resourceType: 'fetch',
    pageref: 'page_1',
    startedDateTime: '2026-12-02T20:00:00.000Z',
    time: 3,
    request: {
      method, url, httpVersion: 'http/1.1', headers: requestHeaders.map(([name, value]) => ({ name, value })), queryString: [], cookies: [], headersSize: -1, bodySize: postData?.length ?? 0,
      ...(postData ? { postData: { mimeType: 'application/json', text: postData } } : {}),
    },
    response: {
      status, statusText: '', httpVersion: 'http/1.1', headers: responseHeaders.map(([name, value]) => ({ name, value })), cookies: [],
      content: { size: 11, mimeType: 'application/json', text: '{"ok":true}' }, redirectURL: '', headersSize: -1, bodySize: 11, _transferSize: 200,
    },
    cache: {},
    timings: { blocked: 1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 2, receive: 0 },
  };
}

test('a value from a response header and one from a Set-Cookie, sent back in later headers, become captures that reach the wire', async () => {
  const har = JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'WebInspector', version: '537.36' },
      pages: [{ startedDateTime: '2026-12-02T20:00:00.000Z', id: 'page_1', title: `${target.url}/`, pageTimings: { onContentLoad: 20, onLoad: 30 } }],
      entries: [
        entry('POST', `${target.url}/api/session`, [['Accept', '*/*']], [['X-CSRF-Token', RECORDED.csrf], ['Set-Cookie', `XSRF-TOKEN=${RECORDED.xsrf}; Path=/`], ['Set-Cookie', `session=${RECORDED.session}; Path=/; HttpOnly`]], 200),
        entry(
          'POST',
          `${target.url}/api/orders`,
          [['X-CSRF-Token', RECORDED.csrf], ['X-XSRF-TOKEN', RECORDED.xsrf], ['Cookie', `XSRF-TOKEN=${RECORDED.xsrf}; session=${RECORDED.session}`], ['Content-Type', 'application/json']],
          [],
          201,
          '{"item":"kettle"}',
        ),
      ],
    },
  });
  const imported = await importValid(ws, ws.file('headers.har', har), 'headers.volley.yaml');
  assertNoSecret(imported.text, Object.values(RECORDED));
  assert.match(imported.text, /capture:\n(\s+\S+: \S+\n)*?\s+X_CSRF_Token: header\.X-CSRF-Token\n/);
  assert.match(imported.text, /\s+XSRF_TOKEN: cookie\.XSRF-TOKEN\n/);
  assert.match(imported.text, /X-CSRF-Token: "\{\{ X_CSRF_Token \}\}"\n\s+X-XSRF-TOKEN: "\{\{ XSRF_TOKEN \}\}"/);
  assert.doesNotMatch(imported.text, /Cookie:|cookies:/, 'the session cookie is the jar’s');

  for (let run = 1; run <= 2; run++) {
    answers.clear();
    await runImported(ws, imported.file);
    assert.deepEqual(answers.list, [['/api/session', 200], ['/api/orders', 201]], `run ${run}`);
  }
});
