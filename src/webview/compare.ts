// The delta table of two runs: the figures people compare (throughput, latency percentiles, failures,
// drops, checks, each step's p95, each group's group_duration p95), with the change and whether it is better or worse. Pure, tested in Node.
import type { RunEvent, RunSummary } from '../protocol';
import { editorCount, editorDuration, editorPercent, editorRate } from '../format';

export interface CompareRow {
  name: string;
  a: string;
  b: string;
  delta: string;
  verdict: 'better' | 'worse' | 'same' | 'n/a';
}

type Direction = 'lower' | 'higher';
type Kind = 'ms' | 'rate' | 'fraction' | 'count';

function summaryOf(events: readonly RunEvent[]): RunSummary | undefined {
  for (const e of events) if (e.type === 'summary') return e.summary;
  return undefined;
}

function format(kind: Kind, v: number): string {
  if (kind === 'ms') return editorDuration(v);
  if (kind === 'rate') return `${editorRate(v)}/s`;
  if (kind === 'fraction') return editorPercent(v);
  return editorCount(v);
}

export function compareRow(name: string, a: number | undefined, b: number | undefined, kind: Kind, better: Direction): CompareRow {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) {
    return { name, a: a === undefined ? '–' : format(kind, a), b: b === undefined ? '–' : format(kind, b), delta: '–', verdict: 'n/a' };
  }
  const diff = b - a;
  const relative = a !== 0 ? diff / Math.abs(a) : undefined;
  // Under 2% (or no change in a count) is noise between two runs, not a difference.
  const same = kind === 'count' || kind === 'fraction' ? diff === 0 : Math.abs(relative ?? (diff === 0 ? 0 : 1)) < 0.02;
  const sign = diff > 0 ? '+' : diff < 0 ? '−' : '±';
  const magnitude = kind === 'fraction' ? `${+(Math.abs(diff) * 100).toFixed(2)} pts` : format(kind, Math.abs(diff));
  const delta = `${sign}${magnitude}${relative !== undefined && kind !== 'fraction' ? ` (${sign}${Math.abs(relative * 100).toFixed(1)}%)` : ''}`;
  const verdict = same ? 'same' : (diff < 0) === (better === 'lower') ? 'better' : 'worse';
  return { name, a: format(kind, a), b: format(kind, b), delta, verdict };
}

export function compareRows(a: readonly RunEvent[], b: readonly RunEvent[]): CompareRow[] {
  const sa = summaryOf(a);
  const sb = summaryOf(b);
  const metric = (s: RunSummary | undefined, name: string, field: string): number | undefined => s?.metrics[name]?.[field];
  const rows: CompareRow[] = [
    compareRow('requests/s', metric(sa, 'http_reqs', 'rate'), metric(sb, 'http_reqs', 'rate'), 'rate', 'higher'),
    compareRow('requests', metric(sa, 'http_reqs', 'count'), metric(sb, 'http_reqs', 'count'), 'count', 'higher'),
    compareRow('duration p50', metric(sa, 'http_req_duration', 'med'), metric(sb, 'http_req_duration', 'med'), 'ms', 'lower'),
    compareRow('duration p95', metric(sa, 'http_req_duration', 'p(95)'), metric(sb, 'http_req_duration', 'p(95)'), 'ms', 'lower'),
    compareRow('duration p99', metric(sa, 'http_req_duration', 'p(99)'), metric(sb, 'http_req_duration', 'p(99)'), 'ms', 'lower'),
    compareRow('failed requests', metric(sa, 'http_req_failed', 'rate'), metric(sb, 'http_req_failed', 'rate'), 'fraction', 'lower'),
    compareRow('checks passed', metric(sa, 'checks', 'rate'), metric(sb, 'checks', 'rate'), 'fraction', 'higher'),
    compareRow('iterations', metric(sa, 'iterations', 'count'), metric(sb, 'iterations', 'count'), 'count', 'higher'),
    compareRow('dropped iterations', metric(sa, 'dropped_iterations', 'count') ?? (sa ? 0 : undefined), metric(sb, 'dropped_iterations', 'count') ?? (sb ? 0 : undefined), 'count', 'lower'),
    compareRow(
      'thresholds failed',
      sa?.thresholds.filter((t) => !t.ok).length,
      sb?.thresholds.filter((t) => !t.ok).length,
      'count',
      'lower',
    ),
  ];
  // Each step present in both runs, by scenario and step name.
  const stepsOf = (s: RunSummary | undefined) =>
    new Map((s?.scenarios ?? []).flatMap((sc) => sc.steps.filter((st) => st.requests > 0).map((st) => [`${sc.scenario} › ${st.step}`, st] as const)));
  const stepsA = stepsOf(sa);
  for (const [name, stepB] of stepsOf(sb)) {
    const stepA = stepsA.get(name);
    if (stepA) rows.push(compareRow(`${name} p95`, stepA.duration.p95, stepB.duration.p95, 'ms', 'lower'));
  }
  // Each group with passes in both runs, by scenario and group path: its group_duration p95.
  const groupsOf = (s: RunSummary | undefined) =>
    new Map((s?.scenarios ?? []).flatMap((sc) => (sc.groups ?? []).filter((g) => g.duration.count > 0).map((g) => [`${sc.scenario} › group ${g.group}`, g] as const)));
  const groupsA = groupsOf(sa);
  for (const [name, groupB] of groupsOf(sb)) {
    const groupA = groupsA.get(name);
    if (groupA) rows.push(compareRow(`${name} p95`, groupA.duration.p95, groupB.duration.p95, 'ms', 'lower'));
  }
  return rows;
}
