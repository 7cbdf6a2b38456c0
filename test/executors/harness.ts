// Real iteration functions for the executor tests: each iteration is a timer of a chosen length that
// records when it started, and `interrupt` cuts it short. No HTTP: the executors only see the
// IterationRunner interface, exactly as they see FlowRunner in a run. Every time is read from, and every
// iteration timed on, the clock the executor gets: a FakeClock (test/support/fake-clock.ts) for counts
// and orderings, the real one for lateness.
import type { ScenarioRecorder, StepRecorder } from '../../src/engine/metrics/recorder';
import type { ExecutorPlan, ScenarioPlan } from '../../src/engine/scenario/plan';
import { createExecutor, realClock, VUIdSequence, type Clock, type ClockTimer, type Executor, type IterationRunner } from '../../src/engine/executors';
import { FakeClock } from '../support/fake-clock';

export interface TestVU {
  id: number;
  timer: ClockTimer | undefined;
  resolve: ((completed: boolean) => void) | undefined;
  closed: boolean;
}

export interface IterationStart {
  vu: number;
  iteration: number;
  /** On the harness's clock. */
  at: number;
}

export class SleepRunner implements IterationRunner<TestVU> {
  readonly starts: IterationStart[] = [];
  readonly created: number[] = [];
  readonly closed: number[] = [];
  /** The clock's time at each interrupt. */
  readonly interrupts: Array<{ vu: number; at: number }> = [];
  running = 0;
  maxRunning = 0;

  /** `durationMs` of 0 resolves on the microtask queue: an iteration without any I/O. */
  constructor(
    private readonly durationMs: (vu: number, iteration: number) => number,
    private readonly clock: Clock,
  ) {}

  newVU(id: number): TestVU {
    this.created.push(id);
    return { id, timer: undefined, resolve: undefined, closed: false };
  }

  runIteration(vu: TestVU, iteration: number): Promise<boolean> {
    if (vu.closed) throw new Error(`VU ${vu.id} used after close`);
    if (vu.resolve !== undefined) throw new Error(`VU ${vu.id} runs two iterations at once`);
    this.starts.push({ vu: vu.id, iteration, at: this.clock.now() });
    const ms = this.durationMs(vu.id, iteration);
    if (ms === 0) return Promise.resolve(true);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise((resolve) => {
      vu.resolve = (completed) => {
        if (vu.timer !== undefined) this.clock.clearTimeout(vu.timer);
        vu.timer = undefined;
        vu.resolve = undefined;
        this.running--;
        resolve(completed);
      };
      vu.timer = this.clock.setTimeout(() => vu.resolve?.(true), ms);
    });
  }

  interrupt(vu: TestVU): void {
    this.interrupts.push({ vu: vu.id, at: this.clock.now() });
    vu.resolve?.(false);
  }

  async closeVU(vu: TestVU): Promise<void> {
    if (vu.resolve !== undefined) throw new Error(`VU ${vu.id} closed while running`);
    vu.closed = true;
    this.closed.push(vu.id);
  }
}

const noStep: StepRecorder = { request() {}, bytes() {}, check() {} };

export class CountingRecorder implements ScenarioRecorder {
  completed = 0;
  interruptedCount = 0;
  droppedCount = 0;
  readonly latenesses: number[] = [];
  readonly durations: number[] = [];
  /** Every setVUs call with its time. */
  readonly vus: Array<{ at: number; active: number; allocated: number }> = [];
  readonly rates: Array<{ at: number; rate: number }> = [];

  constructor(private readonly clock: Clock) {}

  step(): StepRecorder {
    return noStep;
  }
  group(): void {}
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
    this.vus.push({ at: this.clock.now(), active, allocated });
  }
  setTargetRate(perSecond: number): void {
    this.rates.push({ at: this.clock.now(), rate: perSecond });
  }

  /** The VU counts in force at `at` on the clock. */
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
  clock: Clock;
  /** The clock's time when the scenario was started. */
  startedAt: number;
  errors: unknown[];
  /** The clock's time when the scenario actually began (startTime and a busy event loop delay it). */
  began(): number;
}

export interface HarnessOptions {
  /** Shared by the scenarios of one run: ids unique across them. */
  vuIds?: VUIdSequence;
  /** The executor's and the iterations' clock; the real one by default. */
  clock?: Clock;
}

/** Start one scenario's executor now; `done` of the executor ends it. */
export function runScenario(
  plan: ScenarioPlan,
  durationMs: (vu: number, iteration: number) => number,
  options: HarnessOptions = {},
): Harness {
  const clock = options.clock ?? realClock;
  const runner = new SleepRunner(durationMs, clock);
  const recorder = new CountingRecorder(clock);
  const errors: unknown[] = [];
  const executor = createExecutor({
    scenario: plan,
    runner,
    recorder,
    vuIds: options.vuIds ?? new VUIdSequence(),
    onError: (error) => errors.push(error),
    clock,
  });
  const startedAt = clock.now();
  executor.start(startedAt);
  const began = (): number => {
    const at = executor.beganAt;
    if (at === undefined) throw new Error('the scenario has not begun');
    return at;
  };
  return { executor, runner, recorder, clock, startedAt, errors, began };
}

/**
 * Resolves once the executor is done (running a fake clock until then), with the time from the
 * scenario's actual beginning.
 */
export async function finished(harness: Harness): Promise<number> {
  const { clock, executor } = harness;
  if (clock instanceof FakeClock) await clock.run(executor.done);
  else await executor.done;
  return clock.now() - (executor.beganAt === undefined ? harness.startedAt : harness.began());
}

/** Iteration start offsets from the scenario's actual beginning, sorted. */
export function startOffsets(harness: Harness): number[] {
  return harness.runner.starts.map((start) => start.at - harness.began()).sort((a, b) => a - b);
}

/** Milliseconds from the scenario's beginning to `at` (on the harness's clock). */
export function sinceBegin(harness: Harness, at: number): number {
  return at - harness.began();
}

/**
 * Timer slack allowed on top of a due time, in the real-time tests only. Lower bounds stay exact
 * (nothing may start early); the upper bound absorbs a busy machine, where other test processes share
 * two cores. Tests on the fake clock need none.
 */
export const SLACK_MS = 100;
