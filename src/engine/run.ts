// One run of a plan: the HTTP agent, the metrics registry, a FlowRunner and an executor per scenario, all
// started together (each scenario after its startTime), and a timer that hands the run ledger
// (ledger.ts) each whole second and, at the end, the last partial one: the ledger reports them, judges
// abortOnFail thresholds and builds the summary. Everything it opens
// (sockets, timers, the event-loop monitor) is closed before `done` settles, so the process can exit
// on its own.
import { randomUUID } from 'node:crypto';
import { version as engineVersion } from '../../package.json';
import { PROTOCOL_VERSION, type PlanInfo, type RegistryWindow, type RunEvent, type RunSummary } from '../protocol';
import { createExecutor, maxVUsOf, plannedDurationMs, VUIdSequence, type Executor } from './executors';
import { createDoctor } from './doctor';
import { delayUntil } from './executors/base-executor';
import { now } from './executors/types';
import { FlowRunner } from './flow';
import { createHttpAgent } from './http/agent';
import { sharedPoolShare } from './http/pool-share';
import { createHealthSampler, type HealthSampler } from './metrics/health';
import { RunLedger, type LedgerSecond } from './ledger';
import { MetricsRegistry } from './metrics/registry';
import type { Plan, ScenarioPlan } from './scenario/plan';
import { ExecutionTuple, type WorkShare } from './segments';
import { prepareToRun } from './warmup';
import { Redactor } from './output/redact';
import { FailureSampler } from './samples/sampler';

export interface StartRunOptions {
  /** Only these scenarios (by name); absent or empty for all. */
  scenarios?: string[];
  /** What `env.NAME` templates see. */
  env: Record<string, string | undefined>;
  /** What `setup:` captured (run before, by the session): every iteration of every scenario reads it. */
  setupData?: Readonly<Record<string, unknown>>;
  /** Every event of the run in order, ending with `summary`; the caller writes `end` with the exit code. */
  onEvent: (event: RunEvent) => void;
  runId?: string;
  /** Run only this part of every scenario (k6's execution segment, or a worker thread's part). */
  share?: WorkShare;
  /** A worker thread's process's own segment (its `share` is a part of it): data rows are numbered by it. */
  processSegment?: ExecutionTuple;
  /**
   * Each second's measurements before they are folded, for a thread or process that merges parts; `final`
   * for the last, partial second, measured after every scenario had ended.
   */
  onWindow?: (t: number, window: RegistryWindow, final: boolean) => void;
  /** Check the plan against the OS limits before the first request (default true); findings are `diagnosis` events at t 0. */
  preflight?: boolean;
  /**
   * Warm the JIT up against a loopback sink before the clock starts, when this share of the scenarios has
   * an arrival rate high enough to need it (see warmup.ts). Default false: a worker thread warms up
   * before it reports ready instead, and tests want the plain timing.
   */
  warmUp?: boolean;
  /**
   * Run a few iterations against a loopback sink before the clock starts, so the first measured response is not
   * read by cold code (see `prime` in warmup.ts). Default true; a worker thread primes before it reports ready.
   */
  primeHttp?: boolean;
  /** Keep failed exchanges as evidence in the summary (default true; off for the bench's comparison). */
  failureSamples?: boolean;
  /** The secret values the session redacts: a failure sample is redacted with them before it is cut short. */
  secrets?: readonly string[];
}

export interface RunHandle {
  /** Graceful: no new iterations, running ones may finish within gracefulStop. `hard`: interrupt them now. */
  stop(hard?: boolean): void;
  /** The summary, once every scenario has ended and every connection is closed. */
  readonly done: Promise<RunSummary>;
}

/** How many distinct engine errors are logged; a bug that repeats per iteration must not flood the stream. */
const MAX_LOGGED_ERRORS = 5;

export function startRun(plan: Plan, options: StartRunOptions): RunHandle {
  const selected = selectScenarios(plan, options.scenarios);
  const selectedNames = new Set(selected.map(({ scenario }) => scenario.name));
  const emit = options.onEvent;
  const runId = options.runId ?? randomUUID();
  const startedAtIso = new Date().toISOString();

  // A share that gets none of the shared pools' limit still opens one connection (the preflight warns).
  const agent = createHttpAgent({ ...plan.http, maxConnectionsPerHost: Math.max(1, sharedPoolShare(plan.http, options.share)) });
  const registry = new MetricsRegistry(plan);
  const samples = options.failureSamples === false ? undefined : new FailureSampler(plan, new Redactor(options.secrets ?? []));
  let health: HealthSampler | undefined;
  const vuIds = new VUIdSequence(options.share === undefined || options.share.isFull ? undefined : options.share.indexes());
  let runStart = now();
  const elapsedMs = (): number => now() - runStart;
  const seconds = (): number => Math.round(elapsedMs() / 100) / 10;

  const loggedErrors = new Set<string>();
  const errorLogger = (scenario: string) => (error: unknown): void => {
    const message = `scenario ${scenario}: ${error instanceof Error ? error.message : String(error)}`;
    if (loggedErrors.has(message) || loggedErrors.size >= MAX_LOGGED_ERRORS) return;
    loggedErrors.add(message);
    emit({ type: 'log', t: seconds(), level: 'error', message });
  };

  const dataSegment = options.processSegment ?? (options.share instanceof ExecutionTuple ? options.share : undefined);
  const executors: Executor[] = selected.map(({ scenario, index }) => {
    const recorder = registry.scenario(index);
    const runner = new FlowRunner({ plan, scenarioIndex: index, agent, recorder, env: options.env, setupData: options.setupData, dataSegment, samples });
    return createExecutor({ scenario, runner, recorder, vuIds, onError: errorLogger(scenario.name), share: options.share });
  });

  for (const executor of executors) executor.initVUs();

  const selectedPlans = selected.map(({ scenario }) => scenario);
  const doctor = createDoctor(plan, selectedPlans, {
    share: options.share,
    onRuleError: (error) => errorLogger('doctor')(error),
  });

  emit({
    type: 'start',
    v: PROTOCOL_VERSION,
    runId,
    startedAt: startedAtIso,
    engineVersion,
    plan: planInfo(plan, selectedPlans),
  });
  if (options.preflight !== false) for (const diagnosis of doctor.preflight()) emit({ type: 'diagnosis', t: 0, diagnosis });

  const stopAll = (hard: boolean): void => {
    for (const executor of executors) {
      if (hard) executor.hardStop();
      else executor.stop();
    }
  };
  const ledger = new RunLedger({
    runId,
    startedAt: startedAtIso,
    registry,
    thresholds: plan.thresholds,
    shown: selectedNames.size === plan.scenarios.length ? undefined : selectedNames,
    emit,
    doctor,
    onAbort: () => stopAll(false),
    onWindow: options.onWindow,
  });

  // One aggregate per whole second of the run, each armed from the run's start so they do not drift.
  let second = 0;
  let lastAggregateAt = 0;
  let ticker: NodeJS.Timeout | undefined;
  const measured = (t: number): LedgerSecond & { elapsedMs: number } => {
    for (const executor of executors) executor.refreshGauges();
    return { t, health: health!.sample(agent.openSockets, agent.takeNewConnections()), elapsedMs: elapsedMs() };
  };
  const onSecond = (): void => {
    ticker = undefined;
    if (elapsedMs() < (second + 1) * 1000) {
      ticker = setTimeout(onSecond, delayUntil(runStart + (second + 1) * 1000));
      return;
    }
    second++;
    const measuredSecond = measured(second);
    // The aggregate's time, before abortOnFail is judged: an abort's stop is followed by a last aggregate.
    lastAggregateAt = measuredSecond.elapsedMs;
    ledger.second(measuredSecond);
    ticker = setTimeout(onSecond, delayUntil(runStart + (second + 1) * 1000));
  };
  let begun = false;
  let stopRequest: { hard: boolean } | undefined;
  const begin = (): void => {
    // The clock, the health figures and the schedules all start here, after any warm-up.
    begun = true;
    runStart = now();
    health = createHealthSampler();
    // A stop that came during the warm-up ends the run before its first iteration.
    if (stopRequest !== undefined) return stopAll(stopRequest.hard);
    ticker = setTimeout(onSecond, delayUntil(runStart + 1000));
    for (const executor of executors) executor.start(runStart);
  };
  // The warm-up runs the request path itself; without one, the path is primed. A worker thread prepares its
  // own before it reports ready (primeHttp false here); the warm-up's own run and tests are unprimed.
  const priming = new AbortController();
  const ready = prepareToRun(plan, selectedPlans, {
    warmUp: options.warmUp === true,
    prime: options.primeHttp !== false,
    share: options.share,
    log: (level, message) => emit({ type: 'log', t: 0, level, message }),
    run: runUnobserved,
    signal: priming.signal,
  });
  if (ready === undefined) begin();
  else void ready.then(begin);

  const finish = async (): Promise<RunSummary> => {
    if (ticker !== undefined) clearTimeout(ticker);
    ticker = undefined;
    const durationMs = elapsedMs();
    // The last, partial second still gets its aggregate, so the stream adds up to the summary.
    if (durationMs - lastAggregateAt >= 1) ledger.finalSecond(measured(Math.ceil(durationMs / 1000)));
    await agent.close();
    health?.stop();
    return ledger.finish({ durationMs, failureSamples: samples?.groups() });
  };

  const done = Promise.all(executors.map((executor) => executor.done)).then(finish, async (error: unknown) => {
    // Executors never reject; should one do so anyway, nothing must stay open behind the error.
    if (ticker !== undefined) clearTimeout(ticker);
    stopAll(true);
    await agent.close().catch(() => undefined);
    health?.stop();
    throw error;
  });

  return {
    stop(hard = false) {
      ledger.stop();
      if (begun) stopAll(hard);
      else {
        stopRequest = { hard: hard || stopRequest?.hard === true };
        priming.abort();
      }
    },
    done,
  };
}

/** A run nobody watches: the warm-up's, whose figures are thrown away. */
export function runUnobserved(plan: Plan): RunHandle {
  return startRun(plan, { env: {}, onEvent: () => undefined, preflight: false, primeHttp: false });
}

export function selectScenarios(plan: Plan, names: string[] | undefined): Array<{ scenario: ScenarioPlan; index: number }> {
  const all = plan.scenarios.map((scenario, index) => ({ scenario, index }));
  if (names === undefined || names.length === 0) return all;
  for (const name of names) {
    if (!plan.scenarios.some((scenario) => scenario.name === name)) {
      const known = plan.scenarios.map((scenario) => scenario.name).join(', ');
      throw new Error(`${plan.file} has no scenario named "${name}" (it has: ${known})`);
    }
  }
  return all.filter(({ scenario }) => names.includes(scenario.name));
}

export function planInfo(plan: Plan, scenarios: readonly ScenarioPlan[]): PlanInfo {
  const info: PlanInfo = {
    file: plan.file,
    name: plan.name,
    scenarios: scenarios.map((scenario) => ({
      name: scenario.name,
      executor: scenario.executor.type,
      startTimeMs: scenario.startTimeMs,
      durationMs: plannedDurationMs(scenario.executor),
      gracefulStopMs: scenario.gracefulStopMs,
      maxVUs: maxVUsOf(scenario.executor),
      steps: scenario.steps.map((step) => ({
        name: step.name,
        index: step.index,
        line: step.range.start.line + 1,
        kind: step.kind,
        ...(step.kind === 'request' ? { method: step.method } : {}),
        ...(step.group !== undefined ? { group: step.group } : {}),
      })),
      ...(scenario.groups ? { groups: scenario.groups.map((g) => ({ name: g.name, line: g.range.start.line + 1 })) } : {}),
    })),
    thresholds: plan.thresholds.map((threshold) => ({
      key: threshold.key,
      source: threshold.source,
      line: threshold.range.start.line + 1,
    })),
  };
  if (plan.baseUrl !== undefined) info.baseUrl = plan.baseUrl;
  return info;
}
