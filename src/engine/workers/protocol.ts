// What the main thread and its worker threads say to each other. Each worker runs startRun on its part of
// the plan; it sends every second's window (mergeable measurements, not statistics), its log lines and
// diagnoses, and its summary at the end; the main thread merges and reports the run as one.
import type { RegistryWindow, RunEvent, RunSummary } from '../../protocol';
import type { SharedDataTable } from '../data/table';
import type { SegmentSpec } from '../segments';

/** workerData of a worker thread: everything it needs to compile and run its part on its own. */
export interface WorkerSetup {
  volleyWorker: true;
  /** The scenario file's text and name: a Plan holds compiled closures and cannot cross threads. */
  text: string;
  file: string;
  scenarios: string[] | undefined;
  env: Record<string, string | undefined>;
  /** What `setup:` captured in the main thread (setup runs once per process, not per worker). */
  setupData: Record<string, unknown> | undefined;
  runId: string;
  /** The process's own segment (the whole test unless --execution-segment), and this worker's part of it. */
  segment: SegmentSpec;
  worker: number;
  workers: number;
  /** Warm the JIT up before `ready` when this worker's arrival rate needs it (StartRunOptions.warmUp). */
  warmUp: boolean;
  /** The data sets' tables, read once by the main thread: shared memory every worker reads, not copies. */
  dataTables?: Record<string, SharedDataTable>;
  /** The session's secret values (StartRunOptions.secrets), and whether failure samples are kept. */
  secrets: readonly string[];
  failureSamples: boolean;
}

/** Health figures that only the worker's own loop and HTTP agent know. */
export interface WorkerHealth {
  eventLoopDelayP99Ms: number;
  heapUsedBytes: number;
  openSockets: number;
  newConnections: number;
}

export type ToWorker =
  /** Start at this wall-clock time (Date.now()), so every worker's seconds line up. */
  | { type: 'go'; startAt: number }
  | { type: 'stop'; hard: boolean };

export type FromWorker =
  /** Compiled and ready for `go`. */
  | { type: 'ready' }
  /** `final`: the worker's last, partial second, measured after its part had ended (not judged for abortOnFail). */
  | { type: 'window'; t: number; window: RegistryWindow; health: WorkerHealth; final: boolean }
  /** Log lines, passed on (deduplicated) by the main thread; the doctor runs there, on merged seconds. */
  | { type: 'event'; event: Extract<RunEvent, { type: 'log' }> }
  | { type: 'done'; outcome: RunSummary['outcome']; checks: NonNullable<RunSummary['checks']>; failureSamples: NonNullable<RunSummary['failureSamples']> }
  | { type: 'failed'; message: string };
