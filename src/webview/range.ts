// The per-scenario, per-step and per-error figures of a range of seconds, for the tables the panel shows
// when the charts are zoomed. Each aggregate event is one second of the registry (its window, as the
// engine's tick reported it), so counts — requests, failures, error classes, statuses, checks, bytes,
// iterations — and a trend's count, mean, min and max over a range are exact sums of those seconds. A
// percentile of a range is not a function of the seconds' percentiles: it is the seconds' percentiles
// weighted by their counts, marked as approximate where it is shown. Pure (no DOM), so it is tested in Node.
import type { GroupFigures, RunEvent, ScenarioFigures, StepFigures, TrendStats } from '../protocol';

/** Seconds since the run started, inclusive at both ends: the aggregates whose `t` is in [from, to]. */
export interface SecondRange {
  from: number;
  to: number;
}

type Aggregate = Extract<RunEvent, { type: 'aggregate' }>;

/**
 * The whole seconds of `seconds` (sorted) between two x positions: those inside, or the nearest one when the
 * selection falls between two. Undefined when there are no seconds.
 */
export function secondsOf(seconds: readonly number[], a: number, b: number): SecondRange | undefined {
  if (seconds.length === 0) return undefined;
  const inside = seconds.filter((t) => t >= a && t <= b);
  if (inside.length > 0) return { from: inside[0]!, to: inside[inside.length - 1]! };
  const nearest = seconds.reduce((best, t) => (Math.abs(t - (a + b) / 2) < Math.abs(best - (a + b) / 2) ? t : best), seconds[0]!);
  return { from: nearest, to: nearest };
}

export function aggregatesIn(events: readonly RunEvent[], range: SecondRange): Aggregate[] {
  return events.filter((e): e is Aggregate => e.type === 'aggregate' && e.t >= range.from && e.t <= range.to);
}

const EMPTY: TrendStats = { count: 0, avg: 0, min: 0, med: 0, max: 0, p90: 0, p95: 0, p99: 0 };

/** Count, mean, min and max exactly; the percentiles weighted by each second's count. */
export function combineTrends(parts: readonly TrendStats[]): TrendStats {
  const seen = parts.filter((p) => p.count > 0);
  if (seen.length === 0) return { ...EMPTY };
  const count = seen.reduce((n, p) => n + p.count, 0);
  const weighted = (field: 'avg' | 'med' | 'p90' | 'p95' | 'p99'): number => seen.reduce((sum, p) => sum + p[field] * p.count, 0) / count;
  return {
    count,
    avg: weighted('avg'),
    min: Math.min(...seen.map((p) => p.min)),
    med: weighted('med'),
    max: Math.max(...seen.map((p) => p.max)),
    p90: weighted('p90'),
    p95: weighted('p95'),
    p99: weighted('p99'),
  };
}

function addCounts(into: Record<string, number>, from: Record<string, number | undefined>): void {
  for (const [key, n] of Object.entries(from)) if (n) into[key] = (into[key] ?? 0) + n;
}

function combineSteps(parts: readonly StepFigures[]): StepFigures {
  const first = parts[0]!;
  const errors: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  let requests = 0;
  let failed = 0;
  let checksPassed = 0;
  let checksFailed = 0;
  let dataSent = 0;
  let dataReceived = 0;
  for (const p of parts) {
    requests += p.requests;
    failed += p.failed;
    checksPassed += p.checksPassed;
    checksFailed += p.checksFailed;
    dataSent += p.dataSent;
    dataReceived += p.dataReceived;
    addCounts(errors, p.errors);
    addCounts(statuses, p.statuses);
  }
  const phase = (name: Exclude<keyof StepFigures['phases'], 'queued'>): TrendStats => combineTrends(parts.map((p) => p.phases[name]));
  return {
    scenario: first.scenario,
    step: first.step,
    stepIndex: first.stepIndex,
    requests,
    failed,
    duration: combineTrends(parts.map((p) => p.duration)),
    phases: {
      blocked: phase('blocked'),
      connecting: phase('connecting'),
      tlsHandshaking: phase('tlsHandshaking'),
      sending: phase('sending'),
      waiting: phase('waiting'),
      receiving: phase('receiving'),
      ...(parts.some((p) => p.phases.queued) ? { queued: combineTrends(parts.flatMap((p) => (p.phases.queued ? [p.phases.queued] : []))) } : {}),
    },
    errors,
    statuses,
    checksPassed,
    checksFailed,
    dataSent,
    dataReceived,
  };
}

function byKey<T>(items: Iterable<T>, key: (item: T) => string | number): Map<string | number, T[]> {
  const out = new Map<string | number, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The last range added up: a live run re-renders every second, and its new seconds are after a zoomed range. */
let last: { seconds: Aggregate[]; figures: ScenarioFigures[] } | undefined;

/**
 * The figures of the seconds in `range`, in the shape of a summary's scenarios (in the order they first
 * appear): the tables render them as they render the run's. VUs are the most any second of the range had.
 */
export function rangeFigures(events: readonly RunEvent[], range: SecondRange): ScenarioFigures[] {
  const seconds = aggregatesIn(events, range);
  if (last && last.seconds.length === seconds.length && last.seconds.every((a, i) => a === seconds[i])) return last.figures;
  const figures = addUp(seconds);
  last = { seconds, figures };
  return figures;
}

function addUp(seconds: readonly Aggregate[]): ScenarioFigures[] {
  const scenarios = byKey(
    seconds.flatMap((a) => a.scenarios),
    (s) => s.scenario,
  );
  return [...scenarios.values()].map((parts) => {
    const last = parts[parts.length - 1]!;
    const steps = [...byKey(parts.flatMap((p) => p.steps), (st) => st.stepIndex).values()].map(combineSteps).sort((a, b) => a.stepIndex - b.stepIndex);
    const groups = [...byKey(parts.flatMap((p) => p.groups ?? []), (g) => g.groupIndex).values()].map(
      (gs): GroupFigures => ({ ...gs[0]!, duration: combineTrends(gs.map((g) => g.duration)) }),
    );
    const figures: ScenarioFigures = {
      scenario: last.scenario,
      iterations: parts.reduce((n, p) => n + p.iterations, 0),
      dropped: parts.reduce((n, p) => n + p.dropped, 0),
      interrupted: parts.reduce((n, p) => n + p.interrupted, 0),
      iterationDuration: combineTrends(parts.map((p) => p.iterationDuration)),
      lateness: combineTrends(parts.map((p) => p.lateness)),
      vusActive: Math.max(...parts.map((p) => p.vusActive)),
      vusAllocated: Math.max(...parts.map((p) => p.vusAllocated)),
      vusMax: Math.max(...parts.map((p) => p.vusMax)),
      steps,
    };
    if (groups.length > 0) figures.groups = groups.sort((a, b) => a.groupIndex - b.groupIndex);
    return figures;
  });
}

/** `12–40 s` (or `12 s`): the range as the tables' titles name it. */
export function rangeText(range: SecondRange): string {
  return range.from === range.to ? `second ${range.from}` : `seconds ${range.from}–${range.to}`;
}
