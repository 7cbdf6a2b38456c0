// `group:` figures as the editor shows them (k6's group_duration per group path): the results panel's
// "Per group" table, the group line's figures in the inline review, and the notice of a `unique` data set
// that ran out. Pure: figures in, rows and sentences out, so it is tested without a browser or an editor.
import type { DataExhausted, GroupFigures, PlanInfo, ScenarioFigures } from '../protocol';
import { editorCount, editorDuration, editorPercent } from '../format';

export interface GroupRow {
  scenario: string;
  group: string;
  passes: string;
  avg: string;
  p50: string;
  p95: string;
  p99: string;
  max: string;
  /** Requests tagged with the group (k6's `group` tag: a nested group's requests are in its own row). */
  requests: string;
  failed: string;
}

/** The group path each request step is in (the plan's `group` of a step), by scenario and step index. */
function stepGroups(plan: PlanInfo | undefined): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const s of plan?.scenarios ?? []) {
    out.set(s.name, new Map(s.steps.flatMap((st) => (st.group === undefined ? [] : [[st.index, st.group] as const]))));
  }
  return out;
}

export function groupRows(scenarios: readonly ScenarioFigures[], plan: PlanInfo | undefined): GroupRow[] {
  const groupsOf = stepGroups(plan);
  return scenarios.flatMap((s) =>
    (s.groups ?? []).map((g) => {
      const t = g.duration;
      const ms = (v: number): string => (t.count > 0 ? editorDuration(v) : '–');
      let requests = 0;
      let failed = 0;
      const inGroup = groupsOf.get(s.scenario);
      for (const step of s.steps) {
        if (inGroup?.get(step.stepIndex) !== g.group) continue;
        requests += step.requests;
        failed += step.failed;
      }
      return {
        scenario: s.scenario,
        group: g.group,
        passes: editorCount(t.count),
        avg: ms(t.avg),
        p50: ms(t.med),
        p95: ms(t.p95),
        p99: ms(t.p99),
        max: ms(t.max),
        requests: editorCount(requests),
        failed: requests > 0 ? editorPercent(failed / requests) : '–',
      };
    }),
  );
}

/** A group's figures at the end of its `group:` line: `p95 1.24 s · 340 passes`. */
export function groupLineText(g: GroupFigures): string {
  const passes = `${editorCount(g.duration.count)} pass${g.duration.count === 1 ? '' : 'es'}`;
  return g.duration.count > 0 ? `p95 ${editorDuration(g.duration.p95)} · ${passes}` : 'no passes';
}

/** `data set users: all 40 unique rows were used; scenario "buyers" started no more iterations`, as the text summary says it. */
export function dataExhaustedText(e: DataExhausted): string {
  const scenarios = e.scenarios.map((s) => `"${s}"`).join(', ');
  return `data set ${e.dataSet}: all ${editorCount(e.rows)} unique rows were used; scenario${e.scenarios.length === 1 ? '' : 's'} ${scenarios} started no more iterations`;
}
