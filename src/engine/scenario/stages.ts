// How long a stage list runs: the sum of its stages' durations. One definition for the checker (a
// list that lasts 0s), the ramping executors (their planned duration) and the VU estimator.
import type { Stage } from './plan';

export function stagesDurationMs(stages: readonly Stage[]): number {
  let total = 0;
  for (const stage of stages) total += stage.durationMs;
  return total;
}
