// One run from a validated plan to its `end` event, the same for the CLI and the IPC child: secrets are
// redacted from every event, events go to NDJSON as they come, and the exit code follows k6's rules.
import { randomUUID } from 'node:crypto';
import { EXIT, PROTOCOL_VERSION, type RegistryWindow, type RunEvent, type RunSummary, type ScenarioFigures } from '../../protocol';
import { version as engineVersion } from '../../../package.json';
import { runLifecycle, type LifecycleResult, type LifecycleRun, type LifecycleStage } from '../lifecycle';
import { planInfo, selectScenarios } from '../run';
import { exitCodeOf } from '../ledger';
import { startParallelRun } from '../workers/parallel-run';
import { exhaustedDataSets } from '../data/picks';
import type { Plan } from '../scenario/plan';
import type { NdjsonWriter } from '../output/ndjson';
import { Redactor, envNamesReadBy } from '../output/redact';
import { SegmentRecording, withoutThresholds } from '../merge/recording';
import type { ExecutionTuple } from '../segments';

export interface SessionOptions {
  plan: Plan;
  /** Only these scenarios; empty for all. */
  scenarios: readonly string[];
  /** `-e NAME=VALUE` (or IPC `env`): override the process environment, and are always secret. */
  envOverrides: Readonly<Record<string, string>>;
  ndjson?: NdjsonWriter;
  runId?: string;
  /** Check the plan against the OS limits before the first request (default true). */
  preflight?: boolean;
  /** Warm the JIT up before a high-rate arrival-rate run (default true; see src/engine/warmup.ts). */
  warmUp?: boolean;
  /** Every event, redacted, in order, ending with `end`. */
  onEvent(event: RunEvent): void;
  /** Worker threads splitting the run (--workers); absent for one per core. */
  workers?: number;
  /** This process's execution segment (--execution-segment); absent for the whole test. */
  segment?: ExecutionTuple;
  /** k6's --no-thresholds: thresholds are neither evaluated nor aborted on (the plan still lists them). */
  noThresholds?: boolean;
  /** k6's --no-setup / --no-teardown: false skips the file's `setup:` / `teardown:` (default true). */
  setup?: boolean;
  teardown?: boolean;
  /** Each second's window of every scenario (merged over the workers), for an output fed from them. */
  onWindow?: (t: number, window: RegistryWindow, final: boolean) => void;
}

export interface SessionResult {
  exitCode: number;
  summary: RunSummary | undefined;
  /** Set when the engine failed (exit code 103). */
  error?: string;
}

export interface Session {
  /** Graceful first; `hard` interrupts running iterations at once. Marks the run as stopped from outside. */
  stop(hard?: boolean): void;
  readonly stopping: boolean;
  readonly redactor: Redactor;
  done: Promise<SessionResult>;
}

/** The env templates see: the process environment overlaid by the explicit values. */
export function runEnv(overrides: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  return Object.assign(env, overrides);
}

/** Secret values: every explicit value, and the environment's value of every variable the plan reads. */
export function redactorFor(plan: Plan, overrides: Readonly<Record<string, string>>): Redactor {
  const values: Array<string | undefined> = Object.values(overrides);
  for (const name of envNamesReadBy(plan)) values.push(overrides[name] ?? process.env[name]);
  return new Redactor(values);
}

export function startSession(options: SessionOptions): Session {
  const redactor = redactorFor(options.plan, options.envOverrides);
  const recording = new SegmentRecording(options.plan, options.segment, options.noThresholds === true, options.scenarios);
  let stopping = false;
  let ended = false;
  let startedAt = 0;

  let startEmitted = false;
  const emit = (event: RunEvent): void => {
    if (ended) return;
    if (event.type === 'start') startEmitted = true;
    const safe = redactor.event(recording.decorate(event));
    try {
      options.ndjson?.write(safe);
    } catch (err) {
      // A full disk must not kill the run; say it once in the stream that still works.
      options.ndjson?.close();
      options.onEvent({ type: 'log', t: elapsed(), level: 'error', message: `NDJSON output stopped: ${(err as Error).message}` });
    }
    options.onEvent(safe);
  };
  const elapsed = (): number => (startedAt ? Math.round((Date.now() - startedAt) / 100) / 10 : 0);

  const finish = (result: SessionResult): SessionResult => {
    emit({ type: 'end', exitCode: result.exitCode });
    ended = true;
    options.ndjson?.close();
    return result;
  };

  const plan = options.plan;
  const env = runEnv(options.envOverrides);
  // What a stop reaches: the setup, the run or the teardown in progress.
  let handle: { stop(hard: boolean): void } | undefined;

  /** setup or teardown; a graceful stop ends a setup (no scenario will start) but lets a teardown finish. */
  const lifecycle = (stage: LifecycleStage, data: Readonly<Record<string, unknown>>): LifecycleRun => {
    const run = runLifecycle(plan, stage, env, data, redactor);
    handle = { stop: (hard) => (hard || stage === 'setup' ? run.stop() : undefined) };
    return run;
  };

  /** The stage's `lifecycle` event (its window where aggregates carry theirs); its figures for the summary. */
  const measuredEvent = (run: LifecycleRun, stage: LifecycleStage, result: LifecycleResult): { event: RunEvent; figures: ScenarioFigures } => {
    const { figures, window } = run.measured();
    const failure = !result.ok && !stopping ? result.failure : undefined;
    const event: RunEvent = { type: 'lifecycle', t: elapsed(), stage, figures };
    if (failure !== undefined) event.failure = failure;
    if (recording.recordsWindows) event.window = window;
    return { event, figures };
  };

  const runTest = async (): Promise<SessionResult> => {
    startedAt = Date.now();
    const stages: ScenarioFigures[] = [];
    let data: Record<string, unknown> = {};
    let setupFailure: string | undefined;
    // Setup's event follows the run's `start` (every reader expects the start first).
    let setupEvent: RunEvent | undefined;
    if (options.setup !== false && plan.setup.length > 0) {
      const setup = lifecycle('setup', {});
      const result = await setup.done;
      const measured = measuredEvent(setup, 'setup', result);
      stages.push(measured.figures);
      setupEvent = measured.event;
      if (result.ok) data = result.captures;
      else if (!stopping) {
        setupFailure = result.message;
        // The run's outcome: a start (so a run file of it reads as a run), setup's event with the failure, the log.
        const runId = options.runId ?? randomUUID();
        const selected = selectScenarios(plan, options.scenarios.length > 0 ? [...options.scenarios] : undefined).map(({ scenario }) => scenario);
        emit({ type: 'start', v: PROTOCOL_VERSION, runId, startedAt: new Date(startedAt).toISOString(), engineVersion, plan: planInfo(plan, selected) });
        emit(setupEvent);
        emit({ type: 'log', t: elapsed(), level: 'error', message: `${result.message}: no scenario ran` });
      }
    }
    let summary: RunSummary | undefined;
    let failure: unknown;
    if (setupFailure === undefined && !stopping) {
      const run = startParallelRun(options.noThresholds ? withoutThresholds(plan) : plan, {
        share: options.segment,
        workers: options.workers,
        onWindow: windowObservers(recording.recordsWindows ? recording.onWindow : undefined, options.onWindow),
        scenarios: options.scenarios.length > 0 ? [...options.scenarios] : undefined,
        env,
        setupData: data,
        secrets: redactor.values,
        runId: options.runId,
        preflight: options.preflight,
        warmUp: options.warmUp,
        onEvent: (event: RunEvent) => {
          // The exit code is decided here, so the session writes the one `end` event; the summary waits for teardown.
          if (event.type !== 'end' && event.type !== 'summary') emit(event);
          if (event.type === 'start' && setupEvent !== undefined) emit(setupEvent);
        },
      });
      handle = run;
      summary = await run.done.catch((err: unknown) => {
        failure = err;
        return undefined;
      });
    }
    // k6 runs teardown whatever ended the scenarios: their end, a stop, an abort, a failed setup.
    if (options.teardown !== false && plan.teardown.length > 0) {
      const teardown = lifecycle('teardown', data);
      const measured = measuredEvent(teardown, 'teardown', await teardown.done);
      stages.push(measured.figures);
      // A run that never started (stopped during setup) has no `start` for the event to follow.
      if (startEmitted) emit(measured.event);
    }
    if (failure !== undefined) return engineFailure(failure);
    if (summary) {
      if (stages.length > 0) summary.lifecycle = stages;
      const exhausted = exhaustedDataSets(plan.data ?? [], plan.scenarios.map((s) => s.name));
      if (exhausted.length > 0) summary.dataExhausted = exhausted;
      emit({ type: 'summary', summary });
    }
    const exitCode = setupFailure !== undefined ? EXIT.scriptException : summary ? exitCodeOf(summary, stopping) : EXIT.externalAbort;
    return finish({ exitCode, summary });
  };
  const done = runTest().catch((err: unknown) => engineFailure(err));

  function engineFailure(err: unknown): SessionResult {
    const message = err instanceof Error ? err.message : String(err);
    emit({ type: 'log', t: elapsed(), level: 'error', message: `engine error: ${message}` });
    return finish({ exitCode: EXIT.engineError, summary: undefined, error: redactor.text(message) });
  }

  return {
    stop(hard = false) {
      stopping = true;
      handle?.stop(hard);
    },
    get stopping() {
      return stopping;
    },
    redactor,
    done,
  };
}

type WindowObserver = (t: number, window: RegistryWindow, final: boolean) => void;

/** One observer for the ledger from those present (a segment's recording, an output). */
function windowObservers(...observers: Array<WindowObserver | undefined>): WindowObserver | undefined {
  const present = observers.filter((o): o is WindowObserver => o !== undefined);
  if (present.length <= 1) return present[0];
  return (t, window, final) => {
    for (const observe of present) observe(t, window, final);
  };
}
