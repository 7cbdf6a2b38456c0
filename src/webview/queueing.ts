// The results panel's "Generator queueing" table: per step, k6's http_req_blocked (the wait for a
// connection) beside Volley's volley_req_queued (the wait in the generator between having a connection
// and being written), so a generator's own backlog reads as such and not as the target's latency. Pure:
// figures in, rows out, tested without a browser.
import type { ScenarioFigures } from '../protocol';
import { editorDuration } from '../format';

export const QUEUEING_HEADER = ['step', 'blocked p95', 'queued p50', 'queued p95', 'queued max'];

export const QUEUEING_CAPTION =
  'volley_req_queued: time a request waited in the load generator after it had its connection, before it was ' +
  'written; in neither http_req_blocked nor http_req_duration. High values: the generator is the bottleneck.';

/** One row per step with requests that recorded the figure (runs recorded before it existed have none). */
export function queueingRows(scenarios: readonly ScenarioFigures[]): string[][] {
  const rows: string[][] = [];
  for (const s of scenarios) {
    for (const step of s.steps) {
      const queued = step.phases.queued;
      if (queued === undefined || queued.count === 0) continue;
      rows.push([
        `${s.scenario} › ${step.step}`,
        editorDuration(step.phases.blocked.p95),
        editorDuration(queued.med),
        editorDuration(queued.p95),
        editorDuration(queued.max),
      ]);
    }
  }
  return rows;
}
