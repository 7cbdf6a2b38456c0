import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTarget } from '../support/target';
import { compile, run } from './harness';

describe('startRun against a real server', { concurrency: true }, () => {
  test('constant-arrival-rate: exactly rate × duration requests reach the server; one aggregate a second', async () => {
    const target = await startTarget();
    try {
      const plan = compile(`name: car
baseUrl: ${target.url}
scenarios:
  hits:
    executor: constant-arrival-rate
    rate: 40
    timeUnit: 1s
    duration: 1500ms
    preAllocatedVUs: 20
    maxVUs: 20
    flow:
      - name: hit
        get: /hit
        check: { status: 200 }
`);
      const collected = run(plan);
      const { summary, took } = await collected.finished;
      assert.equal(target.count('/hit'), 60);
      const [figures] = summary.scenarios;
      assert.equal(figures!.iterations, 60);
      assert.equal(figures!.dropped, 0);
      assert.equal(figures!.interrupted, 0);
      assert.equal(figures!.lateness.count, 60);
      assert.equal(summary.metrics.http_reqs!.count, 60);
      assert.equal(summary.metrics.iterations!.count, 60);
      assert.equal(summary.metrics.checks!.passes, 60);
      assert.equal(summary.outcome, 'completed');
      assert.ok(took >= 1500 && took < 2500, `took ${took} ms`);

      // t = 1, then the last partial second at t = 2; their figures add up to the summary's.
      const aggregates = collected.ofType('aggregate');
      assert.deepEqual(aggregates.map((a) => a.t), [1, 2]);
      assert.ok(Math.abs(aggregates[0]!.at - 1000) < 100, `the first aggregate came at ${aggregates[0]!.at} ms`);
      assert.equal(aggregates.reduce((sum, a) => sum + a.scenarios[0]!.iterations, 0), 60);
      assert.equal(aggregates.reduce((sum, a) => sum + a.scenarios[0]!.steps[0]!.requests, 0), 60);
      assert.equal(aggregates[0]!.scenarios[0]!.targetRate, 40);
      assert.equal(aggregates[0]!.scenarios[0]!.vusAllocated, 20);
      assert.equal(typeof aggregates[0]!.health.cpuPercent, 'number');
      assert.ok(aggregates[0]!.health.openSockets >= 1);
      assert.deepEqual(
        collected.events.map((e) => e.type),
        ['start', 'aggregate', 'aggregate', 'summary'],
      );
      // Per-vu connections: never more connections than VUs.
      assert.ok(target.connections <= figures!.vusAllocated, `${target.connections} connections`);
    } finally {
      await target.close();
    }
  });

  test('ramping-arrival-rate: the area under the rate curve, exactly', async () => {
    const target = await startTarget();
    try {
      const plan = compile(`baseUrl: ${target.url}
scenarios:
  ramp:
    executor: ramping-arrival-rate
    startRate: 0
    timeUnit: 1s
    preAllocatedVUs: 20
    maxVUs: 20
    stages:
      - { duration: 1s, target: 60 }
      - { duration: 500ms, target: 60 }
    flow:
      - get: /ramp
`);
      const { summary } = await run(plan).finished;
      // 0→60/s over 1 s is 30, then 0.5 s at 60/s is 30 more.
      assert.equal(target.count('/ramp'), 60);
      assert.equal(summary.scenarios[0]!.iterations, 60);
      assert.equal(summary.scenarios[0]!.dropped, 0);
    } finally {
      await target.close();
    }
  });

  test('VUs short: dropped iterations, started + dropped = scheduled, VUs grow to maxVUs', async () => {
    const target = await startTarget();
    try {
      const plan = compile(`baseUrl: ${target.url}
scenarios:
  short:
    executor: constant-arrival-rate
    rate: 20
    timeUnit: 1s
    duration: 1s
    preAllocatedVUs: 1
    maxVUs: 2
    gracefulStop: 1s
    flow:
      - get: /slow?ms=300
thresholds:
  dropped_iterations: [count==0]
`);
      const { summary } = await run(plan).finished;
      const [figures] = summary.scenarios;
      assert.ok(figures!.dropped > 0);
      assert.equal(target.count('/slow') + figures!.dropped, 20);
      assert.equal(figures!.iterations, target.count('/slow'));
      assert.equal(figures!.vusAllocated, 2);
      assert.equal(summary.metrics.dropped_iterations!.count, figures!.dropped);
      assert.deepEqual(
        summary.thresholds.map((t) => [t.key, t.ok, t.actual]),
        [['dropped_iterations', false, figures!.dropped]],
      );
    } finally {
      await target.close();
    }
  });

  test("DESIGN.md's flow: GET with a capture, think, POST with a JSON template reach the wire", async () => {
    const target = await startTarget();
    try {
      const text = `name: checkout
baseUrl: ${target.url}
variables:
  prefix: load
scenarios:
  browse:
    executor: per-vu-iterations
    vus: 2
    iterations: 3
    flow:
      - name: list products
        get: /products?page={{ iteration % 10 }}
        check: { status: 200 }
        capture: { firstId: json.items[0].id }
      - think: 50ms
      - name: add to cart
        post: /cart
        json: { id: "{{ firstId }}", user: "{{ prefix }}-{{ vu }}" }
        check: { status: 201 }
`;
      const plan = compile(text);
      const collected = run(plan);
      const { summary } = await collected.finished;
      const lists = target.received.filter((r) => r.url.startsWith('/products'));
      const posts = target.received.filter((r) => r.url === '/cart');
      assert.equal(lists.length, 6);
      assert.equal(posts.length, 6);
      assert.deepEqual(lists.map((r) => r.url).sort(), [0, 0, 1, 1, 2, 2].map((page) => `/products?page=${page}`));
      const bodies = posts.map((r) => JSON.parse(r.body) as { id: unknown; user: string });
      // The captured id of the page this VU listed in the same iteration (100 + page), its type kept.
      assert.deepEqual(bodies.map((b) => b.id).sort(), [100, 100, 101, 101, 102, 102]);
      assert.deepEqual(bodies.map((b) => b.user).sort(), ['load-1', 'load-1', 'load-1', 'load-2', 'load-2', 'load-2']);
      // Each POST comes after its GET plus the think time.
      for (const post of posts) assert.ok(lists.some((list) => post.at - list.at >= 49));

      assert.equal(summary.scenarios[0]!.iterations, 6);
      assert.equal(summary.metrics.checks!.passes, 12);
      const steps = summary.scenarios[0]!.steps;
      assert.deepEqual(steps.map((s) => [s.step, s.requests]), [['list products', 6], ['add to cart', 6]]);

      // The start event locates the steps by 1-based line.
      const start = collected.ofType('start')[0]!;
      const lines = text.split('\n');
      const info = start.plan.scenarios[0]!;
      assert.equal(info.executor, 'per-vu-iterations');
      assert.equal(info.maxVUs, 2);
      assert.deepEqual(info.steps.map((s) => [s.kind, s.index]), [['request', 0], ['think', 1], ['request', 2]]);
      assert.match(lines[info.steps[0]!.line - 1]!, /name: list products/);
      assert.match(lines[info.steps[1]!.line - 1]!, /think: 50ms/);
      assert.match(lines[info.steps[2]!.line - 1]!, /name: add to cart/);
    } finally {
      await target.close();
    }
  });

  test('several scenarios at once, the second after its startTime, with run-wide VU ids', async () => {
    const target = await startTarget();
    try {
      const plan = compile(`baseUrl: ${target.url}
scenarios:
  first:
    executor: shared-iterations
    vus: 2
    iterations: 4
    flow:
      - get: /first?vu={{ vu }}
  second:
    executor: shared-iterations
    vus: 2
    iterations: 4
    startTime: 300ms
    flow:
      - get: /second?vu={{ vu }}
`);
      const collected = run(plan);
      const { summary } = await collected.finished;
      const vusOf = (prefix: string) =>
        [...new Set(target.received.filter((r) => r.url.startsWith(prefix)).map((r) => r.url.split('=')[1]))].sort();
      assert.deepEqual(vusOf('/first'), ['1', '2']);
      assert.deepEqual(vusOf('/second'), ['3', '4']);
      const firstOf = (prefix: string) =>
        Math.min(...target.received.filter((r) => r.url.startsWith(prefix)).map((r) => r.at)) - collected.startedAt;
      assert.ok(firstOf('/first') < firstOf('/second'));
      assert.ok(firstOf('/second') >= 300, `the second scenario's first request came at ${firstOf('/second')} ms`);
      assert.deepEqual(summary.scenarios.map((s) => [s.scenario, s.iterations]), [['first', 4], ['second', 4]]);
      assert.deepEqual(collected.ofType('start')[0]!.plan.scenarios.map((s) => s.startTimeMs), [0, 300]);
    } finally {
      await target.close();
    }
  });

  test('--scenario runs only the named scenario', async () => {
    const target = await startTarget();
    try {
      const plan = compile(`baseUrl: ${target.url}
scenarios:
  a:
    executor: shared-iterations
    vus: 1
    iterations: 2
    flow:
      - get: /a
  b:
    executor: shared-iterations
    vus: 1
    iterations: 2
    flow:
      - get: /b
`);
      const collected = run(plan, { scenarios: ['b'] });
      const { summary } = await collected.finished;
      assert.equal(target.count('/a'), 0);
      assert.equal(target.count('/b'), 2);
      assert.deepEqual(summary.scenarios.map((s) => s.scenario), ['b']);
      assert.deepEqual(collected.ofType('start')[0]!.plan.scenarios.map((s) => s.name), ['b']);
      assert.throws(() => run(plan, { scenarios: ['c'] }), /no scenario named "c"/);
    } finally {
      await target.close();
    }
  });
});
