// The DESIGN.md example and every file in examples/ validate cleanly and compile to the Plan the engine
// runs; the public API's file-level behaviour (unreadable files, formatting, name defaults).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, loadScenario, loadScenarioFile } from '../../src/engine/scenario/index';
import { EXECUTOR_TYPES } from '../../src/engine/scenario/schema';
import type { RequestStepPlan } from '../../src/engine/scenario/plan';

const ROOT = join(__dirname, '..', '..');
const DESIGN = join(ROOT, 'test', 'fixtures', 'design-example.volley.yaml');
const EXAMPLES = join(ROOT, 'examples');
const ctx = { vars: { prefix: 'load', firstId: 7 }, vu: 3, iteration: 12, scenario: 'browse', env: {} };

// The design document lives beside the repository in the team's workspace, not in a clone.
const DESIGN_DOC = join(ROOT, '..', 'shared', 'DESIGN.md');

test('the DESIGN.md example is the one in the design document, verbatim', { skip: !existsSync(DESIGN_DOC) }, () => {
  const design = readFileSync(DESIGN_DOC, 'utf8');
  const fixture = readFileSync(DESIGN, 'utf8');
  assert.ok(design.includes('```yaml\n' + fixture + '```'), 'fixture matches DESIGN.md');
});

test('the DESIGN.md example validates without errors or warnings and compiles', async () => {
  const { diagnostics, plan } = await loadScenarioFile(DESIGN);
  assert.deepEqual(diagnostics, []);
  assert.ok(plan);
  assert.equal(plan.name, 'checkout');
  assert.equal(plan.file, DESIGN);
  assert.equal(plan.baseUrl, 'http://127.0.0.1:8080');
  assert.deepEqual(plan.http, {
    connections: 'per-vu',
    maxConnectionsPerHost: 100,
    timeoutMs: 60_000,
    noVUConnectionReuse: false,
    insecureSkipTLSVerify: false,
    cookies: 'per-iteration',
  });
  assert.deepEqual(plan.variables, { prefix: 'load' });
  assert.equal(plan.scenarios.length, 1);
  const browse = plan.scenarios[0];
  assert.equal(browse.name, 'browse');
  assert.deepEqual(browse.range, { start: { line: 12, character: 2 }, end: { line: 12, character: 8 } });
  assert.deepEqual(browse.executor, {
    type: 'constant-arrival-rate',
    rate: 200,
    timeUnitMs: 1000,
    durationMs: 60_000,
    preAllocatedVUs: 30,
    maxVUs: 60,
  });
  assert.equal(browse.startTimeMs, 0);
  assert.equal(browse.gracefulStopMs, 30_000);
  assert.deepEqual(
    browse.steps.map((s) => [s.kind, s.name, s.index, s.range.start.line]),
    [
      ['request', 'list products', 0, 21],
      ['think', 'think 200ms', 1, 25],
      ['request', 'add to cart', 2, 26],
    ],
  );
  const list = browse.steps[0] as RequestStepPlan;
  assert.equal(list.method, 'GET');
  assert.equal(list.url.source, '/products?page={{ iteration % 10 }}');
  assert.equal(list.url.render(ctx), '/products?page=2');
  assert.equal(list.timeoutMs, 60_000);
  assert.deepEqual(list.checks, [{ kind: 'status', name: 'status is 200', allowed: [200] }]);
  assert.deepEqual(list.captures, [{ kind: 'json', name: 'firstId', path: ['items', 0, 'id'] }]);
  assert.equal(browse.steps[1].kind === 'think' && browse.steps[1].durationMs, 200);
  const add = browse.steps[2] as RequestStepPlan;
  assert.equal(add.method, 'POST');
  assert.equal(add.url.constant, '/cart');
  assert.equal(add.body.kind, 'json');
  if (add.body.kind === 'json' && add.body.value.kind === 'object') {
    const [[idKey, id], [userKey, user]] = add.body.value.entries;
    assert.equal(idKey, 'id');
    assert.equal(userKey, 'user');
    assert.equal(id.kind === 'string' && id.template.renderValue(ctx), 7, 'a lone {{ }} keeps its type');
    assert.equal(user.kind === 'string' && user.template.render(ctx), 'load-3');
  } else {
    assert.fail('json body is an object');
  }
  assert.deepEqual(
    plan.thresholds.map((t) => [t.key, t.metric, t.tags, t.source, t.op, t.value, t.range.start.line]),
    [
      ['http_req_duration', 'http_req_duration', {}, 'p(95)<300', '<', 300, 30],
      ['http_req_duration{step:add to cart}', 'http_req_duration', { step: 'add to cart' }, 'p(99)<800', '<', 800, 31],
      ['http_req_failed', 'http_req_failed', {}, 'rate<0.01', '<', 0.01, 32],
      ['dropped_iterations', 'dropped_iterations', {}, 'count==0', '==', 0, 33],
    ],
  );
  assert.deepEqual(plan.thresholds[0].aggregation, { kind: 'percentile', p: 95 });
  assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.scenarios[0].steps[0]) && Object.isFrozen(plan.thresholds));
});

test('every example validates with no errors or warnings, and there is one per executor', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.volley.yaml'));
  const executors = new Set<string>();
  for (const file of files) {
    // The full path: data and upload files are found beside the example.
    const { diagnostics, plan } = loadScenario(readFileSync(join(EXAMPLES, file), 'utf8'), join(EXAMPLES, file));
    assert.deepEqual(diagnostics, [], file);
    assert.ok(plan, file);
    assert.equal(plan.baseUrl, 'http://127.0.0.1:7878', `${file} targets the demo shop`);
    for (const s of plan.scenarios) executors.add(s.executor.type);
  }
  assert.deepEqual([...executors].sort(), [...EXECUTOR_TYPES].sort());
});

test('defaults are applied from the schema', () => {
  const { diagnostics, plan } = loadScenario(
    [
      'scenarios:',
      '  a: { executor: constant-arrival-rate, rate: 5, duration: 2s, preAllocatedVUs: 3, flow: [{ get: "http://127.0.0.1:1/x" }] }',
      '  b: { executor: ramping-vus, stages: [{ duration: 1s, target: 2 }], flow: [{ think: 1s }] }',
      '  c: { executor: per-vu-iterations, flow: [{ think: 1ms }] }',
      '  d: { executor: shared-iterations, flow: [{ think: 1ms }] }',
      '  e: { executor: ramping-arrival-rate, preAllocatedVUs: 1, stages: [{ duration: 1s, target: 2 }], flow: [{ head: "http://127.0.0.1:1/", timeout: 2s }] }',
      '  f: { executor: constant-vus, duration: 1s, startTime: 1m30s, gracefulStop: 0s, flow: [{ think: 1ms }] }',
    ].join('\n'),
    '/some/dir/my-test.volley.yaml',
  );
  assert.deepEqual(diagnostics, []);
  assert.ok(plan);
  assert.equal(plan.name, 'my-test');
  assert.equal(plan.baseUrl, undefined);
  const [a, b, c, d, e, f] = plan.scenarios;
  assert.deepEqual(a.executor, { type: 'constant-arrival-rate', rate: 5, timeUnitMs: 1000, durationMs: 2000, preAllocatedVUs: 3, maxVUs: 3 });
  assert.deepEqual(b.executor, { type: 'ramping-vus', startVUs: 1, stages: [{ durationMs: 1000, target: 2 }], gracefulRampDownMs: 30_000 });
  assert.deepEqual(c.executor, { type: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 });
  assert.deepEqual(d.executor, { type: 'shared-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 });
  assert.deepEqual(e.executor, { type: 'ramping-arrival-rate', startRate: 0, timeUnitMs: 1000, stages: [{ durationMs: 1000, target: 2 }], preAllocatedVUs: 1, maxVUs: 1 });
  assert.equal((e.steps[0] as RequestStepPlan).timeoutMs, 2000);
  assert.equal((a.steps[0] as RequestStepPlan).name, 'GET http://127.0.0.1:1/x');
  assert.equal(f.startTimeMs, 90_000);
  assert.equal(f.gracefulStopMs, 0);
});

test('checks, captures, headers and query compile to their plans', () => {
  const { diagnostics, plan } = loadScenario(
    `baseUrl: http://127.0.0.1:7878/
variables: { token: abc, n: 3 }
scenarios:
  s:
    executor: constant-vus
    duration: 1s
    flow:
      - name: login
        post: /login
        headers: { Authorization: "Bearer {{ token }}", X-N: 5 }
        query: { a: 1, b: "{{ n * 2 }}", c: true }
        body: "user={{ vu }}"
        check:
          status: [200, 201]
          header: { Content-Type: application/json }
          bodyContains: token
          json: { "items[0].id": "> 0", status: ok, count: 3 }
        capture: { t: json.token, session: header.Set-Cookie, code: "regex:code=(\\\\d+)" }
      - get: /x?t={{ t }}&s={{ session }}&c={{ code }}
`,
    's.volley.yaml',
  );
  assert.deepEqual(diagnostics, []);
  assert.ok(plan);
  assert.equal(plan.baseUrl, 'http://127.0.0.1:7878', 'trailing slash dropped: step URLs start with /');
  const login = plan.scenarios[0].steps[0] as RequestStepPlan;
  assert.deepEqual(login.headers.map(([k, t]) => [k, t.render(ctx)]), [['Authorization', 'Bearer '], ['X-N', '5']]);
  const render = { ...ctx, vars: { token: 'abc', n: 3 } };
  assert.deepEqual(login.query.map(([k, t]) => [k, t.render(render)]), [['a', '1'], ['b', '6'], ['c', 'true']]);
  assert.equal(login.body.kind === 'text' && login.body.template.render(render), 'user=3');
  assert.deepEqual(
    login.checks.map((c) => c.name),
    ['status is 200 or 201', 'header Content-Type is application/json', 'body contains token', 'json items[0].id > 0', 'json status == "ok"', 'json count == 3'],
  );
  assert.deepEqual(login.checks[1], { kind: 'header', name: 'header Content-Type is application/json', header: 'content-type', equals: 'application/json' });
  assert.deepEqual(login.checks[3], { kind: 'json', name: 'json items[0].id > 0', path: ['items', 0, 'id'], op: '>', expected: 0 });
  assert.deepEqual(login.captures.map((c) => [c.kind, c.name]), [['json', 't'], ['header', 'session'], ['regex', 'code']]);
  const regex = login.captures[2];
  assert.ok(regex.kind === 'regex' && regex.regex.source === 'code=(\\d+)');
  assert.equal(plan.scenarios[0].steps[1].name, 'GET /x?t={{ t }}&s={{ session }}&c={{ code }}');
});

test('a warning alone still gives a plan; an error gives none', () => {
  const warn = loadScenario('baseUrl: http://127.0.0.1:1\nscenarios:\n  s:\n    executor: shared-iterations\n    vus: 4\n    iterations: 2\n    flow: [{ get: / }]\n', 'w.volley.yaml');
  assert.deepEqual(warn.diagnostics.map((d) => d.severity), ['warning']);
  assert.ok(warn.plan);
  const bad = loadScenario('scenarios:\n  s:\n    executor: nope\n    flow: [{ think: 1s }]\n', 'e.volley.yaml');
  assert.equal(bad.plan, undefined);
  assert.ok(bad.diagnostics.some((d) => d.severity === 'error'));
});

test('an unreadable file is one diagnostic at 0:0, never an exception', async () => {
  const { diagnostics, plan } = await loadScenarioFile(join(ROOT, 'no', 'such.volley.yaml'));
  assert.equal(plan, undefined);
  assert.equal(diagnostics.length, 1);
  assert.equal(diagnostics[0].code, 'unreadable-file');
  assert.equal(diagnostics[0].message, 'cannot read the file: no such file');
  assert.deepEqual(diagnostics[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  const dir = await loadScenarioFile(EXAMPLES);
  assert.equal(dir.diagnostics[0].message, 'cannot read the file: is a directory');
});

test('formatDiagnostic prints file:line:col: severity: message, 1-based', () => {
  const { diagnostics } = loadScenario('scenarios:\n  s:\n    executor: constant-vus\n    duration: 5\n    flow: [{ think: 1s }]\n', 'x.volley.yaml');
  assert.equal(diagnostics.length, 1);
  assert.equal(formatDiagnostic('x.volley.yaml', diagnostics[0]), 'x.volley.yaml:4:15: error: duration: "5" has no unit: add one, e.g. "5s" or "5ms"');
});

test('diagnostics come sorted by position', () => {
  const { diagnostics } = loadScenario(
    'scenarios:\n  s:\n    executor: constant-vus\n    duration: 0s\n    vus: 0\n    flow: [{ get: nope }]\nthresholds:\n  nope: [avg<1]\n',
    'x.volley.yaml',
  );
  assert.ok(diagnostics.length >= 4);
  const keys = diagnostics.map((d) => d.range.start.line * 1000 + d.range.start.character);
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
});
