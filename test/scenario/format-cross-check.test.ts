// The generated cross-check: walks the scenario format's description (schema.ts and format/) and proves that
// what is derived from it agrees, for every key at every path and every built-in, helper, capture source,
// metric, aggregation and threshold tag:
// - the JSON Schema (run by ajv, draft-07) and the validator accept a document using the key, and both refuse
//   an unknown sibling, the key missing where it is required, and (scenario keys) the key under an executor
//   that does not take it; both take a threshold tag on exactly the metrics that carry it;
// - completion, through the real language server, offers the key where it may appear, for exactly the
//   executors that take it, and its enum values; hover on the key (and on each value) shows its doc;
// - docs/scenario-format.md has its row, with the same doc, in the section of its object.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseDocument, isMap, isSeq, type Node } from 'yaml';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import {
  EXECUTOR_TYPES,
  METRICS,
  METRIC_TAGS,
  METRIC_TYPE_DESCRIPTIONS,
  METRIC_TYPES,
  TEMPLATE_BUILTIN_DESCRIPTIONS,
  TEMPLATE_HELPER_DESCRIPTIONS,
  THRESHOLD_TAGS,
  executorsTaking,
  metricUnit,
  requiredScenarioKeysFor,
  type MetricName,
  type StringSchema,
} from '../../src/engine/scenario/schema';
import { builtinDoc, helperDoc, metricDoc } from '../../src/engine/scenario/format/docs';
import { CAPTURE_SOURCE_DESCRIPTIONS } from '../../src/engine/scenario/format/capture-sources';
import { parseCaptureSource } from '../../src/engine/scenario/json-path';
import { isAggregationAllowed, parseThresholdExpression } from '../../src/engine/scenario/threshold-expr';
import { METRIC_DESCRIPTIONS } from '../../src/engine/metrics/descriptions';
import { DOC_FILE } from '../../scripts/gen-docs';
import { TestClient, positionAt, withCursor } from '../server/lsp-client';
import type { ExecutorType } from '../../src/engine/scenario/plan';
import {
  baseDocument,
  documentUsing,
  executorsFor,
  jsonSchemaValidator,
  keysAtEveryPath,
  objectAt,
  objectSchemaAt,
  sampleValue,
  toYaml,
  validatorErrors,
  type KeyAtPath,
  type ObjectKind,
} from './format-samples';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const KEYS = keysAtEveryPath();
const jsonSchema = jsonSchemaValidator();
const DOCS = readFileSync(DOC_FILE, 'utf8');

function where(entry: KeyAtPath): string {
  return [...entry.parent, entry.key].join('.');
}

function errorCodesIn(text: string): string[] {
  return validatorErrors(text).map((d) => d.code);
}

function errorCodes(doc: unknown): string[] {
  return errorCodesIn(toYaml(doc));
}

/** The lines of docs/scenario-format.md from `heading` to the next heading. */
function docsSection(heading: string): string {
  const start = DOCS.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `docs/scenario-format.md has no section "${heading}"`);
  const rest = DOCS.slice(start + heading.length + 2);
  const end = rest.search(/^#/m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The reference table row of `first` (a code span's text) in a section. */
function docsRow(section: string, first: string): string | undefined {
  return section.split('\n').find((line) => line.startsWith(`| \`${first}\` |`));
}

/** As the docs' tables write a text: pipes escaped. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

const SECTIONS: Record<ObjectKind, string> = {
  file: '### Top-level keys',
  http: '### `http`',
  dataSet: '### `data` set keys',
  scenario: '### Scenario keys',
  stage: '### Stages',
  step: '### Step keys',
  check: '### `check` keys',
  think: '### `think` range keys',
  filePart: '### `multipart` file part keys',
  branch: '### `choose` branch keys',
  threshold: '### Threshold keys and expressions',
};

// ---------------------------------------------------------------------------------------------------------
// The description against the JSON Schema, the validator and the docs: no language server needed.

test('the walk covers every object of the description', () => {
  const kinds = new Set(KEYS.map((k) => k.kind));
  assert.deepEqual([...kinds].sort(), Object.keys(SECTIONS).sort());
  assert.ok(KEYS.length >= 50, `only ${KEYS.length} keys`);
});

for (const entry of KEYS) {
  test(`${where(entry)}: the JSON Schema and the validator accept it, and refuse an unknown sibling`, () => {
    const doc = documentUsing(entry)!;
    const verdict = jsonSchema(doc);
    assert.ok(verdict.valid, `the JSON Schema refuses\n${toYaml(doc)}${verdict.errors}`);
    assert.deepEqual(errorCodes(doc), [], `the validator refuses\n${toYaml(doc)}`);

    objectAt(doc, entry.parent).unknownSibling = 1;
    assert.equal(jsonSchema(doc).valid, false, `the JSON Schema accepts an unknown key beside ${where(entry)}`);
    assert.ok(errorCodes(doc).includes('unknown-key'), `the validator accepts an unknown key beside ${where(entry)}`);
  });

  test(`${where(entry)}: documented with its doc in its section (for a scenario key, only its executors')`, () => {
    const sections =
      entry.kind === 'scenario' && executorsTaking(entry.key).length < EXECUTOR_TYPES.length
        ? executorsTaking(entry.key).map((e) => `#### ${e}`)
        : [SECTIONS[entry.kind]];
    for (const heading of sections) {
      const row = docsRow(docsSection(heading), entry.key);
      assert.ok(row, `no row for ${entry.key} under "${heading}"`);
      assert.ok(row.includes(cell(entry.schema.description)), `the row for ${entry.key} under "${heading}" does not hold its doc`);
    }
    if (entry.kind !== 'scenario') return;
    for (const executor of EXECUTOR_TYPES.filter((e) => !executorsTaking(entry.key).includes(e))) {
      assert.equal(docsRow(docsSection(`#### ${executor}`), entry.key), undefined, `${entry.key} is documented for ${executor}`);
    }
  });
}

/** The executors under which a scenario key is required; for another key its object requires, one to try it under. */
function requiredUnder(entry: KeyAtPath): readonly ExecutorType[] {
  if (entry.kind === 'scenario') return EXECUTOR_TYPES.filter((e) => requiredScenarioKeysFor(e).includes(entry.key));
  return objectSchemaAt(entry.parent).required?.includes(entry.key) ? executorsFor(entry).slice(0, 1) : [];
}

for (const entry of KEYS) {
  const executors = requiredUnder(entry);
  if (executors.length === 0) continue;
  test(`${where(entry)}: required${entry.kind === 'scenario' ? ` by ${executors.join(', ')}` : ''}; both refuse a document without it`, () => {
    for (const executor of executors) {
      const doc = documentUsing(entry, executor)!;
      delete objectAt(doc, entry.parent)[entry.key];
      assert.equal(jsonSchema(doc).valid, false, `the JSON Schema accepts no ${entry.key} under ${executor}`);
      assert.ok(errorCodes(doc).length > 0, `the validator accepts no ${entry.key} under ${executor}`);
    }
  });
}

for (const entry of KEYS.filter((k) => k.kind === 'scenario')) {
  const refusing = EXECUTOR_TYPES.filter((e) => !executorsTaking(entry.key).includes(e));
  if (refusing.length === 0) continue;
  test(`${where(entry)}: refused by both under ${refusing.join(', ')}`, () => {
    for (const executor of refusing) {
      const doc = baseDocument(executor);
      doc.scenarios.sample[entry.key] = sampleValue(entry.schema);
      assert.equal(jsonSchema(doc).valid, false, `the JSON Schema accepts ${entry.key} under ${executor}`);
      assert.ok(errorCodes(doc).includes('key-not-for-executor'), `the validator accepts ${entry.key} under ${executor}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Through the language server: completion and hover.

let client: TestClient;
let opened = 0;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

async function open(text: string): Promise<string> {
  const uri = `file:///work/cross-check-${++opened}.volley.yaml`;
  await client.open(uri, text);
  return uri;
}

function markdown(hover: Hover | null): string {
  return hover ? (hover.contents as MarkupContent).value : '';
}

/** Hover's markdown on the character after `offset` in `text`. */
async function hoverAt(text: string, offset: number): Promise<string> {
  return markdown(await client.hover(await open(text), positionAt(text, offset + 1)));
}

const CURSOR = '__cursor__';

/** Completion labels (and docs) with the cursor on a new key line of the object at `parent`. */
async function completeIn(parent: ReadonlyArray<string | number>, siblings: Record<string, Json> = {}): Promise<Map<string, string>> {
  const doc: Record<string, Json> = {};
  Object.assign(objectAt(doc, parent), siblings, { [CURSOR]: null });
  const { text, position } = withCursor(toYaml(doc).replace(`${CURSOR}: null`, '‸'));
  const items = await client.completion(await open(text), position);
  return new Map(items.map((i) => [i.label, typeof i.documentation === 'object' ? i.documentation.value : String(i.documentation ?? '')]));
}

test('completion offers every key where it may appear, with its doc', async () => {
  const parents = new Map<string, KeyAtPath[]>();
  for (const entry of KEYS) parents.set(JSON.stringify(entry.parent), [...(parents.get(JSON.stringify(entry.parent)) ?? []), entry]);
  for (const [parent, entries] of parents) {
    const offered = await completeIn(JSON.parse(parent));
    for (const entry of entries) {
      const doc = offered.get(entry.key);
      assert.ok(doc !== undefined, `completion does not offer ${where(entry)}; offers ${[...offered.keys()].join(', ')}`);
      assert.ok(doc.includes(entry.schema.description), `completion's doc for ${where(entry)} lacks its description`);
    }
  }
});

test('completion offers a scenario key for exactly the executors that take it', async () => {
  const scenarioKeys = KEYS.filter((k) => k.kind === 'scenario' && k.key !== 'executor');
  for (const executor of EXECUTOR_TYPES) {
    const offered = await completeIn(['scenarios', 'sample'], { executor });
    for (const entry of scenarioKeys) {
      const takes = executorsTaking(entry.key).includes(executor);
      assert.equal(offered.has(entry.key), takes, `${executor}: completion ${takes ? 'lacks' : 'offers'} ${entry.key}`);
    }
  }
});

/** The offset of the key at `path` in YAML text. */
function keyOffset(text: string, path: ReadonlyArray<string | number>): number {
  let node: Node | null | undefined = parseDocument(text).contents;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node;
      continue;
    }
    assert.ok(isMap(node), `no map at ${path.slice(0, i).join('.')}`);
    const pair = node.items.find((p) => (p.key as { value?: unknown }).value === segment);
    assert.ok(pair, `no key ${String(segment)}`);
    if (i === path.length - 1) return (pair.key as Node).range![0];
    node = pair.value as Node;
  }
  throw new Error('empty path');
}

test('hover on every key shows its doc, and for scenario keys the executors that take it', async () => {
  for (const entry of KEYS) {
    const text = toYaml(documentUsing(entry));
    const at = keyOffset(text, [...entry.parent, entry.key]);
    const shown = await hoverAt(text, at);
    assert.ok(shown.includes(`**${entry.key}**`), `hover on ${where(entry)}: ${shown}`);
    assert.ok(shown.includes(entry.schema.description), `hover on ${where(entry)} lacks its description: ${shown}`);
    const executors = executorsFor(entry);
    if (entry.kind === 'scenario' && executors.length < EXECUTOR_TYPES.length) {
      assert.ok(shown.includes(`Executors: ${executors.map((e) => `\`${e}\``).join(', ')}.`), `hover on ${where(entry)}: ${shown}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------------------
// Built-ins and helpers.

const TEMPLATE_STEP = (template: string): string =>
  `baseUrl: http://127.0.0.1:1\nscenarios:\n  sample:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - get: /x?q=${template}\n`;

async function hoverOn(template: string, word: string): Promise<string> {
  const text = TEMPLATE_STEP(template);
  const at = text.indexOf(word, text.indexOf('{{'));
  return await hoverAt(text, at);
}

test('template completion offers every built-in and helper with the doc hover shows', async () => {
  const text = TEMPLATE_STEP('{{ ‸ }}');
  const { text: plain, position } = withCursor(text);
  const items = await client.completion(await open(plain), position);
  const docs = new Map(items.map((i) => [i.label, typeof i.documentation === 'object' ? i.documentation.value : '']));
  for (const builtin of TEMPLATE_BUILTIN_DESCRIPTIONS) assert.equal(docs.get(builtin.name), builtinDoc(builtin.name), builtin.name);
  for (const helper of TEMPLATE_HELPER_DESCRIPTIONS) assert.equal(docs.get(helper.name), helperDoc(helper.name), helper.name);
});

test('hover and the docs describe each built-in with one text (hover described env.NAME differently)', async () => {
  const table = docsSection('### Template built-ins and helpers');
  for (const builtin of TEMPLATE_BUILTIN_DESCRIPTIONS) {
    const row = table.split('\n').find((l) => l.startsWith(`| \`${builtin.forms[0]}\``));
    assert.ok(row, `the docs have no row for ${builtin.name}`);
    const meaning = row.split(' | ').slice(1).join(' | ').replace(/ \|$/, '');
    const shown = builtin.name === 'env' ? await hoverOn('{{ env.TOKEN }}', 'TOKEN') : await hoverOn(`{{ ${builtin.name} }}`, builtin.name);
    // Hover starts the sentence after "**name**: type — ", so compare from the second character.
    assert.ok(shown.includes(meaning.slice(1)), `hover on ${builtin.name} says\n${shown}\nthe docs say\n${meaning}`);
    assert.ok(shown.startsWith(`**${builtin.name === 'env' ? 'env.TOKEN' : builtin.name}**: ${builtin.type}`), shown);
  }
});

test('every helper: hover and the docs show its signature and doc; the compiler holds its arity', async () => {
  const table = docsSection('### Template built-ins and helpers');
  for (const helper of TEMPLATE_HELPER_DESCRIPTIONS) {
    const args = (n: number) => Array.from({ length: n }, () => '1').join(', ');
    const shown = await hoverOn(`{{ ${helper.name}(${args(helper.minArgs)}) }}`, helper.name);
    assert.equal(shown, helperDoc(helper.name));
    assert.ok(docsRow(table, helper.signature)?.includes(cell(helper.doc)), `no docs row for ${helper.signature}`);
    const compiles = (n: number) => errorCodesIn(TEMPLATE_STEP(`{{ ${helper.name}(${args(n)}) }}`)).length === 0;
    assert.ok(compiles(helper.minArgs), `${helper.name} with ${helper.minArgs} arguments`);
    if (helper.minArgs > 0) assert.ok(!compiles(helper.minArgs - 1), `${helper.name} with too few arguments`);
    if (Number.isFinite(helper.maxArgs)) assert.ok(!compiles(helper.maxArgs + 1), `${helper.name} with too many arguments`);
  }
});

test('every capture source: its example parses, completion offers its prefix, the docs list it', async () => {
  const table = docsSection('### Capture sources');
  const text = `${TEMPLATE_STEP('1')}        capture:\n          id: ‸\n`;
  const { text: plain, position } = withCursor(text);
  const labels = (await client.completion(await open(plain), position)).map((i) => i.label);
  for (const source of CAPTURE_SOURCE_DESCRIPTIONS) {
    assert.ok(parseCaptureSource(source.example).ok, source.example);
    assert.ok(source.example.startsWith(source.prefix), source.example);
    assert.ok(labels.includes(source.prefix), `completion lacks ${source.prefix}`);
    assert.ok(docsRow(table, source.form)?.includes(cell(source.takes)), `no docs row for ${source.form}`);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Metrics, aggregations and threshold tags.

const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

function thresholdDocument(key: string, expression: string): Json {
  return {
    baseUrl: 'http://127.0.0.1:1',
    scenarios: { sample: { executor: 'constant-vus', duration: '1s', flow: [{ group: 'g', flow: [{ name: 'a', get: '/x' }] }] } },
    thresholds: { [key]: [expression] },
  };
}

test('every metric: completion offers it and hover shows its doc; the docs list its type, unit and meaning', async () => {
  const { text, position } = withCursor('thresholds:\n  ‸');
  const items = await client.completion(await open(text), position);
  const table = docsSection('### Metrics');
  for (const metric of METRIC_NAMES) {
    const item = items.find((i) => i.label === metric);
    assert.ok(item, `completion lacks ${metric}`);
    assert.equal(typeof item.documentation === 'object' ? item.documentation.value : '', metricDoc(metric));
    const doc = toYaml(thresholdDocument(metric, METRIC_TYPE_DESCRIPTIONS[METRICS[metric]].suggestions[0].label + '1'));
    const at = doc.indexOf(`${metric}:`);
    assert.equal(await hoverAt(doc, at), metricDoc(metric));
    const type = METRICS[metric];
    assert.equal(docsRow(table, metric), `| \`${metric}\` | ${type} | ${metricUnit(metric, type)} | ${cell(METRIC_DESCRIPTIONS[metric])} |`);
  }
});

test('every aggregation: allowed exactly on its metric types by the validator, offered and documented for them', async () => {
  const table = docsSection('#### Threshold aggregations by metric type');
  for (const type of METRIC_TYPES) {
    const described = METRIC_TYPE_DESCRIPTIONS[type];
    const metric = METRIC_NAMES.find((m) => METRICS[m] === type)!;
    const row = table.split('\n').find((l) => l.startsWith(`| ${type} |`));
    assert.ok(row, `no docs row for ${type}`);
    for (const aggregation of described.aggregations) {
      assert.ok(row.includes(`\`${aggregation.name}\`: ${aggregation.meaning}`), `${type}: ${aggregation.name} is not documented`);
      const expression = `${aggregation.name.replace('N', '95')}<1`;
      for (const other of METRIC_TYPES) {
        const otherMetric = METRIC_NAMES.find((m) => METRICS[m] === other)!;
        const allowed = METRIC_TYPE_DESCRIPTIONS[other].aggregations.some((a) => a.name === aggregation.name);
        const codes = errorCodes(thresholdDocument(otherMetric, expression));
        assert.equal(codes.length === 0, allowed, `${expression} on ${otherMetric} (${other}): ${codes.join(', ')}`);
      }
    }
    for (const suggestion of described.suggestions) {
      const parsed = parseThresholdExpression(suggestion.label + suggestion.example);
      assert.ok(parsed.ok && isAggregationAllowed(type, parsed.aggregation), `${type}: suggestion ${suggestion.label}`);
    }
    const { text, position } = withCursor(`thresholds:\n  ${metric}: [‸]`);
    const labels = (await client.completion(await open(text), position)).map((i) => i.label);
    assert.deepEqual(labels, described.suggestions.map((s) => s.label), `${type}: completion's expressions`);
  }
});

const TAG_VALUE: Record<string, string> = { status: '200', expected_response: 'true', step: 'a', scenario: 'sample', method: 'GET', group: 'g' };

test('every threshold tag: the validator, the JSON Schema and completion take it on exactly the metrics that carry it (the JSON Schema took any tag)', async () => {
  for (const metric of METRIC_NAMES) {
    const { text, position } = withCursor(`thresholds:\n  "${metric}{‸`);
    const labels = (await client.completion(await open(text), position)).map((i) => i.label);
    assert.deepEqual(labels, [...METRIC_TAGS[metric]], `${metric}: completion's tags`);
    const expression = METRIC_TYPE_DESCRIPTIONS[METRICS[metric]].suggestions[0].label + '1';
    const keys: Array<[string, boolean]> = [
      ...THRESHOLD_TAGS.map((tag): [string, boolean] => [`${metric}{${tag}:${TAG_VALUE[tag]}}`, METRIC_TAGS[metric].includes(tag)]),
      [`${metric}{scenario: "sample" , method:GET}`, METRIC_TAGS[metric].includes('method')],
      [`${metric}{nope:1}`, false],
      [`${metric}{}`, false],
      [`${metric}{scenario:}`, false],
    ];
    if (METRIC_TAGS[metric].includes('status')) keys.push([`${metric}{status:99}`, false], [`${metric}{status:'503'}`, true]);
    if (METRIC_TAGS[metric].includes('expected_response')) keys.push([`${metric}{expected_response:maybe}`, false]);
    for (const [key, valid] of keys) {
      const doc = thresholdDocument(key, expression);
      const codes = errorCodes(doc);
      assert.equal(codes.length === 0, valid, `the validator on ${key}: ${codes.join(', ')}`);
      assert.equal(jsonSchema(doc).valid, valid, `the JSON Schema on ${key}`);
    }
  }
});

test('a threshold key with a tag filter: completion and hover show one text (they worded the filter differently)', async () => {
  const flow = 'baseUrl: http://127.0.0.1:1\nscenarios:\n  sample:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - name: a\n        get: /x\nthresholds:\n';
  const { text, position } = withCursor(`${flow}  http_req_dur‸`);
  const item = (await client.completion(await open(text), position)).find((i) => i.label === 'http_req_duration{step:a}');
  assert.ok(item, 'completion offers the step filter');
  const written = `${flow}  "http_req_duration{step:a}": [p(95)<1]\n`;
  const at = written.indexOf('http_req_duration{');
  const shown = await hoverAt(written, at);
  assert.equal(typeof item.documentation === 'object' ? item.documentation.value : '', shown);
});

test('every enum key: completion offers exactly its values, and hover on a value shows that value\'s doc', async () => {
  const enums = KEYS.filter((k) => k.schema.type === 'string' && k.schema.enum);
  assert.ok(enums.length >= 2, 'executor and http.connections at least');
  for (const entry of enums) {
    const schema = entry.schema as StringSchema;
    const doc = documentUsing(entry)!;
    const text = toYaml(doc);
    const at = keyOffset(text, [...entry.parent, entry.key]);
    const valueStart = text.indexOf(':', at) + 2;
    const lineEnd = text.indexOf('\n', valueStart);
    const marked = `${text.slice(0, valueStart)}‸${text.slice(lineEnd)}`;
    const { text: plain, position } = withCursor(marked);
    const labels = (await client.completion(await open(plain), position)).map((i) => i.label);
    assert.deepEqual(labels, [...schema.enum!], `completion of ${where(entry)}`);
    for (const [i, value] of schema.enum!.entries()) {
      const written = `${text.slice(0, valueStart)}${value}${text.slice(lineEnd)}`;
      const shown = await hoverAt(written, valueStart);
      assert.ok(shown.includes(schema.enumDescriptions![i]), `hover on ${where(entry)}: ${value}: ${shown}`);
    }
  }
});
