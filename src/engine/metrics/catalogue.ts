// The metric catalogue: every metric the engine records with its k6 type, and the tags its samples are
// kept by (so what a threshold on it can be filtered by). The validator, the registry that answers the
// filters, the summary, completion, hover and the docs all read these tables.

/** Metric names, k6's where k6 has one. */
export const METRICS = {
  http_reqs: 'counter',
  http_req_duration: 'trend',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_waiting: 'trend',
  http_req_receiving: 'trend',
  http_req_failed: 'rate',
  /** Volley's own: how long a request waited in the generator between having a connection and being written. */
  volley_req_queued: 'trend',
  iterations: 'counter',
  iteration_duration: 'trend',
  /** k6's: how long each pass through a `group:` took. */
  group_duration: 'trend',
  /** Volley's own: how late each iteration started against its schedule (coordinated omission). */
  iteration_lateness: 'trend',
  dropped_iterations: 'counter',
  /** Volley's own: iterations cut by gracefulStop or gracefulRampDown. */
  interrupted_iterations: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
  checks: 'rate',
  data_sent: 'counter',
  data_received: 'counter',
} as const;

export type MetricName = keyof typeof METRICS;
export type MetricType = 'counter' | 'trend' | 'rate' | 'gauge';

/** Tags a threshold may filter on: k6's names, and Volley's `step`. */
export const THRESHOLD_TAGS = ['scenario', 'group', 'step', 'method', 'status', 'expected_response'] as const;
export type ThresholdTag = (typeof THRESHOLD_TAGS)[number];

// A request's `group` tag is its step's innermost group: a step is in one place of the flow.
const PER_REQUEST: readonly ThresholdTag[] = ['scenario', 'group', 'step', 'method'];
const PER_RESPONSE: readonly ThresholdTag[] = ['scenario', 'group', 'step', 'method', 'expected_response'];
const PER_SCENARIO: readonly ThresholdTag[] = ['scenario'];

/** The tags each metric's samples are kept by, so what its thresholds can be filtered by. */
export const METRIC_TAGS: Readonly<Record<MetricName, readonly ThresholdTag[]>> = {
  http_reqs: [...PER_RESPONSE, 'status'],
  http_req_duration: PER_RESPONSE,
  http_req_failed: PER_RESPONSE,
  http_req_blocked: PER_REQUEST,
  http_req_connecting: PER_REQUEST,
  http_req_tls_handshaking: PER_REQUEST,
  http_req_sending: PER_REQUEST,
  http_req_waiting: PER_REQUEST,
  http_req_receiving: PER_REQUEST,
  volley_req_queued: PER_REQUEST,
  checks: PER_REQUEST,
  data_sent: PER_REQUEST,
  data_received: PER_REQUEST,
  iterations: PER_SCENARIO,
  iteration_duration: PER_SCENARIO,
  group_duration: ['scenario', 'group'],
  iteration_lateness: PER_SCENARIO,
  dropped_iterations: PER_SCENARIO,
  interrupted_iterations: PER_SCENARIO,
  vus: PER_SCENARIO,
  vus_max: PER_SCENARIO,
};
