// constant-vus (k6: lib/executor/constant_vus.go): a fixed number of VUs loop iterations back to back
// for `duration`, then stop gracefully.
import type { ExecutorPlan } from '../scenario/plan';
import { BaseExecutor } from './base-executor';
import { scaled, type ExecutorContext } from './types';

type Config = Extract<ExecutorPlan, { type: 'constant-vus' }>;

export class ConstantVUsExecutor<V> extends BaseExecutor<V> {
  readonly plannedDurationMs: number;

  constructor(context: ExecutorContext<V>, config: Config) {
    super(context, scaled(context, config.vus), false);
    this.plannedDurationMs = config.durationMs;
  }

  protected onBegin(): void {
    for (let i = 0; i < this.maxVUs; i++) {
      const handle = this.pool.allocate();
      if (handle !== undefined) this.pool.start(handle);
    }
    this.endRegularDurationAt(this.plannedDurationMs);
  }

  protected continueVU(): boolean {
    return true;
  }
}
