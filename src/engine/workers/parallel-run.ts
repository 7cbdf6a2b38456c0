// One run over several worker threads: each worker runs startRun on its part of every scenario (k6's
// execution segments, striped, so VUs and arrival-rate iterations interleave exactly), and this thread
// merges their per-second windows into one MetricsRegistry. The run ledger (../ledger.ts) reports each
// merged second, judges abortOnFail thresholds and builds the summary from that registry exactly as it
// does for a single-thread run, so the event stream has the same shape and the same totals.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { version as engineVersion } from '../../../package.json';
import { PROTOCOL_VERSION, type FailureSampleGroup, type GeneratorHealth, type RegistryWindow, type RunEvent, type RunSummary } from '../../protocol';
import { maxVUsOf } from '../executors';
import { sharedPoolShare } from '../http/pool-share';
import { delayUntil } from '../executors/base-executor';
import { now } from '../executors/types';
import { createDoctor } from '../doctor';
import { RunLedger } from '../ledger';
import { createHealthSampler } from '../metrics/health';
import { MetricsRegistry } from '../metrics/registry';
import { planInfo, selectScenarios, startRun, type RunHandle, type StartRunOptions } from '../run';
import type { Plan } from '../scenario/plan';
import { sharedTables } from '../scenario/data-files';
import { ExecutionTuple, FULL_TUPLE, specOf } from '../segments';
import type { FromWorker, ToWorker, WorkerHealth, WorkerSetup } from './protocol';
import { mergeFailureSamples } from '../samples/merge';

/**
 * startRun's options, plus the number of workers. `share` is this process's segment
 * (`--execution-segment` in `--execution-segment-sequence`), which the workers split between them;
 * `onWindow` sees the merged windows.
 */
export interface ParallelRunOptions extends StartRunOptions {
  /** Worker threads; 1 runs on this thread (plain startRun). Default: the number of cores. */
  workers?: number;
  /** The scenario file's text; read from plan.file when absent. */
  source?: string;
  /** As in StartRunOptions, but on by default: every thread warms up before the run starts. */
  warmUp?: boolean;
}

/** How many workers `--workers` means when not given: one per core. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Same contract as startRun; with one worker it is startRun. */
export function startParallelRun(plan: Plan, options: ParallelRunOptions): RunHandle {
  const segment = options.share ?? FULL_TUPLE;
  // More threads than VUs would leave some idle and only cost their start-up (≈100 ms each).
  const vus = selectScenarios(plan, options.scenarios).reduce((sum, { scenario }) => sum + segment.scale(maxVUsOf(scenario.executor)), 0);
  // Shared pools: a thread without a connection of its own could send nothing, so there are no more threads
  // than this process's share of maxConnectionsPerHost (the limit is the test's, split like the VUs).
  const connections = plan.http.connections === 'shared' ? Math.max(1, sharedPoolShare(plan.http, segment)) : Infinity;
  const workers = Math.max(1, Math.min(Math.floor(options.workers ?? defaultWorkers()), vus, connections));
  // Only a tuple crosses into a worker (as text); a composed share is itself a worker's part already.
  if (workers === 1 || !(segment instanceof ExecutionTuple)) return startRun(plan, { ...options, warmUp: options.warmUp ?? true });
  return new ParallelRun(plan, options, workers, segment).handle;
}

/**
 * A worker thread of this engine: the bundle itself (its entry dispatches on workerData), or, running
 * from source, the source entry behind tsx's require hook (loader hooks do not carry over into workers,
 * and Node refuses a .ts entry before any hook could run).
 */
function spawnWorker(setup: WorkerSetup): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(__filename, { workerData: setup });
  const entry = join(__dirname, 'entry.ts');
  // Resolved here: an eval'd worker resolves bare names from the current directory, not from this file.
  // (A name in a variable: the bundle never takes this path, so esbuild need not resolve it.)
  const hook = 'tsx/cjs';
  const tsx = require.resolve(hook);
  return new Worker(`require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(entry)});`, { eval: true, workerData: setup });
}

const MAX_LOGGED = 5;

interface PendingSecond {
  windows: RegistryWindow[];
  health: WorkerHealth[];
  /** Whether every window of the second was its worker's last, measured after its part of the run had ended. */
  final: boolean;
}

class ParallelRun {
  readonly handle: RunHandle;
  private readonly registry: MetricsRegistry;
  private readonly threads: Worker[] = [];
  private readonly lastSecond: number[];
  private readonly finished: boolean[];
  private readonly pending = new Map<number, PendingSecond>();
  private readonly health = createHealthSampler();
  private readonly ledger: RunLedger;
  private readonly logged = new Set<string>();
  /** Each finished worker's failure samples, merged at the end. */
  private readonly failureSamples: FailureSampleGroup[][] = [];
  private readonly runId: string;
  private runStart = 0;
  private started = false;
  private ready = 0;
  private stopped: { hard: boolean } | undefined;
  private settled = false;
  private resolve!: (summary: RunSummary) => void;
  private reject!: (error: unknown) => void;

  constructor(
    plan: Plan,
    private readonly options: ParallelRunOptions,
    workers: number,
    segment: ExecutionTuple,
  ) {
    const selected = selectScenarios(plan, options.scenarios);
    // The doctor sees the merged seconds, as it would in a single-thread run (the workers' own are dropped).
    const doctor = createDoctor(plan, selected.map(({ scenario }) => scenario), {
      // The generator's CPU is summed over the worker threads, so saturation is judged per core.
      threads: workers,
      share: segment,
      onRuleError: (error) => this.log(`scenario doctor: ${error instanceof Error ? error.message : String(error)}`),
    });
    this.runId = options.runId ?? randomUUID();
    this.registry = new MetricsRegistry(plan);
    const startedAt = new Date().toISOString();
    this.ledger = new RunLedger({
      runId: this.runId,
      startedAt,
      registry: this.registry,
      thresholds: plan.thresholds,
      shown: selected.length === plan.scenarios.length ? undefined : new Set(selected.map(({ scenario }) => scenario.name)),
      emit: (event) => this.emit(event),
      doctor,
      onAbort: () => {
        this.stopped = { hard: false };
        this.post({ type: 'stop', hard: false });
      },
      onWindow: options.onWindow,
    });
    this.lastSecond = new Array<number>(workers).fill(0);
    this.finished = new Array<boolean>(workers).fill(false);
    const done = new Promise<RunSummary>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.handle = {
      stop: (hard = false) => this.stop(hard),
      done,
    };

    const text = options.source ?? readFileSync(plan.file, 'utf8');
    const env: Record<string, string | undefined> = { ...options.env };
    for (let i = 0; i < workers; i++) {
      const setup: WorkerSetup = {
        volleyWorker: true,
        text,
        file: plan.file,
        scenarios: options.scenarios,
        env,
        setupData: options.setupData === undefined ? undefined : { ...options.setupData },
        runId: this.runId,
        segment: specOf(segment),
        worker: i,
        workers,
        warmUp: options.warmUp ?? true,
        dataTables: sharedTables(plan.data),
        secrets: options.secrets ?? [],
        failureSamples: options.failureSamples !== false,
      };
      const thread = spawnWorker(setup);
      thread.on('message', (message: FromWorker) => this.onMessage(i, message));
      thread.on('error', (error) => this.fail(new Error(`worker ${i}: ${error.message}`)));
      thread.on('exit', (code) => {
        if (!this.finished[i]) this.fail(new Error(`worker ${i} exited (code ${code}) before its run ended`));
      });
      this.threads.push(thread);
    }

    this.emit({
      type: 'start',
      v: PROTOCOL_VERSION,
      runId: this.runId,
      startedAt,
      engineVersion,
      plan: planInfo(plan, selected.map(({ scenario }) => scenario)),
    });
    if (options.preflight !== false) for (const diagnosis of doctor.preflight()) this.emit({ type: 'diagnosis', t: 0, diagnosis });
  }

  private log(message: string): void {
    // Every worker runs the same flow: the same bug is logged once.
    if (this.logged.has(message) || this.logged.size >= MAX_LOGGED) return;
    this.logged.add(message);
    this.emit({ type: 'log', t: Math.round(this.elapsedMs() / 100) / 10, level: 'error', message });
  }

  private emit(event: RunEvent): void {
    this.options.onEvent(event);
  }

  private elapsedMs(): number {
    return this.started ? now() - this.runStart : 0;
  }

  private post(message: ToWorker): void {
    this.threads.forEach((thread, i) => {
      if (!this.finished[i]) thread.postMessage(message);
    });
  }

  private onMessage(worker: number, message: FromWorker): void {
    if (this.settled) return;
    switch (message.type) {
      case 'ready':
        if (++this.ready === this.threads.length) this.go();
        break;
      case 'window':
        this.addWindow(worker, message);
        break;
      case 'event':
        this.passOn(message.event);
        break;
      case 'done':
        this.finished[worker] = true;
        this.registry.importChecks(message.checks);
        this.failureSamples.push(message.failureSamples);
        this.ledger.partEnded(message.outcome);
        void this.threads[worker].terminate();
        this.flush();
        if (this.finished.every(Boolean)) this.finish();
        break;
      case 'failed':
        this.fail(new Error(message.message));
        break;
    }
  }

  /** Every worker compiled: start them together, a moment from now, so their seconds line up. */
  private go(): void {
    const startAt = Date.now() + 20;
    this.post({ type: 'go', startAt });
    setTimeout(() => {
      this.started = true;
      this.runStart = now();
      if (this.stopped !== undefined) this.post({ type: 'stop', hard: this.stopped.hard });
    }, delayUntil(now() + (startAt - Date.now())));
  }

  private passOn(event: Extract<RunEvent, { type: 'log' }>): void {
    if (this.logged.has(event.message) || this.logged.size >= MAX_LOGGED) return;
    this.logged.add(event.message);
    this.emit(event);
  }

  private addWindow(worker: number, { t, window, health, final }: Extract<FromWorker, { type: 'window' }>): void {
    let second = this.pending.get(t);
    if (second === undefined) {
      second = { windows: [], health: [], final: true };
      this.pending.set(t, second);
    }
    second.windows.push(window);
    second.health.push(health);
    second.final &&= final;
    this.lastSecond[worker] = Math.max(this.lastSecond[worker], t);
    this.flush();
  }

  /** Report every second that all workers have reported (or will never report: they have ended). */
  private flush(): void {
    const ready = [...this.pending.keys()]
      .filter((t) => this.lastSecond.every((last, i) => this.finished[i] || last >= t))
      .sort((a, b) => a - b);
    for (const t of ready) {
      const second = this.pending.get(t)!;
      this.pending.delete(t);
      this.aggregate(t, second);
    }
  }

  /** One merged second to the ledger, judged unless every worker had ended when it measured its part. */
  private aggregate(t: number, second: PendingSecond): void {
    const own = this.health.sample(0, 0);
    const health: GeneratorHealth = { ...own };
    for (const h of second.health) {
      health.eventLoopDelayP99Ms = Math.max(health.eventLoopDelayP99Ms, h.eventLoopDelayP99Ms);
      health.heapUsedBytes += h.heapUsedBytes;
      health.openSockets += h.openSockets;
      health.newConnections += h.newConnections;
    }
    const merged = { t, health, windows: second.windows, elapsedMs: this.elapsedMs() };
    if (second.final) this.ledger.finalSecond(merged);
    else this.ledger.second(merged);
  }

  private stop(hard: boolean): void {
    this.ledger.stop();
    this.stopped = { hard: hard || this.stopped?.hard === true };
    if (this.started) this.post({ type: 'stop', hard });
  }

  private finish(): void {
    if (this.settled) return;
    this.settled = true;
    const durationMs = this.elapsedMs();
    // Seconds some worker reported but not all (they ended at slightly different times).
    for (const t of [...this.pending.keys()].sort((a, b) => a - b)) this.aggregate(t, { ...this.pending.get(t)!, final: true });
    this.pending.clear();
    if (this.ledger.lastSecond === 0 && durationMs > 0) this.aggregate(Math.max(1, Math.ceil(durationMs / 1000)), { windows: [], health: [], final: true });
    this.health.stop();
    this.resolve(this.ledger.finish({ durationMs, failureSamples: mergeFailureSamples(this.failureSamples) }));
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.health.stop();
    for (const thread of this.threads) void thread.terminate();
    this.reject(error);
  }
}
