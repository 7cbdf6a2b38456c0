// One second of a registry's measurements in a form that crosses threads (postMessage) and processes
// (JSON): trend windows as sparse HDR buckets with their exact moments, counters as numbers. Importing
// the windows of several workers into one registry gives the same figures as one registry that saw
// every sample: bucket counts and counters add, min/max/sum stay exact.

/** A trend's window: `values[i]` (µs, the bucket's lowest value) was recorded `counts[i]` times. */
export interface TrendWindow {
  count: number;
  sum: number;
  min: number;
  max: number;
  values: number[];
  counts: number[];
}

export interface StepWindow {
  requests: number;
  failed: number;
  checksPassed: number;
  checksFailed: number;
  sent: number;
  received: number;
  otherStatuses: number;
  /** By ERROR_CLASSES index; empty when there were none. */
  errors: number[];
  /** [status, count] pairs. */
  statuses: Array<[number, number]>;
  /** durationOk, durationFailed, blocked, connecting, tlsHandshaking, sending, waiting, receiving; undefined when empty. */
  trends: Array<TrendWindow | undefined>;
}

export interface ScenarioWindow {
  iterations: number;
  dropped: number;
  interrupted: number;
  /** VUs at the end of the window, and the most within it. */
  vusActive: number;
  vusAllocated: number;
  maxActive: number;
  maxAllocated: number;
  /** Whether the executor reported VUs at all yet. */
  vusSeen: boolean;
  targetRate?: number;
  iterationDuration?: TrendWindow;
  lateness?: TrendWindow;
  /** In the order of the scenario's request steps. */
  steps: StepWindow[];
}

/** Index-aligned with the plan's scenarios. */
export interface RegistryWindow {
  scenarios: ScenarioWindow[];
}
