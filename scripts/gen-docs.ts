// Writes docs/scenario-format.md: the hand-written guide, docs/src/scenario-format.md, with its
// `<!-- generated: NAME -->` placeholders filled and the reference tables appended, all from the scenario
// format's description (src/engine/scenario/schema.ts and format/), so the reference cannot drift from what
// the validator accepts and what hover shows. test/scenario/docs-sync.test.ts keeps the committed file equal
// to the output: run `npm run gen:docs` after changing the guide or the description.
//
// What the guide shows is checked here, at generation time: its table of template examples compiles,
// capture sources parse, durations parse; a failed check stops the generator instead of publishing a wrong
// doc.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorType } from '../src/engine/scenario/plan';
import {
  COMMON_SCENARIO_KEYS,
  EXECUTORS,
  EXECUTOR_TYPES,
  HTTP_METHOD_KEYS,
  METRICS,
  METRIC_TYPE_DESCRIPTIONS,
  SCHEMA,
  metricUnit,
  TEMPLATE_BUILTIN_DESCRIPTIONS,
  TEMPLATE_HELPER_DESCRIPTIONS,
  thresholdTagsDoc,
  unavailableNamesText,
  type MetricName,
  type MetricType,
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
import { compileTemplate } from '../src/engine/scenario/template';
import { parseCaptureSource } from '../src/engine/scenario/json-path';
import { parseDuration } from '../src/engine/scenario/duration';
import { scenarioDuration } from '../src/format';
import { METRIC_DESCRIPTIONS } from '../src/engine/metrics/descriptions';
import { CAPTURE_SOURCE_DESCRIPTIONS } from '../src/engine/scenario/format/capture-sources';
import { METRICS_LINK } from '../src/engine/scenario/format/docs';

const ROOT = join(__dirname, '..');
export const DOC_FILE = join(ROOT, 'docs', 'scenario-format.md');
export const GUIDE_FILE = join(ROOT, 'docs', 'src', 'scenario-format.md');

// Paths into the schema. The scenario name and metric are placeholders: maps take any key.
const SCENARIO: SchemaPath = ['scenarios', 'example'];
const STEP: SchemaPath = [...SCENARIO, 'flow', 0];
const STAGE: SchemaPath = [...SCENARIO, 'stages', 0];
const CHECK: SchemaPath = [...STEP, 'check'];
const THRESHOLD_OPTIONS: SchemaPath = ['thresholds', 'http_req_duration', 0];

// ---------------------------------------------------------------------------------------------------------
// What the guide shows that the description does not hold.

/** Names the guide's template examples read besides the built-ins: its variables and captures. */
const TEMPLATE_EXAMPLE_NAMES = new Set(['prefix', 'user', 'items', 'firstId']);

/** Duration examples; their values in milliseconds are computed by the parser. */
const DURATION_EXAMPLES = ['500ms', '30s', '1.5s', '1m30s', '2h', '250us'];

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

/** The templates of the guide's "| Template | What it reads |" table, which must compile. */
function guideTemplateExamples(guide: string): string[] {
  const start = guide.indexOf('| Template | What it reads |');
  if (start < 0) throw new Error('gen-docs: the guide has no "| Template | What it reads |" table');
  const rows = guide.slice(start).split('\n').slice(2);
  const examples: string[] = [];
  for (const row of rows) {
    if (!row.startsWith('|')) break;
    const first = row.split(' | ')[0];
    // A table cell escapes `|` as `\|`, inside code spans too.
    for (const span of first.matchAll(/`([^`]+)`/g)) examples.push(span[1].replace(/\\\|/g, '|'));
  }
  if (examples.length === 0) throw new Error('gen-docs: the guide\'s template table has no examples');
  return examples;
}

function checkGuideExamples(guide: string): void {
  for (const example of guideTemplateExamples(guide)) {
    const compiled = compileTemplate(example, { names: TEMPLATE_EXAMPLE_NAMES });
    if (compiled.problems.length > 0) {
      throw new Error(`gen-docs: template example ${example} does not compile: ${compiled.problems[0].message}`);
    }
  }
  for (const source of CAPTURE_SOURCE_DESCRIPTIONS) {
    const parsed = parseCaptureSource(source.example);
    if (!parsed.ok) throw new Error(`gen-docs: capture example ${source.example}: ${parsed.message}`);
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

function dataSetSection(): string {
  const data = schemaAt(['data']);
  if (data?.type !== 'map') throw new Error('gen-docs: data is no longer a map in the schema');
  return ['### `data` set keys', '', `${data.description} ${data.values.description}${k6Link(data.link)}`, '', keyTable(keysOrFail(['data', 'users']))].join('\n');
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

/** An object inside a union (`think: { min, max }`, a multipart file part): its own table. */
function unionObjectSection(heading: string, path: SchemaPath): string {
  const node = schemaAt(path);
  const object = node?.type === 'union' ? node.variants.find((v) => v.type === 'object') : undefined;
  if (!object) throw new Error(`gen-docs: no object variant at ${JSON.stringify(path)}`);
  return [heading, '', object.description, '', keyTable(keysOrFail(path))].join('\n');
}

/** A list's object (a `choose` branch): its own table. */
function listObjectSection(heading: string, path: SchemaPath): string {
  const object = schemaAt([...path, 0]);
  if (object?.type !== 'object') throw new Error(`gen-docs: no object list at ${JSON.stringify(path)}`);
  return [heading, '', object.description, '', keyTable(keysOrFail([...path, 0]))].join('\n');
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
      CAPTURE_SOURCE_DESCRIPTIONS.map((s) => [codeSpan(s.form), codeSpan(s.example), s.takes]),
    ),
  ].join('\n');
}

function templateSection(): string {
  return [
    '### Template built-ins and helpers',
    '',
    table(
      ['Built-in', 'Value'],
      TEMPLATE_BUILTIN_DESCRIPTIONS.map((b) => [b.forms.map(codeSpan).join(', '), b.doc]),
    ),
    '',
    table(
      ['Helper', 'Returns'],
      TEMPLATE_HELPER_DESCRIPTIONS.map((h) => [codeSpan(h.signature), h.doc]),
    ),
  ].join('\n');
}

function metricsSection(): string {
  const names = Object.keys(METRICS) as MetricName[];
  const types = [...new Set(names.map((n) => METRICS[n]))] as MetricType[];
  return [
    '### Metrics',
    '',
    `Metric names, types and timing definitions are k6's.${k6Link(METRICS_LINK)}`,
    '',
    table(
      ['Metric', 'Type', 'Unit', 'Meaning'],
      names.map((n) => [codeSpan(n), METRICS[n], metricUnit(n, METRICS[n]), METRIC_DESCRIPTIONS[n]]),
    ),
    '',
    '#### Threshold aggregations by metric type',
    '',
    table(
      ['Type', 'Aggregations', 'Metrics'],
      types.map((t) => [
        t,
        METRIC_TYPE_DESCRIPTIONS[t].aggregations.map((a) => `${codeSpan(a.name)}: ${a.meaning}`).join('; '),
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
  // A nested flow's items are the step object again: each object once, at its first path.
  const seen = new Set<SchemaNode>();
  const walk = (node: SchemaNode, where: string): void => {
    if (seen.has(node)) return;
    seen.add(node);
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

/** The guide's placeholders and what fills them. */
function placeholders(): Record<string, () => string> {
  return {
    notice: () =>
      '<!-- Generated by scripts/gen-docs.ts from docs/src/scenario-format.md and the format\'s description\n' +
      '     (src/engine/scenario/schema.ts and format/). Do not edit by hand: edit those, then run `npm run gen:docs`. -->',
    methods: () => HTTP_METHOD_KEYS.map(codeSpan).join(', '),
    builtins: () => TEMPLATE_BUILTIN_DESCRIPTIONS.map((b) => codeSpan(b.forms[0])).join(', '),
    'unavailable-names': unavailableNamesText,
    'threshold-tags': thresholdTagsDoc,
    reference,
  };
}

function reference(): string {
  return [
    '## Reference\n\n' +
      'Generated from `src/engine/scenario/schema.ts` and the modules beside it: the same definitions give the\n' +
      'editor its completion, hover and diagnostics, and `schemas/volley.schema.json`.',
    topLevelSection(),
    httpSection(),
    dataSetSection(),
    scenarioSections(),
    stepSection(),
    unionObjectSection('### `think` range keys', [...STEP, 'think']),
    unionObjectSection('### `multipart` file part keys', [...STEP, 'multipart', 'part']),
    listObjectSection('### `choose` branch keys', [...STEP, 'choose']),
    checkSection(),
    captureSection(),
    templateSection(),
    metricsSection(),
    thresholdSection(),
    durationSection(),
  ].join('\n\n');
}

export function renderScenarioFormatDoc(): string {
  // The source's own first comment says how to edit it; the output says it is generated.
  const guide = readFileSync(GUIDE_FILE, 'utf8').replace(/^<!--[\s\S]*?-->\n/, '');
  checkGuideExamples(guide);
  const fill = placeholders();
  const unused = new Set(Object.keys(fill));
  const out = guide.replace(/<!-- generated: ([a-z-]+) -->/g, (_, name: string) => {
    if (!Object.hasOwn(fill, name)) throw new Error(`gen-docs: ${GUIDE_FILE} has an unknown placeholder "${name}"`);
    unused.delete(name);
    return fill[name]();
  });
  if (unused.size > 0) throw new Error(`gen-docs: ${GUIDE_FILE} lacks the placeholders ${[...unused].join(', ')}`);
  return out;
}

if (require.main === module) {
  writeFileSync(DOC_FILE, renderScenarioFormatDoc());
  console.log(`wrote ${DOC_FILE}`);
}
