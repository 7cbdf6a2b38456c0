// Transport failures against real misbehaving servers on 127.0.0.1, each classified, measured, and never
// fatal to the iteration.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { createHttpAgent } from '../../src/engine/http/agent';
import { classifyError, describeError, errorCode } from '../../src/engine/http/errors';
import { FlowRunner } from '../../src/engine/flow';
import type { HttpPlan } from '../../src/engine/scenario/plan';
import { planOf, requestStep, TestRecorder, type RecordedRequest } from './helpers';

/**
 * A raw TCP server: `onRequest` runs once a full request head has arrived. It stays apart from the shared
 * target (test/support/target.ts) on purpose: these failures are bytes an HTTP server never writes — a
 * response cut off before its Content-Length, a connection closed at the request head, TCP accepted but
 * no TLS handshake ever answered (an HTTP server would run the handshake before any route).
 */
async function rawServer(onRequest: (socket: Socket) => void, onConnection?: (socket: Socket) => void): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (onConnection) return onConnection(socket);
    let head = '';
    socket.on('data', (d) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        head = '';
        onRequest(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://127.0.0.1:${port}`, sockets };
}

const servers: Array<{ server: Server; sockets: Set<Socket> }> = [];
after(async () => {
  for (const s of servers) {
    for (const sock of s.sockets) sock.destroy();
    await new Promise((r) => s.server.close(r));
  }
});

async function runOne(baseUrl: string, timeoutMs = 0, http: Partial<HttpPlan> = {}): Promise<RecordedRequest> {
  const plan = planOf({
    baseUrl,
    http,
    steps: [requestStep(0, { url: '/x', timeoutMs, checks: [{ kind: 'status', name: 'ok', allowed: [200] }] }), requestStep(1, { url: '/y', timeoutMs })],
  });
  const agent = createHttpAgent(plan.http);
  const recorder = new TestRecorder();
  const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
  const vu = flow.newVU(1);
  try {
    assert.equal(await flow.runIteration(vu, 0), true, 'the iteration goes on after a failed request');
    assert.equal(recorder.step(1).requests.length, 1, 'the next step still ran');
    assert.deepEqual(recorder.step(0).checks, [false]);
    const [r] = recorder.step(0).requests;
    assert.equal(r.status, 0);
    assert.equal(r.failed, true);
    return r;
  } finally {
    await agent.close();
    assert.equal(agent.openSockets, 0);
  }
}

describe('error classes', () => {
  it('refused: nothing listens on the port', async () => {
    const probe = await rawServer(() => undefined);
    await new Promise((r) => probe.server.close(r));
    const r = await runOne(probe.url);
    assert.equal(r.errorClass, 'refused');
    assert.equal(r.timings.duration, 0);
    assert.ok(r.timings.blocked > 0);
  });

  it('reset: the server resets the connection on the request', async () => {
    const s = await rawServer((socket) => socket.resetAndDestroy());
    servers.push(s);
    const r = await runOne(s.url);
    assert.equal(r.errorClass, 'reset');
    assert.ok(r.timings.connecting > 0);
  });

  it('unexpected EOF: the server sends part of the response and closes', async () => {
    const s = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'));
    servers.push(s);
    const r = await runOne(s.url);
    assert.equal(r.errorClass, 'unexpected-eof');
    assert.ok(r.timings.receiving >= 0 && r.timings.waiting > 0);
    assert.ok(r.bytesReceived > 40, `partial bytes counted: ${r.bytesReceived}`);
  });

  it('unexpected EOF: the server closes before answering', async () => {
    const s = await rawServer((socket) => socket.end());
    servers.push(s);
    assert.equal((await runOne(s.url)).errorClass, 'unexpected-eof');
  });

  it('request timeout: the server never answers; the timeout is the total, one sweeper, no timer per request', async () => {
    const s = await rawServer(() => undefined);
    servers.push(s);
    const t0 = performance.now();
    const r = await runOne(s.url, 150);
    const elapsed = performance.now() - t0;
    assert.equal(r.errorClass, 'request-timeout');
    assert.ok(r.timings.blocked + r.timings.duration >= 145 && r.timings.blocked + r.timings.duration < 260, `total ${r.timings.blocked + r.timings.duration}`);
    assert.ok(r.timings.waiting > 100, 'measured as waiting for the first byte');
    assert.ok(elapsed < 1000);
  });

  it('the plan-wide http timeout applies when the step has none', async () => {
    const s = await rawServer(() => undefined);
    servers.push(s);
    const r = await runOne(s.url, 0, { timeoutMs: 100 });
    assert.equal(r.errorClass, 'request-timeout');
  });

  it('connect timeout: a timeout while the connection is being set up (TLS handshake never answered)', async () => {
    const s = await rawServer(() => undefined, () => undefined); // accepts TCP, never speaks TLS
    servers.push(s);
    const r = await runOne(s.url.replace('http:', 'https:'), 120, { insecureSkipTLSVerify: true });
    assert.equal(r.errorClass, 'connect-timeout');
    assert.ok(r.timings.connecting > 0);
    assert.ok(r.timings.tlsHandshaking > 90, `handshake time ${r.timings.tlsHandshaking}`);
  });

  it('invalid URL: recorded as a failed request, not thrown', async () => {
    const plan = planOf({ steps: [requestStep(0, { url: '/relative-without-base' }), requestStep(1, { url: 'ftp://127.0.0.1/x' })] });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    assert.equal(await flow.runIteration(flow.newVU(1), 0), true);
    assert.equal(recorder.step(0).requests[0].errorClass, 'invalid-url');
    assert.equal(recorder.step(1).requests[0].errorClass, 'invalid-url');
    await agent.close();
  });

  it('interrupt aborts the in-flight request promptly; the cut request is not measured (as k6)', async () => {
    const s = await rawServer(() => undefined);
    servers.push(s);
    const plan = planOf({ baseUrl: s.url, steps: [requestStep(0, { url: '/hang' }), requestStep(1, { url: '/never' })] });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vu = flow.newVU(1);
    const running = flow.runIteration(vu, 0);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    flow.interrupt(vu);
    assert.equal(await running, false);
    assert.ok(performance.now() - t0 < 50, 'resolves promptly');
    assert.equal(recorder.step(0).requests.length, 0);
    assert.equal(recorder.step(1).requests.length, 0);
    await flow.closeVU(vu);
    await agent.close();
    assert.equal(agent.openSockets, 0);
  });

  it('HTTP error statuses are failed requests of class http-status with k6 codes 1400-1599', async () => {
    const s = await rawServer((socket) => socket.write('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n'));
    servers.push(s);
    const plan = planOf({ baseUrl: s.url, steps: [requestStep(0, { url: '/x' })] });
    const agent = createHttpAgent(plan.http);
    const recorder = new TestRecorder();
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    await flow.runIteration(flow.newVU(1), 0);
    const [r] = recorder.step(0).requests;
    assert.equal(r.status, 503);
    assert.equal(r.failed, true);
    assert.equal(r.errorClass, 'http-status');
    assert.equal(errorCode(undefined, 'http-status', 503), 1503);
    await agent.close();
  });

  it('operating-system error codes map to their classes', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    assert.equal(classifyError(err('ENOTFOUND')), 'dns');
    assert.equal(errorCode(err('ENOTFOUND')), 1101);
    assert.equal(classifyError(err('EAI_AGAIN')), 'dns');
    assert.equal(classifyError(err('EADDRNOTAVAIL')), 'ports-exhausted');
    assert.equal(classifyError(err('EMFILE')), 'fd-exhausted');
    assert.equal(classifyError(err('ENFILE')), 'fd-exhausted');
    assert.equal(classifyError(err('UND_ERR_CONNECT_TIMEOUT')), 'connect-timeout');
    assert.equal(classifyError(err('EPIPE')), 'reset');
    assert.equal(errorCode(err('ECONNREFUSED')), 1212);
    assert.equal(classifyError(err('ERR_TLS_CERT_ALTNAME_INVALID')), 'tls');
    assert.equal(errorCode(err('ERR_TLS_CERT_ALTNAME_INVALID')), 1311);
    assert.equal(classifyError(new Error('weird')), 'other');
    assert.match(describeError(err('ECONNREFUSED')), /^1212 connection refused/);
  });
});
