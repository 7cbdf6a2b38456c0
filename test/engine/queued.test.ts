// http_req_blocked is k6's wait for a connection and nothing else; the generator's own queueing is
// volley_req_queued (issue #19, item 2). A generator loaded by a busy loop in its own thread: on warm
// keep-alive connections blocked stays in microseconds, the requests' wait in the generator shows in
// volley_req_queued, and neither it nor blocked is inside http_req_duration.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTargetProcess, type TargetProcess } from '../support/target';
import { editorThresholdActual } from '../../src/format';
import { queueingRows } from '../../src/webview/queueing';
import { compile, run } from './harness';

describe('volley_req_queued against http_req_blocked', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess();
  });
  after(() => target.close());

  test('a loaded generator: blocked on warm connections p95 < 1 ms, the wait is in volley_req_queued', async () => {
    const plan = compile(`name: loaded
baseUrl: ${target.url}
scenarios:
  busy:
    executor: constant-vus
    vus: 50
    duration: 2s
    flow:
      - name: connect
        get: /ok
        once: true
      - name: warm
        get: /ok
thresholds:
  volley_req_queued: ['p(95)<100000']
`);
    // The generator's thread is busy 8 ms of every 10: what is ready waits for the loop.
    const busy = setInterval(() => {
      const end = performance.now() + 8;
      while (performance.now() < end);
    }, 10);
    let summary;
    try {
      ({ summary } = await run(plan).finished);
    } finally {
      clearInterval(busy);
    }
    const [connect, warm] = summary.scenarios[0]!.steps;
    assert.equal(connect!.requests, 50);
    assert.ok(warm!.requests > 200, `${warm!.requests} warm requests`);
    assert.equal(warm!.failed, 0);
    assert.equal(warm!.phases.connecting.max, 0, 'every warm request reused its connection');

    const blocked = warm!.phases.blocked;
    const queued = warm!.phases.queued!;
    assert.equal(queued.count, warm!.requests);
    assert.ok(blocked.p95 < 1, `blocked p95 ${blocked.p95} ms on warm keep-alive connections`);
    assert.ok(blocked.med < 0.1, `blocked median ${blocked.med} ms`);
    assert.ok(queued.p95 >= 2, `queued p95 ${queued.p95} ms: the busy loop must show`);
    assert.ok(queued.med > blocked.p95, `queued median ${queued.med} ms against blocked p95 ${blocked.p95} ms`);

    // A new connection's setup is blocked (k6), not queued: connecting is inside blocked.
    assert.ok(connect!.phases.connecting.min > 0);
    assert.ok(connect!.phases.blocked.min >= connect!.phases.connecting.min - 1e-6);

    // The catalogue knows it: a summary metric, and a threshold on it is evaluated.
    const metric = summary.metrics.volley_req_queued;
    assert.ok(metric, 'volley_req_queued is in the summary metrics');
    assert.ok((metric as Record<string, number>)['p(95)']! >= 2, JSON.stringify(metric));
    const threshold = summary.thresholds.find((t) => t.metric === 'volley_req_queued');
    assert.ok(threshold?.ok, JSON.stringify(summary.thresholds));
    assert.match(editorThresholdActual(threshold.actual, threshold.metric), /ms|µs|s$/, 'shown as a duration');

    // The results panel's table: per step, blocked p95 beside the queueing.
    const rows = queueingRows(summary.scenarios);
    assert.deepEqual(rows.map((r) => r[0]), ['busy › connect', 'busy › warm']);
    assert.equal(rows[1]!.length, 5);
  });
});
