// The flow against an echoing server: templates, captures, query, headers and JSON bodies reach the wire;
// checks are counted; variables reset at each iteration.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { createHttpAgent } from '../../src/engine/http/agent';
import { FlowRunner } from '../../src/engine/flow';
import { loadScenario } from '../../src/engine/scenario/index';
import { startTarget, type Target } from '../support/target';
import { jsonTemplate, planOf, requestStep, TestRecorder, thinkStep, tpl } from './helpers';

describe('flow', () => {
  let server: Target;
  let other: Target;
  before(async () => {
    server = await startTarget({
      routes: {
        '/api/login': (req, res) => {
          res.setHeader('X-Token', `tok-${req.headers['x-vu']}`);
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ items: [{ id: 40 + Number(req.headers['x-vu']) }], session: 'abc' }));
        },
        '/api/gz': (_req, res) => {
          res.setHeader('content-encoding', 'gzip');
          res.end(gzipSync(JSON.stringify({ status: 'ok' })));
        },
        '/api/missing': (_req, res) => {
          res.statusCode = 404;
          res.end('not here');
        },
        // Every other path echoes the request, so a test reads what reached the wire.
        '*': (req, res, body) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
        },
      },
    });
    other = await startTarget({ routes: { '/abs': (_req, res) => res.end('other') } });
  });
  after(async () => {
    await server.close();
    await other.close();
  });

  it('templates, captures and query reach the wire; json keeps types; checks count', async () => {
    const names = ['prefix', 'token', 'firstId', 'session', 'nothing'];
    const plan = planOf({
      baseUrl: `${server.url}/api/`,
      variables: { prefix: 'load' },
      steps: [
        requestStep(
          0,
          {
            name: 'login',
            method: 'POST',
            url: '/login',
            headers: [['X-VU', '{{ vu }}']],
            checks: [
              { kind: 'status', name: 'ok', allowed: [200, 201] },
              { kind: 'header', name: 'token', header: 'x-TOKEN', equals: 'tok-1' },
              { kind: 'bodyContains', name: 'has session', text: '"session"' },
              { kind: 'json', name: 'id > 40', path: ['items', 0, 'id'], op: '>', expected: 40 },
              { kind: 'json', name: 'wrong', path: ['items', 0, 'id'], op: '==', expected: 7 },
            ],
            captures: [
              { kind: 'header', name: 'token', header: 'X-Token' },
              { kind: 'json', name: 'firstId', path: ['items', 0, 'id'] },
              { kind: 'regex', name: 'session', regex: /"session":"(\w+)"/ },
              { kind: 'json', name: 'nothing', path: ['no', 'such'] },
            ],
          },
          names,
        ),
        thinkStep(1, 5),
        requestStep(
          2,
          {
            name: 'add',
            method: 'PUT',
            url: 'cart/{{ firstId }}?src={{ prefix }}',
            query: [
              ['q', 'a b&c'],
              ['it', '{{ iteration }}'],
            ],
            headers: [
              ['Authorization', 'Bearer {{ token }}'],
              ['X-Env', '{{ env.STAGE }}'],
            ],
            json: jsonTemplate({ id: '{{ firstId }}', user: '{{ prefix }}-{{ vu }}', s: '{{ session }}', n: '{{ nothing }}', list: [1, true, null, 'x'] }, names),
          },
          names,
        ),
        requestStep(3, { url: `${other.url}/abs`, checks: [{ kind: 'bodyContains', name: 'other', text: 'other' }] }),
      ],
    });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: { STAGE: 'test' } });
    const vu = flow.newVU(1);
    const before = server.received.length;
    assert.equal(await flow.runIteration(vu, 3), true);

    const [login, add] = server.received.slice(before);
    assert.equal(login.method, 'POST');
    assert.equal(login.url, '/api/login');
    assert.equal(login.headers['x-vu'], '1');
    assert.match(String(login.headers['user-agent']), /^volley\//);

    assert.equal(add.method, 'PUT');
    assert.equal(add.url, '/api/cart/41?src=load&q=a%20b%26c&it=3');
    assert.equal(add.headers.authorization, 'Bearer tok-1');
    assert.equal(add.headers['x-env'], 'test');
    assert.equal(add.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(add.body), { id: 41, user: 'load-1', s: 'abc', n: null, list: [1, true, null, 'x'] });

    assert.deepEqual(recorder.step(0).checks, [true, true, true, true, false]);
    assert.deepEqual(recorder.step(0).checkIndexes, [0, 1, 2, 3, 4]);
    assert.deepEqual(recorder.step(3).checks, [true]);
    assert.equal(other.requests, 1, 'absolute URLs go to their own origin');
    assert.equal(recorder.step(2).requests[0].status, 200);
    await flow.closeVU(vu);
    await agent.close();
  });

  it('variables reset at each iteration; a failed capture leaves the name undefined', async () => {
    const names = ['firstId'];
    const plan = planOf({
      baseUrl: server.url,
      variables: { firstId: 'none' },
      steps: [
        requestStep(0, { url: '/echo/{{ firstId }}' }, names),
        requestStep(1, { url: '/api/login', headers: [['X-VU', '{{ vu }}']], captures: [{ kind: 'json', name: 'firstId', path: ['items', 0, 'id'] }] }, names),
        requestStep(2, { url: '/after/{{ firstId }}' }, names),
        requestStep(3, { url: '/api/missing', captures: [{ kind: 'json', name: 'firstId', path: ['items', 0, 'id'] }] }, names),
        requestStep(4, { url: '/gone/{{ firstId }}' }, names),
      ],
    });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vu = flow.newVU(2);
    const before = server.received.length;
    await flow.runIteration(vu, 0);
    await flow.runIteration(vu, 1);
    const urls = server.received.slice(before).map((r) => r.url);
    assert.deepEqual(urls, [
      '/echo/none',
      '/api/login',
      '/after/42',
      '/api/missing',
      '/gone/',
      '/echo/none', // reset to the file's variable at the next iteration
      '/api/login',
      '/after/42',
      '/api/missing',
      '/gone/',
    ]);
    const missing = recorder.step(3).requests[0];
    assert.equal(missing.status, 404);
    assert.equal(missing.failed, true);
    await agent.close();
  });

  it('once: a step runs in each VU\'s first iteration only, and its captures last for the VU\'s life', async () => {
    const names = ['token', 'firstId', 'adminToken'];
    const plan = planOf({
      baseUrl: server.url,
      steps: [
        requestStep(0, { url: '/api/login', once: true, headers: [['X-VU', '{{ vu }}']], captures: [{ kind: 'header', name: 'token', header: 'X-Token' }] }, names),
        requestStep(1, { url: '/api/login', headers: [['X-VU', '{{ vu }}']], captures: [{ kind: 'json', name: 'firstId', path: ['items', 0, 'id'] }] }, names),
        requestStep(2, { url: '/use/{{ token }}/{{ firstId }}/{{ adminToken }}' }, names),
      ],
    });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {}, setupData: { adminToken: 'adm' } });
    const vu1 = flow.newVU(1);
    const vu2 = flow.newVU(2);
    const before = server.received.length;
    for (let i = 0; i < 3; i++) await flow.runIteration(vu1, i);
    await flow.runIteration(vu2, 3);
    await flow.runIteration(vu2, 4);
    const urls = server.received.slice(before).map((r) => `${r.url} ${r.headers['x-vu'] ?? ''}`.trim());
    assert.deepEqual(urls, [
      '/api/login 1', // once
      '/api/login 1',
      '/use/tok-1/41/adm',
      '/api/login 1', // no once step; the token kept, the per-iteration capture taken again
      '/use/tok-1/41/adm',
      '/api/login 1',
      '/use/tok-1/41/adm',
      '/api/login 2', // another VU: its own first iteration
      '/api/login 2',
      '/use/tok-2/42/adm',
      '/api/login 2',
      '/use/tok-2/42/adm',
    ]);
    assert.equal(recorder.step(0).requests.length, 2, 'one once request per VU');
    await flow.closeVU(vu1);
    await flow.closeVU(vu2);
    await agent.close();
  });

  it('a gzip-encoded body is decoded for checks; bodies nobody reads are not kept', async () => {
    const plan = planOf({
      baseUrl: server.url,
      steps: [
        requestStep(0, { url: '/api/gz', checks: [{ kind: 'json', name: 'ok', path: ['status'], op: '==', expected: 'ok' }] }),
        requestStep(1, { method: 'HEAD', url: '/api/gz' }),
        requestStep(2, { url: '/plain' }),
      ],
    });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vu = flow.newVU(1);
    const conns = server.connections;
    await flow.runIteration(vu, 0);
    assert.deepEqual(recorder.step(0).checks, [true]);
    assert.equal(vu.http.exchange.bodyChunks.length, 0, 'the last response was dropped, not kept');
    assert.equal(server.connections - conns, 1, 'HEAD keeps the connection too');
    await agent.close();
  });

  it('a scenario file compiled by the scenario module runs as written', async () => {
    const { plan, diagnostics } = loadScenario(
      `name: shop
baseUrl: ${server.url}/api
variables:
  prefix: load
scenarios:
  browse:
    executor: per-vu-iterations
    vus: 1
    iterations: 1
    flow:
      - name: login
        get: /login?page={{ iteration % 10 }}
        headers: { X-VU: "{{ vu }}" }
        check: { status: 200, header: { X-Token: tok-3 }, json: { "items[0].id": "> 0" } }
        capture: { firstId: json.items[0].id, token: header.X-Token }
      - think: 1ms
      - name: add to cart
        post: /cart
        headers: { Authorization: "Bearer {{ token }}" }
        json: { id: "{{ firstId }}", user: "{{ prefix }}-{{ vu }}" }
        check: { status: 201 }
`,
      'shop.volley.yaml',
    );
    assert.ok(plan, diagnostics.map((d) => d.message).join('; '));
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const before = server.received.length;
    assert.equal(await flow.runIteration(flow.newVU(3), 12), true);
    const [login, add] = server.received.slice(before);
    assert.equal(login.url, '/api/login?page=2');
    assert.equal(add.url, '/api/cart');
    assert.equal(add.headers.authorization, 'Bearer tok-3');
    assert.deepEqual(JSON.parse(add.body), { id: 43, user: 'load-3' });
    assert.deepEqual(recorder.step(0).checks, [true, true, true]);
    assert.deepEqual(recorder.step(2).checks, [false], 'the echo answers 200, not 201');
    await agent.close();
  });

  it('a constant URL template is resolved once and works for many VUs', async () => {
    const plan = planOf({ baseUrl: server.url, steps: [requestStep(0, { url: '/const', checks: [{ kind: 'status', name: 'ok', allowed: [200] }] })] });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vus = Array.from({ length: 5 }, (_, i) => flow.newVU(i + 1));
    await Promise.all(vus.map((vu) => flow.runIteration(vu, 0)));
    assert.deepEqual(recorder.step(0).checks, [true, true, true, true, true]);
    assert.equal(tpl('/const').constant, '/const');
    await agent.close();
  });
});
