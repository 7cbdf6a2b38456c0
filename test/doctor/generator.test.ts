// Generator saturation on a real run: the test process itself burns CPU in a timer between requests, so
// the engine's event loop runs late; the doctor must say the figures are not trustworthy, and must blame
// failures in those seconds on the generator rather than on the system under test.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTarget } from '../support/target';
import { assertStreamConsistent, diagnose, finalOf, ids } from './helpers';

function burn(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: the event loop is blocked meanwhile
  }
}

async function withBusyLoop<T>(work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => burn(120), 150);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

test('a saturated generator: figures flagged as untrustworthy', async () => {
  const server = await startTarget();
  try {
    const d = await withBusyLoop(() =>
      diagnose(`baseUrl: ${server.url}
scenarios:
  steady:
    executor: constant-arrival-rate
    rate: 20
    timeUnit: 1s
    duration: 2200ms
    preAllocatedVUs: 10
    maxVUs: 10
    flow:
      - name: ok
        get: /ok
`),
    );
    const saturated = finalOf(d, 'generator-saturated');
    assert.ok(Number(saturated.evidence.saturatedSeconds) >= 2, JSON.stringify(saturated.evidence));
    assert.ok(Number(saturated.evidence.maxEventLoopDelayP99Ms) >= 100, JSON.stringify(saturated.evidence));
    // How long requests queued in the generator (volley_req_queued) is part of the evidence. Here the busy
    // loop mostly delays iterations' starts (iteration_lateness); a request already made ready waits for the
    // rest of the loop's turn.
    assert.ok(Number(saturated.evidence.queuedP95Ms) > 0, JSON.stringify(saturated.evidence));
    assert.match(saturated.explanation, /volley_req_queued/);
    assert.ok(d.live.some((x) => x.diagnosis.id === 'generator-saturated' && x.t === 2), 'reported live after two seconds');
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});

test('resets while the generator is saturated are attributed to the generator, not the SUT', async () => {
  const server = await startTarget({ resetAfter: 10 });
  try {
    const d = await withBusyLoop(() =>
      diagnose(`baseUrl: ${server.url}
scenarios:
  flaky:
    executor: constant-vus
    vus: 4
    duration: 2200ms
    flow:
      - name: list
        get: /ok
      - think: 20ms
`),
    );
    const generator = finalOf(d, 'failures-generator-side');
    assert.equal(generator.step, 'list');
    assert.ok(Number(generator.evidence.reset) >= 5, JSON.stringify(generator.evidence));
    assert.ok(Number(generator.evidence.maxEventLoopDelayP99Ms) >= 100);
    assert.ok(!ids(d).includes('failures-sut-side'), ids(d).join(', '));
    assertStreamConsistent(d);
  } finally {
    await server.close();
  }
});
