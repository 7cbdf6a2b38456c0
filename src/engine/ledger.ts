// The run ledger: the one place that turns a run's seconds into its event stream and its end into the
// summary, whoever measured them — a single-thread run (its own registry, on its timers), the worker
// coordinator (windows merged from its threads) or `volley merge` (windows replayed from segment runs).
// Per second: take the window (for whoever merges it later), tick the registry, emit the aggregate, let
// the doctor observe it, and judge abortOnFail thresholds. At the end: the final thresholds (k6's empty
// sinks as 0), the summary, the doctor's last word, the summary event. Callers keep only what differs:
// where a second's samples come from, when a second is due, how the generator's health is measured.
import { EXIT, type Diagnosis, type FailureSampleGroup, type GeneratorHealth, type RegistryWindow, type RunEvent, type RunSummary, type ThresholdResult } from '../protocol';
import type { Doctor } from './doctor';
import type { MetricsRegistry } from './metrics/registry';
import { buildRunSummary } from './report/summary';
import type { ThresholdPlan } from './scenario/plan';
import { evaluateThresholds, shouldAbort } from './thresholds';

export type RunOutcome = RunSummary['outcome'];

/** When parts of one run ended differently, the run ended the worst way: an abort over a stop over an interruption. */
const OUTCOME_RANK: Record<RunOutcome, number> = { completed: 0, interrupted: 1, stopped: 2, 'aborted-by-threshold': 3 };

export interface RunLedgerOptions {
  runId: string;
  /** ISO time the run started. */
  startedAt: string;
  registry: MetricsRegistry;
  thresholds: readonly ThresholdPlan[];
  /** The scenarios this run shows (`--scenario`); undefined when every scenario of the registry is shown. */
  shown?: ReadonlySet<string>;
  emit: (event: RunEvent) => void;
  /** Observes every second and has the last word at the end; absent when the diagnoses are replayed (merge). */
  doctor?: Doctor;
  /**
   * Ends the run early (stop the executors, or the workers) when an abortOnFail threshold fails. Absent:
   * nothing is judged during the run (a merge replays the runs' own aborts; a worker thread's part is judged
   * on the merged seconds by its coordinator).
   */
  onAbort?: () => void;
  /** Each second's window (every scenario of the registry) before it is folded, for a thread or process that merges parts. */
  onWindow?: (t: number, window: RegistryWindow, final: boolean) => void;
  /** Put each second's window on its aggregate event (a merged run, so it can be merged again). */
  windowOnAggregate?: boolean;
}

/** One second as the caller measured it. */
export interface LedgerSecond {
  /** Seconds since the start; the aggregate covers (t-1, t]. */
  t: number;
  health: GeneratorHealth;
  /** The windows of the parts (threads, segments) that measured this second; absent when the registry recorded it itself. */
  windows?: readonly RegistryWindow[];
  /** The run's clock now, for abortOnFail's delayAbortEval and the counters' rates. */
  elapsedMs?: number;
}

export interface LedgerEnd {
  durationMs: number;
  /** The diagnoses of a replayed run (merge), in place of the doctor's. */
  diagnoses?: Diagnosis[];
  /** The run's failure samples (src/engine/samples), merged over its parts. */
  failureSamples?: FailureSampleGroup[];
}

export class RunLedger {
  private outcome: RunOutcome = 'completed';
  private abortedBy: Pick<ThresholdResult, 'key' | 'source'> | undefined;
  private judging: boolean;
  private last = 0;

  constructor(private readonly options: RunLedgerOptions) {
    this.judging = options.onAbort !== undefined && options.thresholds.some((t) => t.abortOnFail);
  }

  /** The last second reported (0 before the first). */
  get lastSecond(): number {
    return this.last;
  }

  /** A second while the run goes on: reported, and abortOnFail thresholds judged on everything so far. */
  second(second: LedgerSecond): void {
    this.report(second, false);
    if (!this.judging) return;
    const elapsedMs = second.elapsedMs ?? this.options.registry.elapsedMs();
    const results = evaluateThresholds(this.options.thresholds, this.options.registry, elapsedMs, false);
    const abort = shouldAbort(results, this.options.thresholds, elapsedMs);
    if (abort === undefined) return;
    this.judging = false;
    this.abortedBy = abort;
    this.outcome = 'aborted-by-threshold';
    this.options.emit({ type: 'threshold-abort', t: second.t, threshold: abort });
    this.options.onAbort!();
  }

  /**
   * A second measured after every part of the run had ended (the last, partial one): reported, not judged.
   * k6 judges abortOnFail only while the test runs; a run that has ended is not aborted, its thresholds fail.
   */
  finalSecond(second: LedgerSecond): void {
    this.report(second, true);
  }

  /** Stopped from outside: no abort can end the run any more. */
  stop(): void {
    if (this.outcome === 'completed') this.outcome = 'stopped';
    this.judging = false;
  }

  /** A part of the run (worker thread, segment) ended this way; with `abortedBy` when its own threshold ended it. */
  partEnded(outcome: RunOutcome, abortedBy?: Pick<ThresholdResult, 'key' | 'source'>): void {
    if (OUTCOME_RANK[outcome] > OUTCOME_RANK[this.outcome]) this.outcome = outcome;
    if (abortedBy !== undefined && this.abortedBy === undefined) this.abortedBy = { key: abortedBy.key, source: abortedBy.source };
  }

  /** The final thresholds and the summary; emits the doctor's late diagnoses and the `summary` event. */
  finish(end: LedgerEnd): RunSummary {
    const { registry, thresholds, doctor, shown } = this.options;
    const { durationMs } = end;
    const summary = buildRunSummary({
      runId: this.options.runId,
      startedAt: this.options.startedAt,
      durationMs,
      outcome: this.outcome,
      registry,
      thresholds,
      thresholdResults: evaluateThresholds(thresholds, registry, durationMs, true, this.abortedBy),
      diagnoses: end.diagnoses ?? [],
    });
    if (shown !== undefined) summary.scenarios = summary.scenarios.filter((s) => shown.has(s.scenario));
    if (doctor !== undefined) {
      const diagnosed = doctor.finish({ durationMs, outcome: this.outcome, scenarios: summary.scenarios, histograms: summary.histograms });
      const t = Math.ceil(durationMs / 1000);
      for (const diagnosis of diagnosed.late) this.options.emit({ type: 'diagnosis', t, diagnosis });
      summary.diagnoses = diagnosed.final;
    }
    if (end.failureSamples !== undefined && end.failureSamples.length > 0) summary.failureSamples = end.failureSamples;
    this.options.emit({ type: 'summary', summary });
    return summary;
  }

  private report({ t, health, windows }: LedgerSecond, final: boolean): void {
    const { registry, shown, emit, doctor } = this.options;
    if (windows !== undefined) registry.importWindows(windows);
    const window = this.options.onWindow !== undefined || this.options.windowOnAggregate === true ? registry.exportWindow() : undefined;
    if (window !== undefined) this.options.onWindow?.(t, window, final);
    const figures = registry.tick(t);
    const scenarios = shown === undefined ? figures : figures.filter((f) => shown.has(f.scenario));
    const aggregate: RunEvent = { type: 'aggregate', t, scenarios, health };
    if (this.options.windowOnAggregate === true) aggregate.window = window;
    emit(aggregate);
    if (doctor !== undefined) for (const diagnosis of doctor.observe({ t, scenarios, health })) emit({ type: 'diagnosis', t, diagnosis });
    this.last = t;
  }
}

/** k6's exit code for a run's summary; `stoppedFromOutside` when the user stopped it (Ctrl-C, Stop in the editor). */
export function exitCodeOf(summary: RunSummary, stoppedFromOutside = false): number {
  if (stoppedFromOutside || summary.outcome === 'stopped') return EXIT.externalAbort;
  if (summary.outcome === 'aborted-by-threshold') return EXIT.thresholdAbort;
  if (summary.thresholds.some((t) => !t.ok)) return EXIT.thresholdsFailed;
  return EXIT.ok;
}
