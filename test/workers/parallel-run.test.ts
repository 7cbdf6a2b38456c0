// A run over worker threads against a real loopback server: the same counts as one thread for the
// scenarios whose counts are exact, one merged aggregate per second, and thresholds on the merged result.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunEvent, RunSummary } from '../../src/protocol';
import { startParallelRun } from '../../src/engine/workers/parallel-run';
import { tupleFromFlags } from '../../src/engine/segments';
import { startTarget, type Target } from '../support/target';
import { compile } from '../engine/harness';

let target: Target;
before(async () => {
  target = await startTarget();
});
after(async () => {
  await target.close();
});

async function runWith(text: string, workers: number, segment?: string, sequence?: string): Promise<{ summary: RunSummary; events: RunEvent[] }> {
  const plan = compile(text);
  const events: RunEvent[] = [];
  const handle = startParallelRun(plan, {
    env: {},
    workers,
    source: text,
    share: segment === undefined ? undefined : tupleFromFlags(segment, sequence),
    onEvent: (event) => events.push(event),
  });
  const summary = await handle.done;
  return { summary, events };
}

const scenario = (baseUrl: string, body: string): string => `name: workers
baseUrl: ${baseUrl}
scenarios:
${body}
thresholds:
  iterations: [count>0]
`;

describe('--workers 2 against one thread', () => {
  it('shared-iterations and per-vu-iterations give the same counts, split across the workers', async () => {
    const text = scenario(
      target.url,
      `  shared:
    executor: shared-iterations
    vus: 5
    iterations: 37
    flow:
      - get: /shared
  pervu:
    executor: per-vu-iterations
    vus: 3
    iterations: 4
    flow:
      - get: /pervu
        check: { status: 200 }`,
    );
    const before = { shared: target.count('/shared'), pervu: target.count('/pervu') };
    const single = await runWith(text, 1);
    const parallel = await runWith(text, 2);
    const byName = (s: RunSummary, name: string) => s.scenarios.find((x) => x.scenario === name)!;
    for (const result of [single, parallel]) {
      assert.equal(byName(result.summary, 'shared').iterations, 37);
      assert.equal(byName(result.summary, 'pervu').iterations, 12);
      assert.equal(byName(result.summary, 'shared').steps[0].requests, 37);
      assert.equal(result.summary.metrics.http_reqs.count, 49);
      assert.equal(result.summary.metrics.checks.passes, 12);
    }
    assert.equal(target.count('/shared') - before.shared, 74);
    assert.equal(target.count('/pervu') - before.pervu, 24);
    // VUs: the sum over the workers, as one thread would have them.
    assert.equal(byName(parallel.summary, 'shared').vusAllocated, 5);
    assert.equal(byName(parallel.summary, 'pervu').vusAllocated, 3);
    // Per-check totals come back from the workers for the summary's check list.
    assert.deepEqual(
      parallel.summary.checks?.map((c) => [c.step, c.passes, c.fails]),
      single.summary.checks?.map((c) => [c.step, c.passes, c.fails]),
    );
    // Same shape of stream: start, aggregates, summary; aggregates add up to the summary.
    const types = parallel.events.map((e) => e.type);
    assert.equal(types[0], 'start');
    assert.equal(types[types.length - 1], 'summary');
    const aggregated = parallel.events
      .filter((e): e is Extract<RunEvent, { type: 'aggregate' }> => e.type === 'aggregate')
      .reduce((sum, e) => sum + e.scenarios.reduce((s, x) => s + x.iterations, 0), 0);
    assert.equal(aggregated, 49);
    assert.equal(parallel.summary.thresholds[0].ok, true);
    // The merged trend holds every sample of both workers.
    assert.equal(byName(parallel.summary, 'shared').steps[0].duration.count, 37);
  });

  it('constant-arrival-rate: the workers together start exactly the schedule of one thread', async () => {
    const text = scenario(
      target.url,
      `  open:
    executor: constant-arrival-rate
    rate: 60
    timeUnit: 1s
    duration: 1s
    preAllocatedVUs: 10
    maxVUs: 10
    flow:
      - get: /open`,
    );
    const { summary, events } = await runWith(text, 2);
    const open = summary.scenarios[0];
    assert.equal(open.iterations + open.dropped, 60);
    assert.equal(open.vusAllocated, 10);
    assert.ok(events.some((e) => e.type === 'aggregate' && e.scenarios[0].targetRate === 60));
  });

  it('a process segment, alone or split over two workers, runs exactly its share', async () => {
    const text = scenario(
      target.url,
      `  shared:
    executor: shared-iterations
    vus: 10
    iterations: 100
    flow:
      - get: /segment`,
    );
    // k6: 10 VUs over 0,1/3,2/3,1 → 4/3/3; iterations follow the VUs (re-cut by 10): 40/30/30.
    const shares = [];
    for (const [segment, workers] of [['0:1/3', 2], ['1/3:2/3', 1], ['2/3:1', 2]] as const) {
      const { summary } = await runWith(text, workers, segment, '0,1/3,2/3,1');
      shares.push([summary.scenarios[0].vusAllocated, summary.scenarios[0].iterations]);
    }
    assert.deepEqual(shares, [
      [4, 40],
      [3, 30],
      [3, 30],
    ]);
  });
});
