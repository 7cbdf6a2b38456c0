// TLS against a real HTTPS server with the fixture certificate: handshake time only on new connections,
// and a certificate error classified as TLS when verification is on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHttpAgent } from '../../src/engine/http/agent';
import { ERROR_INFO, errorCode } from '../../src/engine/http/errors';
import { FlowRunner } from '../../src/engine/flow';
import { startTarget, type Target } from '../support/target';
import { planOf, requestStep, TestRecorder, waitFor } from './helpers';

describe('tls', () => {
  let server: Target;
  before(async () => {
    server = await startTarget({ https: true, routes: { '/a': (_req, res) => res.end('secure') } });
  });
  after(() => server.close());

  it('tls_handshaking > 0 only on the request that opened the connection', async () => {
    const plan = planOf({
      baseUrl: server.url,
      http: { insecureSkipTLSVerify: true },
      steps: [requestStep(0, { url: '/a', checks: [{ kind: 'bodyContains', name: 'body', text: 'secure' }] })],
    });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vus = [flow.newVU(1), flow.newVU(2)];
    for (let i = 0; i < 5; i++) await Promise.all(vus.map((vu) => flow.runIteration(vu, i)));
    const reqs = recorder.step(0).requests;
    assert.equal(reqs.length, 10);
    assert.ok(reqs.every((r) => r.status === 200));
    assert.deepEqual(recorder.step(0).checks, Array(10).fill(true));
    const withTls = reqs.filter((r) => r.timings.tlsHandshaking > 0);
    assert.equal(withTls.length, 2, 'one handshake per VU connection');
    for (const r of withTls) {
      assert.ok(r.timings.connecting > 0);
      assert.ok(r.timings.blocked >= r.timings.connecting + r.timings.tlsHandshaking - 1e-9);
    }
    assert.ok(reqs.filter((r) => r.timings.tlsHandshaking === 0 && r.timings.connecting === 0).length === 8);
    assert.equal(server.connections, 2);
    await agent.close();
    await waitFor(() => server.open === 0, 2000, 'all closed');
  });

  it('a self-signed certificate fails with a TLS error when verification is on', async () => {
    const plan = planOf({ baseUrl: server.url, steps: [requestStep(0, { url: '/a', checks: [{ kind: 'status', name: 'ok', allowed: [200] }] })] });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vu = flow.newVU(1);
    assert.equal(await flow.runIteration(vu, 0), true, 'a failed request does not stop the iteration');
    const [r] = recorder.step(0).requests;
    assert.equal(r.status, 0);
    assert.equal(r.failed, true);
    assert.equal(r.errorClass, 'tls');
    assert.ok(r.timings.connecting > 0 && r.timings.tlsHandshaking > 0, 'the failed setup is measured');
    assert.equal(r.timings.duration, 0);
    assert.deepEqual(recorder.step(0).checks, [false]);
    assert.equal(ERROR_INFO.tls.code, 1300);
    assert.equal(errorCode(Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })), 1310);
    await agent.close();
    assert.equal(agent.openSockets, 0);
  });
});
