// `volley debug`: one iteration through the real CLI against a real loopback target whose item IDs,
// tokens and session cookies change whenever it is reseeded ("per run"). Every field of the report (text
// and --json), secrets kept out of both, capture suggestions for a hard-coded ID and for a stale bearer
// token — and the suggestion's edit, applied with the module the editor's quick fix uses, makes the flow
// pass against the reseeded target where the hard-coded one fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTarget, type Target } from '../support/target';
import { freePort, volley, workspace, type Finished, type Workspace } from './helpers';
import { applyTextEdits } from '../../src/engine/debug/capture-edit';
import type { DebugReport } from '../../src/engine/debug/report';

let ws: Workspace;
let target: Target;

/** What the target knows this "run": reseed() makes new IDs, tokens and sessions, as a fresh deployment would. */
let ids: string[] = [];
let token = '';
let session = '';
const SECRET = `s3cr3t-${randomBytes(8).toString('hex')}`;
const reseed = (): void => {
  ids = [0, 1, 2].map(() => `it-${randomBytes(4).toString('hex')}`);
  token = `tok-${randomBytes(12).toString('hex')}`;
  session = `sess-${randomBytes(10).toString('hex')}`;
};

before(async () => {
  reseed();
  ws = workspace();
  const json = (res: import('node:http').ServerResponse, status: number, value: unknown): void => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(value));
  };
  target = await startTarget({
    routes: {
      '/items': (_req, res) => json(res, 200, { items: ids.map((id, i) => ({ id, name: `item ${i}` })) }),
      '/login': (_req, res) => {
        res.setHeader('set-cookie', `sid=${session}; Path=/`);
        res.setHeader('x-request-id', `req-${randomBytes(6).toString('hex')}`);
        json(res, 200, { token, user: 'admin' });
      },
      '/me': (req, res) => (req.headers.authorization === `Bearer ${token}` ? json(res, 200, { user: 'admin' }) : json(res, 401, { error: 'bad token' })),
      '/big': (_req, res) => json(res, 200, { rows: Array.from({ length: 400 }, (_, i) => ({ row: i, text: 'x'.repeat(20) })) }),
      '/echo-key': (req, res) => json(res, req.headers['x-api-key'] === SECRET ? 200 : 403, { ok: req.headers['x-api-key'] === SECRET }),
      '*': (req, res, body) => {
        const m = /^\/items\/([^/?]+)(\?.*)?$/.exec(req.url ?? '');
        if (m && ids.includes(m[1])) {
          if (req.method === 'POST') return json(res, 201, { orderId: `ord-${m[1]}`, item: JSON.parse(body || '{}').item ?? null });
          return json(res, 200, { id: m[1], name: 'an item' });
        }
        json(res, 404, { error: 'no such item' });
      },
    },
  });
});

after(async () => {
  await target?.close();
  ws?.cleanup();
});

const debug = (file: string, ...args: string[]): Promise<Finished> => volley(ws, ['debug', file, ...args], { API_KEY: SECRET });
const report = (run: Finished): DebugReport => JSON.parse(run.stdout) as DebugReport;

test('every field of one iteration, as text and as JSON: setup, teardown, branches, repeat, group, checks, captures, cut bodies', async () => {
  const file = ws.file(
    'fields.volley.yaml',
    `baseUrl: ${target.url}
setup:
  - name: admin login
    post: /login
    json: { user: admin }
    capture: { adminToken: json.token }
teardown:
  - name: bye
    get: /ok
scenarios:
  shop:
    executor: per-vu-iterations
    vus: 5
    iterations: 100
    flow:
      - group: browse
        flow:
          - name: list items
            get: /items
            check: { status: 200, json: { "items[0].name": "item 0" } }
            capture: { firstId: json.items[0].id, missing: json.nothing }
          - repeat: 2
            as: round
            flow:
              - name: item detail
                get: /items/{{ firstId }}?round={{ round }}
      - if: "{{ missing != null }}"
        flow:
          - name: never
            get: /ok
        else:
          - name: with key
            get: /echo-key
            headers: { X-Api-Key: "{{ env.API_KEY }}" }
            check: { status: 200 }
      - choose:
          - weight: 1
            flow: [ { name: big, get: /big } ]
      - think: 2s
      - name: wrong expectation
        get: /items
        check: { status: 201 }
thresholds:
  http_req_failed: [rate<0.5]
`,
  );
  const text = await debug(file);
  assert.equal(text.code, 1, text.stderr);
  for (const want of [
    'setup:\n  ✓ admin login (line 3)',
    'flow:\n  group browse (line 16)\n    ✓ list items (line 18)',
    '✓ admin login (line 3)',
    '> POST ' + target.url + '/login',
    '> content-type: application/json',
    '"user": "admin"',
    '< 200 OK',
    '< set-cookie: [redacted]',
    'capture adminToken = "[redacted]" (json.token)',
    'group browse (line 16)',
    'repeat (line 22): 2 rounds',
    '✓ item detail [round 1] (line 25)',
    '✓ item detail [round 2] (line 25)',
    'checks: ✓ status is 200  ✓ json items[0].name == "item 0"',
    'capture missing: nothing found at json.nothing (empty for the rest of the iteration)',
    'if {{ missing != null }} (line 27): false → else',
    'choose (line 36): branch 1 of 1 (weight 1)',
    '… cut: ',
    'think 2000 ms (line 39): not waited in a debug run',
    '✗ wrong expectation (line 40)',
    'checks: ✗ status is 201',
    'teardown:',
    'time: ',
    'waiting ',
    '8 requests, 1 failed; 4 checks, 1 failed',
  ]) {
    assert.ok(text.stdout.includes(want), `text output lacks ${JSON.stringify(want)}:\n${text.stdout}`);
  }
  assert.ok(!text.stdout.includes('never'), 'the branch not taken did not run');
  assert.ok(text.stdout.includes(`capture firstId = "${ids[0]}" (json.items[0].id)`), text.stdout);

  const run = await debug(file, '--json');
  assert.equal(run.code, 1, run.stderr);
  const r = report(run);
  assert.equal(r.exitCode, 1);
  assert.equal(r.ok, false);
  assert.equal(r.scenario, 'shop');
  assert.deepEqual(r.steps.map((s) => `${s.stage}:${s.name}`), [
    'setup:admin login',
    'flow:list items',
    'flow:item detail',
    'flow:item detail',
    'flow:with key',
    'flow:big',
    'flow:wrong expectation',
    'teardown:bye',
  ]);
  const list = r.steps[1];
  assert.equal(list.request.method, 'GET');
  assert.equal(list.request.url, `${target.url}/items`);
  assert.ok(list.request.headers.some((h) => h.name === 'user-agent'));
  assert.equal(list.response.status, 200);
  assert.ok(list.response.headers.some((h) => h.name.toLowerCase() === 'content-type' && h.value === 'application/json'));
  assert.equal(list.response.body?.json, true);
  assert.ok(list.response.body?.text.startsWith('{\n  "items": ['), 'JSON pretty-printed');
  assert.equal(list.group, 'browse');
  assert.equal(list.depth, 1);
  assert.deepEqual(list.checks.map((c) => c.passed), [true, true]);
  assert.equal(list.checks.length, 2);
  assert.deepEqual(list.captures, [
    { name: 'firstId', source: 'json.items[0].id', found: true, value: ids[0] },
    { name: 'missing', source: 'json.nothing', found: false },
  ]);
  for (const key of ['blocked', 'connecting', 'tlsHandshaking', 'sending', 'waiting', 'receiving', 'duration'] as const) assert.equal(typeof list.timings[key], 'number');
  assert.deepEqual(r.steps[2].rounds, [0]);
  assert.deepEqual(r.steps[3].rounds, [1]);
  assert.equal(r.steps[3].request.url, `${target.url}/items/${ids[0]}?round=1`);
  const big = r.steps.find((s) => s.name === 'big')!;
  assert.equal(big.response.body?.truncated, true);
  assert.ok(big.response.body!.bytes > big.response.body!.text.length, 'the size of the whole body is stated');
  const wrong = r.steps.find((s) => s.name === 'wrong expectation')!;
  assert.equal(wrong.ok, false);
  assert.deepEqual(wrong.checks, [{ name: 'status is 201', passed: false, position: { line: 42, column: 18 } }]);
  assert.deepEqual(list.checks.map((c) => c.position), [{ line: 20, column: 22 }, { line: 20, column: 43 }]);
  const kinds = r.control.map((c) => c.kind);
  assert.deepEqual(kinds, ['group', 'repeat', 'if', 'choose', 'think']);
  const branch = r.control.find((c) => c.kind === 'if');
  assert.ok(branch && branch.kind === 'if' && branch.taken === 'else' && branch.value === false && branch.position.line === 27);
  const post = r.steps[0];
  assert.equal(post.request.body?.json, true);
  assert.deepEqual(JSON.parse(post.request.body!.text), { user: 'admin' });
  assert.ok(Array.isArray(r.suggestions));
  assert.ok(!existsSync(join(ws.dir, '.volley')), 'no run store entry');
  assert.equal(typeof r.durationMs, 'number');
});

test('secrets never reach the output: env values, setup captures, tokens, cookies, Authorization', async () => {
  const file = ws.file(
    'secrets.volley.yaml',
    `baseUrl: ${target.url}
setup:
  - post: /login
    capture: { adminToken: json.token }
scenarios:
  s:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - name: login
        post: /login
        json: { apiKey: "{{ env.API_KEY }}" }
        capture: { token: json.token, sid: cookie.sid }
      - name: me
        get: /me
        headers: { Authorization: "Bearer {{ token }}", X-Api-Key: "{{ env.API_KEY }}", X-Admin: "{{ adminToken }}" }
        query: { key: "{{ env.API_KEY }}" }
        check: { status: 200 }
      - name: key
        get: /echo-key
        headers: { X-Api-Key: "{{ env.API_KEY }}" }
        check: { status: 200 }
`,
  );
  for (const args of [[], ['--json']]) {
    const run = await debug(file, ...args);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const all = run.stdout + run.stderr;
    for (const secret of [SECRET, token, session]) assert.ok(!all.includes(secret), `${secret} leaked in ${args.join(' ') || 'text'} output:\n${all}`);
    assert.ok(all.includes('[redacted]'));
  }
});

const hardCoded = (id: string): string => `baseUrl: ${target.url}
scenarios:
  order:
    executor: constant-vus
    vus: 2
    duration: 10s
    flow:
      - name: list items
        get: /items
        check: { status: 200 }
      - name: item detail
        get: /items/${id}
        check: { status: 200 }
      - name: order it
        post: /items/${id}
        json: { item: ${id}, qty: 1 }
        check:
          status: 201
`;

test('an ID copied from an earlier response gets a capture suggestion; its edit makes the flow pass against a target whose IDs changed', async () => {
  const id = ids[1];
  const text = hardCoded(id);
  const file = ws.file('hard-coded.volley.yaml', text);
  const first = await debug(file, '--json');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const r = report(first);
  assert.equal(r.suggestions.length, 1, JSON.stringify(r.suggestions, null, 2));
  const s = r.suggestions[0];
  assert.equal(s.kind, 'correlate');
  assert.deepEqual(s.capture, { name: 'itemId', source: 'json.items[1].id', existing: false });
  assert.equal(s.value, id);
  assert.equal(s.from.stepName, 'list items');
  assert.deepEqual(
    s.literals.map((l) => [l.stepName, l.where, l.position.line]),
    [
      ['item detail', 'url', 12],
      ['order it', 'url', 15],
      ['order it', 'json item', 16],
    ],
  );
  const lines = text.split('\n');
  for (const l of s.literals) assert.equal(lines[l.position.line - 1].slice(l.position.column - 1, l.position.column - 1 + id.length), id);
  const textRun = await debug(file);
  assert.ok(textRun.stdout.includes('suggestions:\n  1. 3 literals equal to json.items[1].id of "list items": capture it as itemId'), textRun.stdout);
  assert.ok(textRun.stdout.includes(`replace with {{ itemId }}: item detail, url (line 12, column 21)`), textRun.stdout);

  const fixed = applyTextEdits(text, s.edits);
  assert.ok(fixed.includes('capture: { itemId: "json.items[1].id" }'), fixed);
  assert.ok(fixed.includes('get: /items/{{ itemId }}'), fixed);
  assert.ok(fixed.includes('json: { item: "{{ itemId }}", qty: 1 }'), fixed);
  const fixedFile = ws.file('fixed.volley.yaml', fixed);

  reseed(); // the target's IDs change: the hard-coded flow now fails, the fixed one passes
  const stale = await debug(file, '--json');
  assert.equal(stale.code, 1, 'the hard-coded ID is gone');
  assert.equal(report(stale).steps[1].response.status, 404);
  const again = await debug(fixedFile, '--json');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  const passed = report(again);
  assert.ok(passed.steps.every((step) => step.ok));
  assert.equal(passed.steps[1].request.url, `${target.url}/items/${ids[1]}`);
  assert.deepEqual(JSON.parse(passed.steps[2].request.body!.text), { item: ids[1], qty: 1 });
  assert.deepEqual(passed.suggestions, [], 'nothing left to suggest');
  assert.equal(readFileSync(fixedFile, 'utf8'), fixed);
});

test('a 401 sending a literal bearer token suggests capturing the token the login issued', async () => {
  const stale = `tok-${randomBytes(12).toString('hex')}`;
  const text = `baseUrl: ${target.url}
scenarios:
  me:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - name: login
        post: /login
        json: { user: admin }
        check: { status: 200 }
      - name: profile
        get: /me
        headers:
          Authorization: Bearer ${stale}
        check: { status: 200 }
`;
  const file = ws.file('stale-token.volley.yaml', text);
  const run = await debug(file, '--json');
  assert.equal(run.code, 1);
  assert.ok(!run.stdout.includes(stale) && !run.stdout.includes(token), 'neither token is printed');
  const r = report(run);
  assert.equal(r.steps[1].response.status, 401);
  const s = r.suggestions.find((x) => x.kind === 'credential');
  assert.ok(s, JSON.stringify(r.suggestions));
  assert.deepEqual(s.capture, { name: 'token', source: 'json.token', existing: false });
  assert.equal(s.failedStep, 1);
  assert.deepEqual(s.literals.map((l) => [l.where, l.position.line]), [['header Authorization', 15]]);
  assert.match(s.message, /got 401 sending a literal bearer token/);
  const fixed = applyTextEdits(text, s.edits);
  assert.ok(fixed.includes('Authorization: Bearer {{ token }}'), fixed);
  const after = await debug(ws.file('fresh-token.volley.yaml', fixed), '--json');
  assert.equal(after.code, 0, after.stdout);
});

test('a file with errors exits 104 as run does, and an unknown scenario is named', async () => {
  const bad = ws.file('bad.volley.yaml', `baseUrl: ${target.url}\nscenarios:\n  s:\n    executor: per-vu-iterations\n    flow:\n      - get: /ok\n        chek: {}\n`);
  const run = await debug(bad);
  assert.equal(run.code, 104);
  assert.match(run.stderr, /bad\.volley\.yaml:7:9: error/);
  const unknown = await debug(ws.file('ok.volley.yaml', hardCoded(ids[0])), '--scenario', 'nope');
  assert.equal(unknown.code, 104);
  assert.match(unknown.stderr, /no scenario "nope"/);
});

test('--demo starts the embedded demo target on the file\'s baseUrl for the iteration, as run --demo does', async () => {
  const port = await freePort();
  const file = ws.file(
    'demo.volley.yaml',
    `baseUrl: http://127.0.0.1:${port}
scenarios:
  browse:
    executor: constant-vus
    vus: 1
    duration: 5s
    flow:
      - name: list products
        get: /products
        check: { status: 200 }
        capture: { firstId: json.items[0].id }
      - name: product detail
        get: /products/{{ firstId }}
        check: { status: 200 }
`,
  );
  const run = await debug(file, '--demo', '--json');
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, new RegExp(`demo target listening on http://127.0.0.1:${port}`));
  assert.deepEqual(report(run).steps.map((s) => s.response.status), [200, 200]);
});

test('a failed setup step ends it there: no iteration, teardown still runs, exit 1', async () => {
  const file = ws.file(
    'setup-fails.volley.yaml',
    `baseUrl: ${target.url}
setup:
  - name: admin login
    get: /status/503
teardown:
  - name: clean up
    get: /ok
scenarios:
  s:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - name: never
        get: /ok
`,
  );
  const run = await debug(file, '--json');
  assert.equal(run.code, 1);
  const r = report(run);
  assert.deepEqual(r.steps.map((s) => `${s.stage}:${s.name}:${s.response.status}`), ['setup:admin login:503', 'teardown:clean up:200']);
  assert.equal(r.stopped, 'setup step "admin login" failed: no iteration ran');
  const text = await debug(file);
  assert.ok(text.stdout.includes('stopped: setup step "admin login" failed: no iteration ran'), text.stdout);
});
