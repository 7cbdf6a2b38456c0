import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NdjsonWriter } from '../../src/engine/output/ndjson';
import { REDACTED, Redactor, envNamesReadBy, redactCredentialFields, stringsIn } from '../../src/engine/output/redact';
import type { RunEvent } from '../../src/protocol';
import { loadScenario } from '../../src/engine/scenario/index';
import { redactorFor } from '../../src/engine/cli/session';

test('redactor: secret values disappear from text, keys and nested values', () => {
  const r = new Redactor(['s3cr3t-token', 'abc', undefined, 'hunter22']);
  assert.equal(r.size, 2, 'values under 4 characters are not secrets');
  assert.equal(r.text('GET /x?token=s3cr3t-token failed'), `GET /x?token=${REDACTED} failed`);
  const value = r.value({ a: ['xx hunter22 yy', 3], hunter22: true, n: null });
  assert.deepEqual(value, { a: [`xx ${REDACTED} yy`, 3], [REDACTED]: true, n: null });
});

test('redactor: credential headers are masked in log lines', () => {
  const r = new Redactor([]);
  assert.equal(r.text('Authorization: Bearer abc.def'), `Authorization: ${REDACTED}`);
  assert.equal(r.text('{"cookie":"sid=1; b=2","accept":"*/*"}'), `{"cookie":"${REDACTED}","accept":"*/*"}`);
  assert.equal(r.text('proxy-authorization=Basic eHh4'), `proxy-authorization=${REDACTED}`);
  assert.equal(r.text('status 500 for GET /cart'), 'status 500 for GET /cart');
  const log: RunEvent = { type: 'log', t: 1, level: 'warn', message: 'sent Cookie: a=b' };
  assert.deepEqual(r.event(log), { ...log, message: `sent Cookie: ${REDACTED}` });
});

test('redactor: events without secrets are passed through untouched', () => {
  const r = new Redactor([]);
  const event: RunEvent = { type: 'end', exitCode: 0 };
  assert.equal(r.event(event), event);
});

test('credential fields of a quoted response body: JSON and form values by name, JWTs anywhere; other fields kept', () => {
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl';
  assert.equal(
    redactCredentialFields(`{"access_token":"a\\"b","refreshToken" : "r1","author":"ann","user":{"password":"p","passwordHint":"h"},"data":"${jwt}","sid":"s","token":""}`),
    `{"access_token":"${REDACTED}","refreshToken" : "${REDACTED}","author":"ann","user":{"password":"${REDACTED}","passwordHint":"${REDACTED}"},"data":"${REDACTED}","sid":"${REDACTED}","token":""}`,
  );
  assert.equal(redactCredentialFields('user=ann&api_key=k1&session_id=s2&page=3'), `user=ann&api_key=${REDACTED}&session_id=${REDACTED}&page=3`);
  assert.equal(redactCredentialFields('{"error":"wrong password for admin"}'), '{"error":"wrong password for admin"}');
});

test('redactor: secrets added later count from then on; a capture\'s strings are its secrets, numbers are not', () => {
  const r = new Redactor([]);
  assert.equal(r.text('token tok-1234'), 'token tok-1234');
  r.add(stringsIn({ token: 'tok-1234', user: { id: 1042, roles: ['admin-role'] } }));
  assert.equal(r.text('token tok-1234, user 1042, role admin-role'), `token ${REDACTED}, user 1042, role ${REDACTED}`);
});

test('envNamesReadBy finds env names in template sources of a plan', () => {
  const plan = {
    steps: [{ url: { source: '/x?k={{ env.API_KEY }}' }, headers: [['a', { source: "{{ env['OTHER'] }}" }]] }],
    regex: /env.NOT_A_TEMPLATE/,
  };
  assert.deepEqual([...envNamesReadBy(plan)].sort(), ['API_KEY', 'OTHER']);
});

test('ndjson writer: each event is one line, on disk before close except buffered logs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-ndjson-'));
  try {
    const path = join(dir, 'sub', 'run.ndjson');
    const w = new NdjsonWriter(path);
    w.write({ type: 'log', t: 0, level: 'info', message: 'buffered' });
    assert.equal(readFileSync(path, 'utf8'), '', 'a log line waits for the next flush');
    w.write({ type: 'diagnosis', t: 1, diagnosis: { id: 'd', severity: 'info', title: 't', evidence: {}, explanation: 'e', fix: 'f' } });
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.type), ['log', 'diagnosis']);
    w.write({ type: 'end', exitCode: 0 });
    w.close();
    w.write({ type: 'end', exitCode: 1 });
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 3, 'writes after close are ignored');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run redacts -e values and the environment values its templates read, nothing else', () => {
  const { plan } = loadScenario(
    `name: r
baseUrl: http://127.0.0.1:7878
scenarios:
  s:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - get: /x
        headers: { x-api-key: "{{ env.VOLLEY_TEST_KEY }}" }
`,
    'r.volley.yaml',
  );
  assert.ok(plan);
  process.env.VOLLEY_TEST_KEY = 'from-the-environment';
  process.env.VOLLEY_TEST_UNUSED = 'not-read-by-the-plan';
  try {
    const r = redactorFor(plan, { PASSED: 'passed-with-dash-e' });
    assert.equal(r.text('a from-the-environment b passed-with-dash-e c'), `a ${REDACTED} b ${REDACTED} c`);
    assert.equal(r.text('not-read-by-the-plan'), 'not-read-by-the-plan');
  } finally {
    delete process.env.VOLLEY_TEST_KEY;
    delete process.env.VOLLEY_TEST_UNUSED;
  }
});
