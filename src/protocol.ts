// The one module that owns what the parts say to each other: the engine's run events (written as NDJSON,
// sent over the child-process IPC channel, and posted on to the webview). Types and the wire's constants
// only (version, exit codes, message names), importing nothing, so every part can import it: the engine
// (no vscode), the extension, and the webview (browser). The metric catalogue is the engine's
// (src/engine/metrics/catalogue.ts).

export const PROTOCOL_VERSION = 1;

/** Error classes with k6-like codes (k6's lib/netext/httpext/error_codes.go where k6 has one). */
export type ErrorClass =
  | 'refused'
  | 'connect-timeout'
  | 'reset'
  | 'unexpected-eof'
  | 'request-timeout'
  | 'tls'
  | 'dns'
  | 'ports-exhausted'
  | 'fd-exhausted'
  | 'http-status'
  | 'invalid-url'
  | 'aborted'
  | 'other';

/** Latency figures in milliseconds. */
export interface TrendStats {
  count: number;
  avg: number;
  min: number;
  med: number;
  max: number;
  p90: number;
  p95: number;
  p99: number;
}

export interface PhaseStats {
  blocked: TrendStats;
  connecting: TrendStats;
  tlsHandshaking: TrendStats;
  sending: TrendStats;
  waiting: TrendStats;
  receiving: TrendStats;
  /**
   * Volley's own volley_req_queued: time in the generator between having a connection and writing. Absent
   * in runs recorded before it existed.
   */
  queued?: TrendStats;
}

/** One step's figures over one second (in an aggregate) or over the whole run (in the summary). */
export interface StepFigures {
  scenario: string;
  step: string;
  stepIndex: number;
  requests: number;
  /** Requests that failed: a transport error or a status >= 400 (k6's http_req_failed). */
  failed: number;
  duration: TrendStats;
  phases: PhaseStats;
  errors: Partial<Record<ErrorClass, number>>;
  /** Status code → count. */
  statuses: Record<string, number>;
  checksPassed: number;
  checksFailed: number;
  dataSent: number;
  dataReceived: number;
}

export interface ScenarioFigures {
  scenario: string;
  iterations: number;
  dropped: number;
  interrupted: number;
  iterationDuration: TrendStats;
  lateness: TrendStats;
  vusActive: number;
  vusAllocated: number;
  vusMax: number;
  /** Iterations/s the executor aims at right now (arrival-rate only). */
  targetRate?: number;
  steps: StepFigures[];
  /** k6's group_duration per `group:` of the flow (absent when it has none). */
  groups?: GroupFigures[];
}

/** One group's passes: k6's `group_duration{group:NAME}`. */
export interface GroupFigures {
  scenario: string;
  /** The group's path: `browse`, `outer::inner`. */
  group: string;
  groupIndex: number;
  /** 1-based line of the group's step in the file. */
  line: number;
  duration: TrendStats;
}

/** The load generator's own health: figures from a saturated generator are not trustworthy. */
export interface GeneratorHealth {
  /** Percent of one core used by this process over the second (can exceed 100 with workers). */
  cpuPercent: number;
  eventLoopDelayP99Ms: number;
  rssBytes: number;
  heapUsedBytes: number;
  openSockets: number;
  newConnections: number;
}

export type DiagnosisSeverity = 'error' | 'warning' | 'info';

export interface Diagnosis {
  id: string;
  severity: DiagnosisSeverity;
  title: string;
  scenario?: string;
  step?: string;
  /** The numbers that triggered it. */
  evidence: Record<string, number | string>;
  explanation: string;
  fix: string;
  /** Machine-applicable edit of the scenario file, where the fix is one. */
  edit?: { path: string[]; value: unknown };
  /**
   * When the fix takes several edits applied together (e.g. preAllocatedVUs and maxVUs): all of them, `edit`
   * among them. `edit` alone always leaves a valid file.
   */
  edits?: Array<{ path: string[]; value: unknown }>;
}

export interface ThresholdResult {
  key: string;
  source: string;
  metric: string;
  ok: boolean;
  /** The aggregated value the expression was evaluated on; undefined when the metric had no samples. */
  actual: number | undefined;
  abortedRun?: boolean;
}

export interface PlanInfo {
  file: string;
  name: string;
  baseUrl?: string;
  scenarios: Array<{
    name: string;
    executor: string;
    startTimeMs: number;
    /** Scheduled end of the scenario without its graceful stop. */
    durationMs: number;
    gracefulStopMs: number;
    maxVUs: number;
    /** `method` of request steps (so a merge can answer thresholds filtered by method). */
    steps: Array<{ name: string; index: number; line: number; kind: 'request' | 'think'; method?: string; group?: string }>;
    /** The flow's groups, in order (absent when none). */
    groups?: Array<{ name: string; line: number }>;
  }>;
  thresholds: Array<{ key: string; source: string; line: number }>;
}

/** One check of one step over the run (k6 lists checks by name in its summary and root_group). */
export interface CheckFigures {
  scenario: string;
  step: string;
  name: string;
  passes: number;
  fails: number;
}

export interface DataExhausted {
  dataSet: string;
  rows: number;
  scenarios: string[];
}

export interface RunSummary {
  runId: string;
  startedAt: string;
  durationMs: number;
  /** Why the run ended. */
  outcome: 'completed' | 'stopped' | 'aborted-by-threshold' | 'interrupted';
  scenarios: ScenarioFigures[];
  /** k6-named metric → its figures (counters: count & rate; trends: TrendStats; rates: passes/fails/rate). */
  metrics: Record<string, Record<string, number>>;
  thresholds: ThresholdResult[];
  diagnoses: Diagnosis[];
  checks?: CheckFigures[];
  /** `setup:` and `teardown:` as they ran (k6's `scenario: setup` / `teardown` tags), measured apart from the scenarios. */
  lifecycle?: ScenarioFigures[];
  /** `unique` data sets whose rows ran out, and the scenarios that therefore started no more iterations. */
  dataExhausted?: DataExhausted[];
  /** Base64 HDR histograms (microseconds) per `metric{scenario,step}` key, so runs merge exactly. */
  histograms?: Record<string, string>;
  /** Failed requests kept as evidence, per step and kind of failure (absent when none failed). */
  failureSamples?: FailureSampleGroup[];
}

/** k6's HTTP timing phases of one request, in milliseconds (fractions allowed). */
export interface RequestTimings {
  /** Waiting for a connection, including a new connection's setup (k6's http_req_blocked). */
  blocked: number;
  /**
   * Volley's own (volley_req_queued): from having a connection to undici writing the request, time the
   * request waited in the generator (its event loop) and in neither blocked nor duration.
   */
  queued: number;
  connecting: number;
  tlsHandshaking: number;
  sending: number;
  /** Time to first byte. */
  waiting: number;
  receiving: number;
  /** sending + waiting + receiving. */
  duration: number;
}

/**
 * One failed request as it went and came back, secrets replaced by `[redacted]` (credential headers and
 * fields, env values templates read, setup's captures). Header lists and body starts are cut short.
 */
export interface FailureSample {
  /** When it failed (ISO time). */
  time: string;
  /** One of the first failures of its kind (kept always); else a uniform pick among the later ones. */
  first: boolean;
  request: { method: string; url: string; headers: Array<[string, string]>; bodyStart?: string; bodySize: number };
  /** Absent when no response came (a transport error: see `error`). */
  response?: { status: number; headers: Array<[string, string]>; bodyStart?: string; bodySize: number };
  /** The transport error's message. */
  error?: string;
  timings: RequestTimings;
}

/** The samples of one step and one kind of failure: an error class, or `http-status` with one status. */
export interface FailureSampleGroup {
  scenario: string;
  step: string;
  stepIndex: number;
  errorClass: ErrorClass;
  /** The status, for `http-status`. */
  status?: number;
  /** Failures of this kind in the run (all of them, not only those kept). */
  count: number;
  /** The first few, then the later picks, each in time order. */
  samples: FailureSample[];
}

// One second of a registry's measurements in a form that crosses threads (postMessage) and processes
// (JSON, on an aggregate event): trend windows as sparse HDR buckets with their exact moments, counters as
// numbers. Importing the windows of several workers into one registry gives the same figures as one
// registry that saw every sample: bucket counts and counters add, min/max/sum stay exact.
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
  /** durationOk, durationFailed, blocked, connecting, tlsHandshaking, sending, waiting, receiving, queued; undefined when empty. */
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
  /** group_duration, in the order of the scenario's groups; absent when it has none. */
  groups?: Array<TrendWindow | undefined>;
}

/** Index-aligned with the plan's scenarios. */
export interface RegistryWindow {
  scenarios: ScenarioWindow[];
}

/** Why a `setup:` step ended the test (exit code 107): what the run's outcome says, and where the inline review points. */
export interface SetupFailure {
  step: string;
  stepIndex: number;
  /** The step's zero-based line in the file when it ran. */
  line: number;
  /** The response's status; 0 when there was no response (then `errorClass` says why). */
  status: number;
  errorClass?: ErrorClass;
  /** The names of the checks that failed. */
  failedChecks: string[];
  /**
   * The response body's first characters, with secrets replaced by `[redacted]`: the values setup captured,
   * the file's env secrets, credential-named JSON and form fields (`token`, `password`, …) and JWTs.
   */
  bodyPrefix?: string;
  /** The whole sentence, as the CLI prints it. */
  message: string;
}

export type RunEvent =
  | {
      type: 'start';
      v: typeof PROTOCOL_VERSION;
      runId: string;
      startedAt: string;
      engineVersion: string;
      plan: PlanInfo;
      /**
       * The execution segment this process ran (`volley run --execution-segment`, k6's syntax: "1/3:2/3" in
       * the sequence "0,1/3,2/3,1"); absent for the whole test. `volley merge` checks the parts add up.
       */
      segment?: { segment: string; sequence: string };
    }
  | {
      type: 'aggregate';
      /** Seconds since the run started; the aggregate covers (t-1, t]. */
      t: number;
      scenarios: ScenarioFigures[];
      health: GeneratorHealth;
      /**
       * The second's raw measurements (HDR buckets with exact moments, counters), so runs of several
       * processes or machines merge exactly, per second and in total (`volley merge`). Only written when
       * the run is one segment of a test (--execution-segment) or a merge of such runs.
       */
      window?: RegistryWindow;
    }
  | { type: 'diagnosis'; t: number; diagnosis: Diagnosis }
  | { type: 'log'; t: number; level: 'debug' | 'info' | 'warn' | 'error'; message: string }
  | { type: 'threshold-abort'; t: number; threshold: ThresholdResult }
  /**
   * `setup:` or `teardown:` has run (k6's `scenario: setup` / `teardown`), measured apart from the
   * scenarios: setup's right after `start`, teardown's before the summary. `failure` when a setup step ended
   * the test; `window` (the stage's measurements) only where aggregates carry theirs, so `volley merge` adds
   * the segments' stages up exactly.
   */
  | { type: 'lifecycle'; t: number; stage: 'setup' | 'teardown'; figures: ScenarioFigures; failure?: SetupFailure; window?: RegistryWindow }
  | { type: 'summary'; summary: RunSummary }
  | { type: 'end'; exitCode: number };

/**
 * Messages from the extension to the engine child process over IPC (a fork of dist/engine.js with
 * VOLLEY_IPC=1). The child answers with RunEvents, the last being `end`, then exits with its exit code.
 */
export type EngineCommand =
  | {
      /** Start the run; sent once. A file with errors gets `log` events and `end` with exit code 104. */
      type: 'run';
      file: string;
      /** Only these scenarios; absent or empty for all. */
      scenarios?: string[];
      /** NDJSON run file the child writes as the run goes (like --out ndjson=FILE). */
      out?: string;
      /** env.NAME values for templates, over the child's environment; secret, like -e. */
      env?: Record<string, string>;
      runId?: string;
      /** false: skip the file's `setup:` / `teardown:` (the CLI's --no-setup / --no-teardown); default true. */
      setup?: boolean;
      teardown?: boolean;
    }
  | { type: 'stop'; hard?: boolean };

/** k6's exit codes, where k6 has one. */
export const EXIT = {
  ok: 0,
  /** Bad usage or a scenario with errors. */
  invalidInput: 104,
  thresholdsFailed: 99,
  /** Stopped from outside (Ctrl-C, Stop in the editor). */
  externalAbort: 105,
  /** A threshold with abortOnFail ended the run. */
  thresholdAbort: 99,
  engineError: 103,
  /** A `setup:` step failed (its request or a check): no scenario ran. k6's code for an exception in the script. */
  scriptException: 107,
} as const;

/** A run as the results panel shows it: its events in order, and where they came from. */
export interface RunView {
  events: RunEvent[];
  /** A short label: the scenario file's name and the start time. */
  label: string;
  /** The NDJSON run file, when there is one. */
  runFile?: string;
  /** True while the run is under way (events keep coming). */
  live: boolean;
}

/** Volley's own notifications from the extension to the language server. */
export const LSP_NOTIFICATIONS = {
  /** A run was just stored: re-read the run store now rather than at the next poll. */
  runsChanged: 'volley/runsChanged',
  /** Push an iteration-duration estimate for a scenario (other clients; the extension stores runs instead). */
  iterationEstimate: 'volley/iterationEstimate',
} as const;

// ─── Requests from the extension to the language server ─────────────────────────────────────────────
// The extension never parses a scenario file: it asks the server, which keeps one parse per document
// version (src/server/documents.ts) and reads a file that is not open from disk. Each request is declared
// here once — its method, its params and its result — the way rust-analyzer's client declares its
// extensions (editors/code/src/lsp_ext.ts); the client sends it with `ask` (src/extension/server-requests.ts)
// and the server answers it with `answer` (src/server/requests.ts). Wire types only: nothing here is
// imported from the engine, so the webview and the engine can import this module too.

/** A custom request: its method name, with its params and result carried as types only. */
export interface LspRequest<Params, Result> {
  readonly method: string;
  /** Never set: it only carries the types. */
  readonly types?: { params: Params; result: Result };
}

function lspRequest<Params, Result>(method: string): LspRequest<Params, Result> {
  return { method };
}

/** Zero-based line and UTF-16 character, as in LSP. */
export interface TextPosition {
  line: number;
  character: number;
}

export interface TextRange {
  start: TextPosition;
  end: TextPosition;
}

/** A document by its URI (as the language client sends it): the open version, else the file on disk. */
export interface DocumentParams {
  uri: string;
}

export interface StepFacts {
  index: number;
  /** The `name:` value, else k6-like `METHOD url`, else `think 1s` (as the engine names the step). */
  name: string;
  range: TextRange;
  /** The name's value or the method key: where a reveal selects. */
  selectionRange: TextRange;
}

/** A `group:` step of a flow: where its group_duration figures go. */
export interface GroupFacts {
  /** The group's path, as the run names it: `browse`, `browse::details`. */
  name: string;
  range: TextRange;
  /** The group's name value. */
  selectionRange: TextRange;
}

export interface ScenarioFacts {
  name: string;
  nameRange: TextRange;
  /** From the name to the end of the scenario's block. */
  range: TextRange;
  executor?: string;
  steps: StepFacts[];
  /** The flow's groups, each path once (absent for setup and teardown, which take no groups). */
  groups?: GroupFacts[];
}

export interface ThresholdFacts {
  /** The threshold's key, e.g. `http_req_duration{step:login}`. */
  name: string;
  nameRange: TextRange;
  expressions: Array<{ text: string; range: TextRange }>;
}

/** What the editor needs to know of a scenario file, read from the server's parse of it. */
export interface FileFacts {
  /** The open document's version the facts were read from; null when the file was read from disk. */
  version: number | null;
  scenarios: ScenarioFacts[];
  /** `setup:` and `teardown:` as they are in the file (`name` is the key), without an executor. */
  lifecycle: ScenarioFacts[];
  thresholds: ThresholdFacts[];
  /**
   * Every host the file sends load to (`baseUrl`'s and each step URL's, setup's and teardown's too), each once, in order of appearance.
   * A host written as a `{{ }}` template is given as written: it is not evaluated.
   */
  hosts: string[];
}

/** "Set this key path to this value": a Diagnosis's `edit`, an estimate's recommendation. */
export interface KeyPathEdit {
  path: Array<string | number>;
  value: unknown;
}

export interface KeyPathEditsParams extends DocumentParams {
  /** Applied together, each to the text the previous one left. */
  edits: KeyPathEdit[];
}

/**
 * One text edit that makes all the key-path edits and keeps the rest of the file as written, against the
 * document's `version` (null: the file on disk); or why it cannot be made.
 */
export type KeyPathEditsResult =
  | { ok: true; version: number | null; range: TextRange; newText: string }
  | { ok: false; message: string };

export interface InsertStepsParams extends DocumentParams {
  /** Where the cursor is: the steps go into the flow around it. */
  position: TextPosition;
  /** A scenario file as `volley import` writes it: the steps of its first scenario are inserted. */
  scenario: string;
}

/** The text edit that inserts the steps into the flow at the position (indented for its list), or why not. */
export type InsertStepsResult =
  /** `notes`: what the file needs besides the steps that the edit does not add (curl's -k). */
  | { ok: true; version: number | null; range: TextRange; newText: string; steps: number; env: string[]; notes: string[] }
  | { ok: false; message: string };

/** An OpenAPI / Swagger document's text (YAML or JSON), for the "Load test this" lenses. */
export interface OpenApiOperationsParams {
  text: string;
}

export interface OpenApiOperation {
  /** What `volley import --operation` takes: the operationId, else `METHOD /path`. */
  id: string;
  method: string;
  path: string;
  /** The method's key, where the lens goes. */
  range: TextRange;
}

/** Volley's own requests from the extension to the language server. */
export const LSP_REQUESTS = {
  /** Scenarios, steps and thresholds with their ranges, and the hosts the file targets; null when unreadable. */
  fileFacts: lspRequest<DocumentParams, FileFacts | null>('volley/fileFacts'),
  /** The text edit for a set of key-path edits (a diagnosis's fix, an estimate's VUs). */
  keyPathEdits: lspRequest<KeyPathEditsParams, KeyPathEditsResult>('volley/keyPathEdits'),
  /** Imported steps (Paste cURL as Step) as one text edit into the flow at the cursor. */
  insertSteps: lspRequest<InsertStepsParams, InsertStepsResult>('volley/insertSteps'),
  /** The operations of an OpenAPI / Swagger document with their places; null when it is not one. */
  openApiOperations: lspRequest<OpenApiOperationsParams, OpenApiOperation[] | null>('volley/openApiOperations'),
} as const;

/** Messages from the extension to the results webview. */
export type ToWebview =
  | { type: 'run'; events: RunEvent[]; view?: Omit<RunView, 'events'> }
  | { type: 'event'; event: RunEvent }
  /** The live run ended (its `end` event may be lost if the engine died). */
  | { type: 'ended'; exitCode: number | undefined; message?: string }
  /** Two runs side by side: `runs[0]` is the baseline. */
  | { type: 'compare'; runs: [RunView, RunView] }
  /** Open a step's failure samples in the error table (from the inline hover or a Problems entry). */
  | { type: 'showSamples'; scenario: string; stepIndex: number }
  /** One iteration of `volley debug --json` (docs/debugging.md). */
  | { type: 'debug'; report: DebugReport };

/** Messages from the results webview to the extension. */
export type FromWebview =
  | { type: 'ready' }
  /** Apply the machine-applicable fix of a diagnosis (found by id in the shown run's events). */
  | { type: 'applyFix'; diagnosisId: string }
  /** Show a scenario (and a step of it) in the editor; `lifecycle`: `scenario` names `setup` or `teardown`. */
  | { type: 'reveal'; scenario: string; stepIndex?: number; lifecycle?: boolean }
  | { type: 'stop' }
  /** Save the shown run as an HTML report (the extension asks where). */
  | { type: 'exportHtml' }
  /** What the panel shows after a render: its section headings and chart count (for the extension's tests). */
  | { type: 'rendered'; mode: 'empty' | 'live' | 'summary' | 'compare' | 'debug'; headings: string[]; charts: number };

// ---- `volley debug --json` (src/engine/debug, docs/debugging.md): one iteration of a flow, step by step, as
// the results panel and the editor's quick fixes read it.

/** One of the file's lines, 1-based, and a column, 1-based: as an editor shows them. */
export interface DebugPosition {
  line: number;
  column: number;
}

/** A body as shown: text (JSON pretty-printed), cut when long, with its full size stated. */
export interface DebugBody {
  text: string;
  /** The body's size in bytes as sent or received (decoded). */
  bytes: number;
  /** True when `text` is a prefix of the body. */
  truncated: boolean;
  /** The text is JSON (pretty-printed). */
  json: boolean;
  /** Not text: `text` says so instead of holding bytes. */
  binary?: boolean;
}

export interface DebugHeader {
  name: string;
  value: string;
}

export interface DebugRequest {
  method: string;
  url: string;
  headers: DebugHeader[];
  body?: DebugBody;
}

export interface DebugResponse {
  /** 0 when no response came (the error says why). */
  status: number;
  headers: DebugHeader[];
  body?: DebugBody;
  /** The engine's error class (`connection-refused`, `request-timeout`, `http-status`…). */
  errorClass?: string;
  error?: string;
}

/** k6's phases of one request, ms (the recorder's Timings). */
export type DebugTimings = RequestTimings;

export interface DebugCheck {
  name: string;
  passed: boolean;
  /** Where the check is written (its key under `check:`). */
  position?: DebugPosition;
}

export interface DebugCapture {
  name: string;
  /** As the file writes it: `json.items[0].id`, `header.X-Id`, `cookie.sid`, `regex:…`. */
  source: string;
  /** False when the source found nothing (the capture is empty for the rest of the iteration). */
  found: boolean;
  value?: unknown;
}

export type DebugStage = 'setup' | 'flow' | 'teardown';

export interface DebugStep {
  stage: DebugStage;
  /** The step's index in its stage's steps (the Plan's numbering, nested steps included). */
  index: number;
  name: string;
  /** Where the step's list item starts. */
  position: DebugPosition;
  group?: string;
  /** How deep in repeat/if/choose/group blocks the step ran (0 at the top of the flow). */
  depth: number;
  /** The repeat rounds around the step, outermost first, 0-based. */
  rounds?: number[];
  request: DebugRequest;
  response: DebugResponse;
  timings: DebugTimings;
  checks: DebugCheck[];
  captures: DebugCapture[];
  /** The request got a response below 400 and every check passed. */
  ok: boolean;
}

/** A control step's decision, shown before the step it led to. */
export type DebugControl = {
  position: DebugPosition;
  depth: number;
  /** Index in `steps` of the first step run after the decision (steps.length when none followed). */
  beforeStep: number;
} & (
  | { kind: 'if'; condition: string; value: unknown; taken: 'flow' | 'else' | 'none' }
  | { kind: 'choose'; branch: number; branches: number; weight: number }
  | { kind: 'repeat'; rounds: number }
  | { kind: 'group'; name: string }
  | { kind: 'think'; ms: number }
);

/** A text change of the scenario file: [start, end) offsets and the same as positions. */
export interface DebugTextEdit {
  start: number;
  end: number;
  range: { start: DebugPosition; end: DebugPosition };
  newText: string;
}

/** A literal of a later request that the suggestion replaces with `{{ name }}`. */
export interface DebugLiteral {
  stage: DebugStage;
  step: number;
  stepName: string;
  /** Where in the request: `url`, `query page`, `header Authorization`, `cookie sid`, `json id`, `body`. */
  where: string;
  position: DebugPosition;
}

export interface DebugSuggestion {
  kind: 'correlate' | 'credential';
  /** One sentence: what to capture where, and what to replace. */
  message: string;
  /** The step whose response gives the value. */
  from: { stage: DebugStage; step: number; stepName: string; position: DebugPosition };
  /** The capture's name and source, as the file would write them. */
  capture: { name: string; source: string; existing: boolean };
  /** The value found (left out for credentials). */
  value?: string;
  literals: DebugLiteral[];
  /** One edit of the file: the capture added (unless `existing`) and every literal replaced; sorted, not overlapping. */
  edits: DebugTextEdit[];
  /** The failed step (credential suggestions). */
  failedStep?: number;
}

export interface DebugReport {
  file: string;
  scenario: string;
  /** 0 when every request got a status below 400 and every check passed; see docs/debugging.md. */
  exitCode: number;
  ok: boolean;
  steps: DebugStep[];
  control: DebugControl[];
  suggestions: DebugSuggestion[];
  /** Why the iteration ended early (a failed setup step), when it did. */
  stopped?: string;
  /** How long the whole debug run took, ms. */
  durationMs: number;
}
