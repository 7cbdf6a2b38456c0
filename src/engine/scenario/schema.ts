// The scenario format's single source of truth: keys, types, defaults, enums, which executor takes which
// key, and the markdown docs; with format/ (template built-ins and helpers, metric types and threshold
// aggregations, capture sources) and the metric catalogue re-exported below, the description of everything
// a scenario file can say. The validator, the language server (completion, hover), the JSON Schema
// (scripts/gen-schema.ts), the TextMate grammar (scripts/gen-grammar.mjs), the executor snippets
// (scripts/gen-snippets.ts) and docs/scenario-format.md (scripts/gen-docs.ts) are derived from it;
// test/scenario/format-cross-check.test.ts holds them together. See docs/contributing.md.
import type { ExecutorType } from './plan';
import { COOKIE_NAME_PATTERN, HEADER_NAME_PATTERN, IDENTIFIER_PATTERN, SCENARIO_NAME_PATTERN, TAG_VALUE_PATTERNS, UNAVAILABLE_NAMES } from './names';
import { COMPARISON_WORDS, SIMPLE_AGGREGATION_NAMES } from './format/metric-types';
import { CAPTURE_SOURCE_DESCRIPTIONS } from './format/capture-sources';
import { METRIC_TAGS, METRICS, THRESHOLD_TAGS, type MetricName, type MetricType } from '../metrics/catalogue';

export type PathSegment = string | number;
export type SchemaPath = readonly PathSegment[];

/** What a string means beyond being a string; the validator checks each with its own parser. */
export type StringFormat =
  | 'duration'
  | 'baseUrl'
  | 'url'
  | 'template'
  | 'thresholdExpression'
  | 'captureSource'
  | 'stepName'
  /** A name `{{ }}` reads (`as:`): the identifier rules of names.ts. */
  | 'identifier'
  /** A group's name: no `::`, which joins nested groups' names. */
  | 'groupName'
  /** An `if:` condition: a template with a `{{ }}` expression. */
  | 'condition';

/**
 * Whether a string key takes a number or boolean as its text (`name: 2024`, `X-Version: 2`), as the validator
 * reads every scalar: true for free text; false where a format or an enum leaves no number valid.
 */
export function takesScalarsAsText(node: StringSchema): boolean {
  return (
    node.enum === undefined &&
    (node.format === undefined || node.format === 'template' || node.format === 'stepName' || node.format === 'groupName')
  );
}

interface Documented {
  /** Markdown. */
  description: string;
  /** The k6 docs page for the concept, where k6 has one. */
  link?: string;
  default?: unknown;
  /** Shown in hover when the default depends on other keys, e.g. "preAllocatedVUs". */
  defaultText?: string;
}

export interface ObjectSchema extends Documented {
  type: 'object';
  properties: Record<string, PropertySchema>;
  required?: readonly string[];
}

export interface MapSchema extends Documented {
  type: 'map';
  /** What the keys are, for docs and messages: "scenario name", "variable name". */
  keyName: string;
  keyFormat: 'identifier' | 'scenarioName' | 'name' | 'metricKey' | 'header' | 'cookie' | 'jsonPath';
  values: SchemaNode;
  minProperties?: number;
}

export interface ArraySchema extends Documented {
  type: 'array';
  items: SchemaNode;
  minItems?: number;
}

export interface StringSchema extends Documented {
  type: 'string';
  format?: StringFormat;
  enum?: readonly string[];
  enumDescriptions?: readonly string[];
  /** For durations. */
  minimumMs?: number;
  exclusiveMinimumMs?: number;
}

export interface NumberSchema extends Documented {
  type: 'integer' | 'number';
  minimum?: number;
  exclusiveMinimum?: number;
}

export interface BooleanSchema extends Documented {
  type: 'boolean';
}

/** One of several shapes, e.g. `status: 200` or `status: [200, 201]`. */
export interface UnionSchema extends Documented {
  type: 'union';
  variants: readonly SchemaNode[];
}

/** Any YAML value (a JSON body). */
export interface AnySchema extends Documented {
  type: 'any';
}

export type SchemaNode =
  | ObjectSchema
  | MapSchema
  | ArraySchema
  | StringSchema
  | NumberSchema
  | BooleanSchema
  | UnionSchema
  | AnySchema;

/** A key of an object: its schema plus, for scenario keys, which executors take it. */
export type PropertySchema = SchemaNode & {
  /** Scenario keys only: the executors that take this key (absent: all of them). */
  executors?: readonly ExecutorType[];
  /** Scenario keys only: the executors that require it. */
  requiredFor?: readonly ExecutorType[];
  /** Per-executor defaults where they differ. */
  defaults?: Partial<Record<ExecutorType, unknown>>;
};

const K6 = 'https://grafana.com/docs/k6/latest';
const EXECUTOR_DOCS = `${K6}/using-k6/scenarios/executors`;

export const EXECUTOR_TYPES = [
  'constant-arrival-rate',
  'ramping-arrival-rate',
  'constant-vus',
  'ramping-vus',
  'per-vu-iterations',
  'shared-iterations',
] as const satisfies readonly ExecutorType[];

export const EXECUTORS: Record<ExecutorType, { description: string; link: string }> = {
  'constant-arrival-rate': {
    description:
      'Open model: starts `rate` iterations per `timeUnit` for `duration`, whether or not earlier ones have ' +
      'finished. Iterations that find no idle VU are dropped (`dropped_iterations`) and more VUs are started, ' +
      'up to `maxVUs`.',
    link: `${EXECUTOR_DOCS}/constant-arrival-rate/`,
  },
  'ramping-arrival-rate': {
    description:
      'Open model: the iteration rate changes linearly through `stages`, starting from `startRate` ' +
      'iterations per `timeUnit`.',
    link: `${EXECUTOR_DOCS}/ramping-arrival-rate/`,
  },
  'constant-vus': {
    description: 'Closed model: `vus` VUs loop over the flow for `duration`.',
    link: `${EXECUTOR_DOCS}/constant-vus/`,
  },
  'ramping-vus': {
    description: 'Closed model: the number of looping VUs changes linearly through `stages`, from `startVUs`.',
    link: `${EXECUTOR_DOCS}/ramping-vus/`,
  },
  'per-vu-iterations': {
    description: 'Closed model: each of `vus` VUs runs the flow exactly `iterations` times.',
    link: `${EXECUTOR_DOCS}/per-vu-iterations/`,
  },
  'shared-iterations': {
    description: '`vus` VUs share `iterations` iterations of the flow: fast VUs run more of them.',
    link: `${EXECUTOR_DOCS}/shared-iterations/`,
  },
};

export const HTTP_METHOD_KEYS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;
export type HttpMethodKey = (typeof HTTP_METHOD_KEYS)[number];
/** The step keys that give a request its body: at most one per step. */
export const BODY_KEYS = ['json', 'body', 'form', 'multipart'] as const;

export { RESERVED_TEMPLATE_NAMES, IDENTIFIER_PATTERN } from './names';

export { METRICS, METRIC_TAGS, THRESHOLD_TAGS };
export type { MetricName, MetricType };
export * from './format/builtins';
export * from './format/metric-types';

/** Each threshold tag and the metrics it filters, from METRIC_TAGS: for hovers and the generated docs. */
export function thresholdTagsDoc(): string {
  const metrics = Object.keys(METRIC_TAGS) as Array<keyof typeof METRIC_TAGS>;
  return THRESHOLD_TAGS.map((tag) => {
    const on = metrics.filter((metric) => METRIC_TAGS[metric].includes(tag));
    return `\`${tag}\` (${on.length === metrics.length ? 'every metric' : on.map((m) => `\`${m}\``).join(', ')})`;
  }).join('; ');
}


/** "`a`, `b` or `c`". */
function orList(items: readonly string[]): string {
  const spans = items.map((n) => `\`${n}\``);
  return `${spans.slice(0, -1).join(', ')} or ${spans[spans.length - 1]}`;
}

/** The names no variable or capture may take, for their docs: "`vu`, …, `false` or `null`". */
export function unavailableNamesText(): string {
  return orList(UNAVAILABLE_NAMES);
}

/** Go's time.ParseDuration syntax, as k6 takes it. */
const DURATION_PATTERN = '^\\+?((\\d+(\\.\\d*)?|\\.\\d+)(h|m|s|ms|us|µs|μs|ns))+$';

/** k6's threshold syntax as threshold-expr.ts parses it (the percentile's range and the number's size aside). */
function thresholdExpressionPattern(): string {
  const number = '[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?';
  const aggregation = `(${SIMPLE_AGGREGATION_NAMES.join('|')}|p[ \\t]*\\([ \\t]*${number}[ \\t]*\\))`;
  const comparison = `(${Object.keys(COMPARISON_WORDS).sort((a, b) => b.length - a.length).join('|')})`;
  return `^[ \\t]*${aggregation}[ \\t]*${comparison}[ \\t]*${number}[ \\t]*$`;
}

/**
 * What the JSON Schema checks of each string format: the form the validator's parser needs (the validator
 * checks more: a JSON path's syntax, that a regex compiles, that a constant URL parses). A URL whose start is
 * a template is checked when it is rendered; schemes are case-insensitive.
 */
const FORMAT_PATTERNS: Partial<Record<StringFormat, string>> = {
  duration: DURATION_PATTERN,
  baseUrl: '^[hH][tT][tT][pP][sS]?://',
  url: '^(\\{\\{|/(?!/)|[hH][tT][tT][pP][sS]?:)',
  thresholdExpression: thresholdExpressionPattern(),
  identifier: IDENTIFIER_PATTERN.source,
  groupName: '^(?!.*::)(?=.*\\S)',
  condition: '\\{\\{[\\s\\S]*\\}\\}',
  captureSource: `^(json($|\\.(?!$)|\\[)|header\\.${HEADER_NAME_PATTERN.source.slice(1)}|cookie\\.${COOKIE_NAME_PATTERN.source.slice(1)}|regex:.)`,
};

const ARRIVAL: readonly ExecutorType[] = ['constant-arrival-rate', 'ramping-arrival-rate'];
const ITERATIONS: readonly ExecutorType[] = ['per-vu-iterations', 'shared-iterations'];

interface ScenarioKeyExtras {
  executors?: readonly ExecutorType[];
  requiredFor?: readonly ExecutorType[];
}

function duration(
  description: string,
  extra: Partial<StringSchema> & ScenarioKeyExtras = {},
): StringSchema & ScenarioKeyExtras {
  return { type: 'string', format: 'duration', description, ...extra };
}

const durationSyntax = 'A duration in k6 syntax: `500ms`, `30s`, `1m30s`, `2h`.';

const stage: ObjectSchema = {
  type: 'object',
  description: 'One stage: move linearly to `target` over `duration`.',
  properties: {
    duration: duration(`How long this stage lasts. ${durationSyntax}`),
    target: {
      type: 'integer',
      minimum: 0,
      description:
        'Where the stage ends: iterations per `timeUnit` (ramping-arrival-rate) or VUs (ramping-vus).',
    },
  },
  required: ['duration', 'target'],
};

const stages: ArraySchema = {
  type: 'array',
  minItems: 1,
  items: stage,
  description: 'The ramp, as a list of `{ duration, target }` stages run one after the other.',
};

const template = (description: string): StringSchema => ({ type: 'string', format: 'template', description });

/** A form field's value: text (templates allowed), a number or a boolean, as a query parameter's. */
function formValue(description: string): UnionSchema {
  return {
    type: 'union',
    variants: [template(description), { type: 'number', description: 'A number.' }, { type: 'boolean', description: 'A boolean.' }],
    description,
  };
}

const urlDoc =
  'The URL to request, relative to `baseUrl` (starting with `/`) or absolute. May hold `{{ }}` templates: ' +
  '`/products?page={{ iteration % 10 }}`.';

const methodProperties: Record<string, PropertySchema> = {};
for (const m of HTTP_METHOD_KEYS) {
  methodProperties[m] = {
    type: 'string',
    format: 'url',
    description: `Send an HTTP ${m.toUpperCase()} request. ${urlDoc}`,
    link: `${K6}/javascript-api/k6-http/`,
  };
}

const step: ObjectSchema = {
  type: 'object',
  description:
    'A request step (exactly one of `get`, `post`, `put`, `patch`, `delete`, `head`, `options`), a ' +
    '`think` pause, or a control step holding steps: `repeat`, `if`, `choose` or `group`.',
  properties: {
    name: {
      type: 'string',
      format: 'stepName',
      description:
        'The step\'s name: the `step` tag of its metrics, and how results and thresholds refer to it. ' +
        'Defaults to the method and URL, e.g. `GET /products`.',
    },
    ...methodProperties,
    once: {
      type: 'boolean',
      default: false,
      description:
        'Send this request only in each VU\'s first iteration (a login); its captures then last for the VU\'s ' +
        'life instead of one iteration.',
    },
    think: {
      type: 'union',
      description: 'Pause the VU (k6\'s `sleep`): for a duration, or for a uniformly random time between `min` and `max`.',
      link: `${K6}/javascript-api/k6/sleep/`,
      variants: [
        duration(`Pause the VU for this long. ${durationSyntax}`),
        {
          type: 'object',
          description: 'A random pause, drawn uniformly between `min` and `max` for each iteration.',
          properties: {
            min: duration(`The shortest pause. ${durationSyntax}`),
            max: duration('The longest pause; at least `min`.'),
          },
          required: ['min', 'max'],
        },
      ],
    },
    headers: {
      type: 'map',
      keyName: 'header name',
      keyFormat: 'header',
      values: template('The header\'s value; may hold `{{ }}` templates.'),
      description: 'Request headers.',
    },
    query: {
      type: 'map',
      keyName: 'query parameter',
      keyFormat: 'name',
      values: formValue('The parameter\'s value; may hold `{{ }}` templates.'),
      description: 'Query parameters, added to the URL (encoded).',
    },
    cookies: {
      type: 'map',
      keyName: 'cookie name',
      keyFormat: 'cookie',
      values: template('The cookie\'s value; may hold `{{ }}` templates.'),
      description:
        'Cookies sent with this request only, besides the VU\'s jar (`http.cookies`); a name the jar also ' +
        'holds for the URL is replaced by this value (k6\'s request cookies with `replace: true`).',
      link: `${K6}/using-k6/cookies/`,
    },
    json: {
      type: 'any',
      description:
        'A JSON body (sets `Content-Type: application/json` unless `headers` does). String leaves may hold ' +
        '`{{ }}` templates; a string that is exactly one `{{ expr }}` keeps the value\'s type.',
    },
    body: template('A text body; may hold `{{ }}` templates. Not together with `json`, `form` or `multipart`.'),
    form: {
      type: 'map',
      keyName: 'field name',
      keyFormat: 'name',
      values: formValue('The field\'s value; may hold `{{ }}` templates.'),
      description:
        'A form body, sent as `application/x-www-form-urlencoded` (names and values encoded as a browser ' +
        'does: `+` for a space, `%XX` for the rest); sets `Content-Type` unless `headers` does.',
      link: `${K6}/javascript-api/k6-http/post/`,
    },
    multipart: {
      type: 'map',
      keyName: 'part name',
      keyFormat: 'name',
      values: {
        type: 'union',
        description: 'A text field (templates allowed) or a file part `{ file, contentType, filename }`.',
        variants: [
          ...formValue('A text field; may hold `{{ }}` templates.').variants,
          {
            type: 'object',
            description: 'A file part: the file is read once, before the run, and sent as it is.',
            properties: {
              file: { type: 'string', description: 'The file to send, relative to the scenario file.' },
              contentType: {
                type: 'string',
                default: 'application/octet-stream',
                description: 'The part\'s `Content-Type`.',
              },
              filename: { type: 'string', defaultText: 'the file\'s name', description: 'The file name the part declares.' },
            },
            required: ['file'],
          },
        ],
      },
      description:
        'A `multipart/form-data` body of text fields and files (sets `Content-Type` with its boundary unless ' +
        '`headers` does).',
      link: `${K6}/examples/data-uploads/`,
    },
    timeout: duration('How long the request may take before it fails with a request timeout.', {
      defaultText: 'http.timeout',
      exclusiveMinimumMs: 0,
      link: `${K6}/javascript-api/k6-http/params/`,
    }),
    check: {
      type: 'object',
      description: 'Checks on the response, counted in the `checks` metric. They never fail the request.',
      link: `${K6}/using-k6/checks/`,
      properties: {
        status: {
          type: 'union',
          description: 'The expected status: one code or a list of allowed codes.',
          variants: [
            { type: 'integer', minimum: 100, description: 'The expected status code.' },
            {
              type: 'array',
              minItems: 1,
              items: { type: 'integer', minimum: 100, description: 'An allowed status code.' },
              description: 'Allowed status codes.',
            },
          ],
        },
        header: {
          type: 'map',
          keyName: 'header name',
          keyFormat: 'header',
          values: { type: 'string', description: 'The header\'s expected value (exact match).' },
          description: 'Response headers and their expected values.',
        },
        bodyContains: { type: 'string', description: 'Text the response body must contain.' },
        json: {
          type: 'map',
          keyName: 'JSON path',
          keyFormat: 'jsonPath',
          values: {
            type: 'any',
            description:
              'The expected value (equality), or a comparison such as `"> 0"`, `"!= null"`, `"<= 10"`.',
          },
          description: 'JSON paths of the response body (`items[0].id`) and what they must hold.',
        },
      },
    },
    capture: {
      type: 'map',
      keyName: 'capture name',
      keyFormat: 'identifier',
      values: {
        type: 'string',
        format: 'captureSource',
        description: `Where to take the value from: ${orList(CAPTURE_SOURCE_DESCRIPTIONS.map((c) => c.form))} (e.g. \`${CAPTURE_SOURCE_DESCRIPTIONS[0].example}\`).`,
      },
      description:
        'Values to take from the response for later steps of the same flow, which read them as `{{ name }}`.',
    },
  },
};

// Flow control: a step that holds steps. The nested lists are lists of `step` again (a cycle in the
// description: walkers follow a path, or keep a set of the objects they have seen).
const nestedFlow = (description: string): ArraySchema => ({ type: 'array', minItems: 1, items: step, description });

/** The keys a control step holds besides its own, and the key that makes the step what it is. */
export const CONTROL_STEP_KEYS = {
  repeat: ['repeat', 'as', 'flow'],
  if: ['if', 'flow', 'else'],
  choose: ['choose'],
  group: ['group', 'flow'],
} as const;
export type ControlStepKey = keyof typeof CONTROL_STEP_KEYS;

const chooseBranch: ObjectSchema = {
  type: 'object',
  description: 'One branch of `choose`: its weight and its steps.',
  properties: {
    weight: {
      type: 'number',
      exclusiveMinimum: 0,
      description:
        'How often this branch is taken, relative to the other branches\' weights: `70` beside `30` is 70% of the passes.',
    },
    flow: nestedFlow('The steps this branch runs.'),
  },
  required: ['weight', 'flow'],
};

Object.assign(step.properties, {
  repeat: {
    type: 'union',
    description:
      'Run `flow` this many times in a row (Artillery\'s `loop` with a count): a whole number, or a `{{ }}` ' +
      'template rendered to one each time the step is reached (`{{ pages }}`).',
    variants: [
      { type: 'integer', exclusiveMinimum: 0, description: 'How many times `flow` runs.' },
      template('A template whose value is the count, e.g. `{{ pages }}`; a value that is not a whole number of at least 1 runs `flow` no time.'),
    ],
  },
  as: {
    type: 'string',
    format: 'identifier',
    description:
      'With `repeat`: a name the steps inside read as `{{ name }}`, the round\'s index counted from 0.',
  },
  if: {
    type: 'string',
    format: 'condition',
    description:
    'Run `flow` only when this `{{ }}` expression is true (not `false`, `null`, `0`, empty, or unset), else ' +
      'run `else` when given: `if: "{{ cartId != null }}"`.',
  },
  else: nestedFlow('With `if`: the steps run when the condition is false.'),
  choose: {
    type: 'array',
    minItems: 1,
    items: chooseBranch,
    description:
      'Run one of these branches per pass, drawn at random by `weight` (Gatling\'s `randomSwitch`, ' +
      'Artillery\'s scenario weights).',
  },
  group: {
    type: 'string',
    format: 'groupName',
    description:
      'k6\'s group: run `flow` as a named group. Its requests carry the `group` tag (a nested group\'s tag is ' +
      '`outer::inner`), and each pass through it is a `group_duration` sample: ' +
      '`"group_duration{group:browse}": [p(95)<2000]`.',
    link: `${K6}/using-k6/tags-and-groups/#groups`,
  },
  flow: nestedFlow('The steps of a `repeat`, `if` (when true) or `group`, run in order.'),
} satisfies Record<string, PropertySchema>);

/** A step of `setup:` or `teardown:`, which run their steps once, in order: no control steps. */
const lifecycleStep: ObjectSchema = {
  type: 'object',
  description: 'A request step (exactly one of `get`, `post`, `put`, `patch`, `delete`, `head`, `options`) or a `think` pause.',
  properties: Object.fromEntries(
    Object.entries(step.properties).filter(([key]) => !Object.values(CONTROL_STEP_KEYS).some((keys) => (keys as readonly string[]).includes(key))),
  ),
};
const scenarioProperties: Record<string, PropertySchema> = {
  executor: {
    type: 'string',
    enum: EXECUTOR_TYPES,
    enumDescriptions: EXECUTOR_TYPES.map((e) => EXECUTORS[e].description),
    description: 'How iterations are scheduled: k6\'s executors.',
    link: `${EXECUTOR_DOCS}/`,
  },
  startTime: duration(`When the scenario starts, counted from the start of the run. ${durationSyntax}`, {
    default: '0s',
    link: `${K6}/using-k6/scenarios/#options`,
  }),
  gracefulStop: duration(
    'How long running iterations may go on after the scenario\'s end before they are interrupted ' +
      '(and counted as interrupted, not as iterations).',
    { default: '30s', link: `${K6}/using-k6/scenarios/concepts/graceful-stop/` },
  ),
  rate: {
    type: 'integer',
    exclusiveMinimum: 0,
    executors: ['constant-arrival-rate'],
    requiredFor: ['constant-arrival-rate'],
    description:
      'Iterations to start per `timeUnit`. For a fractional rate, use a longer `timeUnit` ' +
      '(`rate: 1`, `timeUnit: 2s` is 0.5/s).',
    link: EXECUTORS['constant-arrival-rate'].link,
  },
  startRate: {
    type: 'integer',
    minimum: 0,
    default: 0,
    executors: ['ramping-arrival-rate'],
    description: 'Iterations per `timeUnit` at the start, before the first stage.',
    link: EXECUTORS['ramping-arrival-rate'].link,
  },
  timeUnit: duration('The period `rate`, `startRate` and stage targets are counted in.', {
    default: '1s',
    exclusiveMinimumMs: 0,
    executors: ARRIVAL,
    link: EXECUTORS['constant-arrival-rate'].link,
  }),
  duration: duration('How long the scenario starts iterations. At least `1s`.', {
    minimumMs: 1000,
    executors: ['constant-arrival-rate', 'constant-vus'],
    requiredFor: ['constant-arrival-rate', 'constant-vus'],
    link: EXECUTORS['constant-vus'].link,
  }),
  preAllocatedVUs: {
    type: 'integer',
    minimum: 1,
    executors: ARRIVAL,
    requiredFor: ARRIVAL,
    description:
      'VUs started before the scenario begins. Too few and iterations are dropped while more VUs start; ' +
      'k6\'s rule of thumb: median iteration duration × rate + some headroom.',
    link: `${K6}/using-k6/scenarios/concepts/arrival-rate-vu-allocation/`,
  },
  maxVUs: {
    type: 'integer',
    minimum: 1,
    executors: ARRIVAL,
    defaultText: 'preAllocatedVUs',
    description:
      'The most VUs the scenario may have: when no VU is idle for an iteration, one more is started in the ' +
      'background while fewer than `maxVUs` exist. At least `preAllocatedVUs`; defaults to it.',
    link: `${K6}/using-k6/scenarios/concepts/arrival-rate-vu-allocation/`,
  },
  vus: {
    type: 'integer',
    minimum: 1,
    default: 1,
    executors: ['constant-vus', 'per-vu-iterations', 'shared-iterations'],
    description: 'How many VUs run the flow.',
    link: EXECUTORS['constant-vus'].link,
  },
  startVUs: {
    type: 'integer',
    minimum: 0,
    default: 1,
    executors: ['ramping-vus'],
    description: 'VUs at the start, before the first stage.',
    link: EXECUTORS['ramping-vus'].link,
  },
  stages: {
    ...stages,
    executors: ['ramping-arrival-rate', 'ramping-vus'],
    requiredFor: ['ramping-arrival-rate', 'ramping-vus'],
    link: EXECUTORS['ramping-vus'].link,
  },
  gracefulRampDown: duration(
    'When a stage lowers the number of VUs, how long the VUs being removed may finish their iteration ' +
      'before it is interrupted.',
    { default: '30s', executors: ['ramping-vus'], link: EXECUTORS['ramping-vus'].link }
  ),
  iterations: {
    type: 'integer',
    minimum: 1,
    default: 1,
    executors: ITERATIONS,
    description: 'per-vu-iterations: iterations each VU runs. shared-iterations: iterations all VUs share.',
    link: EXECUTORS['per-vu-iterations'].link,
  },
  maxDuration: duration(
    'The most the scenario may run before it is stopped (then gracefulStop applies). Unstarted iterations ' +
      'count as dropped. At least `1s`.',
    {
      default: '10m',
      minimumMs: 1000,
      executors: ITERATIONS,
      link: EXECUTORS['shared-iterations'].link,
    }
  ),
  flow: {
    type: 'array',
    minItems: 1,
    description: 'The steps of one iteration, run in order: HTTP requests and `think` pauses.',
    items: step,
  },
};


const scenario: ObjectSchema = {
  type: 'object',
  description: 'One scenario: an executor and the flow its iterations run.',
  link: `${K6}/using-k6/scenarios/`,
  properties: scenarioProperties,
  required: ['executor', 'flow'],
};

const thresholdObject: ObjectSchema = {
  type: 'object',
  description: 'A threshold with options.',
  properties: {
    threshold: {
      type: 'string',
      format: 'thresholdExpression',
      description: 'The expression, e.g. `p(95)<300`.',
    },
    abortOnFail: {
      type: 'boolean',
      default: false,
      description: 'Stop the whole run as soon as the threshold fails.',
    },
    delayAbortEval: duration('How long into the run before `abortOnFail` is evaluated.', { default: '0s' }),
  },
  required: ['threshold'],
};

const metricNames = Object.keys(METRICS);

/** `setup:` and `teardown:`: a flow of the same steps as a scenario's, run once by the test. */
function lifecycleFlow(description: string): ArraySchema {
  return { type: 'array', minItems: 1, items: lifecycleStep, description, link: `${K6}/using-k6/test-lifecycle/` };
}

export const SCHEMA: ObjectSchema = {
  type: 'object',
  description: 'A Volley scenario file (v1): load test scenarios in k6\'s vocabulary.',
  properties: {
    name: {
      type: 'string',
      description: 'The test\'s name. Defaults to the file name without `.volley.yaml`.',
      defaultText: 'the file name',
    },
    baseUrl: {
      type: 'string',
      format: 'baseUrl',
      description: 'The `http://` or `https://` URL relative step URLs are joined to (`baseUrl` + `/path`).',
    },
    openapi: {
      type: 'string',
      description:
        'The API\'s OpenAPI 3.0 / 3.1 or Swagger 2.0 document (JSON or YAML), a file relative to the scenario file ' +
        '(not a URL). The editor completes step paths, methods and `json:` keys from it, shows an operation on hover, ' +
        'and warns on a step no operation matches, a `json:` body missing a required property or with one the schema ' +
        'does not list, and a `check: { status }` the operation does not document; `volley validate` shows the same ' +
        'warnings. A run does not read it.',
    },
    http: {
      type: 'object',
      description: 'How VUs use HTTP connections.',
      properties: {
        connections: {
          type: 'string',
          enum: ['per-vu', 'shared'],
          enumDescriptions: [
            'Each VU keeps its own keep-alive connections across iterations (k6\'s model).',
            'All VUs draw from one pool per origin, sized by `maxConnectionsPerHost`.',
          ],
          default: 'per-vu',
          description: 'Whose connections a request uses.',
        },
        maxConnectionsPerHost: {
          type: 'integer',
          minimum: 1,
          default: 100,
          description:
            'The most connections to one origin: per VU with `per-vu`; in all with `shared`, for the whole test, ' +
            'split over worker threads and execution segments as the VUs are.',
          link: `${K6}/using-k6/k6-options/reference/#batch-per-host`,
        },
        timeout: duration('How long a request may take before it fails (per step: `timeout`).', {
          default: '60s',
          exclusiveMinimumMs: 0,
          link: `${K6}/javascript-api/k6-http/params/`,
        }),
        noVUConnectionReuse: {
          type: 'boolean',
          default: false,
          description: 'Close a VU\'s connections after each iteration.',
          link: `${K6}/using-k6/k6-options/reference/#no-vu-connection-reuse`,
        },
        insecureSkipTLSVerify: {
          type: 'boolean',
          default: false,
          description: 'Accept any TLS certificate. For test systems only.',
          link: `${K6}/using-k6/k6-options/reference/#insecure-skip-tls-verify`,
        },
        cookies: {
          type: 'string',
          enum: ['per-iteration', 'per-vu', 'off'],
          enumDescriptions: [
            'Each VU has a cookie jar, emptied when an iteration starts (k6\'s default).',
            'Each VU keeps its cookie jar for its whole life.',
            'No jar: cookies from responses are neither stored nor sent.',
          ],
          default: 'per-iteration',
          description:
            'The VU\'s cookie jar: cookies set by responses (`Set-Cookie`) go back on its later requests by ' +
            'domain, path, expiry and `Secure` (RFC 6265).',
          link: `${K6}/using-k6/cookies/`,
        },
      },
    },
    variables: {
      type: 'map',
      keyName: 'variable name',
      keyFormat: 'identifier',
      values: {
        type: 'union',
        description: 'The variable\'s value, read in templates as `{{ name }}`.',
        variants: [
          { type: 'string', description: 'A string.' },
          { type: 'number', description: 'A number.' },
          { type: 'boolean', description: 'A boolean.' },
        ],
      },
      description:
        'Constants every template can read as `{{ name }}`. Names are identifiers and may not be ' +
        `${unavailableNamesText()}.`,
    },
    data: {
      type: 'map',
      keyName: 'data set name',
      keyFormat: 'identifier',
      values: {
        type: 'object',
        description: 'A data file and how its rows are handed to iterations.',
        properties: {
          file: {
            type: 'string',
            description:
              'The file, relative to the scenario file: CSV (RFC 4180, a header row names the columns) or `.json` ' +
              '(an array of objects, one per row). Read once before the run and shared by every worker and VU.',
          },
          pick: {
            type: 'string',
            enum: ['sequential', 'random', 'unique', 'per-vu'],
            enumDescriptions: [
              'The test\'s n-th iteration of the scenario reads row n mod rows (k6\'s `iterationInTest`), across worker threads and execution segments.',
              'Any row, drawn anew each iteration.',
              'Each row at most once in the whole test; when rows run out, the scenario starts no more iterations (the summary says so).',
              'VU n (global, 1-based) keeps row (n − 1) mod rows for its whole life.',
            ],
            default: 'sequential',
            description: 'Which row an iteration holds (fixed when the iteration starts: every template of it reads the same row).',
          },
        },
        required: ['file'],
      },
      description:
        'Test data: each set is a CSV or JSON file whose rows iterations read as `{{ name.column }}` ' +
        '(`{{ users.email }}`), one row per iteration (k6\'s `SharedArray`).',
      link: `${K6}/javascript-api/k6-data/sharedarray/`,
    },
    setup: lifecycleFlow(
      'Steps run once, before any scenario starts (k6\'s `setup()`); their captures are read-only values ' +
        'for every iteration of every scenario and for `teardown`. A request that fails or a check that fails ' +
        'ends the test with exit code 107 before any scenario starts (`teardown` still runs). Its requests ' +
        'carry the tag `scenario: setup` and are shown apart in the summary. `volley run --no-setup` skips it.',
    ),
    teardown: lifecycleFlow(
      'Steps run once, after every scenario ended, also after a stop, an abort or a failed `setup` ' +
        '(k6\'s `teardown()`); they may read `setup`\'s captures. Its requests carry the tag ' +
        '`scenario: teardown` and are shown apart in the summary. `volley run --no-teardown` skips it.',
    ),
    scenarios: {
      type: 'map',
      keyName: 'scenario name',
      keyFormat: 'scenarioName',
      minProperties: 1,
      values: scenario,
      description: 'The scenarios of the test, by name. They run in parallel, each from its `startTime`.',
      link: `${K6}/using-k6/scenarios/`,
    },
    thresholds: {
      type: 'map',
      keyName: 'metric',
      keyFormat: 'metricKey',
      values: {
        type: 'array',
        minItems: 1,
        description: 'Expressions that must all hold, e.g. `[p(95)<300, avg<100]`.',
        items: {
          type: 'union',
          description: 'An expression such as `p(95)<300`, or `{ threshold, abortOnFail, delayAbortEval }`.',
          variants: [
            {
              type: 'string',
              format: 'thresholdExpression',
              description:
                `An expression: ${orList([...SIMPLE_AGGREGATION_NAMES, 'p(N)'])}, then ` +
                `${orList(Object.keys(COMPARISON_WORDS))}, then a number.`,
            },
            thresholdObject,
          ],
        },
      },
      description:
        'Pass/fail criteria on metrics (`volley run` exits 99 when one fails). Keys are metric names, ' +
        'optionally filtered by tags: `http_req_duration{step:add to cart}`. Tags: ' +
        thresholdTagsDoc() + '.',
      link: `${K6}/using-k6/thresholds/`,
    },
  },
  required: ['scenarios'],
};

export const METRIC_NAMES: readonly string[] = metricNames;

/** Scenario keys that every executor takes. */
export const COMMON_SCENARIO_KEYS = Object.keys(scenarioProperties).filter(
  (k) => scenarioProperties[k].executors === undefined,
);

export function scenarioSchema(): ObjectSchema {
  return scenario;
}

export function thresholdObjectSchema(): ObjectSchema {
  return thresholdObject;
}

export function stepSchema(): ObjectSchema {
  return step;
}

export function lifecycleStepSchema(): ObjectSchema {
  return lifecycleStep;
}

/** The scenario keys an executor takes, in schema order. */
export function scenarioKeysFor(executor: ExecutorType): string[] {
  return Object.keys(scenarioProperties).filter((k) => {
    const execs = scenarioProperties[k].executors;
    return execs === undefined || execs.includes(executor);
  });
}

export function requiredScenarioKeysFor(executor: ExecutorType): string[] {
  return Object.keys(scenarioProperties).filter(
    (k) => k === 'executor' || k === 'flow' || (scenarioProperties[k].requiredFor ?? []).includes(executor),
  );
}

/** The executors that take a scenario key (all of them for common keys; none for unknown keys). */
export function executorsTaking(key: string): readonly ExecutorType[] {
  const prop = Object.prototype.hasOwnProperty.call(scenarioProperties, key) ? scenarioProperties[key] : undefined;
  if (!prop) return [];
  return prop.executors ?? EXECUTOR_TYPES;
}

export function isExecutorType(value: unknown): value is ExecutorType {
  return typeof value === 'string' && (EXECUTOR_TYPES as readonly string[]).includes(value);
}

/** Context the schema cannot know from a path alone: the scenario's executor. */
export interface SchemaContext {
  executor?: string;
}

/**
 * The schema node at a key path such as ['scenarios', 'browse', 'flow', 0, 'check', 'status'].
 * Unions resolve to the variant that can hold the next segment (an object or list).
 */
export function schemaAt(path: SchemaPath): SchemaNode | undefined {
  let node: SchemaNode | undefined = SCHEMA;
  for (const segment of path) {
    node = childSchema(node, segment);
    if (!node) return undefined;
  }
  return node;
}

function childSchema(node: SchemaNode, segment: PathSegment): SchemaNode | undefined {
  switch (node.type) {
    case 'object':
      return typeof segment === 'string' && Object.prototype.hasOwnProperty.call(node.properties, segment)
        ? node.properties[segment]
        : undefined;
    case 'map':
      return typeof segment === 'string' ? node.values : undefined;
    case 'array':
      return typeof segment === 'number' ? node.items : undefined;
    case 'union':
      for (const variant of node.variants) {
        const child = childSchema(variant, segment);
        if (child) return child;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** What a scalar written at a node is: a union's string variant (`think: 1s` beside `think: { min, max }`). */
export function scalarSchema(node: SchemaNode | undefined): SchemaNode | undefined {
  return node?.type === 'union' ? (node.variants.find((v) => v.type === 'string') ?? node) : node;
}

/** Every key of every object the format describes, each once, in the description's order (for the grammar). */
export function schemaKeyNames(node: SchemaNode = SCHEMA, out: Set<string> = new Set(), seen: Set<SchemaNode> = new Set()): string[] {
  // A nested flow's items are the step object again.
  if (seen.has(node)) return [...out];
  seen.add(node);
  switch (node.type) {
    case 'object':
      for (const [key, prop] of Object.entries(node.properties)) {
        out.add(key);
        schemaKeyNames(prop, out, seen);
      }
      break;
    case 'map':
      schemaKeyNames(node.values, out, seen);
      break;
    case 'array':
      schemaKeyNames(node.items, out, seen);
      break;
    case 'union':
      for (const variant of node.variants) schemaKeyNames(variant, out, seen);
      break;
    default:
      break;
  }
  return [...out];
}

export interface KeyInfo {
  key: string;
  schema: PropertySchema;
  required: boolean;
  /** Markdown for completion items and hover. */
  documentation: string;
}

/**
 * The keys an object at `path` may have (for completion). For a scenario, pass its executor to get only
 * the keys that executor takes; without it, all scenario keys.
 */
export function keysAt(path: SchemaPath, context: SchemaContext = {}): KeyInfo[] {
  let node = schemaAt(path);
  if (node?.type === 'union') node = node.variants.find((v) => v.type === 'object');
  if (!node || node.type !== 'object') return [];
  const object = node;
  const executor = isScenarioPath(path) && isExecutorType(context.executor) ? context.executor : undefined;
  return Object.keys(object.properties)
    .filter((key) => {
      const execs = object.properties[key].executors;
      return executor === undefined || execs === undefined || execs.includes(executor);
    })
    .map((key) => {
      const schema = object.properties[key];
      const required =
        (object.required ?? []).includes(key) ||
        (executor !== undefined && (schema.requiredFor ?? []).includes(executor));
      return { key, schema, required, documentation: describe(schema, key, executor) };
    });
}

function isScenarioPath(path: SchemaPath): boolean {
  return path.length === 2 && path[0] === 'scenarios';
}

/** Hover markdown for the key at `path`, or undefined when the path names nothing in the schema. */
export function docFor(path: SchemaPath, context: SchemaContext = {}): string | undefined {
  if (path.length === 0) return describe(SCHEMA, undefined, undefined);
  const node = schemaAt(path);
  if (!node) return undefined;
  const last = path[path.length - 1];
  const executor =
    path.length === 3 && path[0] === 'scenarios' && isExecutorType(context.executor) ? context.executor : undefined;
  return describe(node as PropertySchema, typeof last === 'string' ? last : undefined, executor);
}

/** Markdown for an executor name (hover on `executor: constant-vus`). */
export function docForExecutor(executor: string): string | undefined {
  if (!isExecutorType(executor)) return undefined;
  const e = EXECUTORS[executor];
  const keys = scenarioKeysFor(executor).map((k) => `\`${k}\``).join(', ');
  return `**${executor}** — ${e.description}\n\nKeys: ${keys}.\n\n[k6 docs](${e.link})`;
}

/** Values to offer for completion at `path` (enums and booleans). */
export function valuesAt(path: SchemaPath): Array<{ value: string; documentation: string }> {
  const node = schemaAt(path);
  if (!node) return [];
  if (node.type === 'string' && node.enum) {
    return node.enum.map((value, i) => ({ value, documentation: node.enumDescriptions?.[i] ?? '' }));
  }
  if (node.type === 'boolean') {
    return [
      { value: 'true', documentation: '' },
      { value: 'false', documentation: '' },
    ];
  }
  return [];
}

function typeText(node: SchemaNode): string {
  switch (node.type) {
    case 'string':
      if (node.format === 'duration') return 'duration';
      if (node.enum) return node.enum.map((e) => `\`${e}\``).join(' | ');
      if (node.format === 'template' || node.format === 'url' || node.format === 'condition') return 'string (template)';
      return 'string';
    case 'integer':
    case 'number':
    case 'boolean':
      return node.type;
    case 'map':
      return `map of ${node.keyName} → ${typeText(node.values)}`;
    case 'array':
      return `list of ${typeText(node.items)}`;
    case 'union':
      return node.variants.map(typeText).join(' | ');
    case 'object':
      return 'object';
    case 'any':
      return 'any value';
  }
}

function describe(node: PropertySchema, key: string | undefined, executor: ExecutorType | undefined): string {
  const lines: string[] = [];
  lines.push(`${key ? `**${key}**: ` : ''}${typeText(node)}`);
  lines.push('');
  lines.push(node.description);
  const defaultValue = executor !== undefined && node.defaults?.[executor] !== undefined ? node.defaults[executor] : node.default;
  if (defaultValue !== undefined) lines.push('', `Default: \`${String(defaultValue)}\``);
  else if (node.defaultText) lines.push('', `Default: ${node.defaultText}`);
  if (node.executors) lines.push('', `Executors: ${node.executors.map((e) => `\`${e}\``).join(', ')}.`);
  if (node.link) lines.push('', `[k6 docs](${node.link})`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// JSON Schema (draft-07) for other editors: scripts/gen-schema.ts writes it to schemas/volley.schema.json.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where the JSON Schema defines a step once: nested flows refer to it. */
const STEP_REF = '#/definitions/step';

export function toJsonSchema(): Record<string, Json> {
  const root = toJson(SCHEMA) as Record<string, Json>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Volley scenario file',
    ...root,
    definitions: { step: stepToJson() },
  };
}

function docs(node: Documented): Record<string, Json> {
  const text = node.link ? `${node.description}\n\n[k6 docs](${node.link})` : node.description;
  const out: Record<string, Json> = { description: node.description, markdownDescription: text };
  if (node.default !== undefined) out.default = node.default as Json;
  return out;
}

/** `inUnion`: a union's own number and boolean variants, not its text, take those (oneOf needs one match). */
function toJson(node: SchemaNode, inUnion = false): Json {
  switch (node.type) {
    case 'string': {
      const type: Json = takesScalarsAsText(node) && !inUnion ? ['string', 'number', 'boolean'] : 'string';
      const out: Record<string, Json> = { type, ...docs(node) };
      if (node.enum) {
        out.enum = [...node.enum];
        if (node.enumDescriptions) out.markdownEnumDescriptions = [...node.enumDescriptions];
      }
      const pattern = node.format !== undefined ? FORMAT_PATTERNS[node.format] : undefined;
      if (pattern !== undefined) out.pattern = pattern;
      // A name templates read: not a built-in's or a literal's, as for variables and captures.
      if (node.format === 'identifier') out.not = { enum: [...UNAVAILABLE_NAMES] };
      return out;
    }
    case 'integer':
    case 'number': {
      const out: Record<string, Json> = { type: node.type, ...docs(node) };
      if (node.minimum !== undefined) out.minimum = node.minimum;
      if (node.exclusiveMinimum !== undefined) out.exclusiveMinimum = node.exclusiveMinimum;
      return out;
    }
    case 'boolean':
      return { type: 'boolean', ...docs(node) };
    case 'any':
      return { ...docs(node) };
    case 'union':
      return { ...docs(node), oneOf: node.variants.map((variant) => toJson(variant, true)) };
    case 'array': {
      const out: Record<string, Json> = { type: 'array', ...docs(node), items: toJson(node.items) };
      if (node.minItems !== undefined) out.minItems = node.minItems;
      return out;
    }
    case 'map': {
      const out: Record<string, Json> = { type: 'object', ...docs(node), additionalProperties: toJson(node.values) };
      if (node.minProperties !== undefined) out.minProperties = node.minProperties;
      if (node.keyFormat === 'identifier') {
        out.propertyNames = { pattern: IDENTIFIER_PATTERN.source, not: { enum: [...UNAVAILABLE_NAMES] } };
      } else if (node.keyFormat === 'scenarioName') {
        out.propertyNames = { pattern: SCENARIO_NAME_PATTERN.source };
      } else if (node.keyFormat === 'header') {
        out.propertyNames = { pattern: HEADER_NAME_PATTERN.source };
      } else if (node.keyFormat === 'cookie') {
        out.propertyNames = { pattern: COOKIE_NAME_PATTERN.source };
      } else if (node.keyFormat === 'metricKey') {
        out.propertyNames = { anyOf: metricKeyPatterns() };
      }
      return out;
    }
    case 'object': {
      if (node === step) return { $ref: STEP_REF };
      if (node === lifecycleStep) return { ...(objectToJson(node) as Record<string, Json>), ...stepConditions(false) };
      return objectToJson(node);
    }
  }
}

function stepToJson(): Json {
  return { ...(objectToJson(step) as Record<string, Json>), ...stepConditions(true) };
}

function objectToJson(node: ObjectSchema): Json {
  const properties: Record<string, Json> = {};
  for (const [key, prop] of Object.entries(node.properties)) properties[key] = toJson(prop);
  const out: Record<string, Json> = { type: 'object', ...docs(node), properties, additionalProperties: false };
  if (node.required && node.required.length > 0) out.required = [...node.required];
  if (node === scenario) out.allOf = scenarioConditions();
  return out;
}

/**
 * A threshold key as parseMetricKey reads it (spaces and quotes around a tag's name and value are trimmed),
 * with only the tags the metric's samples carry and, for tags with a closed set of values, one of those.
 * Metrics that carry the same tags share a pattern. What a pattern cannot say: a tag given twice, and that a
 * `step` or `scenario` value names one of the file's.
 */
function metricKeyPatterns(): Json[] {
  const byTags = new Map<string, string[]>();
  for (const metric of metricNames) {
    const tags = METRIC_TAGS[metric as MetricName].join(',');
    byTags.set(tags, [...(byTags.get(tags) ?? []), metric]);
  }
  const around = (inner: string) => `\\s*["']*\\s*${inner}\\s*["']*\\s*`;
  return [...byTags].map(([tags, metrics]) => {
    const pieces = tags.split(',').map((tag) => {
      const closed = Object.hasOwn(TAG_VALUE_PATTERNS, tag) ? TAG_VALUE_PATTERNS[tag].source.replace(/^\^|\$$/g, '') : undefined;
      // A value is trimmed, then stripped of quotes; a name is trimmed again after that.
      return `${around(tag)}:${closed !== undefined ? `\\s*["']*(${closed})["']*\\s*` : `[^,{}]*[^,{}"'\\s][^,{}]*`}`;
    });
    const piece = `(${pieces.join('|')})`;
    return { pattern: `^\\s*(${metrics.join('|')})\\s*(\\{${piece}(,${piece})*\\}\\s*)?$` };
  });
}

/** Each executor: its required keys, and no key of another executor. */
function scenarioConditions(): Json[] {
  return EXECUTOR_TYPES.map((executor) => ({
    if: { properties: { executor: { const: executor } }, required: ['executor'] },
    then: {
      required: requiredScenarioKeysFor(executor),
      propertyNames: { enum: scenarioKeysFor(executor) },
    },
  }));
}

/**
 * Exactly one method, `think` or control key; a think step holds nothing else, a control step only its
 * own keys (and `flow` where it takes one); `as`, `else` and `flow` only beside theirs; the body keys
 * exclude each other.
 */
function stepConditions(withControls: boolean): Record<string, Json> {
  const controls = withControls ? (Object.keys(CONTROL_STEP_KEYS) as ControlStepKey[]) : [];
  const actions = [...HTTP_METHOD_KEYS, 'think', ...controls];
  const withFlow = controls.filter((c) => (CONTROL_STEP_KEYS[c] as readonly string[]).includes('flow'));
  return {
    oneOf: actions.map((a) => ({ required: [a] })),
    allOf: [
      {
        if: { required: ['think'] },
        then: { propertyNames: { enum: ['think', 'name'] } },
      },
      ...controls.map((c) => ({
        if: { required: [c] },
        then: {
          propertyNames: { enum: [...CONTROL_STEP_KEYS[c]] },
          ...(withFlow.includes(c) ? { required: ['flow'] } : {}),
        },
      })),
      ...(withControls
        ? [
            { if: { required: ['as'] }, then: { required: ['repeat'] } },
            { if: { required: ['else'] }, then: { required: ['if'] } },
            { if: { required: ['flow'] }, then: { anyOf: withFlow.map((c) => ({ required: [c] })) } },
          ]
        : []),
      ...BODY_KEYS.flatMap((a, i) => BODY_KEYS.slice(i + 1).map((b) => ({ not: { required: [a, b] } }))),
    ],
  };
}
