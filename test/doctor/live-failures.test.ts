// The doctor on real runs against faulty loopback servers: too few VUs, failures of the system under test,
// request timeouts, and errors in the graceful-stop window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTarget } from '../support/target';
import { assertStreamConsistent, diagnose, finalOf, ids } from './helpers';

test('insufficient VUs: 40 iterations/s of 200 ms with 3 VUs drops iterations; the estimator sizes the fix', async () => {
  const server = await startTarget();
  try {
    const d = await diagnose(`baseUrl: ${server.url}
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 40
    timeUnit: 1s
    duration: 1200ms
    preAllocatedVUs: 2
    maxVUs: 3
    flow:
      - name: slow
        get: /slow?ms=200
`);
    const figures = d.summary.scenarios[0]!;
    assert.ok(figures.dropped > 20, `dropped ${figures.dropped}`);
    const vus = finalOf(d, 'insufficient-vus');
    assert.equal(vus.scenario, 'browse');
    assert.equal(vus.evidence.dropped, figures.dropped);
    // k6's rule: 200 ms × 40/s = 8 VUs busy; the estimator asks at least that.
    assert.ok(Number(vus.evidence.k6Rule) >= 8 && Number(vus.evidence.k6Rule) <= 9, JSON.stringify(vus.evidence));
    assert.ok(Number(vus.evidence.recommendedPreAllocatedVUs) >= 8);
    // maxVUs 3 is below the need: the single edit raises maxVUs (valid alone), `edits` raises both.
    assert.deepEqual(vus.edit?.path, ['scenarios', 'browse', 'maxVUs']);
    assert.ok(Number(vus.edit?.value) >= 8);
    assert.deepEqual(vus.edits?.map((e) => e.path[2]).sort(), ['maxVUs', 'preAllocatedVUs']);
    const first = d.live.find((x) => x.diagnosis.id === 'insufficient-vus');
    assert.equal(first?.t, 1, 'reported live in the first second');
    assert.equal(first?.diagnosis.evidence.k6RuleVUs, 9);
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});

test('SUT-side failure: a server that resets every request after its 30th, with a healthy generator', async () => {
  const server = await startTarget({ resetAfter: 30 });
  try {
    const d = await diagnose(`baseUrl: ${server.url}
scenarios:
  flaky:
    executor: constant-vus
    vus: 4
    duration: 1200ms
    flow:
      - name: list
        get: /ok
      - think: 20ms
`);
    const sut = finalOf(d, 'failures-sut-side');
    assert.equal(sut.step, 'list');
    assert.equal(sut.severity, 'error');
    assert.ok(Number(sut.evidence.reset) >= 20, JSON.stringify(sut.evidence));
    assert.match(sut.explanation, /dropped connections/);
    assert.ok(!ids(d).includes('failures-generator-side'));
    // Reconnecting after each reset is not keep-alive refused: no churn diagnosis for it.
    assert.ok(!ids(d).includes('connection-churn'), ids(d).join(', '));
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});

test('SUT-side failure: a server with a connection cap drops the connections beyond it', async () => {
  const server = await startTarget({ maxConnections: 2 });
  try {
    const d = await diagnose(`baseUrl: ${server.url}
scenarios:
  capped:
    executor: constant-vus
    vus: 6
    duration: 1s
    flow:
      - name: list
        get: /slow?ms=20
      - think: 30ms
`);
    const sut = finalOf(d, 'failures-sut-side');
    const dropped = Number(sut.evidence.reset ?? 0) + Number(sut.evidence['unexpected-eof'] ?? 0);
    assert.ok(dropped >= 10, JSON.stringify(sut.evidence));
    assert.ok(d.summary.metrics.http_reqs!.count > dropped, 'the two connections under the cap kept working');
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});

test('request timeouts: a server that never answers, with a 200 ms timeout', async () => {
  const server = await startTarget();
  try {
    const d = await diagnose(`baseUrl: ${server.url}
http:
  timeout: 200ms
scenarios:
  stuck:
    executor: constant-vus
    vus: 3
    duration: 1s
    flow:
      - name: hang
        get: /hang
`);
    const timeouts = finalOf(d, 'request-timeouts');
    assert.ok(Number(timeouts.evidence.requestTimeouts) >= 9, JSON.stringify(timeouts.evidence));
    assert.equal(timeouts.evidence.timeoutMs, 200);
    assert.match(timeouts.explanation, /not about accepting connections/);
    assert.ok(!ids(d).includes('connect-timeouts'));
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});

test('errors concentrated in the graceful-stop window, and interrupted iterations', async () => {
  // Iterations take ~0.9 s: the second round's /late (answered only in the server's first second) fails
  // after the scenario's 1 s, and its last step is cut when the 500 ms graceful stop runs out.
  const server = await startTarget();
  try {
    const d = await diagnose(`baseUrl: ${server.url}
scenarios:
  tail:
    executor: constant-vus
    vus: 5
    duration: 1s
    gracefulStop: 500ms
    flow:
      - name: slow
        get: /slow?ms=300
      - name: late
        get: /late?after=1000
      - name: longer
        get: /slow?ms=600
`);
    const figures = d.summary.scenarios[0]!;
    assert.ok(figures.interrupted >= 1, `interrupted ${figures.interrupted}`);
    const stop = finalOf(d, 'graceful-stop');
    assert.equal(stop.severity, 'warning');
    assert.equal(stop.scenario, 'tail');
    assert.ok(Number(stop.evidence.errorsInGracefulStop) >= 3, JSON.stringify(stop.evidence));
    assert.equal(stop.evidence.errorsInGracefulStop, stop.evidence.errors);
    assert.equal(stop.evidence.interruptedIterations, figures.interrupted);
    assert.deepEqual(stop.edit?.path, ['scenarios', 'tail', 'gracefulStop']);
    assert.match(String(stop.edit?.value), /^\d+s$/);
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});
