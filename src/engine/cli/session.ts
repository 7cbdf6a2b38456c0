// One run from a validated plan to its `end` event, the same for the CLI and the IPC child: secrets are
// redacted from every event, events go to NDJSON as they come, and the exit code follows k6's rules.
import { EXIT, type RunEvent, type RunSummary } from '../../protocol';
import { exitCodeOf } from '../ledger';
import { startParallelRun } from '../workers/parallel-run';
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

  const emit = (event: RunEvent): void => {
    if (ended) return;
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

  let handle: { stop(hard?: boolean): void; done: Promise<RunSummary> } | undefined;
  let done: Promise<SessionResult>;
  try {
    startedAt = Date.now();
    const run = startParallelRun(options.noThresholds ? withoutThresholds(options.plan) : options.plan, {
      share: options.segment,
      workers: options.workers,
      onWindow: recording.recordsWindows ? recording.onWindow : undefined,
      scenarios: options.scenarios.length > 0 ? [...options.scenarios] : undefined,
      env: runEnv(options.envOverrides),
      runId: options.runId,
      preflight: options.preflight,
      warmUp: options.warmUp,
      onEvent: (event: RunEvent) => {
        // The exit code is decided here, so the session writes the one `end` event.
        if (event.type !== 'end') emit(event);
      },
    });
    handle = run;
    done = run.done.then(
      (summary) => finish({ exitCode: exitCodeOf(summary, stopping), summary }),
      (err: unknown) => engineFailure(err),
    );
  } catch (err) {
    done = Promise.resolve(engineFailure(err));
  }

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
