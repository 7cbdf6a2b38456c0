// The normalised, immutable form of a scenario file: what the engine runs. Produced only by
// `compileScenario` (./compile.ts) from a document that validated without errors, so every field here
// is already checked: durations are milliseconds, defaults are applied, templates are compiled.

import type { DataPick, DataTable } from '../data/table';

/** Zero-based line and character, as in LSP; `end` is exclusive. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A problem in a scenario file. `code` is stable and names the rule (quick fixes key on it). */
export interface ScenarioDiagnostic {
  severity: Severity;
  message: string;
  range: Range;
  code: string;
  /** Machine-applicable replacements, e.g. the "did you mean" candidate or the missing key's text. */
  fixes?: DiagnosticFix[];
}

export interface DiagnosticFix {
  title: string;
  range: Range;
  newText: string;
}

/** What a template sees when it renders, once per request. */
export interface TemplateContext {
  /** Variables of the file overlaid by this VU's captures. */
  vars: Record<string, unknown>;
  vu: number;
  iteration: number;
  scenario: string;
  env: Record<string, string | undefined>;
  /** The rows this iteration holds, by data set name (`{{ users.email }}`); absent when the flow reads none. */
  data?: Readonly<Record<string, { field(column: string): unknown }>>;
}

/**
 * A `{{ }}` template compiled once before the run. Rendering is a walk over a small closure tree:
 * workspace content is never evaluated as JavaScript.
 */
export interface Template {
  readonly source: string;
  /** Set when the template has no `{{ }}` part, so the hot path can skip rendering. */
  readonly constant: string | undefined;
  /** True when it reads `env.*`: its rendered value is a secret and never logged. */
  readonly secret: boolean;
  render(ctx: TemplateContext): string;
  /** For a string that is exactly one `{{ expr }}`: the expression's value with its type kept. */
  renderValue(ctx: TemplateContext): unknown;
}

/** A JSON body whose string leaves are templates. */
export type JsonTemplate =
  | { kind: 'value'; value: null | boolean | number }
  | { kind: 'string'; template: Template }
  | { kind: 'array'; items: JsonTemplate[] }
  | { kind: 'object'; entries: Array<[string, JsonTemplate]> };

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export type CheckPlan =
  | { kind: 'status'; name: string; allowed: number[] }
  | { kind: 'header'; name: string; header: string; equals: string }
  | { kind: 'bodyContains'; name: string; text: string }
  /** `json: { "items[0].id": "> 0" }` or `{ "status": "ok" }` (equality). */
  | { kind: 'json'; name: string; path: JsonPath; op: Comparison; expected: unknown };

/** `json.items[0].id` → ['items', 0, 'id']. */
export type JsonPath = ReadonlyArray<string | number>;

export type CapturePlan =
  | { kind: 'json'; name: string; path: JsonPath }
  | { kind: 'header'; name: string; header: string }
  /** Set by this response, else in the VU's jar for the request's URL (k6's `res.cookies`, then the jar). */
  | { kind: 'cookie'; name: string; cookie: string }
  | { kind: 'regex'; name: string; regex: RegExp };

export interface RequestStepPlan {
  kind: 'request';
  /** The step's name: `name:` if given, else "METHOD url-source". The `step` tag of its metrics. */
  name: string;
  /**
   * Position of the step among the flow's steps in document order (think steps included, the steps
   * nested in repeat/if/choose/group too; control steps themselves are not counted).
   */
  index: number;
  /** The `group` tag: the path of the innermost `group:` around the step (`outer::inner`); absent outside any. */
  group?: string;
  /** Where the step's list item starts: inline results attach here. */
  range: Range;
  method: HttpMethod;
  /** `once: true`: only in each VU's first iteration; its captures last for the VU's life. */
  once: boolean;
  /** Relative to baseUrl unless absolute. */
  url: Template;
  query: Array<[string, Template]>;
  headers: Array<[string, Template]>;
  /** `cookies:`: sent with this request only, replacing the jar's cookie of the same name. */
  cookies: Array<[string, Template]>;
  body:
    | { kind: 'none' }
    | { kind: 'json'; value: JsonTemplate }
    | { kind: 'text'; template: Template }
    | { kind: 'form'; fields: Array<[string, Template]> }
    | { kind: 'multipart'; parts: MultipartPart[] };
  timeoutMs: number;
  checks: CheckPlan[];
  captures: CapturePlan[];
}

/** A `multipart:` part: a text field, or a file read once before the run. */
export type MultipartPart =
  | { kind: 'field'; name: string; value: Template }
  | {
      kind: 'file';
      name: string;
      /** As written: relative to the scenario file. */
      path: string;
      /** Where `file:`'s value is, for the error when it cannot be read. */
      range: Range;
      filename: string;
      contentType: string;
      /** The file's bytes, read by loadDocument (index.ts) before the Plan is built. */
      content: Uint8Array | undefined;
    };

export interface ThinkStepPlan {
  kind: 'think';
  name: string;
  index: number;
  group?: string;
  range: Range;
  /** The pause, or the shortest of a `{ min, max }` range. */
  durationMs: number;
  /** The longest pause: `durationMs` for a fixed think; each pause is drawn uniformly in between. */
  maxDurationMs: number;
}

export type StepPlan = RequestStepPlan | ThinkStepPlan;

/**
 * The flow's control structure (`repeat`, `if`, `choose`, `group`) over its steps: the leaves name steps
 * by their index in `ScenarioPlan.steps`. The FlowRunner compiles it once into a flat program.
 */
export type FlowNodePlan =
  | { kind: 'step'; index: number }
  /** `repeat: N` or a template rendered to N at each pass; `as`: the 0-based round readable as `{{ as }}`. */
  | { kind: 'repeat'; count: number | Template; as: string | undefined; flow: FlowNodePlan[] }
  | { kind: 'if'; condition: Template; flow: FlowNodePlan[]; else: FlowNodePlan[] }
  /** One branch per pass, drawn by weight. */
  | { kind: 'choose'; branches: Array<{ weight: number; flow: FlowNodePlan[] }> }
  /** k6's group: `group` indexes ScenarioPlan.groups; its duration is a `group_duration` sample. */
  | { kind: 'group'; group: number; flow: FlowNodePlan[] };

/** A `group:` of a flow: one `group_duration` series. */
export interface GroupPlan {
  /** The group's path, the `group` tag's value: `browse`, or `outer::inner` nested (k6 writes `::outer::inner`). */
  name: string;
  index: number;
  /** Where the group's list item starts. */
  range: Range;
}
export interface Stage {
  durationMs: number;
  target: number;
}

export type ExecutorPlan =
  | {
      type: 'constant-arrival-rate';
      rate: number;
      timeUnitMs: number;
      durationMs: number;
      preAllocatedVUs: number;
      maxVUs: number;
    }
  | {
      type: 'ramping-arrival-rate';
      startRate: number;
      timeUnitMs: number;
      stages: Stage[];
      preAllocatedVUs: number;
      maxVUs: number;
    }
  | { type: 'constant-vus'; vus: number; durationMs: number }
  | { type: 'ramping-vus'; startVUs: number; stages: Stage[]; gracefulRampDownMs: number }
  | { type: 'per-vu-iterations'; vus: number; iterations: number; maxDurationMs: number }
  | { type: 'shared-iterations'; vus: number; iterations: number; maxDurationMs: number };

export type ExecutorType = ExecutorPlan['type'];

export interface ScenarioPlan {
  name: string;
  /** Where the scenario's key is in the file. */
  range: Range;
  executor: ExecutorPlan;
  startTimeMs: number;
  gracefulStopMs: number;
  /** Every step the flow can run, in document order, nested ones too: what metrics are kept by. */
  steps: StepPlan[];
  /** The names of the data sets its steps read (`{{ users.email }}`): each iteration holds one row of each; absent when none. */
  dataSets?: string[];
  /** The control structure over `steps`; absent when the flow is the steps in order. */
  flow?: FlowNodePlan[];
  /** The flow's `group:`s in document order; absent when it has none. */
  groups?: GroupPlan[];
}

export type ConnectionMode = 'per-vu' | 'shared';

/** The VU's cookie jar: emptied at each iteration's start (k6's default), kept for the VU's life, or none. */
export type CookieMode = 'per-iteration' | 'per-vu' | 'off';

export interface HttpPlan {
  connections: ConnectionMode;
  maxConnectionsPerHost: number;
  timeoutMs: number;
  noVUConnectionReuse: boolean;
  insecureSkipTLSVerify: boolean;
  cookies: CookieMode;
}

export type Aggregation =
  | { kind: 'count' }
  | { kind: 'rate' }
  | { kind: 'value' }
  | { kind: 'avg' }
  | { kind: 'min' }
  | { kind: 'med' }
  | { kind: 'max' }
  | { kind: 'percentile'; p: number };

/** One threshold expression such as `p(95)<300` on `http_req_duration{step:add to cart}`. */
export interface ThresholdPlan {
  /** The key as written: `http_req_duration{step:add to cart}`. */
  key: string;
  metric: string;
  tags: Record<string, string>;
  /** The expression as written: `p(95)<300`. */
  source: string;
  aggregation: Aggregation;
  op: Comparison;
  value: number;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
  range: Range;
}

/** A `data:` set: a CSV or JSON file read once before the run, its rows handed to iterations by `pick`. */
export interface DataSetPlan {
  name: string;
  /** As written: relative to the scenario file. */
  file: string;
  pick: DataPick;
  /** Where `file:`'s value is, for errors about the file. */
  range: Range;
  /** The file's rows, in memory shared by the process's threads (src/engine/data). */
  table: DataTable;
}

export interface Plan {
  /** Path of the scenario file as given. */
  file: string;
  name: string;
  baseUrl: string | undefined;
  http: HttpPlan;
  variables: Record<string, string | number | boolean>;
  /** `setup:` and `teardown:` (k6's setup() and teardown()): run once by the test; empty when absent. */
  setup: StepPlan[];
  teardown: StepPlan[];
  /** `data:`: absent or empty when the file has none. */
  data?: DataSetPlan[];
  scenarios: ScenarioPlan[];
  thresholds: ThresholdPlan[];
}
