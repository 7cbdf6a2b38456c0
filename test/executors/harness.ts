// Real iteration functions for the executor tests: each iteration is a timer of a chosen length that
// records when it started, and `interrupt` cuts it short. No HTTP: the executors only see the
// IterationRunner interface, exactly as they see FlowRunner in a run.
import type { ScenarioRecorder, StepRecorder } from '../../src/engine/metrics/recorder';
import type { ExecutorPlan, ScenarioPlan } from '../../src/engine/scenario/plan';
import { createExecutor, VUIdSequence, type Executor, type IterationRunner } from '../../src/engine/executors';

export interface TestVU {
  id: number;
  timer: NodeJS.Timeout | undefined;
  resolve: ((completed: boolean) => void) | undefined;
  closed: boolean;
}

export interface IterationStart {
  vu: number;
  iteration: number;
  /** ms since the harness's t0. */
  at: number;
}

const t0 = performance.now();
export const clock = (): number => performance.now() - t0;

export class SleepRunner implements IterationRunner<TestVU> {
  readonly starts: IterationStart[] = [];
  readonly created: number[] = [];
  readonly closed: number[] = [];
  /** ms since t0 at each interrupt. */
  readonly interrupts: Array<{ vu: number; at: number }> = [];
  running = 0;
  maxRunning = 0;

  /** `durationMs` of 0 resolves on the microtask queue: an iteration without any I/O. */
  constructor(private readonly durationMs: (vu: number, iteration: number) => number) {}

  newVU(id: number): TestVU {
    this.created.push(id);
    return { id, timer: undefined, resolve: undefined, closed: false };
  }

  runIteration(vu: TestVU, iteration: number): Promise<boolean> {
    if (vu.closed) throw new Error(`VU ${vu.id} used after close`);
    if (vu.resolve !== undefined) throw new Error(`VU ${vu.id} runs two iterations at once`);
    this.starts.push({ vu: vu.id, iteration, at: clock() });
    const ms = this.durationMs(vu.id, iteration);
    if (ms === 0) return Promise.resolve(true);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise((resolve) => {
      vu.resolve = (completed) => {
        if (vu.timer !== undefined) clearTimeout(vu.timer);
        vu.timer = undefined;
        vu.resolve = undefined;
        this.running--;
        resolve(completed);
      };
      vu.timer = setTimeout(() => vu.resolve?.(true), ms);
    });
  }

  interrupt(vu: TestVU): void {
    this.interrupts.push({ vu: vu.id, at: clock() });
    vu.resolve?.(false);
  }

  async closeVU(vu: TestVU): Promise<void> {
    if (vu.resolve !== undefined) throw new Error(`VU ${vu.id} closed while running`);
    vu.closed = true;
    this.closed.push(vu.id);
  }
}

const noStep: StepRecorder = { request() {}, check() {} };

export class CountingRecorder implements ScenarioRecorder {
  completed = 0;
  interruptedCount = 0;
  droppedCount = 0;
  readonly latenesses: number[] = [];
  readonly durations: number[] = [];
  /** Every setVUs call with its time. */
  readonly vus: Array<{ at: number; active: number; allocated: number }> = [];
  readonly rates: Array<{ at: number; rate: number }> = [];

  step(): StepRecorder {
    return noStep;
  }
  iteration(durationMs: number): void {
    this.completed++;
    this.durations.push(durationMs);
  }
  interrupted(): void {
    this.interruptedCount++;
  }
  dropped(count = 1): void {
    this.droppedCount += count;
  }
  lateness(ms: number): void {
    this.latenesses.push(ms);
  }
  setVUs(active: number, allocated: number): void {
    this.vus.push({ at: clock(), active, allocated });
  }
  setTargetRate(perSecond: number): void {
    this.rates.push({ at: clock(), rate: perSecond });
  }

  /** The VU counts in force at `at` ms since t0. */
  vusAt(at: number): { active: number; allocated: number } {
    let current = { active: 0, allocated: 0 };
    for (const entry of this.vus) {
      if (entry.at > at) break;
      current = { active: entry.active, allocated: entry.allocated };
    }
    return current;
  }

  get maxAllocated(): number {
    return this.vus.reduce((max, entry) => Math.max(max, entry.allocated), 0);
  }

  get maxActive(): number {
    return this.vus.reduce((max, entry) => Math.max(max, entry.active), 0);
  }
}

export function scenario(executor: ExecutorPlan, options: Partial<ScenarioPlan> = {}): ScenarioPlan {
  const zero = { line: 0, character: 0 };
  return {
    name: 'test',
    range: { start: zero, end: zero },
    executor,
    startTimeMs: 0,
    gracefulStopMs: 30_000,
    steps: [],
    ...options,
  };
}

export interface Harness {
  executor: Executor;
  runner: SleepRunner;
  recorder: CountingRecorder;
  /** ms since t0 when the scenario was started. */
  startedAt: number;
  errors: unknown[];
  /** ms since t0 when the scenario actually began (startTime and a busy event loop delay it). */
  began(): number;
}

/** Start one scenario's executor now; `done` of the executor ends it. */
export function runScenario(
  plan: ScenarioPlan,
  durationMs: (vu: number, iteration: number) => number,
  vuIds = new VUIdSequence(),
): Harness {
  const runner = new SleepRunner(durationMs);
  const recorder = new CountingRecorder();
  const errors: unknown[] = [];
  const executor = createExecutor({
    scenario: plan,
    runner,
    recorder,
    vuIds,
    onError: (error) => errors.push(error),
  });
  const startedAt = clock();
  executor.start(performance.now());
  const began = (): number => {
    const at = executor.beganAt;
    if (at === undefined) throw new Error('the scenario has not begun');
    return at - t0;
  };
  return { executor, runner, recorder, startedAt, errors, began };
}

/** Resolves once the executor is done, with the time from the scenario's actual beginning. */
export async function finished(harness: Harness): Promise<number> {
  await harness.executor.done;
  return clock() - (harness.executor.beganAt === undefined ? harness.startedAt : harness.began());
}

/** Iteration start offsets from the scenario's actual beginning, sorted. */
export function startOffsets(harness: Harness): number[] {
  return harness.runner.starts.map((start) => start.at - harness.began()).sort((a, b) => a - b);
}

/** Milliseconds from the scenario's beginning to `at` (ms since t0). */
export function sinceBegin(harness: Harness, at: number): number {
  return at - harness.began();
}

/**
 * Timer slack allowed on top of a due time. Lower bounds stay exact (nothing may start early); the
 * upper bound absorbs a busy machine, where other test processes share two cores.
 */
export const SLACK_MS = 100;
