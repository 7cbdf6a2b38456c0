// Merging the runs of a test's execution segments into one run: one event stream and one summary, as if
// one process had run the whole test. The per-second windows of all runs are imported into one
// MetricsRegistry (the same one a run measures into), second by second on the common wall-clock axis,
// so HDR buckets and exact moments add, counters add, and the run ledger (../ledger.ts) reports the
// seconds and builds the summary, the k6 metrics and the thresholds as it does for a single run; rates are
// over the common window, from the earliest start to the latest end. What a merge keeps for itself: the
// runs' diagnoses, logs and aborts are replayed (nothing is judged anew during the merged run).
import { createHash } from 'node:crypto';
import { PROTOCOL_VERSION, type DataExhausted, type Diagnosis, type GeneratorHealth, type RegistryWindow, type RunEvent, type RunSummary, type ScenarioFigures } from '../../protocol';
import { diagnosisKey } from '../doctor';
import { exitCodeOf, RunLedger } from '../ledger';
import { MetricsRegistry } from '../metrics/registry';
import { planFromInfo } from './plan-from-info';
import { MergeInputError, type AggregateEvent, type LifecycleEvent, type RunFile, type TimedEvent } from './read-run';
import { checkSegments } from './segments-check';
import { mergeFailureSamples } from '../samples/merge';

export interface MergeOptions {
  runId?: string;
}

export interface MergedRun {
  /** start, then per second the runs' diagnoses/logs and the merged aggregate, then summary and end. */
  events: RunEvent[];
  summary: RunSummary;
  exitCode: number;
  /** Things the user should know about the inputs (gaps in the segments, skewed starts, stopped runs). */
  notes: string[];
  /** How far apart the runs started, in ms. */
  startSpreadMs: number;
}

/** Starts further apart than this are not "together": the note suggests --start-at. */
const START_SKEW_NOTE_MS = 500;

function label(run: RunFile): string {
  return run.start.segment ? `segment ${run.start.segment.segment}` : run.path;
}

/** The parts of the plan that must be the same in every run: a merge of different tests is meaningless. */
function planShape(run: RunFile): string {
  const { scenarios, thresholds } = run.start.plan;
  return JSON.stringify({
    scenarios: scenarios.map((s) => ({ name: s.name, executor: s.executor, steps: s.steps.map((st) => [st.name, st.index, st.kind]) })),
    thresholds: thresholds.map((t) => [t.key, t.source]),
  });
}

/** One generator's health stands for the fleet: the busiest generator's CPU and event-loop delay, the sum of the rest. */
export function mergeHealth(parts: readonly GeneratorHealth[]): GeneratorHealth {
  const out: GeneratorHealth = { cpuPercent: 0, eventLoopDelayP99Ms: 0, rssBytes: 0, heapUsedBytes: 0, openSockets: 0, newConnections: 0 };
  for (const h of parts) {
    out.cpuPercent = Math.max(out.cpuPercent, h.cpuPercent);
    out.eventLoopDelayP99Ms = Math.max(out.eventLoopDelayP99Ms, h.eventLoopDelayP99Ms);
    out.rssBytes += h.rssBytes;
    out.heapUsedBytes += h.heapUsedBytes;
    out.openSockets += h.openSockets;
    out.newConnections += h.newConnections;
  }
  return out;
}

function mergedRunId(runs: readonly RunFile[]): string {
  const hash = createHash('sha256');
  for (const run of runs) hash.update(run.start.runId).update('\0');
  return `merged-${hash.digest('hex').slice(0, 12)}`;
}

/**
 * One stage (setup or teardown) of every run, as one: each segment process ran its own, as k6's instances
 * do, so their requests add up. Their windows go into a registry of the stage's steps, as the run measured
 * them; undefined when no run ran the stage.
 */
function mergeStage(runs: readonly RunFile[], stage: LifecycleEvent['stage'], t: number): { event: LifecycleEvent; figures: ScenarioFigures } | undefined {
  const events = runs.flatMap((run) => run.lifecycle.filter((e) => e.stage === stage));
  const first = events[0];
  if (first === undefined) return undefined;
  const steps = first.figures.steps.map((s) => ({ name: s.step, index: s.stepIndex, line: 1, kind: 'request' as const }));
  const info = { file: '', name: stage, thresholds: [], scenarios: [{ name: stage, executor: 'per-vu-iterations', startTimeMs: 0, durationMs: 0, gracefulStopMs: 0, maxVUs: 1, steps }] };
  const registry = new MetricsRegistry(planFromInfo(info, []).plan);
  registry.importWindows(events.map((e) => e.window!));
  // The merged window goes out too, as the aggregates' do, so a merged run can itself be merged.
  const window = registry.exportWindow();
  const figures = registry.tick()[0]!;
  return { event: { type: 'lifecycle', t, stage, figures, window }, figures };
}

/**
 * The `unique` data sets any segment ran out of: segments share a set's rows (each reads its own stripe), so
 * one that ran out ran out for the test, and the scenarios it ended are those of every segment it ended.
 */
export function mergeDataExhausted(runs: readonly RunFile[]): DataExhausted[] {
  const bySet = new Map<string, DataExhausted>();
  for (const run of runs) {
    for (const e of run.summary.dataExhausted ?? []) {
      const merged = bySet.get(e.dataSet);
      if (merged === undefined) bySet.set(e.dataSet, { dataSet: e.dataSet, rows: e.rows, scenarios: [...e.scenarios] });
      else for (const s of e.scenarios) if (!merged.scenarios.includes(s)) merged.scenarios.push(s);
    }
  }
  return [...bySet.values()];
}

export function mergeRuns(runs: readonly RunFile[], options: MergeOptions = {}): MergedRun {
  if (runs.length === 0) throw new MergeInputError('no runs to merge');
  const first = runs[0];
  const shape = planShape(first);
  for (const run of runs.slice(1)) {
    if (planShape(run) !== shape) {
      throw new MergeInputError(
        `${run.path} ran a different test than ${first.path} (scenarios, steps or thresholds differ): only the segments of one test merge`,
      );
    }
  }
  const coverage = checkSegments(runs);
  const notes = [...coverage.notes];

  const checks = runs.flatMap((run) => run.summary.checks ?? []);
  const { plan, problems } = planFromInfo(first.start.plan, checks);
  notes.push(...problems);

  // The common clock: 0 is the earliest start; each run's second t lands on the nearest common second.
  const starts = runs.map((run) => Date.parse(run.start.startedAt));
  const t0 = Math.min(...starts);
  const end = Math.max(...runs.map((run, i) => starts[i] + run.summary.durationMs));
  const durationMs = end - t0;
  const offsets = starts.map((s) => (s - t0) / 1000);
  const startSpreadMs = Math.max(...starts) - t0;
  if (startSpreadMs > START_SKEW_NOTE_MS) {
    notes.push(`the runs started up to ${(startSpreadMs / 1000).toFixed(1)}s apart: start them together with --start-at (seconds are aligned to the nearest one)`);
  }

  const bySecond = new Map<number, Array<{ window: RegistryWindow; health: GeneratorHealth }>>();
  let lastSecond = 0;
  runs.forEach((run, r) => {
    for (const aggregate of run.aggregates as AggregateEvent[]) {
      const second = Math.max(1, Math.round(offsets[r] + aggregate.t));
      let list = bySecond.get(second);
      if (list === undefined) bySecond.set(second, (list = []));
      list.push({ window: aggregate.window!, health: aggregate.health });
      if (second > lastSecond) lastSecond = second;
    }
  });

  // Diagnoses, logs and threshold aborts, on the common clock, in the order a single run emits them: an
  // event at t comes after the aggregate of second t (a diagnosis or an abort is judged on that aggregate).
  const timed: TimedEvent[] = [];
  runs.forEach((run, r) => {
    const segmented = runs.length > 1;
    for (const event of run.timed) {
      const t = Math.round((event.t + offsets[r]) * 10) / 10;
      timed.push(event.type === 'log' && segmented ? { ...event, t, message: `[${label(run)}] ${event.message}` } : { ...event, t });
    }
  });
  timed.sort((a, b) => a.t - b.t);

  const runId = options.runId ?? mergedRunId(runs);
  const startedAt = new Date(t0).toISOString();
  const start: RunEvent = {
    type: 'start',
    v: PROTOCOL_VERSION,
    runId,
    startedAt,
    engineVersion: first.start.engineVersion,
    plan: first.start.plan,
  };
  if (coverage.union !== undefined) start.segment = coverage.union;
  const events: RunEvent[] = [start];
  const setup = mergeStage(runs, 'setup', 0);
  if (setup !== undefined) events.push(setup.event);

  const registry = new MetricsRegistry(plan);
  // The merged window goes out too, so a merged run can itself be merged (e.g. per region, then all).
  const ledger = new RunLedger({ runId, startedAt, registry, thresholds: plan.thresholds, emit: (e) => events.push(e), windowOnAggregate: true });
  let nextTimed = 0;
  const flushBefore = (t: number): void => {
    while (nextTimed < timed.length && timed[nextTimed].t < t) events.push(timed[nextTimed++]);
  };
  for (let second = 1; second <= lastSecond; second++) {
    const parts = bySecond.get(second);
    if (parts === undefined) continue;
    flushBefore(second);
    ledger.second({ t: second, windows: parts.map((p) => p.window), health: mergeHealth(parts.map((p) => p.health)) });
  }
  flushBefore(Infinity);
  registry.importChecks(checks);

  for (const run of runs) {
    ledger.partEnded(run.summary.outcome);
    if (run.summary.outcome === 'stopped') notes.push(`${run.path} (${label(run)}) was stopped before its end: the merged run is partial`);
    if (run.summary.outcome === 'interrupted') notes.push(`${run.path} (${label(run)}) was interrupted`);
  }
  const abort = timed.find((e): e is Extract<TimedEvent, { type: 'threshold-abort' }> => e.type === 'threshold-abort');
  if (abort !== undefined) {
    ledger.partEnded('aborted-by-threshold', abort.threshold);
    notes.push(`a threshold with abortOnFail (${abort.threshold.key}: ${abort.threshold.source}) ended a segment's run early, judged on that segment alone`);
  }

  const diagnoses = new Map<string, Diagnosis>();
  for (const run of runs) for (const d of run.summary.diagnoses) diagnoses.set(diagnosisKey(d), d);
  const teardown = mergeStage(runs, 'teardown', Math.round(durationMs / 100) / 10);
  if (teardown !== undefined) events.push(teardown.event);
  const failureSamples = mergeFailureSamples(runs.map((run) => run.summary.failureSamples));
  const summary = ledger.finish({ durationMs, diagnoses: [...diagnoses.values()], failureSamples });
  // The summary event holds this object: its stages are the merged ones, as a run's session adds its own.
  const stages = [setup, teardown].flatMap((s) => (s === undefined ? [] : [s.figures]));
  if (stages.length > 0) summary.lifecycle = stages;
  const exhausted = mergeDataExhausted(runs);
  if (exhausted.length > 0) summary.dataExhausted = exhausted;
  const exitCode = exitCodeOf(summary);
  events.push({ type: 'end', exitCode });
  return { events, summary, exitCode, notes, startSpreadMs };
}
