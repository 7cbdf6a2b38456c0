// `volley run FILE`: validate, run with live progress, print the summary, write the exports, exit k6's way.
import { writeFileSync } from 'node:fs';
import { EXIT, type RunEvent, type RunSummary } from '../../protocol';
import { compareSummaries, formatComparison, readBaselineSummary } from '../report/baseline';
import { maxRegressionFrom } from './compare';
import type { Plan } from '../scenario/plan';
import { formatTextSummary } from '../report/text-summary';
import { toSummaryExport } from '../report/summary-export';
import { writeJunit } from '../report/junit';
import { reportTitle, writeHtmlReport } from '../report/html';
import { outputTargets } from '../output/out-flags';
import { PrometheusRemoteWrite } from '../output/prometheus-rw';
import { prometheusRwSettings, type PrometheusRwSettings } from './prometheus-rw-settings';
import { ensureParentDir } from '../output/ensure-dir';
import { NdjsonWriter } from '../output/ndjson';
import { openStoredRun } from '../runs/record';
import { UsageError, all, envFlags, has, last, type ParsedArgs } from './args';
import { demoForPlan } from './demo-target';
import { prepareRun, systemReason } from './prepare';
import { ProgressDisplay } from './progress';
import { segmentFromArgs } from './segment-flags';
import { startSession } from './session';
import { parseStartAt, waitForStart } from './start-at';
import type { ExecutionTuple } from '../segments';

export interface RunOptions {
  file: string;
  scenarios: string[];
  summaryExport: string | undefined;
  ndjsonPath: string | undefined;
  /** --out junit=FILE: the thresholds and diagnoses as JUnit XML, written at the end. */
  junitPath?: string;
  /** --out html=FILE: the results panel's view of the run as one self-contained file, written at the end. */
  htmlPath?: string;
  /** --out prometheus-rw=URL, with its settings from the VOLLEY_PROMETHEUS_RW_* variables. */
  prometheusRw?: PrometheusRwSettings;
  env: Record<string, string>;
  runId: string | undefined;
  quiet: boolean;
  color: boolean;
  /** Keep the run in the run store (.volley/runs, see src/engine/runs); off with --no-store. */
  store: boolean;
  runsDir: string | undefined;
  /** Check the plan against the OS limits before the first request (`--no-preflight` turns it off). */
  preflight: boolean;
  /** Warm the JIT up before a high-rate arrival-rate run (`--no-warm-up` turns it off). */
  warmUp: boolean;
  /** --execution-segment (with its sequence): this process's part of the test; absent for all of it. */
  segment?: ExecutionTuple;
  /** --start-at: wall-clock ms to wait for before starting. */
  startAtMs?: number;
  noThresholds?: boolean;
  /** --no-setup / --no-teardown: skip the file's `setup:` / `teardown:`. */
  setup: boolean;
  teardown: boolean;
  /** --workers: worker threads that split the run; absent for one per core. */
  workers?: number;
  /** --baseline RUN.ndjson (with --max-regression): compare with that run at the end, exit 99 on a regression. */
  baseline?: { path: string; maxRegression: number };
}

/** Set up around the run, once the plan is known (the demo target); returns how to tear it down. */
export type BeforeRun = (plan: Plan) => Promise<{ exitCode: number; message: string } | { cleanup(): Promise<void> }>;

/** Reads the run flags shared by `run` and `demo --run`; `file` is the scenario file. */
export function runOptionsFrom(args: ParsedArgs, command: string, file: string): RunOptions {
  const env = envFlags(args, command);
  const outputs = outputTargets(all(args, 'out'), command, ['ndjson', 'junit', 'html', 'prometheus-rw']);
  const prometheusRw = outputs['prometheus-rw'] === undefined ? undefined : prometheusRwSettings(outputs['prometheus-rw'], command);
  const summaryExport = last(args, 'summary-export');
  if (summaryExport === '') throw new UsageError('--summary-export needs a file name', command);
  const runId = last(args, 'run-id');
  if (runId !== undefined && !/^[A-Za-z0-9._:-]{1,128}$/.test(runId)) {
    throw new UsageError(`--run-id "${runId}": use letters, digits and . _ : - (at most 128)`, command);
  }
  const segment = segmentFromArgs(args, command);
  const startAtText = last(args, 'start-at');
  let startAtMs: number | undefined;
  if (startAtText !== undefined) {
    const parsed = parseStartAt(startAtText, Date.now());
    if (!parsed.ok) throw new UsageError(parsed.message, command);
    startAtMs = parsed.atMs;
  }
  const baselinePath = last(args, 'baseline');
  if (baselinePath === '') throw new UsageError('--baseline needs a run file', command);
  if (baselinePath === undefined && has(args, 'max-regression')) throw new UsageError('--max-regression needs --baseline RUN.ndjson', command);
  const scenarios = all(args, 'scenario');
  for (const s of scenarios) if (s === '') throw new UsageError('--scenario needs a name', command);
  const workersText = last(args, 'workers');
  if (workersText !== undefined && !/^([1-9]\d{0,2})$/.test(workersText.trim())) {
    throw new UsageError(`--workers "${workersText}": give a whole number of threads from 1 to 999 (default: one per core)`, command);
  }
  return {
    baseline: baselinePath === undefined ? undefined : { path: baselinePath, maxRegression: maxRegressionFrom(args, command) },
    workers: workersText === undefined ? undefined : Number(workersText.trim()),
    file,
    scenarios,
    summaryExport,
    ndjsonPath: outputs.ndjson,
    junitPath: outputs.junit,
    htmlPath: outputs.html,
    prometheusRw,
    env,
    runId,
    quiet: has(args, 'quiet'),
    preflight: !has(args, 'no-preflight'),
    warmUp: !has(args, 'no-warm-up'),
    store: !has(args, 'no-store'),
    runsDir: last(args, 'runs-dir'),
    segment,
    startAtMs,
    noThresholds: has(args, 'no-thresholds'),
    setup: !has(args, 'no-setup'),
    teardown: !has(args, 'no-teardown'),
    color: !has(args, 'no-color') && !process.env.NO_COLOR && process.stdout.isTTY === true,
  };
}

function describeLog(event: Extract<RunEvent, { type: 'log' }>): string | undefined {
  if (event.level === 'debug') return undefined;
  return `${event.level === 'info' ? 'info' : event.level === 'warn' ? 'warning' : 'error'}: ${event.message}`;
}

export async function runFile(options: RunOptions, beforeRun?: BeforeRun): Promise<number> {
  const stderr = process.stderr;
  const prepared = await prepareRun(options.file, options.scenarios);
  for (const line of prepared.diagnostics) stderr.write(`${line}\n`);
  if (!prepared.ok) {
    stderr.write(`volley: ${prepared.message}\n`);
    return prepared.exitCode;
  }

  let ndjson: NdjsonWriter | undefined;
  for (const [flag, path] of [['--summary-export ', options.summaryExport], ['--out junit=', options.junitPath], ['--out html=', options.htmlPath]] as const) {
    try {
      if (path) ensureParentDir(path);
    } catch (err) {
      stderr.write(`volley: cannot write ${flag}${path}: ${systemReason(err)}\n`);
      return EXIT.invalidInput;
    }
  }

  let baseline: RunSummary | undefined;
  if (options.baseline) {
    const read = readBaselineSummary(options.baseline.path);
    if ('error' in read) {
      stderr.write(`volley: --baseline ${read.error}\n`);
      return EXIT.invalidInput;
    }
    baseline = read.summary;
  }

  let cleanup: (() => Promise<void>) | undefined;
  if (beforeRun) {
    const ready = await beforeRun(prepared.plan);
    if ('exitCode' in ready) {
      stderr.write(`volley: ${ready.message}\n`);
      return ready.exitCode;
    }
    cleanup = ready.cleanup;
  }
  try {
    if (options.ndjsonPath) {
      try {
        ndjson = new NdjsonWriter(options.ndjsonPath);
      } catch (err) {
        stderr.write(`volley: cannot write --out ndjson=${options.ndjsonPath}: ${systemReason(err)}\n`);
        return EXIT.invalidInput;
      }
    }
    return await runPlan(prepared.plan, options, ndjson, baseline);
  } finally {
    await cleanup?.();
  }
}

async function runPlan(plan: Plan, options: RunOptions, ndjson: NdjsonWriter | undefined, baseline: RunSummary | undefined): Promise<number> {
  const stderr = process.stderr;
  const mode = options.quiet ? 'quiet' : stderr.isTTY ? 'tty' : 'plain';
  const display = new ProgressDisplay(stderr, mode);
  const stored = options.store
    ? openStoredRun(options.file, { runsDir: options.runsDir, onError: (message) => display.message(`warning: ${message}`) })
    : undefined;

  if (options.startAtMs !== undefined && !(await startTogether(options.startAtMs))) {
    stored?.close();
    stderr.write('volley: stopped before the start time (exit code 105)\n');
    return EXIT.externalAbort;
  }

  const remoteWrite = options.prometheusRw ? new PrometheusRemoteWrite({ ...options.prometheusRw, plan, segment: options.segment?.segment.toString() }) : undefined;
  const htmlEvents: RunEvent[] | undefined = options.htmlPath ? [] : undefined;
  const session = startSession({
    onWindow: remoteWrite?.onWindow,
    workers: options.workers,
    segment: options.segment,
    noThresholds: options.noThresholds,
    setup: options.setup,
    teardown: options.teardown,
    plan,
    scenarios: options.scenarios,
    envOverrides: options.env,
    ndjson,
    runId: options.runId,
    preflight: options.preflight,
    warmUp: options.warmUp,
    onEvent: (event) => {
      stored?.write(event);
      htmlEvents?.push(event);
      display.event(event);
      switch (event.type) {
        case 'start':
          remoteWrite?.start(event.runId);
          if (!options.quiet) {
            const names = event.plan.scenarios.map((s) => s.name).join(', ');
            display.message(
              `volley ${event.engineVersion}: running ${plan.file} (${names})${ndjson ? `, events to ${ndjson.path}` : ''}; Ctrl-C stops`,
            );
          }
          break;
        case 'log': {
          const text = describeLog(event);
          if (text) display.message(text);
          break;
        }
        case 'diagnosis':
          display.message(`${event.diagnosis.severity}: ${event.diagnosis.title}${event.diagnosis.scenario ? ` [${event.diagnosis.scenario}]` : ''}: ${event.diagnosis.fix}`);
          break;
        case 'threshold-abort':
          display.message(`threshold ${event.threshold.key}: ${event.threshold.source} crossed, and it has abortOnFail: ending the run`);
          break;
        default:
          break;
      }
    },
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      display.stopping = true;
      display.message(
        signal === 'SIGINT' ? 'stopping gracefully… press Ctrl-C again to stop at once' : `${signal}: stopping gracefully…`,
      );
      session.stop(false);
    } else if (signals === 2) {
      display.message('stopping now: interrupting running iterations');
      session.stop(true);
    } else {
      // The hard stop did not end the run: leave with what the NDJSON already holds.
      ndjson?.close();
      process.exit(EXIT.externalAbort);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const result = await session.done;
  stored?.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  display.clear();
  if (remoteWrite) {
    // Said even with --quiet: figures missing from a dashboard need their reason in the run's log.
    const pushed = await remoteWrite.finish(result.summary);
    if (pushed.droppedSamples > 0) {
      stderr.write(`warning: --out prometheus-rw: ${pushed.droppedSamples} samples dropped, ${pushed.pushedSamples} delivered (last error: ${pushed.lastError ?? 'the receiver was too slow'})\n`);
    }
  }

  let exitCode = result.exitCode;
  let regressed = false;
  if (result.summary) {
    const summary = session.redactor.value(result.summary);
    // With the events on stdout (--out ndjson=-), the summary keeps out of their way.
    const report = options.ndjsonPath === '-' ? process.stderr : process.stdout;
    const runFile = options.ndjsonPath !== undefined && options.ndjsonPath !== '-' ? options.ndjsonPath : stored?.path;
    report.write(formatTextSummary(summary, { color: options.color, runFile }));
    if (baseline && options.baseline) {
      const comparison = compareSummaries(baseline, summary, options.baseline.maxRegression);
      report.write('\n' + formatComparison(comparison, [`${options.baseline.path} (${baseline.runId})`, `${summary.runId}`]));
      if (comparison.regressions.length > 0 && exitCode === EXIT.ok) {
        exitCode = EXIT.thresholdsFailed;
        regressed = true;
      }
    }
    if (options.summaryExport) {
      try {
        writeFileSync(options.summaryExport, JSON.stringify(toSummaryExport(summary), null, 2) + '\n');
      } catch (err) {
        stderr.write(`volley: cannot write --summary-export ${options.summaryExport}: ${systemReason(err)}\n`);
        if (exitCode === EXIT.ok) exitCode = EXIT.engineError;
      }
    }
    if (options.junitPath) {
      try {
        writeJunit(options.junitPath, plan.file, summary);
      } catch (err) {
        stderr.write(`volley: cannot write --out junit=${options.junitPath}: ${systemReason(err)}\n`);
        if (exitCode === EXIT.ok) exitCode = EXIT.engineError;
      }
    }
  }
  if (options.htmlPath && htmlEvents) {
    try {
      writeHtmlReport(options.htmlPath, htmlEvents, reportTitle(htmlEvents));
    } catch (err) {
      stderr.write(`volley: cannot write --out html=${options.htmlPath}: ${systemReason(err)}\n`);
      if (exitCode === EXIT.ok) exitCode = EXIT.engineError;
    }
  }
  if (result.error) stderr.write(`volley: engine error: ${result.error}\n`);
  if (exitCode === EXIT.externalAbort) stderr.write('volley: the run was stopped (exit code 105)\n');
  else if (regressed) stderr.write('volley: the run regressed against the baseline (exit code 99)\n');
  else if (exitCode === EXIT.thresholdsFailed) stderr.write('volley: some thresholds have failed (exit code 99)\n');
  else if (exitCode === EXIT.scriptException) stderr.write('volley: setup failed, no scenario ran (exit code 107)\n');
  return exitCode;
}

export async function runCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError('which file? volley run FILE', 'run');
  if (args.positionals.length > 1) {
    throw new UsageError(`one file per run, got ${args.positionals.length}: ${args.positionals.join(' ')}`, 'run');
  }
  const options = runOptionsFrom(args, 'run', args.positionals[0]);
  return runFile(options, has(args, 'demo') ? demoForPlan : undefined);
}

/** --start-at: waits for the common start; false when Ctrl-C or SIGTERM came first. */
async function startTogether(atMs: number): Promise<boolean> {
  // The wait is said even with --quiet: in a pod's log it explains a silent minute.
  const wait = waitForStart(atMs, (line) => process.stderr.write(`${line}\n`));
  const cancel = (): void => wait.cancel();
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    return await wait.reached;
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
