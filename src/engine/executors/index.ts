// One executor per scenario, chosen by the plan's executor type.
import type { ExecutorPlan } from '../scenario/plan';
import { stagesDurationMs } from '../scenario/stages';
import { ConstantArrivalRateExecutor } from './constant-arrival-rate';
import { ConstantVUsExecutor } from './constant-vus';
import { PerVUIterationsExecutor } from './per-vu-iterations';
import { RampingArrivalRateExecutor } from './ramping-arrival-rate';
import { RampingVUsExecutor } from './ramping-vus';
import { SharedIterationsExecutor } from './shared-iterations';
import type { Executor, ExecutorContext } from './types';

export { VUIdSequence, type Executor, type ExecutorContext, type IterationRunner } from './types';
export { realClock, type Clock, type ClockTimer } from './clock';
export { constantArrivalRateTotal } from './constant-arrival-rate';
export { rampingArrivalRateTotal } from './ramping-arrival-rate';
export { rampingVUsSteps } from './ramping-vus';

export function createExecutor<V>(context: ExecutorContext<V>): Executor {
  const config = context.scenario.executor;
  switch (config.type) {
    case 'constant-arrival-rate':
      return new ConstantArrivalRateExecutor(context, config);
    case 'ramping-arrival-rate':
      return new RampingArrivalRateExecutor(context, config);
    case 'constant-vus':
      return new ConstantVUsExecutor(context, config);
    case 'ramping-vus':
      return new RampingVUsExecutor(context, config);
    case 'per-vu-iterations':
      return new PerVUIterationsExecutor(context, config);
    case 'shared-iterations':
      return new SharedIterationsExecutor(context, config);
  }
}

/** The regular duration the executor plans, without gracefulStop (maxDuration for the iteration executors). */
export function plannedDurationMs(config: ExecutorPlan): number {
  switch (config.type) {
    case 'constant-arrival-rate':
    case 'constant-vus':
      return config.durationMs;
    case 'ramping-arrival-rate':
    case 'ramping-vus':
      return stagesDurationMs(config.stages);
    case 'per-vu-iterations':
    case 'shared-iterations':
      return config.maxDurationMs;
  }
}

/** The most VUs the executor may initialise. */
export function maxVUsOf(config: ExecutorPlan): number {
  switch (config.type) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return Math.max(config.maxVUs, config.preAllocatedVUs);
    case 'constant-vus':
    case 'per-vu-iterations':
    case 'shared-iterations':
      return config.vus;
    case 'ramping-vus':
      return Math.max(config.startVUs, ...config.stages.map((stage) => stage.target));
  }
}
