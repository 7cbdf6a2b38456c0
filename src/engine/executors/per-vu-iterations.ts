// per-vu-iterations (k6: lib/executor/per_vu_iterations.go): each VU runs exactly `iterations`
// iterations, back to back; a segment runs its share of the VUs, each with all its iterations. At maxDuration no VU starts another one; whatever a VU has not started
// by then counts as dropped (started + dropped = vus × iterations). The scenario ends as soon as every
// VU is done.
import type { ExecutorPlan } from '../scenario/plan';
import { BaseExecutor } from './base-executor';
import { scaled, type ExecutorContext } from './types';
import type { VUHandle } from './vu-pool';

type Config = Extract<ExecutorPlan, { type: 'per-vu-iterations' }>;

export class PerVUIterationsExecutor<V> extends BaseExecutor<V> {
  readonly plannedDurationMs: number;
  private readonly iterations: number;

  constructor(context: ExecutorContext<V>, config: Config) {
    super(context, scaled(context, config.vus), false);
    this.plannedDurationMs = config.maxDurationMs;
    this.iterations = config.iterations;
  }

  protected onBegin(): void {
    for (let i = 0; i < this.maxVUs; i++) this.pool.allocate();
    this.endRegularDurationAt(this.plannedDurationMs);
    if (this.iterations <= 0) {
      this.finish();
      return;
    }
    for (const handle of this.pool.handles) this.pool.start(handle);
  }

  protected continueVU(handle: VUHandle<V>): boolean {
    return handle.iterations < this.iterations;
  }

  protected override onPoolIdleWhileRunning(): void {
    if (this.pool.handles.every((handle) => handle.iterations >= this.iterations)) this.finish();
  }

  protected override onFinish(): void {
    let dropped = 0;
    for (const handle of this.pool.handles) dropped += Math.max(0, this.iterations - handle.iterations);
    if (dropped > 0) this.recorder.dropped(dropped);
  }
}
