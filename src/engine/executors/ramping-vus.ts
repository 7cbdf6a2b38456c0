// ramping-vus (k6: lib/executor/ramping_vus.go and vu_handle.go): the number of looping VUs follows the
// stages linearly, changing one VU at a time. Going up, the k-th extra VU of a stage starts at
// stageStart + k·D/|Δ|; going down, the k-th surplus VU is told to stop at the same offsets: it finishes
// its current iteration, and is interrupted if that takes longer than gracefulRampDown. VUs are
// slots: the highest slots stop first and a stopping slot that is wanted again just keeps looping.
// Everything still running at the end of the stages gets gracefulStop, as in every executor.
import type { ExecutorPlan, Stage } from '../scenario/plan';
import { stagesDurationMs } from '../scenario/stages';
import { BaseExecutor } from './base-executor';
import type { WorkShare } from '../segments';
import type { ClockTimer } from './clock';
import { scaled, type ExecutorContext } from './types';
import type { VUHandle } from './vu-pool';

type Config = Extract<ExecutorPlan, { type: 'ramping-vus' }>;

export interface VUStep {
  offsetMs: number;
  vus: number;
}

/** When the planned number of VUs changes, k6's raw execution steps (without the drop to 0 at the end). */
export function rampingVUsSteps(startVUs: number, stages: readonly Stage[]): VUStep[] {
  const steps: VUStep[] = [{ offsetMs: 0, vus: startVUs }];
  let from = startVUs;
  let stageStart = 0;
  for (const stage of stages) {
    const to = stage.target;
    const diff = Math.abs(to - from);
    if (diff > 0) {
      if (stage.durationMs === 0) {
        steps.push({ offsetMs: stageStart, vus: to });
      } else {
        const direction = to > from ? 1 : -1;
        for (let k = 1; k <= diff; k++) {
          steps.push({ offsetMs: stageStart + (stage.durationMs * k) / diff, vus: from + direction * k });
        }
      }
    }
    from = to;
    stageStart += stage.durationMs;
  }
  return steps;
}

/**
 * The steps of one segment (k6's getRawExecutionSteps with a SegmentedIndex): the whole scenario's steps
 * counted in this segment's VUs, keeping only the steps where that count changes. A segment's VU joins
 * (or leaves) exactly when the same VU of the single-process run would, so the segments add up to the
 * single-process ramp at every moment.
 */
export function segmentSteps(steps: readonly VUStep[], share: WorkShare | undefined): VUStep[] {
  if (share === undefined || share.isFull) return [...steps];
  const out: VUStep[] = [];
  for (const step of steps) {
    const vus = share.scale(step.vus);
    if (out.length === 0 || out[out.length - 1]!.vus !== vus) out.push({ offsetMs: step.offsetMs, vus });
  }
  return out;
}

export class RampingVUsExecutor<V> extends BaseExecutor<V> {
  readonly plannedDurationMs: number;
  private readonly steps: VUStep[];
  private readonly gracefulRampDownMs: number;
  private nextStep = 0;
  private stepTimer: ClockTimer | undefined;
  private readonly wanted: boolean[] = [];
  private readonly rampDownTimers: Array<ClockTimer | undefined> = [];
  private readonly rampDownOver: Array<() => void> = [];
  private planned = 0;

  constructor(context: ExecutorContext<V>, config: Config) {
    super(context, scaled(context, Math.max(config.startVUs, ...config.stages.map((stage) => stage.target))), false);
    this.steps = segmentSteps(rampingVUsSteps(config.startVUs, config.stages), context.share);
    this.plannedDurationMs = stagesDurationMs(config.stages);
    this.gracefulRampDownMs = config.gracefulRampDownMs;
  }

  /** The number of VUs the stages ask for right now. */
  get plannedVUs(): number {
    return this.planned;
  }

  protected onBegin(): void {
    // k6 initialises every VU the stages will need before the scenario starts.
    for (let slot = 0; slot < this.maxVUs; slot++) {
      const handle = this.pool.allocate()!;
      handle.slot = slot;
      this.wanted.push(false);
      this.rampDownTimers.push(undefined);
      this.rampDownOver.push(() => this.interruptSlot(slot));
    }
    this.endRegularDurationAt(this.plannedDurationMs);
    this.applySteps();
  }

  private readonly applySteps = (): void => {
    this.stepTimer = undefined;
    if (this.phase !== 'running') return;
    const elapsed = this.elapsed();
    // A step that falls on the end itself is the end's business: the VUs stop there anyway.
    while (
      this.nextStep < this.steps.length &&
      this.steps[this.nextStep]!.offsetMs <= elapsed &&
      this.steps[this.nextStep]!.offsetMs < this.plannedDurationMs
    ) {
      this.setPlanned(this.steps[this.nextStep++]!.vus);
    }
    if (this.nextStep < this.steps.length && this.steps[this.nextStep]!.offsetMs < this.plannedDurationMs) {
      const delay = this.steps[this.nextStep]!.offsetMs - elapsed;
      this.stepTimer = this.clock.setTimeout(this.applySteps, Math.max(1, Math.ceil(delay)));
    }
  };

  private setPlanned(vus: number): void {
    this.planned = vus;
    const handles = this.pool.handles;
    for (let slot = 0; slot < handles.length; slot++) {
      const handle = handles[slot]!;
      if (slot < vus) {
        if (this.wanted[slot]) continue;
        this.wanted[slot] = true;
        this.clearRampDown(slot);
        if (handle.state === 'idle') this.pool.start(handle);
      } else if (this.wanted[slot]) {
        this.wanted[slot] = false;
        if (handle.state === 'running') {
          this.rampDownTimers[slot] = this.clock.setTimeout(this.rampDownOver[slot]!, this.gracefulRampDownMs);
        }
      }
    }
  }

  private interruptSlot(slot: number): void {
    this.rampDownTimers[slot] = undefined;
    if (!this.wanted[slot]) this.pool.interrupt(this.pool.handles[slot]!);
  }

  private clearRampDown(slot: number): void {
    const timer = this.rampDownTimers[slot];
    if (timer !== undefined) this.clock.clearTimeout(timer);
    this.rampDownTimers[slot] = undefined;
  }

  protected continueVU(handle: VUHandle<V>): boolean {
    const wanted = this.wanted[handle.slot] === true;
    if (!wanted) this.clearRampDown(handle.slot);
    return wanted;
  }

  protected override onStopping(): void {
    if (this.stepTimer !== undefined) this.clock.clearTimeout(this.stepTimer);
    this.stepTimer = undefined;
    this.planned = 0;
    // Slots already ramping down keep their own (earlier) deadlines; gracefulStop covers the rest.
    for (let slot = 0; slot < this.wanted.length; slot++) this.wanted[slot] = false;
  }

  protected override onFinish(): void {
    for (let slot = 0; slot < this.rampDownTimers.length; slot++) this.clearRampDown(slot);
  }
}
