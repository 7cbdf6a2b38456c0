// shared-iterations (k6: lib/executor/shared_iterations.go): `vus` VUs share `iterations` iterations;
// each takes the next one as soon as it is free. At maxDuration no new iteration starts and the ones
// never started count as dropped (started + dropped = iterations). The scenario ends as soon as all
// iterations are done.
import type { ExecutorPlan } from '../scenario/plan';
import { BaseExecutor } from './base-executor';
import { scaled, type ExecutorContext } from './types';

type Config = Extract<ExecutorPlan, { type: 'shared-iterations' }>;

/**
 * k6's split of the iterations (SharedIterationsConfig.GetIterations): the sequence re-cut by the VUs,
 * so each segment's iterations follow the VUs it runs; a segment without VUs runs none.
 */
export function sharedIterationsOf(context: Pick<ExecutorContext<unknown>, 'share'>, config: Pick<Config, 'vus' | 'iterations'>): number {
  const share = context.share;
  if (share === undefined || share.isFull) return config.iterations;
  if (share.scale(config.vus) === 0) return 0;
  return share.reSegmented(config.vus)?.scale(config.iterations) ?? 0;
}

export class SharedIterationsExecutor<V> extends BaseExecutor<V> {
  readonly plannedDurationMs: number;
  private readonly iterations: number;
  private started = 0;

  constructor(context: ExecutorContext<V>, config: Config) {
    super(context, scaled(context, config.vus), false);
    this.plannedDurationMs = config.maxDurationMs;
    this.iterations = sharedIterationsOf(context, config);
  }

  get startedIterations(): number {
    return this.started;
  }

  protected onBegin(): void {
    for (let i = 0; i < this.maxVUs; i++) this.pool.allocate();
    this.endRegularDurationAt(this.plannedDurationMs);
    for (const handle of this.pool.handles) {
      if (this.started >= this.iterations) break;
      this.started++;
      this.pool.start(handle);
    }
    if (this.started === 0) this.finish();
  }

  protected continueVU(): boolean {
    if (this.started >= this.iterations) return false;
    this.started++;
    return true;
  }

  protected override onPoolIdleWhileRunning(): void {
    if (this.started >= this.iterations) this.finish();
  }

  protected override onFinish(): void {
    if (this.started < this.iterations) this.recorder.dropped(this.iterations - this.started);
  }
}
