// VU sizing for arrival-rate scenarios: pure math, no I/O. See docs/estimator.md for the model.
export {
  estimateVUs,
  toDistribution,
  EstimateError,
  DEFAULT_SLOWDOWN,
  DEFAULT_TARGET_DROP_PROBABILITY,
  type DurationsInput,
  type EstimateOptions,
  type VUEstimate,
} from './estimate';
export { arrivalsOf, isArrivalRate, type ArrivalRatePlan, type Arrivals } from './arrivals';
export {
  distributionFromHistogram,
  distributionFromSamples,
  quantile,
  scaleDistribution,
  survivalAt,
  type DurationDistribution,
} from './distribution';
export { inFlight, vusForTarget, dropProbabilityBound, type InFlight } from './in-flight';
export { iterationDurationKey, iterationDurationsOf } from './from-run';
export {
  explainDroppedIterations,
  explainDroppedInRun,
  type DroppedIterationsExplanation,
  type DroppedIterationsInput,
} from './dropped';
export { simulateArrivals, type SimulationResult, type SimulationOptions } from './simulate';
