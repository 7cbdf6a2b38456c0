// What each metric means, in one place: the language server's hovers and the generated
// docs/scenario-format.md both read it. A Record over MetricName, so a new metric cannot go undescribed.
import type { MetricName } from './catalogue';

export const METRIC_DESCRIPTIONS: Readonly<Record<MetricName, string>> = {
  http_reqs: 'HTTP requests made, whatever their outcome.',
  http_req_duration:
    'Time of a request: `http_req_sending + http_req_waiting + http_req_receiving` (not the time to get a ' +
    'connection, which is `http_req_blocked`).',
  http_req_blocked:
    'Time waiting for a connection before the request could be sent (a free connection of a shared pool, or ' +
    'a new connection, connecting and the TLS handshake included); about 0 on a reused keep-alive connection, as in k6.',
  http_req_connecting: 'Time to open the TCP connection. 0 on a reused connection.',
  http_req_tls_handshaking: 'Time of the TLS handshake. 0 on a reused connection and for `http://`.',
  http_req_sending: 'Time to send the request.',
  http_req_waiting: 'Time from the end of sending to the first byte of the response (TTFB).',
  http_req_receiving: 'Time from the first byte of the response to the last.',
  volley_req_queued:
    'Volley\'s own. Time a request waited in the load generator after it had its connection and before it ' +
    'was written: the rest of the event loop\'s turn (undici checks an idle socket before reusing it) and any ' +
    'backlog of a busy generator. In neither `http_req_blocked` nor `http_req_duration`; k6 has no such wait. ' +
    'High values mean the generator, not the target, is the bottleneck.',
  http_req_failed: 'Share of requests that failed: a transport error (refused, reset, timeout, …) or a status ≥ 400.',
  iterations: 'Iterations of the flow that completed (interrupted ones are not counted).',
  iteration_duration: 'Time of one whole iteration of the flow, `think` steps included.',
  group_duration:
    'Time of one pass through a `group:`, its `think` steps included; the `group` tag names the group ' +
    '(`outer::inner` for a nested one).',
  iteration_lateness:
    'Volley\'s own. Arrival-rate executors: how late each iteration started against its schedule. Large ' +
    'values mean the load generator could not keep the rate (coordinated omission).',
  dropped_iterations:
    'Iterations that were due but never started: no idle VU at their start time (arrival-rate executors), ' +
    'or left when `maxDuration` ended (iteration executors).',
  interrupted_iterations: 'Volley\'s own. Iterations cut short by `gracefulStop` or `gracefulRampDown`.',
  vus: 'VUs running an iteration, sampled once a second as k6 samples it.',
  vus_max: 'VUs allocated (arrival-rate executors grow it up to `maxVUs`), sampled once a second as k6 samples it.',
  checks: 'Share of checks that passed.',
  data_sent: 'Bytes sent, headers included; those of requests cut by the end of a scenario too (as in k6).',
  data_received: 'Bytes received, headers included; those of requests cut by the end of a scenario too (as in k6).',
};
