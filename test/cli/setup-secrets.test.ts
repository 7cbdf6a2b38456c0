// What setup captures (a login's token) is read by every iteration and must never be written in clear
// text: through the real CLI against a real target, every output of a run — the NDJSON run file, the run
// store's copy, the summary export, stdout and stderr — is searched for the token and holds none of it;
// a failed setup's message and `lifecycle` event quote the response body with the token replaced.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTarget, type Target } from '../support/target';
import { readNdjson, volley, workspace, type Finished, type Workspace } from './helpers';

let ws: Workspace;
let target: Target;
/** A fresh token per login, as a real service issues them. */
const issued: string[] = [];
const issue = (): string => {
  const token = `tok-${randomBytes(12).toString('hex')}`;
  issued.push(token);
  return token;
};
const jwt = (): string => {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const token = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: randomBytes(6).toString('hex') })}.${randomBytes(16).toString('base64url')}`;
  issued.push(token);
  return token;
};

before(async () => {
  ws = workspace();
  target = await startTarget({
    routes: {
      '/login': (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ token: issue(), user: 'admin' }));
      },
      // A login that answers 200 without the word the check wants: the failed check quotes a body holding
      // a token no capture has read yet.
      '/login-unexpected': (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: issue(), refresh_token: issue(), note: 'password expires soon' }));
      },
      // The same, with the token across the 200th character, where the quoted body is cut.
      '/whoami-long': (req, res) => {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
        const head = `{"pad":"${'x'.repeat(190 - '{"pad":"'.length - '","you":"'.length)}","you":"`;
        res.end(`${head}${String(req.headers.authorization ?? '').replace('Bearer ', '')}"}`);
      },
      '/login-jwt': (_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ data: jwt() }));
      },
      // Echoes the bearer token back under a name nothing would call a credential, with a failing status.
      '/whoami': (req, res) => {
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: 'broken', you: String(req.headers.authorization ?? '').replace('Bearer ', '') }));
      },
    },
  });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

function scenarioFile(name: string, setup: string): string {
  return ws.file(
    name,
    `baseUrl: ${target.url}
setup:
${setup}
teardown:
  - name: logout
    delete: /logout?token={{ adminToken }}
    headers: { Authorization: "Bearer {{ adminToken }}" }
scenarios:
  users:
    executor: per-vu-iterations
    vus: 2
    iterations: 3
    flow:
      - name: products
        get: /products?token={{ adminToken }}
        headers: { Authorization: "Bearer {{ adminToken }}" }
      - name: broken
        get: /status/500?token={{ adminToken }}
        check: { status: 200 }
`,
  );
}

/** Every file a run wrote under `dir`, and what it printed. */
function everythingWritten(dir: string, r: Finished): string {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return [...files.map((e) => readFileSync(join(e.parentPath ?? e.path, e.name), 'utf8')), r.stdout, r.stderr].join('\n');
}

function assertNoToken(written: string, tokens: readonly string[]): void {
  assert.ok(tokens.length > 0);
  for (const token of tokens) assert.ok(!written.includes(token), `${token} was written in clear text`);
}

test('a token setup captured reaches every request and no output: run file, run store, summary export, stdout, stderr', async () => {
  const since = target.received.length;
  const before = issued.length;
  const out = join(ws.dir, 'ok');
  const path = scenarioFile(
    'captured.volley.yaml',
    `  - name: admin login
    post: /login
    check: { status: 200 }
    capture: { adminToken: json.token }`,
  );
  const r = await volley(ws, [
    'run', path, '--workers', '2', '--runs-dir', join(out, 'runs'), '--out', `ndjson=${join(out, 'run.ndjson')}`, '--summary-export', join(out, 'summary.json'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const token = issued[before];
  assert.equal(issued.length, before + 1);
  // The token did its job: every request after setup carried it.
  const after = target.received.slice(since + 1);
  assert.equal(after.length, 13);
  for (const request of after) assert.ok(request.url.endsWith(`token=${token}`), `${request.method} ${request.url}`);
  const written = everythingWritten(out, r);
  assert.match(written, /"type":"lifecycle","t":[\d.]+,"stage":"setup"/);
  assert.match(readFileSync(join(out, 'summary.json'), 'utf8'), /"lifecycle"/);
  assertNoToken(written, [token]);
});

test('a setup check that fails after a capture: the message quotes the body with the captured token replaced', async () => {
  const before = issued.length;
  const out = join(ws.dir, 'echo');
  const path = scenarioFile(
    'echoed.volley.yaml',
    `  - name: admin login
    post: /login
    capture: { adminToken: json.token }
  - name: who am i
    get: /whoami
    headers: { Authorization: "Bearer {{ adminToken }}" }
    check: { status: 200 }`,
  );
  const r = await volley(ws, ['run', path, '--runs-dir', join(out, 'runs'), '--out', `ndjson=${join(out, 'run.ndjson')}`]);
  assert.equal(r.code, 107, r.stderr);
  assert.match(r.stderr, /setup step "who am i" \(line 6\): check "status is 200" failed: status 500, body "\{\\"error\\":\\"broken\\",\\"you\\":\\"\[redacted\]\\"\}"/);
  const events = readNdjson(join(out, 'run.ndjson'));
  // A run file of a failed setup reads as a run: its start, setup's event with the failure, teardown's, the end.
  assert.deepEqual(events.map((e) => (e.type === 'lifecycle' ? `lifecycle:${e.stage as string}` : e.type)), ['start', 'lifecycle:setup', 'log', 'lifecycle:teardown', 'end']);
  const setup = events[1] as unknown as { failure: { step: string; stepIndex: number; line: number; status: number; failedChecks: string[]; bodyPrefix: string } };
  assert.deepEqual(
    { ...setup.failure, message: undefined },
    { step: 'who am i', stepIndex: 1, line: 5, status: 500, failedChecks: ['status is 200'], bodyPrefix: '{"error":"broken","you":"[redacted]"}', message: undefined },
  );
  assertNoToken(everythingWritten(out, r), issued.slice(before));
});

test('a login whose check fails before any capture: credential-named fields and JWTs in the quoted body are replaced', async () => {
  const before = issued.length;
  const out = join(ws.dir, 'unexpected');
  const fields = scenarioFile(
    'unexpected.volley.yaml',
    `  - name: admin login
    post: /login-unexpected
    check: { bodyContains: welcome }
    capture: { adminToken: json.access_token }`,
  );
  const r = await volley(ws, ['run', fields, '--no-store', '--out', `ndjson=${join(out, 'fields.ndjson')}`]);
  assert.equal(r.code, 107, r.stderr);
  assert.match(r.stderr, /body "\{\\"access_token\\":\\"\[redacted\]\\",\\"refresh_token\\":\\"\[redacted\]\\",\\"note\\":\\"password expires soon\\"\}"/);

  const jwtFile = scenarioFile(
    'jwt.volley.yaml',
    `  - name: admin login
    post: /login-jwt
    check: { status: 201 }
    capture: { adminToken: json.token }`,
  );
  const j = await volley(ws, ['run', jwtFile, '--no-store', '--out', `ndjson=${join(out, 'jwt.ndjson')}`]);
  assert.equal(j.code, 107, j.stderr);
  assert.match(j.stderr, /status 200, body "\{\\"data\\":\\"\[redacted\]\\"\}"/);
  assertNoToken(everythingWritten(out, r) + everythingWritten(out, j), issued.slice(before));
});

test('a captured token across the quoted body\'s cut is replaced before the cut: none of its characters are left', async () => {
  const before = issued.length;
  const out = join(ws.dir, 'cut');
  const path = scenarioFile(
    'cut.volley.yaml',
    `  - name: admin login
    post: /login
    capture: { adminToken: json.token }
  - name: who am i
    get: /whoami-long
    headers: { Authorization: "Bearer {{ adminToken }}" }`,
  );
  const r = await volley(ws, ['run', path, '--no-store', '--out', `ndjson=${join(out, 'run.ndjson')}`]);
  assert.equal(r.code, 107, r.stderr);
  const token = issued[before]!;
  assert.match(r.stderr, /status 500, body "\{\\"pad\\":\\"x+\\",\\"you\\":\\"\[redacted\]…"/);
  // The token's first characters (`tok-` and a few hex digits) would be all a cut-then-redacted body leaves.
  assertNoToken(everythingWritten(out, r), [token.slice(0, 8)]);
});
