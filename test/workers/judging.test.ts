// Where a worker run used to judge abortOnFail differently from one thread: each worker judged its own
// part (and stopped itself while the run went on), and the coordinator judged the last, partial second
// that every worker measured after its part had ended (a run that had completed was reported aborted).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunEvent, RunSummary } from '../../src/protocol';
import { startParallelRun } from '../../src/engine/workers/parallel-run';
import { compile } from '../engine/harness';
import { startTarget, type Target } from '../support/target';

let target: Target;
before(async () => {
  target = await startTarget();
});
after(async () => {
  await target.close();
});

async function runWith(text: string, workers: number): Promise<{ summary: RunSummary; events: RunEvent[] }> {
  const events: RunEvent[] = [];
  const handle = startParallelRun(compile(text), { env: {}, workers, source: text, onEvent: (event) => events.push(event) });
  return { summary: await handle.done, events };
}

describe('abortOnFail over worker threads is judged as on one thread', () => {
  it('on the merged seconds only: a worker does not stop itself on its own part', async () => {
    // Each worker has 1 of the 2 VUs: judged alone, `vus_max value>1` fails in every worker at once.
    const text = `name: judged on the whole
baseUrl: ${target.url}
scenarios:
  steady:
    executor: constant-vus
    vus: 2
    duration: 1500ms
    flow:
      - get: /slow?ms=50
thresholds:
  vus_max:
    - { threshold: "value>1", abortOnFail: true }
`;
    const { summary, events } = await runWith(text, 2);
    assert.equal(summary.outcome, 'completed');
    assert.equal(events.filter((e) => e.type === 'threshold-abort').length, 0);
    assert.equal(summary.thresholds[0].abortedRun, undefined);
    // The whole planned duration ran on both workers (a worker that stopped itself ends at its first second).
    assert.ok(summary.durationMs >= 1500, `ran ${summary.durationMs} ms`);
  });

  it('not after the run has ended: the last, partial second fails the threshold without aborting', async () => {
    const text = `name: ends before its first second
baseUrl: ${target.url}
scenarios:
  quick:
    executor: shared-iterations
    vus: 2
    iterations: 6
    flow:
      - get: /quick
thresholds:
  http_reqs:
    - { threshold: "count<3", abortOnFail: true }
`;
    for (const workers of [1, 2]) {
      const { summary, events } = await runWith(text, workers);
      // The premise: every iteration ended within the first second, so no second was judged during the run.
      assert.ok(summary.durationMs < 1000, `${workers} worker(s): ran ${summary.durationMs} ms`);
      assert.equal(summary.outcome, 'completed', `${workers} worker(s)`);
      assert.equal(events.filter((e) => e.type === 'threshold-abort').length, 0, `${workers} worker(s)`);
      assert.deepEqual(
        summary.thresholds.map((t) => [t.ok, t.actual, t.abortedRun]),
        [[false, 6, undefined]],
        `${workers} worker(s)`,
      );
    }
  });
});
