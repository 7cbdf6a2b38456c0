// The doctor on real runs against faulty loopback servers: connection problems. Each test provokes one
// diagnosis with a bounded load and checks its evidence; the healthy run gets none at all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTarget } from '../support/target';
import { startStalledServer } from './stalled-server';
import { assertStreamConsistent, diagnose, finalOf, ids } from './helpers';

test('a healthy run: no diagnosis, live or final', async (t) => {
  const server = await startTarget();
  try {
    const d = await diagnose(`baseUrl: ${server.url}
scenarios:
  steady:
    executor: constant-arrival-rate
    rate: 50
    timeUnit: 1s
    duration: 1500ms
    preAllocatedVUs: 10
    maxVUs: 10
    flow:
      - name: ok
        get: /ok
      - name: slow
        get: /slow?ms=20
`);
    assert.equal(d.summary.scenarios[0]!.iterations, 75);
    // On a machine shared with other test processes this one can be starved of CPU for real; then, and only
    // then, the doctor must say so (with a stalled event loop as evidence) and nothing else.
    const starved = d.summary.diagnoses.find((x) => x.id === 'generator-saturated');
    if (starved) {
      t.diagnostic(`the test process was starved: ${JSON.stringify(starved.evidence)}`);
      assert.ok(Number(starved.evidence.maxEventLoopDelayP99Ms) >= 30, JSON.stringify(starved.evidence));
    }
    assert.deepEqual(ids(d).filter((id) => id !== 'generator-saturated'), []);
    assert.deepEqual(d.live.filter((x) => x.diagnosis.id !== 'generator-saturated'), []);
  } finally {
    await server.close();
  }
});

test('connection churn: a server answering Connection: close', async () => {
  const server = await startTarget({ keepAlive: false });
  try {
    const d = await diagnose(`baseUrl: ${server.url}
scenarios:
  churny:
    executor: constant-vus
    vus: 4
    duration: 1200ms
    flow:
      - name: ok
        get: /slow?ms=10
`);
    const churn = finalOf(d, 'connection-churn');
    assert.ok(Number(churn.evidence.newConnectionsPerRequest) >= 0.9, JSON.stringify(churn.evidence));
    assert.equal(churn.evidence.noVUConnectionReuse, 'false');
    assert.ok(Number(churn.evidence.timeWaitSocketsAtPeak) > 0);
    assert.match(churn.explanation, /Connection: close/);
    assert.match(churn.fix, /net\.ipv4\.tcp_tw_reuse=1/);
    assert.ok(d.live.some((x) => x.diagnosis.id === 'connection-churn' && x.t === 1), 'reported live in the first second');
    assert.ok(!ids(d).includes('pool-exhausted'));
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});

test('pool exhaustion: a shared pool of 1 in front of a slow server', async () => {
  const server = await startTarget();
  try {
    const d = await diagnose(`baseUrl: ${server.url}
http:
  connections: shared
  maxConnectionsPerHost: 1
scenarios:
  queued:
    executor: constant-vus
    vus: 6
    duration: 1200ms
    flow:
      - name: slow
        get: /slow?ms=40
`);
    assert.equal(server.connections, 1);
    const pool = finalOf(d, 'pool-exhausted');
    assert.equal(pool.evidence.poolSize, 1);
    assert.equal(pool.evidence.inFlight, 1);
    // Six VUs, one connection: about five wait, each about five requests' time.
    assert.ok(Number(pool.evidence.waitAvgMs) >= 100, JSON.stringify(pool.evidence));
    assert.ok(Number(pool.evidence.waitAvgMs) > Number(pool.evidence.durationAvgMs));
    assert.ok(Number(pool.evidence.queuedAvg) >= 3, JSON.stringify(pool.evidence));
    assert.deepEqual(pool.edit?.path, ['http', 'maxConnectionsPerHost']);
    assert.ok(Number(pool.edit?.value) >= 5 && Number(pool.edit?.value) <= 6, `suggested ${pool.edit?.value}`);
    assert.ok(d.live.some((x) => x.diagnosis.id === 'pool-exhausted'), 'reported live');
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});

test('slow connection establishment: SYNs dropped by a full accept queue are resent after 1 s', async () => {
  // 24 connects at once; the server sleeps 700 ms with a backlog of 16: the first ones fill its accept queue,
  // the others' SYNs are dropped and resent at 1 s, by when the queue has been drained.
  const server = await startStalledServer(700, 16);
  try {
    const d = await diagnose(`baseUrl: ${server.url}
scenarios:
  burst:
    executor: per-vu-iterations
    vus: 24
    iterations: 1
    flow:
      - name: first
        get: /ok
`);
    assert.equal(d.summary.metrics.http_reqs!.count, 24);
    const slow = finalOf(d, 'slow-connect');
    assert.equal(slow.scenario, 'burst');
    assert.equal(slow.step, 'first');
    assert.ok(Number(slow.evidence.connectingP90Ms) >= 900, JSON.stringify(slow.evidence));
    assert.match(slow.fix, /somaxconn/);
    assert.ok(!ids(d).includes('connect-timeouts'));
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});

test('connect timeouts, told apart from request timeouts', async () => {
  // Nothing is accepted for 1.5 s and the timeout is 300 ms: the handshakes beyond the backlog never finish.
  const server = await startStalledServer(1500, 1);
  try {
    const d = await diagnose(`baseUrl: ${server.url}
http:
  timeout: 300ms
scenarios:
  dial:
    executor: per-vu-iterations
    vus: 12
    iterations: 1
    flow:
      - name: first
        get: /ok
`);
    const connect = finalOf(d, 'connect-timeouts');
    assert.ok(Number(connect.evidence.connectTimeouts) >= 8, JSON.stringify(connect.evidence));
    assert.equal(connect.evidence.timeoutMs, 300);
    assert.match(connect.explanation, /handshake never completed/);
    // The two connections the backlog held were accepted by the kernel: theirs are request timeouts, too few to report.
    assert.ok(!ids(d).includes('request-timeouts'), ids(d).join(', '));
    const side = finalOf(d, 'failures-sut-side');
    assert.ok(Number(side.evidence['connect-timeout']) >= 8);
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});
