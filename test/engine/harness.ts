// Compiles a scenario file's text and runs it with startRun, collecting every event. The target the
// runs drive is the shared one (test/support/target.ts).
import type { RunEvent, RunSummary } from '../../src/protocol';
import { startRun, type RunHandle } from '../../src/engine/run';
import { loadScenario } from '../../src/engine/scenario/index';
import type { Plan } from '../../src/engine/scenario/plan';
import type { WorkShare } from '../../src/engine/segments';

export function compile(text: string): Plan {
  const { diagnostics, plan } = loadScenario(text, 'test.volley.yaml');
  if (plan === undefined) {
    throw new Error(`the test scenario does not compile:\n${diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('\n')}`);
  }
  return plan;
}

export interface Collected {
  handle: RunHandle;
  /** performance.now() when startRun was called. */
  startedAt: number;
  events: Array<RunEvent & { at: number }>;
  /** ms from startRun to the summary. */
  finished: Promise<{ summary: RunSummary; took: number }>;
  ofType<T extends RunEvent['type']>(type: T): Array<Extract<RunEvent, { type: T }> & { at: number }>;
}

/**
 * Runs without the priming before the clock (primeHttp) unless asked: the tests time events from the startRun
 * call, and priming is a few hundred ms of startup that test/cli/first-request.test.ts covers.
 */
export function run(plan: Plan, options: { scenarios?: string[]; env?: Record<string, string>; warmUp?: boolean; primeHttp?: boolean; share?: WorkShare } = {}): Collected {
  const events: Array<RunEvent & { at: number }> = [];
  const started = performance.now();
  const handle = startRun(plan, {
    env: options.env ?? {},
    scenarios: options.scenarios,
    warmUp: options.warmUp,
    primeHttp: options.primeHttp ?? false,
    share: options.share,
    onEvent: (event) => events.push({ ...event, at: performance.now() - started }),
  });
  return {
    handle,
    startedAt: started,
    events,
    finished: handle.done.then((summary) => ({ summary, took: performance.now() - started })),
    ofType: <T extends RunEvent['type']>(type: T) =>
      events.filter((event) => event.type === type) as Array<Extract<RunEvent, { type: T }> & { at: number }>,
  };
}
