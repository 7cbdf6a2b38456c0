// `volley estimate FILE --scenario NAME`: VU sizing for an arrival-rate scenario from measured iteration
// durations — a short trial run (--trial), a given run file (--from), or by default the latest run of the
// scenario in the run store. The arithmetic is src/engine/estimate; this file finds the durations.
//
// The trial is the scenario's own flow under constant-arrival-rate at a low rate (at most 20/s, never
// above the scenario's own peak) with VUs to spare, so nothing is dropped and the system is not loaded:
// an open model like the real run (each iteration starts on schedule, the VU pool reuses warm VUs first),
// and durations of an unloaded system. Load may slow the system down; the maxVUs cushion is for that.
import { randomUUID } from 'node:crypto';
import { EXIT, type RunSummary } from '../../protocol';
import {
  estimateVUs,
  EstimateError,
  isArrivalRate,
  iterationDurationsOf,
  DEFAULT_SLOWDOWN,
  DEFAULT_TARGET_DROP_PROBABILITY,
  type ArrivalRatePlan,
  type DurationDistribution,
  type VUEstimate,
} from '../estimate';
import { arrivalsOf } from '../estimate/arrivals';
import { explainNumber } from '../../format';
import { openStoredRun } from '../runs/record';
import { readRunSummary } from '../runs/read';
import { RunStore, TRIAL_RUN_ID_PREFIX } from '../runs/store';
import { parseDuration } from '../scenario/duration';
import type { Plan, ScenarioPlan } from '../scenario/plan';
import { UsageError, envFlags, has, last, type FlagSpec, type ParsedArgs } from './args';
import { prepareRun, plural } from './prepare';
import { ProgressDisplay } from './progress';
import { startSession } from './session';

/** The trial's default rate ceiling, iterations/s: enough samples in seconds, little load. */
const TRIAL_MAX_RATE = 20;
/** The trial's VUs cover iterations up to this long at its rate without a drop. */
const TRIAL_COVERED_MS = 10_000;
const TRIAL_MAX_VUS = 500;

const FLAGS: FlagSpec[] = [
  { name: 'scenario', short: 's', value: 'NAME', description: 'the arrival-rate scenario to size (optional when the file has one)' },
  { name: 'trial', value: 'DURATION', description: 'measure with a short trial run first, e.g. --trial 10s' },
  { name: 'trial-rate', value: 'N', description: `iterations/s of the trial (default: the scenario's peak, at most ${TRIAL_MAX_RATE})` },
  { name: 'from', value: 'RUN.ndjson', description: 'use the iteration durations of this run file (volley run --out ndjson=…)' },
  { name: 'json', description: 'print one JSON object instead of text' },
  {
    name: 'target-drop-probability',
    value: 'P',
    description: `acceptable chance of any dropped iteration over the scenario (default ${DEFAULT_TARGET_DROP_PROBABILITY})`,
  },
  { name: 'slowdown', value: 'FACTOR', description: `how much slower iterations may get before maxVUs runs out (default ${DEFAULT_SLOWDOWN})` },
  { name: 'env', short: 'e', value: 'NAME=VALUE', repeatable: true, description: 'set env.NAME for the trial\'s templates' },
  { name: 'runs-dir', value: 'DIR', description: 'the run store (default .volley/runs in the workspace; also VOLLEY_RUNS_DIR)' },
  { name: 'no-store', description: 'do not keep the trial run in the run store' },
  { name: 'quiet', short: 'q', description: 'no progress output during the trial' },
  { name: 'help', short: 'h', description: 'show this help' },
];

export const ESTIMATE_COMMAND = {
  name: 'estimate',
  synopsis: 'volley estimate FILE [--scenario NAME] [--trial 10s | --from RUN.ndjson] [flags]',
  summary: 'recommend preAllocatedVUs and maxVUs for an arrival-rate scenario',
  flags: FLAGS,
  details: `Durations come from --trial (a short run at a low rate), --from (a run file), or else the latest
run of the scenario in the run store (volley run keeps every run there). The recommendation keeps the
chance of any dropped iteration below --target-drop-probability, given the measured distribution;
docs/estimator.md explains the model.

Examples:
  volley estimate load.volley.yaml --scenario browse --trial 10s
  volley estimate load.volley.yaml --scenario browse --from run.ndjson --json
  volley estimate load.volley.yaml -s browse --target-drop-probability 0.01 --slowdown 3

Exit codes: 0 with a recommendation; 104 bad input, or no durations to estimate from; 103 the trial failed.`,
};

interface Source {
  kind: 'trial' | 'run' | 'file';
  path?: string;
  runId: string;
  startedAt: string;
  /** What the text output says about the source. */
  description: string;
}

interface Measured {
  durations: DurationDistribution;
  source: Source;
  warnings: string[];
}

class Refusal extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.invalidInput,
  ) {
    super(message);
  }
}

function numberFlag(args: ParsedArgs, name: string, check: (n: number) => boolean, expected: string): number | undefined {
  const text = last(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} ${text}: expected ${expected}`, 'estimate');
  return n;
}


function pickScenario(plan: Plan, file: string, name: string | undefined): ScenarioPlan & { executor: ArrivalRatePlan } {
  const arrival = plan.scenarios.filter((s) => isArrivalRate(s.executor));
  const scenario = name !== undefined ? plan.scenarios.find((s) => s.name === name) : arrival.length === 1 ? arrival[0] : undefined;
  if (!scenario) {
    throw new UsageError(
      arrival.length === 0
        ? `${file} has no arrival-rate scenario: only constant-arrival-rate and ramping-arrival-rate size a VU pool`
        : `which scenario? ${file} has ${arrival.length} arrival-rate scenarios: ${arrival.map((s) => s.name).join(', ')} (--scenario NAME)`,
      'estimate',
    );
  }
  if (!isArrivalRate(scenario.executor)) {
    throw new Refusal(
      `scenario ${scenario.name} uses ${scenario.executor.type}, which runs a fixed number of VUs: there is nothing to size ` +
        '(preAllocatedVUs and maxVUs belong to constant-arrival-rate and ramping-arrival-rate)',
    );
  }
  return scenario as ScenarioPlan & { executor: ArrivalRatePlan };
}

export async function estimateCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length !== 1) {
    throw new UsageError(args.positionals.length === 0 ? 'which file? volley estimate FILE --scenario NAME' : 'one scenario file at a time', 'estimate');
  }
  const file = args.positionals[0];
  const target = numberFlag(args, 'target-drop-probability', (n) => n > 0 && n < 1, 'a probability between 0 and 1, e.g. 0.001');
  const slowdown = numberFlag(args, 'slowdown', (n) => n >= 1 && n <= 100, 'a factor from 1 to 100, e.g. 2');
  const trialRate = numberFlag(args, 'trial-rate', (n) => n > 0 && n <= 10_000, 'iterations per second, e.g. 10');
  const trialText = last(args, 'trial');
  const from = last(args, 'from');
  if (trialText !== undefined && from !== undefined) throw new UsageError('--trial and --from are two sources: give one', 'estimate');
  if (trialRate !== undefined && trialText === undefined) throw new UsageError('--trial-rate applies to a trial: add --trial 10s', 'estimate');
  let trialMs: number | undefined;
  if (trialText !== undefined) {
    const parsed = parseDuration(trialText);
    if (!parsed.ok) throw new UsageError(`--trial ${trialText}: ${parsed.message}`, 'estimate');
    if (parsed.ms < 1000 || parsed.ms > 600_000) throw new UsageError(`--trial ${trialText}: from 1s to 10m`, 'estimate');
    trialMs = parsed.ms;
  }
  const env = envFlags(args, 'estimate');
  const json = has(args, 'json');
  const stderr = process.stderr;

  const name = last(args, 'scenario');
  const prepared = await prepareRun(file, name !== undefined ? [name] : []);
  for (const line of prepared.diagnostics) stderr.write(`${line}\n`);
  if (!prepared.ok) {
    stderr.write(`volley: ${prepared.message}\n`);
    return prepared.exitCode;
  }
  try {
    const scenario = pickScenario(prepared.plan, file, name);
    const runsDir = last(args, 'runs-dir');
    const measured =
      trialMs !== undefined
        ? await trial(prepared.plan, scenario, { trialMs, trialRate, env, store: !has(args, 'no-store'), runsDir, quiet: has(args, 'quiet') })
        : from !== undefined
          ? fromRunFile(from, scenario.name)
          : fromStore(file, scenario.name, runsDir);
    for (const warning of measured.warnings) stderr.write(`volley: warning: ${warning}\n`);
    const estimate = estimateVUs(scenario.executor, measured.durations, {
      scenario: scenario.name,
      targetDropProbability: target,
      slowdown,
    });
    process.stdout.write(json ? `${JSON.stringify(jsonOf(estimate, scenario, measured.source))}\n` : textOf(estimate, scenario, measured.source));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof Refusal || err instanceof EstimateError) {
      stderr.write(`volley: ${err.message}\n`);
      return err instanceof Refusal ? err.exitCode : EXIT.invalidInput;
    }
    throw err;
  }
}

function fromRunFile(path: string, scenario: string): Measured {
  const summary = readRunSummary(path);
  if (!summary) {
    throw new Refusal(`${path}: no run summary in it (not a run file, or the run did not finish; runs write one with --out ndjson=FILE)`);
  }
  const durations = iterationDurationsOf(summary, scenario);
  if (!durations) {
    const ran = summary.scenarios.map((s) => s.scenario);
    throw new Refusal(`${path}: no iteration of scenario ${scenario} in this run (it ran: ${ran.join(', ') || 'nothing'})`);
  }
  return { durations, source: sourceOf('file', path, summary), warnings: runWarnings(summary, scenario) };
}

function fromStore(file: string, scenario: string, runsDir: string | undefined): Measured {
  const store = RunStore.for(file, { runsDir });
  const latest = store.latestMeasured(file, scenario);
  if (!latest) {
    throw new Refusal(
      `no stored run of scenario ${scenario} in ${store.dir}: measure one with\n` +
        `  volley estimate ${file} --scenario ${scenario} --trial 10s\n` +
        `or give a run file with --from RUN.ndjson`,
    );
  }
  return {
    durations: latest.durations,
    source: sourceOf(latest.trial ? 'trial' : 'run', latest.run.path, latest.summary),
    warnings: runWarnings(latest.summary, scenario),
  };
}

function sourceOf(kind: Source['kind'], path: string | undefined, summary: RunSummary): Source {
  const when = summary.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const what = kind === 'trial' ? 'trial run' : kind === 'run' ? 'latest stored run' : 'run';
  return { kind, path, runId: summary.runId, startedAt: summary.startedAt, description: `${what} of ${when}${path ? ` (${path})` : ''}` };
}

/** What makes a run's durations a shaky basis: failed requests, dropped or interrupted iterations. */
function runWarnings(summary: RunSummary, scenario: string): string[] {
  const warnings: string[] = [];
  const figures = summary.scenarios.find((s) => s.scenario === scenario);
  if (!figures) return warnings;
  let requests = 0;
  let failed = 0;
  for (const step of figures.steps) {
    requests += step.requests;
    failed += step.failed;
  }
  if (requests > 0 && failed / requests > 0.1) {
    warnings.push(
      `${explainNumber((100 * failed) / requests)}% of the measured requests failed: the durations may be those of errors, not of a working system`,
    );
  }
  if (figures.interrupted > 0) {
    warnings.push(`${plural(figures.interrupted, 'iteration')} were cut by gracefulStop and are not measured: the slowest ones are missing`);
  }
  return warnings;
}

interface TrialOptions {
  trialMs: number;
  trialRate: number | undefined;
  env: Record<string, string>;
  store: boolean;
  runsDir: string | undefined;
  quiet: boolean;
}

/** The scenario alone, at a low constant rate with VUs to spare, for `trialMs`, thresholds off. */
export function trialPlan(plan: Plan, scenario: ScenarioPlan & { executor: ArrivalRatePlan }, trialMs: number, ratePerSecond: number): Plan {
  const vus = Math.min(TRIAL_MAX_VUS, Math.max(10, Math.ceil((ratePerSecond * TRIAL_COVERED_MS) / 1000)));
  const trialScenario: ScenarioPlan = {
    ...scenario,
    startTimeMs: 0,
    // Running iterations may finish (their durations count), but a hung system must not hold the trial long.
    gracefulStopMs: Math.min(scenario.gracefulStopMs, Math.max(5000, trialMs)),
    executor: { type: 'constant-arrival-rate', rate: ratePerSecond, timeUnitMs: 1000, durationMs: trialMs, preAllocatedVUs: vus, maxVUs: vus },
  };
  return { ...plan, scenarios: [trialScenario], thresholds: [] };
}

async function trial(plan: Plan, scenario: ScenarioPlan & { executor: ArrivalRatePlan }, options: TrialOptions): Promise<Measured> {
  const peak = arrivalsOf(scenario.executor).peakPerSecond;
  const rate = options.trialRate ?? Math.min(peak, TRIAL_MAX_RATE);
  if (!(rate > 0)) throw new Refusal(`scenario ${scenario.name} never starts an iteration (its rate is 0): nothing to measure`);
  const trialRun = trialPlan(plan, scenario, options.trialMs, rate);
  const stderr = process.stderr;
  const display = new ProgressDisplay(stderr, options.quiet ? 'quiet' : stderr.isTTY ? 'tty' : 'plain');
  const stored = options.store
    ? openStoredRun(plan.file, { runsDir: options.runsDir, onError: (message) => display.message(`warning: ${message}`) })
    : undefined;
  if (!options.quiet) {
    display.message(
      `volley estimate: trial of ${scenario.name} at ${explainNumber(rate)}/s for ${explainNumber(options.trialMs / 1000)}s` +
        (rate < peak ? ` (its peak is ${explainNumber(peak)}/s)` : '') +
        (stored ? `, kept in ${stored.path}` : ''),
    );
  }
  const session = startSession({
    plan: trialRun,
    scenarios: [],
    envOverrides: options.env,
    ndjson: stored?.writer,
    runId: `${TRIAL_RUN_ID_PREFIX}${randomUUID()}`,
    // In this thread: worker threads would compile the file again and run the scenario as written, not
    // the trial variant (and a trial's low rate needs no second core).
    workers: 1,
    onEvent: (event) => {
      display.event(event);
      if (event.type === 'log' && event.level !== 'debug') display.message(`${event.level}: ${event.message}`);
    },
  });
  const onSignal = (): void => session.stop(session.stopping);
  process.on('SIGINT', onSignal);
  let result;
  try {
    result = await session.done;
  } finally {
    process.off('SIGINT', onSignal);
    display.clear();
    stored?.close();
  }
  if (!result.summary) throw new Refusal(`the trial run failed: ${result.error ?? 'no summary'}`, EXIT.engineError);
  const durations = iterationDurationsOf(result.summary, scenario.name);
  if (!durations) {
    throw new Refusal(`the trial run completed no iteration of ${scenario.name} in ${explainNumber(options.trialMs / 1000)}s: nothing to estimate from`, EXIT.engineError);
  }
  const warnings = runWarnings(result.summary, scenario.name);
  const dropped = result.summary.scenarios.find((s) => s.scenario === scenario.name)?.dropped ?? 0;
  if (dropped > 0) {
    warnings.push(`the trial dropped ${plural(dropped, 'iteration')}: iterations took over ${TRIAL_COVERED_MS / 1000}s; the estimate uses the ones that ran`);
  }
  if (durations.count < 30) warnings.push(`the trial measured only ${plural(durations.count, 'iteration')}: a longer --trial gives a firmer tail`);
  return { durations, source: sourceOf('trial', stored?.path, result.summary), warnings };
}

function jsonOf(e: VUEstimate, scenario: ScenarioPlan & { executor: ArrivalRatePlan }, source: Source): Record<string, unknown> {
  const { explanation, ...figures } = e;
  return {
    ...figures,
    scenario: scenario.name,
    current: { preAllocatedVUs: scenario.executor.preAllocatedVUs, maxVUs: Math.max(scenario.executor.maxVUs, scenario.executor.preAllocatedVUs) },
    source: { kind: source.kind, path: source.path, runId: source.runId, startedAt: source.startedAt },
    explanation,
  };
}

function textOf(e: VUEstimate, scenario: ScenarioPlan & { executor: ArrivalRatePlan }, source: Source): string {
  const pre = scenario.executor.preAllocatedVUs;
  const max = Math.max(scenario.executor.maxVUs, pre);
  const verdict = (have: number, want: number): string => (have >= want ? 'enough' : `below the recommendation by ${want - have}`);
  const rows: Array<[string, string]> = [
    ["k6's rule (median × rate)", String(e.k6Rule)],
    ['recommended preAllocatedVUs', `${e.recommendedPreAllocatedVUs}   (the file has ${pre}: ${verdict(pre, e.recommendedPreAllocatedVUs)})`],
    ['recommended maxVUs', `${e.recommendedMaxVUs}   (the file has ${max}: ${verdict(max, e.recommendedMaxVUs)})`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 3;
  return [
    `${scenario.name} (${e.executor}, ${explainNumber(e.peakRatePerSecond)}/s at its peak), from the ${source.description}`,
    '',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}${value}`),
    '',
    e.explanation,
    '',
  ].join('\n');
}
