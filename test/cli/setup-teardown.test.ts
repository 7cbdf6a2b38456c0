// `setup:` and `teardown:` through the real CLI against a real target: setup once per process (also with
// worker threads) and its captures in every iteration, exit 107 when a setup step fails, teardown after
// the end, a stop and a threshold abort, --no-setup / --no-teardown, and their rows apart in the summary.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTarget, type Target } from '../support/target';
import { readNdjson, spawnVolley, volley, waitFor, workspace, type Spawned, type Workspace } from './helpers';

let ws: Workspace;
let target: Target;
let logins = 0;
before(async () => {
  ws = workspace();
  target = await startTarget({
    routes: {
      '/admin/login': (_req, res) => {
        logins++;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ token: `t-${logins}` }));
      },
      '/admin/denied': (_req, res) => {
        res.statusCode = 403;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: 'wrong password for admin' }));
      },
    },
  });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

interface Options {
  setupPath?: string;
  scenarioSteps?: string;
  executor?: string;
  thresholds?: string;
}

function file(name: string, options: Options = {}): string {
  return ws.file(
    name,
    `baseUrl: ${target.url}
setup:
  - name: admin login
    post: ${options.setupPath ?? '/admin/login'}
    json: { user: admin }
    check: { status: 200 }
    capture: { adminToken: json.token }
teardown:
  - name: empty carts
    delete: /teardown/carts
    headers: { Authorization: "Bearer {{ adminToken }}" }
scenarios:
  shoppers:
${options.executor ?? `    executor: per-vu-iterations
    vus: 4
    iterations: 3`}
    flow:
${options.scenarioSteps ?? `      - name: products
        get: /products?vu={{ vu }}
        headers: { Authorization: "Bearer {{ adminToken }}" }`}
${options.thresholds ?? ''}`,
  );
}

function received(prefix: string, since: number): Array<{ method: string; url: string; authorization: string | undefined }> {
  return target.received
    .slice(since)
    .filter((r) => r.url.startsWith(prefix))
    .map((r) => ({ method: r.method, url: r.url, authorization: r.headers.authorization as string | undefined }));
}

test('setup runs once with 2 workers, every iteration of every worker reads its capture, teardown runs once after', async () => {
  const since = target.received.length;
  const loginsBefore = logins;
  const exported = join(ws.dir, 'two-workers.json');
  const r = await volley(ws, ['run', file('workers.volley.yaml'), '--workers', '2', '--no-store', '--quiet', '--summary-export', exported]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(logins - loginsBefore, 1, 'one setup request for the whole process');
  const token = `Bearer t-${logins}`;
  const products = received('/products', since);
  assert.equal(products.length, 12);
  assert.deepEqual(new Set(products.map((p) => p.authorization)), new Set([token]));
  // Both workers ran iterations: VUs 1–4 are split between them.
  assert.deepEqual(new Set(products.map((p) => p.url)), new Set(['/products?vu=1', '/products?vu=2', '/products?vu=3', '/products?vu=4']));
  const teardown = received('/teardown', since);
  assert.deepEqual(teardown, [{ method: 'DELETE', url: '/teardown/carts', authorization: token }]);
  const order = target.received.slice(since).map((q) => q.url);
  assert.equal(order[0], '/admin/login');
  assert.equal(order.at(-1), '/teardown/carts');

  // Apart in the summary: the scenario counts its own iterations and requests only.
  assert.match(r.stdout, /█ SETUP\n\n\s+step\s+requests.*\n\s+admin login\s+1\s+0\.00%/);
  assert.match(r.stdout, /█ TEARDOWN\n\n\s+step\s+requests.*\n\s+empty carts\s+1\s+0\.00%/);
  const summary = JSON.parse(readFileSync(exported, 'utf8'));
  assert.equal(summary.scenarios[0].iterations, 12);
  assert.deepEqual(summary.scenarios[0].steps.map((s: { requests: number }) => s.requests), [12]);
  assert.equal(summary.metrics.http_reqs.count, 12, 'setup and teardown requests are not the scenarios\'');
  assert.deepEqual(
    summary.lifecycle.map((s: { scenario: string; iterations: number; steps: Array<{ step: string; requests: number }> }) => [s.scenario, s.iterations, s.steps.map((st) => [st.step, st.requests])]),
    [
      ['setup', 0, [['admin login', 1]]],
      ['teardown', 0, [['empty carts', 1]]],
    ],
  );
});

test('a setup check that fails: exit 107 with the step, status and body; no scenario runs; teardown does', async () => {
  const since = target.received.length;
  const ndjson = join(ws.dir, 'denied.ndjson');
  const r = await volley(ws, ['run', file('denied.volley.yaml', { setupPath: '/admin/denied' }), '--no-store', '--out', `ndjson=${ndjson}`]);
  assert.equal(r.code, 107, r.stderr);
  assert.match(
    r.stderr,
    /setup step "admin login" \(line 3\): check "status is 200" failed: status 403, body "\{\\"error\\":\\"wrong password for admin\\"\}": no scenario ran/,
  );
  assert.match(r.stderr, /volley: setup failed, no scenario ran \(exit code 107\)/);
  assert.equal(received('/products', since).length, 0);
  assert.equal(received('/teardown', since).length, 1, 'teardown still runs');
  assert.deepEqual(readNdjson(ndjson).at(-1), { type: 'end', exitCode: 107 });
});

test('a setup request that fails (transport error): exit 107, teardown still runs', async () => {
  const since = target.received.length;
  const r = await volley(ws, ['run', file('reset.volley.yaml', { setupPath: '/reset' }), '--no-store', '--quiet']);
  assert.equal(r.code, 107, r.stderr);
  assert.match(r.stderr, /setup step "admin login" \(line 3\): the request failed: reset \(read ECONNRESET\): no scenario ran/);
  assert.equal(received('/products', since).length, 0);
  assert.equal(received('/teardown', since).length, 1);
});

/** A 30 s constant-vus run of 2 VUs, once its first second is measured. */
async function runningLong(name: string, gracefulStop: string, scenarioSteps: string, workers: number): Promise<{ run: Spawned; ndjson: string }> {
  const ndjson = join(ws.dir, `${name}.ndjson`);
  const executor = `    executor: constant-vus\n    vus: 2\n    duration: 30s\n    gracefulStop: ${gracefulStop}`;
  const path = file(`${name}.volley.yaml`, { executor, scenarioSteps });
  const run = spawnVolley(ws, ['run', path, '--no-store', '--workers', String(workers), '--out', `ndjson=${ndjson}`]);
  await waitFor('the first aggregate', () => readNdjson(ndjson).some((e) => e.type === 'aggregate'));
  return { run, ndjson };
}

test('teardown runs after Ctrl-C (graceful stop), with setup\'s captures', async () => {
  const since = target.received.length;
  const { run, ndjson } = await runningLong('sigint', '2s', '      - get: /slow?ms=50\n        headers: { Authorization: "Bearer {{ adminToken }}" }', 1);
  assert.equal(received('/teardown', since).length, 0, 'no teardown while the scenarios run');
  run.child.kill('SIGINT');
  const r = await run.finished;
  assert.equal(r.code, 105, r.stderr);
  const teardown = received('/teardown', since);
  assert.equal(teardown.length, 1);
  assert.equal(teardown[0].authorization, `Bearer t-${logins}`);
  const events = readNdjson(ndjson);
  const summary = events.at(-2) as unknown as { type: string; summary: { outcome: string; lifecycle: Array<{ scenario: string }> } };
  assert.equal(summary.type, 'summary');
  assert.equal(summary.summary.outcome, 'stopped');
  assert.deepEqual(summary.summary.lifecycle.map((s) => s.scenario), ['setup', 'teardown']);
});

test('teardown runs after a hard stop (Ctrl-C twice)', async () => {
  const since = target.received.length;
  // Iterations that think for 20 s within a 30 s gracefulStop: only the hard stop ends them soon.
  const { run } = await runningLong('hard', '30s', '      - get: /products\n      - think: 20s', 2);
  run.child.kill('SIGINT');
  await waitFor('the graceful-stop notice', () => run.stderrSoFar().includes('stopping gracefully'));
  run.child.kill('SIGINT');
  const r = await run.finished;
  assert.equal(r.code, 105, r.stderr);
  assert.equal(received('/teardown', since).length, 1);
  assert.match(r.stdout, /█ TEARDOWN/);
});

test('a stop during setup starts no scenario; teardown runs; exit 105', async () => {
  const since = target.received.length;
  const run = spawnVolley(ws, ['run', file('stop-in-setup.volley.yaml', { setupPath: '/slow?ms=3000' }), '--no-store', '--quiet']);
  await waitFor('the setup request', () => received('/slow', since).length === 1);
  run.child.kill('SIGINT');
  const r = await run.finished;
  assert.equal(r.code, 105, r.stderr);
  assert.equal(received('/products', since).length, 0);
  assert.equal(received('/teardown', since).length, 1);
});

test('teardown runs after a threshold abort', async () => {
  const since = target.received.length;
  const r = await volley(ws, [
    'run',
    file('abort.volley.yaml', {
      executor: '    executor: constant-vus\n    vus: 2\n    duration: 30s\n    gracefulStop: 1s',
      scenarioSteps: '      - get: /status/500\n      - think: 50ms',
      thresholds: 'thresholds:\n  http_req_failed:\n    - { threshold: rate<0.01, abortOnFail: true }\n',
    }),
    '--no-store',
    '--quiet',
  ]);
  assert.equal(r.code, 99, r.stderr);
  assert.match(r.stdout, /a threshold with abortOnFail ended the run/);
  assert.equal(received('/teardown', since).length, 1);
});

test('--no-setup and --no-teardown skip them', async () => {
  const since = target.received.length;
  const r = await volley(ws, ['run', file('skip.volley.yaml'), '--no-setup', '--no-teardown', '--no-store', '--quiet', '--workers', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(received('/admin', since).length, 0);
  assert.equal(received('/teardown', since).length, 0);
  assert.equal(received('/products', since).length, 12);
  assert.doesNotMatch(r.stdout, /█ SETUP|█ TEARDOWN/);

  const onlyTeardown = target.received.length;
  const t = await volley(ws, ['run', file('skip.volley.yaml'), '--no-setup', '--no-store', '--quiet', '--workers', '1']);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(received('/admin', onlyTeardown).length, 0);
  assert.equal(received('/teardown', onlyTeardown).length, 1);
});

test('each execution segment process runs its own setup and teardown, as k6 instances do', async () => {
  const since = target.received.length;
  const loginsBefore = logins;
  const path = file('segments.volley.yaml');
  const [a, b] = await Promise.all(
    ['0:1/2', '1/2:1'].map((segment) =>
      volley(ws, ['run', path, '--execution-segment', segment, '--execution-segment-sequence', '0,1/2,1', '--workers', '1', '--no-store', '--quiet']),
    ),
  );
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(logins - loginsBefore, 2);
  assert.equal(received('/teardown', since).length, 2);
  const products = received('/products', since);
  assert.equal(products.length, 12, 'the segments split the 4 VUs × 3 iterations');
  // Each segment's iterations read the token of its own setup.
  const tokens = new Set(products.map((p) => p.authorization));
  assert.deepEqual(tokens, new Set([`Bearer t-${loginsBefore + 1}`, `Bearer t-${loginsBefore + 2}`]));
});

test("setup is one VU with its own cookie jar: a cookie it is given goes back on its later steps, and cookie.NAME captures it", async () => {
  const since = target.received.length;
  const path = ws.file(
    'setup-cookies.volley.yaml',
    `baseUrl: ${target.url}
setup:
  - name: session
    get: /cookies/set?sid=s-1
    capture: { sid: cookie.sid }
  - name: echo
    get: /cookies
    check: { bodyContains: "sid=s-1" }
scenarios:
  one:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /products?sid={{ sid }}
`,
  );
  const r = await volley(ws, ['run', path, '--no-store', '--quiet', '--workers', '1']);
  assert.equal(r.code, 0, r.stderr);
  const urls = target.received.slice(since).map((q) => [q.url, q.headers.cookie]);
  assert.deepEqual(urls, [
    ['/cookies/set?sid=s-1', undefined],
    ['/cookies', 'sid=s-1'],
    // The scenario's VU has a jar of its own: setup's cookie is not sent, its captured value is readable.
    ['/products?sid=s-1', undefined],
  ]);
});
