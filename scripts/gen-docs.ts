// Writes docs/scenario-format.md: a hand-written guide (below, as template text) followed by reference
// tables generated from the scenario module, so the reference cannot drift from what the validator
// accepts and what hover shows. test/scenario/docs-sync.test.ts keeps the committed file equal to the
// output: run `npm run gen:docs` after changing the schema, the template helpers or the metrics.
//
// Everything the guide shows is checked here, at generation time: template examples compile, capture
// sources parse, durations parse; a failed check stops the generator instead of publishing a wrong doc.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, type MetricName, type MetricType } from '../src/engine/metrics/catalogue';
import type { ExecutorType } from '../src/engine/scenario/plan';
import {
  COMMON_SCENARIO_KEYS,
  EXECUTORS,
  EXECUTOR_TYPES,
  HTTP_METHOD_KEYS,
  RESERVED_TEMPLATE_NAMES,
  SCHEMA,
  thresholdTagsDoc,
  keysAt,
  requiredScenarioKeysFor,
  scenarioKeysFor,
  schemaAt,
  type KeyInfo,
  type PropertySchema,
  type SchemaNode,
  type SchemaPath,
  type StringSchema,
} from '../src/engine/scenario/schema';
import { TEMPLATE_BUILTINS, TEMPLATE_HELPERS, compileTemplate } from '../src/engine/scenario/template';
import { aggregationsFor } from '../src/engine/scenario/threshold-expr';
import { parseCaptureSource } from '../src/engine/scenario/json-path';
import { parseDuration } from '../src/engine/scenario/duration';
import { scenarioDuration } from '../src/format';
import { METRIC_DESCRIPTIONS } from '../src/engine/metrics/descriptions';

const ROOT = join(__dirname, '..');
export const DOC_FILE = join(ROOT, 'docs', 'scenario-format.md');

const K6 = 'https://grafana.com/docs/k6/latest';

// Paths into the schema. The scenario name and metric are placeholders: maps take any key.
const SCENARIO: SchemaPath = ['scenarios', 'example'];
const STEP: SchemaPath = [...SCENARIO, 'flow', 0];
const STAGE: SchemaPath = [...SCENARIO, 'stages', 0];
const CHECK: SchemaPath = [...STEP, 'check'];
const THRESHOLD_OPTIONS: SchemaPath = ['thresholds', 'http_req_duration', 0];

// ---------------------------------------------------------------------------------------------------------
// What the scenario module does not hold as text. Each table is keyed by the module's own list, and the
// generator fails when the two disagree, so a new metric or built-in cannot go undocumented.


const METRIC_UNITS: Record<MetricType, string> = {
  trend: 'milliseconds',
  counter: 'count',
  rate: '0 to 1',
  gauge: 'count',
};

/** What an aggregation computes; `rate` means different things on counters and rates, as in k6. */
function aggregationMeaning(type: MetricType, aggregation: string): string {
  switch (aggregation) {
    case 'count':
      return 'the total';
    case 'rate':
      return type === 'counter' ? 'the total per second' : 'the share of non-zero values, 0 to 1';
    case 'value':
      return 'the last value';
    case 'avg':
      return 'the mean';
    case 'min':
      return 'the smallest value';
    case 'med':
      return 'the median';
    case 'max':
      return 'the largest value';
    case 'p(N)':
      return 'the N-th percentile: `p(95)`, `p(99.9)`';
    default:
      throw new Error(`gen-docs: no meaning for the aggregation ${aggregation} of ${type} metrics`);
  }
}

const BUILTIN_MEANINGS: Record<string, { read: string; meaning: string }> = {
  vu: { read: '`vu`', meaning: 'The VU\'s number, from 1 (k6\'s `__VU`).' },
  iteration: {
    read: '`iteration`',
    meaning: 'The VU\'s iteration number in this scenario, from 0 (k6\'s `__ITER`).',
  },
  scenario: { read: '`scenario`', meaning: 'The name of the running scenario.' },
  env: {
    read: '`env.NAME`, `env[\'NAME\']`',
    meaning:
      'An environment variable: `volley run -e NAME=VALUE`, else the process environment; empty when unset ' +
      '(k6\'s `__ENV`). Values read this way are secrets: they are redacted in all output.',
  },
};

/** Template expressions the guide shows; each must compile with these names in scope. */
const TEMPLATE_EXAMPLES: ReadonlyArray<{ templates: readonly string[]; reads: string }> = [
  { templates: ['{{ prefix }}'], reads: 'a variable or a capture' },
  { templates: ['{{ user.name }}', '{{ items[0].id }}', '{{ items.length }}'], reads: 'fields, list items and lengths of captured JSON' },
  { templates: ['{{ vu }}-{{ iteration }}', '{{ scenario }}'], reads: 'built-ins' },
  { templates: ['{{ env.TOKEN }}'], reads: 'an environment variable' },
  { templates: ['{{ iteration % 10 }}', '{{ vu * 1000 + iteration }}'], reads: 'arithmetic: `+ - * / %` and parentheses' },
  { templates: ["{{ 'item-' + vu }}"], reads: 'text in single or double quotes; `+` joins text' },
  { templates: ['{{ firstId != null ? firstId : 1 }}'], reads: 'comparisons `== != === !== < <= > >=`, `&& || !`, and `? :`' },
  { templates: ['{{ randomInt(1, 1000) }}', '{{ upper(scenario) }}'], reads: 'helpers (see the reference)' },
];
const TEMPLATE_EXAMPLE_NAMES = new Set(['prefix', 'user', 'items', 'firstId']);

/** Capture sources with an example each; the examples must parse. */
const CAPTURE_SOURCES: ReadonlyArray<{ form: string; example: string; takes: string }> = [
  {
    form: '`json.PATH`',
    example: 'json.items[0].id',
    takes:
      'A value of the JSON response body, by path: `.field`, `[index]` (negative counts from the end), ' +
      '`["field with spaces"]`. `json` alone takes the whole body. Keeps the JSON type.',
  },
  {
    form: '`header.NAME`',
    example: 'header.X-Request-Id',
    takes: 'A response header\'s value (the name is case-insensitive).',
  },
  {
    form: '`regex:PATTERN`',
    example: 'regex:session=(\\w+)',
    takes:
      'From the response body: the pattern\'s capture group, else the whole match (a JavaScript regular ' +
      'expression with at most one capture group).',
  },
];

/** Duration examples; their values in milliseconds are computed by the parser. */
const DURATION_EXAMPLES = ['500ms', '30s', '1.5s', '1m30s', '2h', '250us'];

// ---------------------------------------------------------------------------------------------------------
// The guide. `{{ }}` in this text is Volley's template syntax, not a placeholder of this generator.

const INTRODUCTION = `# Scenario file format

<!-- Generated by scripts/gen-docs.ts from src/engine/scenario (schema.ts and friends).
     Do not edit by hand: change the script or the schema, then run \`npm run gen:docs\`. -->

A Volley scenario file describes an HTTP load test in YAML, with the vocabulary of
[k6](${K6}/using-k6/scenarios/): executors, \`rate\`, \`timeUnit\`, \`preAllocatedVUs\`, \`maxVUs\`, \`stages\`,
\`gracefulStop\`, thresholds. Name it \`*.volley.yaml\` (\`*.volley.yml\` works too): VS Code then opens it as a
Volley file, with completion, hover docs and diagnostics as you type, and the \`volley\` command line runs it
(\`volley run checkout.volley.yaml\`).

The first part of this page is a guide; the [reference](#reference) after it is generated from the schema
the editor and the engine use, so it lists exactly what they accept.

- [A complete example](#a-complete-example)
- [Scenarios and executors](#scenarios-and-executors)
- [Steps](#steps)
- [Templates](#templates)
- [Checks](#checks)
- [Captures](#captures)
- [Thresholds](#thresholds)
- [Compatibility with k6](#compatibility-with-k6)
- [Reference](#reference)

## A complete example

Start the demo target with \`volley demo\` (it serves a small shop on http://127.0.0.1:7878), then run this
file with \`volley run\`, or press Run above \`scenarios:\` in the editor.

\`\`\`yaml
# checkout.volley.yaml
name: checkout                      # optional: defaults to the file name without .volley.yaml
baseUrl: http://127.0.0.1:7878      # relative step URLs are joined to it
http:
  connections: per-vu               # each VU keeps its own keep-alive connections, as in k6
  timeout: 10s                      # a request taking longer fails with a request timeout
variables:                          # constants every template can read: {{ password }}
  password: demo
scenarios:
  browse:                           # open model: a fixed arrival rate, however slow the responses
    executor: constant-arrival-rate
    rate: 20                        # 20 iterations ...
    timeUnit: 1s                    # ... per second
    duration: 30s
    preAllocatedVUs: 5              # VUs ready at the start; with none idle, an iteration is dropped
    maxVUs: 20                      # ... and one more VU is started, up to this many
    flow:
      - name: list products         # the step's name: its "step" tag in results and thresholds
        get: /products?page={{ iteration % 10 }}
        check: { status: 200, json: { "items[0].id": "> 0" } }
        capture: { firstId: json.items[0].id }     # readable by the next steps of this iteration
      - name: product detail
        get: /products/{{ firstId }}
        check: { status: 200 }
  shoppers:                         # closed model: 3 VUs loop over the flow
    executor: constant-vus
    vus: 3
    duration: 30s
    startTime: 5s                   # starts 5 s after browse
    gracefulStop: 5s                # iterations still running at the end get 5 s to finish
    flow:
      - name: login
        post: /login
        json: { user: "shopper-{{ vu }}", password: "{{ password }}" }
        check: { status: 200, json: { token: "!= null" } }
        capture: { token: json.token }
      - name: add to cart
        post: /cart
        headers:
          Authorization: Bearer {{ token }}
        json: { id: "{{ randomInt(1, 1000) }}", user: "shopper-{{ vu }}" }   # id is sent as a number
        check: { status: 201 }
        capture: { cartId: json.cartId }
      - think: 500ms                # pause, like k6's sleep
      - name: view cart
        get: /cart/{{ cartId }}
        check: { status: 200, bodyContains: cartId }
thresholds:
  http_req_duration: [p(95)<500]                       # all requests
  "http_req_duration{step:add to cart}": [p(99)<800]   # one step
  http_req_failed:
    - threshold: rate<0.01
      abortOnFail: true                                # stop the run as soon as it fails ...
      delayAbortEval: 10s                              # ... but not in the first 10 s
  checks: [rate>0.99]
  dropped_iterations: [count==0]
\`\`\`

The smallest file that runs:

\`\`\`yaml
baseUrl: http://127.0.0.1:7878
scenarios:
  smoke:
    executor: per-vu-iterations
    flow:
      - get: /health
\`\`\`

## Scenarios and executors

\`scenarios\` maps names to scenarios; all of them run in parallel, each from its \`startTime\`. A scenario
name may hold letters, digits, \`-\` and \`_\` (k6's rule). Each scenario has an \`executor\`, which decides
when iterations start, and a \`flow\`, the steps one iteration runs. The executors are k6's:

- **Open model** (\`constant-arrival-rate\`, \`ramping-arrival-rate\`): iterations start on a schedule, whether
  or not earlier ones have finished. This is how users arrive at a public service, and it keeps a slow system
  from slowing the load down. An iteration that finds no idle VU is dropped (\`dropped_iterations\`): give
  enough \`preAllocatedVUs\` (the editor's *Estimate VUs* code lens computes k6's rule from measured
  iteration durations).
- **Closed model** (\`constant-vus\`, \`ramping-vus\`, \`per-vu-iterations\`, \`shared-iterations\`): a fixed or
  ramping number of VUs loop over the flow; each starts its next iteration when the previous one ends.

Each executor takes its own keys; a key of another executor is an error. The
[reference](#scenario-keys-by-executor) lists them.

## Steps

\`flow\` is a list of steps run in order, once per iteration. A step is either a request, with exactly one
of ${HTTP_METHOD_KEYS.map((m) => `\`${m}\``).join(', ')} giving its URL, or a \`think\` pause:

\`\`\`yaml
flow:
  - name: search                   # optional; defaults to "GET /search"
    get: /search
    query: { q: "{{ term }}", limit: 10 }
    headers: { Accept: application/json }
    timeout: 5s                    # this request only; default http.timeout
  - think: 1s
  - post: /orders
    json: { sku: "{{ sku }}", quantity: 2 }   # or body: for a text body
\`\`\`

A failed request (a transport error or an error status) does not stop the iteration: the next step runs,
and the failure is counted in \`http_req_failed\` and shown per error class in the results.

## Templates

Text between \`{{\` and \`}}\` in URLs, header and query values, \`json\` string values and \`body\` is an
expression, rendered for every request. A template can read:

- the \`variables\` of the file;
- captures of earlier steps of the same iteration (a step cannot read its own captures or later ones; every
  capture is reset when an iteration starts);
- the built-ins ${TEMPLATE_BUILTINS.map((b) => `\`${b === 'env' ? 'env.NAME' : b}\``).join(', ')};
- a few pure helpers such as \`randomInt(1, 100)\` and \`uuid()\`.

| Template | What it reads |
|---|---|
${TEMPLATE_EXAMPLES.map((e) => `| ${cell(e.templates.map(codeSpan).join(', '))} | ${cell(e.reads)} |`).join('\n')}

Templates are compiled once, before the run; an unknown name or a syntax error is a diagnostic in the editor
and \`volley validate\`, never a failure halfway through a test. They are never evaluated as JavaScript:
the expression language has no assignments, no loops and no functions of its own, and it reads only data
(own fields of captured JSON, list items, \`length\`), so a scenario file from a repository cannot run code.

Rendering: a missing value (for example a capture whose response had no such field) renders as empty text,
an object or list as JSON. In a \`json\` body, a string that is exactly one \`{{ … }}\` keeps the value's type,
so \`id: "{{ randomInt(1, 1000) }}"\` sends a number; any other text stays a string.

YAML reads a plain value starting with \`{\` as a map, so quote a value that *starts* with a template:
\`json: { id: "{{ firstId }}" }\`. Inside a value (\`/products/{{ firstId }}\`, \`Bearer {{ token }}\`), no quotes
are needed.

## Checks

\`check\` asserts on the response. A failed check never fails the request or stops the iteration: checks are
counted in the \`checks\` metric (passed / all), which thresholds can hold to a rate, like k6's \`check()\`.

\`\`\`yaml
check:
  status: [200, 201]                     # one code or a list of allowed codes
  header: { Content-Type: application/json; charset=utf-8 }   # exact value; the name is case-insensitive
  bodyContains: '"items"'                # text the body must contain
  json:                                  # JSON paths of the body and what they must hold
    items[0].id: "> 0"
    page: 0                              # equality
    currency: EUR                        # equality with a text
    "items[0].name": "!= null"
    "items[0].status": "!= 'sold out'"   # after an operator, quote a text
\`\`\`

A \`json\` expectation is a value (equality; \`5\` also matches \`"5"\`) or a string holding a comparison
\`==\`, \`===\` (same JSON type), \`!=\`, \`<\`, \`<=\`, \`>\`, \`>=\` and a number, a quoted text, \`true\`,
\`false\` or \`null\`. A missing value passes only \`!=\`.

## Captures

\`capture\` takes values from a response for the next steps of the same iteration, which read them as
\`{{ name }}\`:

\`\`\`yaml
capture:
  firstId: json.items[0].id             # from the JSON body
  requestId: header.X-Request-Id        # from a response header
  session: regex:session=(\\w+)          # from the body text, the first group
\`\`\`

Capture names are identifiers and may not be ${RESERVED_TEMPLATE_NAMES.map((n) => `\`${n}\``).join(', ')}.
When the source finds nothing, or the request got no response, the capture is empty for the rest of the
iteration.

## Thresholds

\`thresholds\` are the test's pass/fail criteria, in k6's syntax: a metric, optionally filtered by tags, and
a list of expressions that must all hold at the end of the run. \`volley run\` exits with code 99 when one
fails, as k6 does.

\`\`\`yaml
thresholds:
  http_req_duration: [p(95)<300, avg<100]
  "http_req_duration{scenario:browse}": [p(99)<500]
  "http_req_duration{step:add to cart,method:POST}": [max<2000]
  "http_reqs{status:500}": [count==0]
  http_req_failed:
    - threshold: rate<0.01
      abortOnFail: true
      delayAbortEval: 30s
\`\`\`

- An expression is an aggregation, a comparison and a number: \`p(95)<300\`. Which aggregations a metric
  takes depends on its type; see [metrics](#metrics). Times are in milliseconds.
- Tags filter the samples: ${thresholdTagsDoc()}. A tag a metric's samples do not carry is an error.
  Write the key in quotes, since it holds \`{\`, \`:\` or spaces: \`"http_req_duration{step:add to cart}"\`.
  Several tags are joined with \`,\` and must all match; \`expected_response:true\` keeps the requests
  that did not fail (a response with a status below 400, as in k6's \`http_req_duration{expected_response:true}\`).
- The long form \`{ threshold, abortOnFail, delayAbortEval }\` stops the whole run as soon as the threshold
  fails (\`abortOnFail\`), but not before \`delayAbortEval\` into the run, when too few samples exist to judge.

## Compatibility with k6

Volley takes k6's names wherever k6 has one, so k6's documentation applies: executors and their options,
\`gracefulStop\`, threshold expressions and tag filters, metric names and their timing definitions, duration
syntax, exit code 99 for failed thresholds, \`--summary-export\`. Moving a k6 test over:

- k6's \`options.scenarios\` and \`options.thresholds\` carry over key by key; the scenario's \`exec\` function
  becomes its \`flow\`, and \`sleep()\` becomes a \`think\` step.
- k6's shortcut options (\`vus\`, \`duration\`, \`iterations\`, \`stages\` at the top level) are not accepted: write a
  scenario with its executor.
- There is no JavaScript. Requests, checks and captures are declarative, and templates are a small
  expression language (above).
- \`http_req_failed\` counts transport errors and statuses ≥ 400, k6's default expected statuses.
- Volley adds two metrics: \`iteration_lateness\` and \`interrupted_iterations\`.
- YAML: Volley accepts a flow map whose values hold brackets, such as
  \`capture: { firstId: json.items[0].id }\`, the way people write it, although strict YAML tools (yamllint,
  other editors' YAML support) report it as an error. If other tools read your files, quote such values:
  \`capture: { firstId: "json.items[0].id" }\`, or use block style. Other editors can validate files with the
  generated JSON Schema, \`schemas/volley.schema.json\`.
`;

// ---------------------------------------------------------------------------------------------------------
// Markdown helpers.

/** A table cell: pipes escaped (GitHub honours `\|` inside code spans in tables), one line. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function codeSpan(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return fence === '``' ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function table(headers: string[], rows: string[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

function k6Link(link: string | undefined): string {
  return link ? ` [k6 docs](${link})` : '';
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The type as hover shows it: the first line of the schema's own key documentation. */
function typeOf(info: KeyInfo): string {
  const first = info.documentation.split('\n', 1)[0];
  const prefix = `**${info.key}**: `;
  if (!first.startsWith(prefix)) {
    throw new Error(`gen-docs: the documentation of "${info.key}" no longer starts with "${prefix}"; update typeOf()`);
  }
  // A long enum reads better as the list the description gives.
  if (info.schema.type === 'string' && info.schema.enum && info.schema.enum.length > 3) return 'string';
  return first.slice(prefix.length);
}

function defaultOf(schema: PropertySchema, executor?: ExecutorType): string {
  const own = executor !== undefined ? schema.defaults?.[executor] : undefined;
  const value = own !== undefined ? own : schema.default;
  if (value !== undefined) return codeSpan(formatValue(value));
  if (executor === undefined && schema.defaults) {
    const per = Object.entries(schema.defaults).map(([e, v]) => `${codeSpan(formatValue(v))} (${e})`);
    if (per.length > 0) return per.join(', ');
  }
  if (schema.defaultText) {
    return /^[A-Za-z_][\w.]*$/.test(schema.defaultText) ? `same as ${codeSpan(schema.defaultText)}` : schema.defaultText;
  }
  return '';
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text;
}

/**
 * A key's description, plus what a map's values are and what each enum value means. Executor names link
 * to their own sections instead, which say more.
 */
function descriptionOf(schema: SchemaNode): string {
  let text = schema.description;
  if (schema.type === 'map') text += ` Each value: ${lowerFirst(schema.values.description)}`;
  if (schema.type === 'string' && schema.enum) {
    const executors = schema.enum.every((v) => (EXECUTOR_TYPES as readonly string[]).includes(v));
    if (executors) text += ` One of ${schema.enum.map((v) => `[${v}](#${anchor(v)})`).join(', ')}.`;
    else if (schema.enumDescriptions) {
      text += ' ' + schema.enum.map((v, i) => `${codeSpan(v)}: ${lowerFirst(schema.enumDescriptions![i])}`).join(' ');
    }
  }
  return text + k6Link(schema.link);
}

function keyTable(infos: KeyInfo[], executor?: ExecutorType): string {
  return table(
    ['Key', 'Type', 'Required', 'Default', 'Description'],
    infos.map((info) => [
      codeSpan(info.key),
      typeOf(info),
      info.required ? 'yes' : '',
      defaultOf(info.schema, executor),
      descriptionOf(info.schema),
    ]),
  );
}

function keysOrFail(path: SchemaPath, context: { executor?: string } = {}): KeyInfo[] {
  const infos = keysAt(path, context);
  if (infos.length === 0) throw new Error(`gen-docs: the schema has no object at ${JSON.stringify(path)}`);
  return infos;
}

function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

// ---------------------------------------------------------------------------------------------------------
// Checks on the guide's examples.

function checkGuideExamples(): void {
  for (const example of TEMPLATE_EXAMPLES) {
    for (const part of example.templates) {
      const compiled = compileTemplate(part, { names: TEMPLATE_EXAMPLE_NAMES });
      if (compiled.problems.length > 0) {
        throw new Error(`gen-docs: template example ${part} does not compile: ${compiled.problems[0].message}`);
      }
    }
  }
  for (const source of CAPTURE_SOURCES) {
    const parsed = parseCaptureSource(source.example);
    if (!parsed.ok) throw new Error(`gen-docs: capture example ${source.example}: ${parsed.message}`);
  }
  const builtins = [...TEMPLATE_BUILTINS].sort().join(',');
  if (builtins !== Object.keys(BUILTIN_MEANINGS).sort().join(',')) {
    throw new Error(`gen-docs: BUILTIN_MEANINGS must describe exactly the template built-ins ${builtins}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The generated reference.

function topLevelSection(): string {
  return [
    '### Top-level keys',
    '',
    SCHEMA.description,
    '',
    keyTable(keysOrFail([])),
  ].join('\n');
}

function httpSection(): string {
  const http = schemaAt(['http']);
  return ['### `http`', '', http?.description ?? '', '', keyTable(keysOrFail(['http']))].join('\n');
}

function examplePathFor(executor: ExecutorType): string {
  return `examples/${executor}.volley.yaml`;
}

function scenarioSections(): string {
  const out: string[] = [];
  const scenario = schemaAt(SCENARIO);
  out.push('### Scenario keys', '', `${scenario?.description ?? ''}${k6Link(scenario?.link)}`, '');
  out.push('Keys every executor takes:', '');
  const all = keysOrFail(SCENARIO);
  out.push(keyTable(all.filter((k) => COMMON_SCENARIO_KEYS.includes(k.key))), '');

  out.push('### Scenario keys by executor', '');
  const specific = all.filter((k) => !COMMON_SCENARIO_KEYS.includes(k.key));
  out.push(
    '**required**: the executor needs the key; ✓: the executor takes it; empty: the key is an error there.',
    '',
    table(
      ['Key', ...EXECUTOR_TYPES.map((e) => `[${e}](#${anchor(e)})`)],
      specific.map((k) => [
        codeSpan(k.key),
        ...EXECUTOR_TYPES.map((e) =>
          requiredScenarioKeysFor(e).includes(k.key) ? 'required' : scenarioKeysFor(e).includes(k.key) ? '✓' : '',
        ),
      ]),
    ),
    '',
  );

  for (const executor of EXECUTOR_TYPES) {
    const info = EXECUTORS[executor];
    out.push(`#### ${executor}`, '', `${info.description}${k6Link(info.link)}`, '');
    const own = keysOrFail(SCENARIO, { executor }).filter((k) => !COMMON_SCENARIO_KEYS.includes(k.key));
    out.push(keyTable(own, executor), '');
    const example = examplePathFor(executor);
    if (existsSync(join(ROOT, example))) {
      out.push(`Example (\`${example}\`):`, '', '```yaml', readFileSync(join(ROOT, example), 'utf8').trimEnd(), '```', '');
    }
  }

  const stage = schemaAt(STAGE);
  out.push('### Stages', '', stage?.description ?? '', '', keyTable(keysOrFail(STAGE)));
  return out.join('\n');
}

function stepSection(): string {
  const flow = schemaAt([...SCENARIO, 'flow']);
  const step = schemaAt(STEP);
  return [
    '### Step keys',
    '',
    `${flow?.description ?? ''} ${step?.description ?? ''}`,
    '',
    keyTable(keysOrFail(STEP)),
  ].join('\n');
}

function checkSection(): string {
  const check = schemaAt(CHECK);
  return [
    '### `check` keys',
    '',
    `${check?.description ?? ''}${k6Link(check?.link)}`,
    '',
    keyTable(keysOrFail(CHECK)),
  ].join('\n');
}

function captureSection(): string {
  const capture = schemaAt([...STEP, 'capture']);
  if (capture?.type !== 'map') throw new Error('gen-docs: capture is no longer a map in the schema');
  return [
    '### Capture sources',
    '',
    `${capture.description} ${capture.values.description}`,
    '',
    table(
      ['Source', 'Example', 'Takes'],
      CAPTURE_SOURCES.map((s) => [s.form, codeSpan(s.example), s.takes]),
    ),
  ].join('\n');
}

function templateSection(): string {
  return [
    '### Template built-ins and helpers',
    '',
    table(
      ['Built-in', 'Value'],
      TEMPLATE_BUILTINS.map((b) => [BUILTIN_MEANINGS[b].read, BUILTIN_MEANINGS[b].meaning]),
    ),
    '',
    table(
      ['Helper', 'Returns'],
      TEMPLATE_HELPERS.map((h) => [codeSpan(h.signature), h.doc]),
    ),
  ].join('\n');
}

function metricsSection(): string {
  const names = Object.keys(METRICS) as MetricName[];
  const types = [...new Set(names.map((n) => METRICS[n]))] as MetricType[];
  return [
    '### Metrics',
    '',
    `Metric names, types and timing definitions are k6's.${k6Link(`${K6}/using-k6/metrics/reference/`)}`,
    '',
    table(
      ['Metric', 'Type', 'Unit', 'Meaning'],
      names.map((n) => [codeSpan(n), METRICS[n], METRIC_UNITS[METRICS[n]], METRIC_DESCRIPTIONS[n]]),
    ),
    '',
    '#### Threshold aggregations by metric type',
    '',
    table(
      ['Type', 'Aggregations', 'Metrics'],
      types.map((t) => [
        t,
        aggregationsFor(t).map((a) => `${codeSpan(a)}: ${aggregationMeaning(t, a)}`).join('; '),
        names.filter((n) => METRICS[n] === t).map(codeSpan).join(', '),
      ]),
    ),
  ].join('\n');
}

function thresholdSection(): string {
  const thresholds = schemaAt(['thresholds']);
  const list = schemaAt(['thresholds', 'http_req_duration']);
  const item = schemaAt(THRESHOLD_OPTIONS.slice(0, -1).concat(0));
  const expression = item?.type === 'union' ? item.variants.find((v) => v.type === 'string') : undefined;
  if (!thresholds || !list || !expression) throw new Error('gen-docs: the thresholds schema changed shape');
  return [
    '### Threshold keys and expressions',
    '',
    `${thresholds.description}${k6Link(thresholds.link)}`,
    '',
    `- Value: ${list.description}`,
    `- Expression: ${expression.description}`,
    '- Several tags are separated by commas and must all match: `{scenario:browse,step:list products}`.',
    '',
    'The long form of an expression:',
    '',
    keyTable(keysOrFail(THRESHOLD_OPTIONS)),
  ].join('\n');
}

/** Every key that takes a duration, found by walking the schema. */
function durationKeys(): Array<{ where: string; schema: PropertySchema & StringSchema }> {
  const found: Array<{ where: string; schema: PropertySchema & StringSchema }> = [];
  const walk = (node: SchemaNode, where: string): void => {
    switch (node.type) {
      case 'object':
        for (const [key, prop] of Object.entries(node.properties)) {
          const at = where ? `${where}.${key}` : key;
          if (prop.type === 'string' && prop.format === 'duration') found.push({ where: at, schema: prop });
          else walk(prop, at);
        }
        return;
      case 'map':
        return walk(node.values, `${where}.<${node.keyName}>`);
      case 'array':
        return walk(node.items, `${where}[]`);
      case 'union':
        for (const v of node.variants) walk(v, where);
        return;
      default:
        return;
    }
  };
  walk(SCHEMA, '');
  return found;
}

function durationSection(): string {
  const rows = DURATION_EXAMPLES.map((text) => {
    const parsed = parseDuration(text);
    if (!parsed.ok) throw new Error(`gen-docs: duration example ${text}: ${parsed.message}`);
    return [codeSpan(text), `${parsed.ms.toLocaleString('en-US')} ms`, codeSpan(scenarioDuration(parsed.ms))];
  });
  const keys = durationKeys().map(({ where, schema }) => {
    const limits: string[] = [];
    if (schema.minimumMs !== undefined) limits.push(`at least ${codeSpan(scenarioDuration(schema.minimumMs))}`);
    if (schema.exclusiveMinimumMs !== undefined) limits.push(`more than ${codeSpan(scenarioDuration(schema.exclusiveMinimumMs))}`);
    return [codeSpan(where), limits.join(', '), defaultOf(schema)];
  });
  return [
    '### Durations',
    '',
    'Durations use k6\'s syntax (Go\'s `time.ParseDuration`): numbers with a unit, `h`, `m`, `s`, `ms`, ' +
      '`us` (or `µs`) or `ns`, written together without spaces. Decimals are allowed. A number without a ' +
      'unit is not a duration, not even 0: write `0s`.',
    '',
    table(['Written', 'Means', 'Volley prints it as'], rows),
    '',
    'The keys that take a duration:',
    '',
    table(['Key', 'Limit', 'Default'], keys),
  ].join('\n');
}

export function renderScenarioFormatDoc(): string {
  checkGuideExamples();
  const reference = [
    '## Reference\n\n' +
      'Generated from `src/engine/scenario/schema.ts` and the modules beside it: the same definitions give the\n' +
      'editor its completion, hover and diagnostics, and `schemas/volley.schema.json`.',
    topLevelSection(),
    httpSection(),
    scenarioSections(),
    stepSection(),
    checkSection(),
    captureSection(),
    templateSection(),
    metricsSection(),
    thresholdSection(),
    durationSection(),
  ].join('\n\n');
  return `${INTRODUCTION}\n${reference}\n`;
}

if (require.main === module) {
  writeFileSync(DOC_FILE, renderScenarioFormatDoc());
  console.log(`wrote ${DOC_FILE}`);
}
