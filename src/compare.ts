// The delta table of two runs: the figures people compare (throughput, latency percentiles, failures,
// drops, checks, per step p50/p95/p99, failure rate and throughput, and each group's group_duration p95),
// with the change and whether it is better or worse, and the baseline gate on it (a step's p95 or failure
// rate beyond a limit). Pure, no imports but the protocol's types and the formats: the results panel's
// compare view and `volley compare` / `volley run --baseline` read the same rows.
import type { RunEvent, RunSummary, StepFigures } from './protocol';
import { editorCount, editorDuration, editorPercent, editorRate } from './format';

export interface CompareRow {
  name: string;
  a: string;
  b: string;
  delta: string;
  verdict: 'better' | 'worse' | 'same' | 'n/a';
}

type Direction = 'lower' | 'higher';
type Kind = 'ms' | 'rate' | 'fraction' | 'count';

/** A run's summary: the last summary event (a run ends with one; undefined while it runs or when stopped). */
export function summaryOf(events: readonly RunEvent[]): RunSummary | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'summary') return e.summary;
  }
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
  for (const delta of stepDeltas(sa, sb)) rows.push(...delta.rows);
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

/** One step's figures that a comparison looks at; throughput in requests/s over the run. */
export interface StepNumbers {
  p50: number;
  p95: number;
  p99: number;
  failureRate: number;
  throughput: number;
}

export interface StepDelta {
  /** `scenario › step`. */
  name: string;
  scenario: string;
  step: string;
  base: StepNumbers;
  run: StepNumbers;
  /** p50, p95, p99, failed, requests/s: the compare view's rows of this step. */
  rows: CompareRow[];
}

function stepNumbers(step: StepFigures, durationMs: number): StepNumbers {
  return {
    p50: step.duration.med,
    p95: step.duration.p95,
    p99: step.duration.p99,
    failureRate: step.requests > 0 ? step.failed / step.requests : 0,
    throughput: durationMs > 0 ? step.requests / (durationMs / 1000) : 0,
  };
}

/** Each step that made requests in both runs, by scenario and step name, in the second run's order. */
export function stepDeltas(base: RunSummary | undefined, run: RunSummary | undefined): StepDelta[] {
  const stepsOf = (s: RunSummary | undefined) =>
    new Map((s?.scenarios ?? []).flatMap((sc) => sc.steps.filter((st) => st.requests > 0).map((st) => [`${sc.scenario} › ${st.step}`, st] as const)));
  const baseSteps = stepsOf(base);
  const deltas: StepDelta[] = [];
  for (const [name, stepB] of stepsOf(run)) {
    const stepA = baseSteps.get(name);
    if (!stepA || !base || !run) continue;
    const a = stepNumbers(stepA, base.durationMs);
    const b = stepNumbers(stepB, run.durationMs);
    deltas.push({
      name,
      scenario: stepB.scenario,
      step: stepB.step,
      base: a,
      run: b,
      rows: [
        compareRow(`${name} p50`, a.p50, b.p50, 'ms', 'lower'),
        compareRow(`${name} p95`, a.p95, b.p95, 'ms', 'lower'),
        compareRow(`${name} p99`, a.p99, b.p99, 'ms', 'lower'),
        compareRow(`${name} failed`, a.failureRate, b.failureRate, 'fraction', 'lower'),
        compareRow(`${name} requests/s`, a.throughput, b.throughput, 'rate', 'higher'),
      ],
    });
  }
  return deltas;
}

export interface Regression {
  step: string;
  figure: 'p95' | 'failure rate';
  base: number;
  run: number;
}

/**
 * The baseline gate: a step regressed when its p95 grew by more than `limit` (0.1 for 10%) of the baseline's,
 * or its failure rate grew by more than `limit` of the baseline's and by at least 0.1 percentage point (so a
 * baseline without failures is not failed by one stray error in thousands of requests).
 */
export function regressions(deltas: readonly StepDelta[], limit: number): Regression[] {
  const found: Regression[] = [];
  for (const d of deltas) {
    if (d.run.p95 > d.base.p95 * (1 + limit)) found.push({ step: d.name, figure: 'p95', base: d.base.p95, run: d.run.p95 });
    const rise = d.run.failureRate - d.base.failureRate;
    if (rise > d.base.failureRate * limit && rise >= 0.001) {
      found.push({ step: d.name, figure: 'failure rate', base: d.base.failureRate, run: d.run.failureRate });
    }
  }
  return found;
}
