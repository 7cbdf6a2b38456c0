// Connection reuse and timing phases against real servers on 127.0.0.1 that count TCP connections.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHttpAgent } from '../../src/engine/http/agent';
import { FlowRunner } from '../../src/engine/flow';
import { startTarget, type Target } from '../support/target';
import { planOf, requestStep, TestRecorder, thinkStep, waitFor } from './helpers';

describe('connections', () => {
  let server: Target;
  before(async () => {
    server = await startTarget();
  });
  after(() => server.close());

  it('per-vu: each VU keeps one connection across many iterations; connecting only on the first request', async () => {
    const before = server.connections;
    const plan = planOf({
      baseUrl: server.url,
      steps: [requestStep(0, { url: '/a' }), requestStep(1, { url: '/b' })],
    });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vus = [flow.newVU(1), flow.newVU(2), flow.newVU(3)];
    for (let i = 0; i < 10; i++) {
      const results = await Promise.all(vus.map((vu) => flow.runIteration(vu, i)));
      assert.deepEqual(results, [true, true, true]);
    }
    assert.equal(server.connections - before, 3, 'one connection per VU');
    const all = [...recorder.step(0).requests, ...recorder.step(1).requests];
    assert.equal(all.length, 60);
    assert.ok(all.every((r) => r.status === 200 && !r.failed && r.errorClass === undefined));
    const fresh = all.filter((r) => r.timings.connecting > 0);
    assert.equal(fresh.length, 3, 'connecting > 0 exactly once per VU');
    assert.ok(all.filter((r) => r.timings.connecting === 0).length === 57);
    for (const r of all) {
      assert.ok(Math.abs(r.timings.duration - (r.timings.sending + r.timings.waiting + r.timings.receiving)) < 1e-9);
      assert.ok(r.timings.blocked >= r.timings.connecting);
      assert.equal(r.timings.tlsHandshaking, 0);
      assert.ok(r.bytesSent > 40 && r.bytesReceived > 40, `bytes ${r.bytesSent}/${r.bytesReceived}`);
    }
    assert.equal(agent.openSockets, 3);
    assert.equal(agent.takeNewConnections(), 3);
    assert.equal(agent.takeNewConnections(), 0);
    await agent.close();
    assert.equal(agent.openSockets, 0);
    await waitFor(() => server.open === 0, 2000, 'server to see every connection closed');
  });

  it('noVUConnectionReuse: one new connection per iteration', async () => {
    const before = server.connections;
    const plan = planOf({
      baseUrl: server.url,
      http: { noVUConnectionReuse: true },
      steps: [requestStep(0, { url: '/a' }), requestStep(1, { url: '/b' })],
    });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vu = flow.newVU(1);
    for (let i = 0; i < 5; i++) assert.equal(await flow.runIteration(vu, i), true);
    assert.equal(server.connections - before, 5);
    const first = recorder.step(0).requests;
    const second = recorder.step(1).requests;
    assert.ok(first.every((r) => r.timings.connecting > 0), 'first request of each iteration connects');
    assert.ok(second.every((r) => r.timings.connecting === 0), 'second request reuses within the iteration');
    await flow.closeVU(vu);
    await agent.close();
    await waitFor(() => server.open === 0, 2000, 'all closed');
  });

  it('shared pool of 2 under 20 VUs: exactly 2 connections, the wait shows in blocked and not in duration', async () => {
    const before = server.connections;
    const plan = planOf({
      baseUrl: server.url,
      http: { connections: 'shared', maxConnectionsPerHost: 2 },
      steps: [requestStep(0, { url: '/slow?ms=20' })],
    });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vus = Array.from({ length: 20 }, (_, i) => flow.newVU(i + 1));
    const results = await Promise.all(vus.map((vu) => flow.runIteration(vu, 0)));
    assert.ok(results.every(Boolean));
    assert.equal(server.connections - before, 2);
    const reqs = recorder.step(0).requests;
    assert.equal(reqs.length, 20);
    const maxDuration = Math.max(...reqs.map((r) => r.timings.duration));
    const blocked = reqs.map((r) => r.timings.blocked).sort((a, b) => a - b);
    // 20 requests through 2 connections at ~20 ms each: the last wait ~9 service times (~180 ms).
    assert.ok(maxDuration < 80, `duration stays near the server's latency, max ${maxDuration}`);
    assert.ok(blocked[19] > 120, `the queue shows in blocked, max ${blocked[19]}`);
    assert.ok(blocked[19] > 3 * maxDuration);
    assert.equal(reqs.filter((r) => r.timings.connecting > 0).length, 2);
    await agent.close();
    await waitFor(() => server.open === 0, 2000, 'all closed');
  });

  it('connecting > 0 on a new connection and 0 on reuse; a server-closed connection is reopened and measured again', async () => {
    const closing = await startTarget();
    try {
      const plan = planOf({
        baseUrl: closing.url,
        steps: [requestStep(0, { url: '/keep' }), requestStep(1, { url: '/keep' }), requestStep(2, { url: '/close' }), requestStep(3, { url: '/keep' })],
      });
      const agent = createHttpAgent(plan.http);
      const recorder = new TestRecorder();
      const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
      const vu = flow.newVU(1);
      assert.equal(await flow.runIteration(vu, 0), true);
      const c = [0, 1, 2, 3].map((i) => recorder.step(i).requests[0].timings.connecting);
      assert.ok(c[0] > 0 && c[1] === 0 && c[2] === 0 && c[3] > 0, `connecting per step ${c.join(',')}`);
      assert.equal(closing.connections, 2);
      await agent.close();
      await waitFor(() => closing.open === 0, 2000, 'all closed');
    } finally {
      await closing.close();
    }
  });

  it('shared pool: a request that times out in the queue is a request timeout with the wait in blocked; interrupt leaves the queue at once', async () => {
    const http = { connections: 'shared' as const, maxConnectionsPerHost: 1 };
    // Two scenarios on one agent, as in a run: the slow one holds the only connection.
    const slowPlan = planOf({ baseUrl: server.url, http, steps: [requestStep(0, { url: '/slow?ms=300', timeoutMs: 5000 })] });
    const quickPlan = planOf({ baseUrl: server.url, http, steps: [requestStep(0, { url: '/quick', timeoutMs: 100 })] });
    const agent = createHttpAgent(slowPlan.http);
    const slowRec = new TestRecorder();
    const quickRec = new TestRecorder();
    const slow = new FlowRunner({ plan: slowPlan, scenarioIndex: 0, agent, recorder: slowRec, env: {} });
    const quick = new FlowRunner({ plan: quickPlan, scenarioIndex: 0, agent, recorder: quickRec, env: {} });
    const a = slow.newVU(1);
    const [b, c] = [quick.newVU(2), quick.newVU(3)];
    const ra = slow.runIteration(a, 0);
    await new Promise((r) => setTimeout(r, 10));
    const rb = quick.runIteration(b, 0);
    const rc = quick.runIteration(c, 0);
    await new Promise((r) => setTimeout(r, 30));
    const t0 = performance.now();
    quick.interrupt(c); // c waits in the queue behind b
    assert.equal(await rc, false);
    assert.ok(performance.now() - t0 < 20, 'an interrupted wait ends at once');
    assert.equal(await rb, true);
    const [timedOut] = quickRec.step(0).requests;
    assert.equal(quickRec.step(0).requests.length, 1, 'the interrupted request is not measured');
    assert.equal(timedOut.errorClass, 'request-timeout');
    assert.equal(timedOut.timings.duration, 0, 'it never reached a connection');
    assert.ok(timedOut.timings.blocked >= 95 && timedOut.timings.blocked < 250, `its wait is blocked time: ${timedOut.timings.blocked}`);
    assert.equal(await ra, true);
    assert.equal(slowRec.step(0).requests[0].status, 200);
    await agent.close();
    await waitFor(() => server.open === 0, 2000, 'all closed');
  });

  it('agent.close() with requests in flight fails them and returns', async () => {
    const plan = planOf({ baseUrl: server.url, http: { connections: 'shared', maxConnectionsPerHost: 1 }, steps: [requestStep(0, { url: '/slow?ms=5000' })] });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const running = [flow.newVU(1), flow.newVU(2)].map((vu) => flow.runIteration(vu, 0));
    await new Promise((r) => setTimeout(r, 30));
    await agent.close();
    await Promise.all(running);
    assert.deepEqual(recorder.step(0).requests.map((r) => r.errorClass), ['aborted', 'aborted']);
    assert.equal(agent.openSockets, 0);
    await waitFor(() => server.open === 0, 2000, 'all closed');
  });

  it('agent.close() during think and idle keep-alive leaves no socket open', async () => {
    const plan = planOf({ baseUrl: server.url, steps: [requestStep(0, { url: '/a' }), thinkStep(1, 10_000)] });
    const agent = createHttpAgent(plan.http);
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder: new TestRecorder(), env: {} });
    const vus = [flow.newVU(1), flow.newVU(2)];
    const running = vus.map((vu) => flow.runIteration(vu, 0));
    await waitFor(() => server.open >= 2 && agent.openSockets === 2, 2000, 'two connections');
    const t0 = performance.now();
    for (const vu of vus) flow.interrupt(vu);
    assert.deepEqual(await Promise.all(running), [false, false]);
    assert.ok(performance.now() - t0 < 100, 'think is interrupted promptly');
    await agent.close();
    assert.equal(agent.openSockets, 0);
    await waitFor(() => server.open === 0, 2000, 'server sees all closed');
  });
});
