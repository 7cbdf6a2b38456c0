// The first round of a run: every VU's first request opens its connection, and their responses arrive
// together. Each one must be read before any VU goes on (resumeAfterPoll in src/engine/http/exchange.ts);
// a VU that went on first (its figures, its next step, its next dispatch) kept the others' responses
// unread, on their clocks. The target is a raw server in a worker thread that writes every response in
// one go while this thread's event loop is held, so that all of them are readable when it next polls.
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { after, before, describe, it } from 'node:test';
import { createHttpAgent } from '../../src/engine/http/agent';
import { FlowRunner } from '../../src/engine/flow';
import { planOf, requestStep, TestRecorder, TestStepRecorder } from './helpers';

const VUS = 5;

/** Answers each connection's requests with a 200; the first request of every connection is held until all VUS have arrived. */
const SERVER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const flag = new Int32Array(workerData.flag);
const response = 'HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: keep-alive\\r\\n\\r\\nok';
const held = [];
const server = net.createServer({ noDelay: true }, (socket) => {
  let first = true;
  socket.on('data', () => {
    if (!first) return void socket.write(response);
    first = false;
    held.push(socket);
    if (held.length < ${VUS}) return;
    parentPort.postMessage('all-requests');
    // The main thread is blocked in Atomics.wait by now (it waits for this flag right after the message).
    setTimeout(() => {
      for (const s of held) s.write(response);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    }, 30);
  });
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

describe('the first round of responses', () => {
  let worker: Worker;
  let port: number;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  let allRequests: Promise<void>;
  before(async () => {
    worker = new Worker(SERVER, { eval: true, workerData: { flag: flag.buffer } });
    port = await new Promise<number>((resolve) => worker.once('message', resolve));
    allRequests = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  });
  after(async () => {
    worker.postMessage('close');
    await new Promise((done) => worker.once('exit', done));
  });

  it('is read whole before any VU goes on', async () => {
    const plan = planOf({ baseUrl: `http://127.0.0.1:${port}`, steps: [requestStep(0, { url: '/first' }), requestStep(1, { url: '/later' })] });
    const agent = createHttpAgent(plan.http);
    // What every VU's exchange held when the first VU went on (its first response recorded).
    let statusesAtFirstContinuation: number[] | undefined;
    const recorder = new TestRecorder();
    const first = new (class extends TestStepRecorder {
      override request(...args: Parameters<TestStepRecorder['request']>): void {
        statusesAtFirstContinuation ??= vus.map((vu) => vu.http.exchange.status);
        super.request(...args);
      }
    })();
    recorder.steps.set(0, first);
    const flow = new FlowRunner({ plan, scenarioIndex: 0, agent, recorder, env: {} });
    const vus = Array.from({ length: VUS }, (_, i) => flow.newVU(i + 1) as ReturnType<FlowRunner['newVU']> & { http: { exchange: { status: number } } });
    const iterations = Promise.all(vus.map((vu) => flow.runIteration(vu, 0)));
    await allRequests;
    // Hold this thread's event loop while the server writes all five responses.
    assert.equal(Atomics.wait(flag, 0, 0, 5000), 'ok', 'the server wrote the held responses');
    assert.deepEqual(await iterations, Array(VUS).fill(true));
    assert.deepEqual(statusesAtFirstContinuation, Array(VUS).fill(200), 'every first response was read before the first VU went on');
    assert.equal(first.requests.length, VUS);
    assert.equal(recorder.step(1).requests.length, VUS);
    assert.ok(first.requests.every((r) => r.status === 200 && r.timings.connecting > 0));
    assert.ok(recorder.step(1).requests.every((r) => r.status === 200 && r.timings.connecting === 0));
    await agent.close();
  });
});
