// What the hot path calls to record measurements. The registry (./registry.ts) builds one recorder per
// scenario and step before the run, so recording is a few field updates and HDR records: no lookups by
// name and no allocation per request.
import type { ErrorClass, RequestTimings } from '../../protocol';

/** k6's HTTP timing phases of one request (a wire type too: a failure sample carries them). */
export type Timings = RequestTimings;

export interface StepRecorder {
  /**
   * One finished request. `status` is 0 for a transport error, then `errorClass` says which.
   * `failed` follows k6's http_req_failed: a transport error or a status >= 400.
   */
  request(
    status: number,
    failed: boolean,
    errorClass: ErrorClass | undefined,
    timings: Timings,
    bytesSent: number,
    bytesReceived: number,
  ): void;
  /** Bytes of a request that is not measured (cut by an interruption): data_sent and data_received only. */
  bytes(sent: number, received: number): void;
  /**
   * The outcome of one check. `index` is the check's position in the step's `checks` (plan order): with it
   * the summary can list each check by name as k6 does; without it only the step's totals are kept.
   */
  check(passed: boolean, index?: number): void;
}

export interface ScenarioRecorder {
  /** The recorder of the request step at this index of the flow (think steps have none). */
  step(index: number): StepRecorder;
  /** One pass through the group at this index of the scenario's groups (k6's group_duration). */
  group(index: number, durationMs: number): void;
  /** A completed (not interrupted) iteration. */
  iteration(durationMs: number): void;
  /** An iteration cut by gracefulStop / gracefulRampDown: counted here, not as an iteration. */
  interrupted(): void;
  dropped(count?: number): void;
  /** How late an iteration started against its schedule, in ms (0 when on time). */
  lateness(ms: number): void;
  /** Called by the executor whenever its VU counts change. */
  setVUs(active: number, allocated: number): void;
  /** Arrival-rate executors: the rate they aim at now, in iterations per second. */
  setTargetRate(perSecond: number): void;
}
