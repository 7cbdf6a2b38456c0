// The JSON Schema (schemas/volley.schema.json, run by ajv) and the validator (loadScenario) agree on whether a
// document is structurally valid, on a fast-check stream of random documents built from the format's
// description.
//
// How the documents are made: the smallest valid file for a random executor, then a random subset of the
// description's keys (every key at every path, scenario keys of other executors included) set to a value
// of the right type (the description's sample, or another variant of a union or enum) or of a wrong type
// (a text, number, boolean, list, map or null the key's type does not take; for a duration, URL, threshold
// expression, capture source or enum, a text of the wrong form). Unknown keys are added at random places too,
// thresholds on random metrics filtered by random tags, with right or wrong tag values, and names the user
// chooses (variables, captures, headers, checked headers, scenarios), right or wrong by names.ts's rules.
//
// What is compared: the JSON Schema's verdict against whether the validator reports any error. Rules the
// JSON Schema cannot express are kept out by construction: right-typed values are the description's samples
// (1 wherever a number may be 1, `1s` or the minimum for durations, `/sample`, `p(95)<500`, `json.id`),
// within every limit and free of templates, and wrong forms are plain words, so range checks, the finer
// syntax of JSON paths and regexes, template scopes and the rules between values of different keys (maxVUs
// against preAllocatedVUs, vus against iterations, start rate and targets) never fire. What remains is
// structural: types, forms, unknown keys, keys of another executor, required keys, one method per step,
// json with body, the tags a metric carries and their closed values, chosen names, which both sides check. Should a rule between values fire on these documents one day,
// the test fails and names its code: keep it out by construction here, and say why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  EXECUTOR_TYPES,
  METRICS,
  METRIC_TAGS,
  METRIC_TYPE_DESCRIPTIONS,
  THRESHOLD_TAGS,
  takesScalarsAsText,
  type MetricName,
  type SchemaNode,
} from '../../src/engine/scenario/schema';
import { baseDocument, jsonSchemaValidator, keysAtEveryPath, sampleValue, toYaml, validatorErrors, type KeyAtPath } from './format-samples';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const KEYS = keysAtEveryPath();
const jsonSchema = jsonSchemaValidator();

function fits(node: SchemaNode, value: Json): boolean {
  switch (node.type) {
    case 'string':
      return typeof value === 'string' || (takesScalarsAsText(node) && (typeof value === 'number' || typeof value === 'boolean'));
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'any':
      return true;
    case 'union':
      return node.variants.some((v) => fits(v, value));
    case 'array':
      return Array.isArray(value);
    case 'map':
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
}

/** Values of the right type within every limit: the sample, each enum value, each union variant's sample. */
function rightValues(node: SchemaNode): Json[] {
  if (node.type === 'string' && node.enum) return [...node.enum];
  if (node.type === 'boolean') return [true, false];
  if (node.type === 'union') return node.variants.map((v) => sampleValue(v));
  // A capture named like a data set is refused (capture-named-like-data-set), a rule between two keys: the
  // captures' sample name is not the data sets'.
  if (node.type === 'map' && node.keyName === 'capture name') return [{ captured: sampleValue(node.values) }];
  return [sampleValue(node)];
}

const WRONG_CANDIDATES: Json[] = ['text', 7, 2.5, true, [], [1], {}, { a: 1 }, null];

function wrongValues(node: SchemaNode): Json[] {
  const wrong = WRONG_CANDIDATES.filter((v) => !fits(node, v));
  // A text that is no duration, URL, expression, capture source or allowed value: the form, not the type.
  if (node.type === 'string' && !takesScalarsAsText(node)) wrong.push('text');
  return wrong;
}

interface Change {
  entry: KeyAtPath;
  right: boolean;
  pick: number;
}

const change: fc.Arbitrary<Change> = fc.record({
  entry: fc.constantFrom(...KEYS),
  // Mostly right values, so that many documents stay valid.
  right: fc.integer({ min: 0, max: 5 }).map((n) => n > 0),
  pick: fc.nat(),
});

/** A threshold on a random metric, filtered by random tags with right or wrong values. */
interface ThresholdChange {
  metric: MetricName;
  tags: Array<(typeof THRESHOLD_TAGS)[number]>;
  /** Keep only the tags the metric carries (most of the time, so that many documents stay valid). */
  carriedOnly: boolean;
  right: boolean;
}

// `step` and `group` are left out: their values must name one of the file's, which no JSON Schema can know.
const FILTER_TAGS = THRESHOLD_TAGS.filter((t) => t !== 'step' && t !== 'group');
const TAG_VALUES: Record<string, { right: string; wrong?: string }> = {
  scenario: { right: 'sample' },
  method: { right: 'GET' },
  status: { right: '200', wrong: '99' },
  expected_response: { right: 'true', wrong: 'maybe' },
};

const thresholdChange: fc.Arbitrary<ThresholdChange> = fc.record({
  metric: fc.constantFrom(...(Object.keys(METRICS) as MetricName[])),
  tags: fc.subarray(FILTER_TAGS),
  carriedOnly: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  right: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
});

function thresholdKey({ metric, tags: all, carriedOnly, right }: ThresholdChange): string {
  const tags = carriedOnly ? all.filter((t) => METRIC_TAGS[metric].includes(t)) : all;
  if (tags.length === 0) return metric;
  return `${metric}{${tags.map((t) => `${t}:${(right ? undefined : TAG_VALUES[t].wrong) ?? TAG_VALUES[t].right}`).join(',')}}`;
}

/** Names the user chooses, right or wrong by names.ts's rules, put into the base document before any change. */
interface NameSite {
  right: readonly string[];
  wrong: readonly string[];
  put: (doc: Json, name: string) => void;
}

const firstStep = (doc: Json): Json => doc.scenarios.sample.flow[0];

const NAME_SITES: readonly NameSite[] = [
  { right: ['user_id', '_x'], wrong: ['1x', 'vu', 'env', 'true', 'null', 'a-b', '$x'], put: (doc, name) => (doc.variables = { [name]: 'x' }) },
  { right: ['token'], wrong: ['iteration', 'false', 'a b'], put: (doc, name) => (firstStep(doc).capture = { [name]: 'json.id' }) },
  { right: ['X-Token'], wrong: ['X Token', 'a:b', 'é'], put: (doc, name) => (firstStep(doc).headers = { [name]: 'x' }) },
  { right: ['Content-Type'], wrong: ['Content Type'], put: (doc, name) => (firstStep(doc).check = { header: { [name]: 'x' } }) },
  { right: ['checkout-2', 'B_1'], wrong: ['check out', 'a.b', 'é'], put: (doc, name) => (doc.scenarios[name] = structuredClone(doc.scenarios.sample)) },
];

const nameChange = fc.record({ site: fc.constantFrom(...NAME_SITES), right: fc.integer({ min: 0, max: 3 }).map((n) => n > 0), pick: fc.nat() });

/** The object at `path`, created where missing; undefined when a change already put a non-object on it. */
function objectOn(doc: Json, path: ReadonlyArray<string | number>): Json | undefined {
  let at = doc;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (at[segment] === undefined) at[segment] = typeof path[i + 1] === 'number' ? [] : {};
    at = at[segment];
    if (at === null || typeof at !== 'object') return undefined;
  }
  return Array.isArray(at) ? undefined : at;
}

function build(
  executor: (typeof EXECUTOR_TYPES)[number],
  changes: Change[],
  unknownAt: number[],
  thresholds: ThresholdChange[],
  names: Array<{ site: NameSite; right: boolean; pick: number }>,
): Json {
  const doc = baseDocument(executor);
  for (const { site, right, pick } of names) {
    const choices = right ? site.right : site.wrong;
    site.put(doc, choices[pick % choices.length]);
  }
  for (const threshold of thresholds) {
    // An aggregation the metric's type takes: which aggregation fits which type is no JSON Schema matter.
    const expression = METRIC_TYPE_DESCRIPTIONS[METRICS[threshold.metric]].suggestions[0];
    doc.thresholds = { ...doc.thresholds, [thresholdKey(threshold)]: [`${expression.label}${expression.example}`] };
  }
  for (const { entry, right, pick } of changes) {
    const object = objectOn(doc, entry.parent);
    if (!object) continue;
    const values = right ? rightValues(entry.schema) : wrongValues(entry.schema);
    object[entry.key] = values[pick % values.length];
  }
  for (const n of unknownAt) {
    const object = objectOn(doc, KEYS[n % KEYS.length].parent);
    if (object) object.unknownKey = 1;
  }
  return doc;
}

test('the JSON Schema and the validator agree on random documents built from the description', () => {
  const verdicts = { accepted: 0, refused: 0 };
  fc.assert(
    fc.property(
      fc.constantFrom(...EXECUTOR_TYPES),
      fc.array(change, { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 1 }),
      fc.array(thresholdChange, { maxLength: 1 }),
      fc.array(nameChange, { maxLength: 1 }),
      (executor, changes, unknownAt, thresholds, names) => {
        const doc = build(executor, changes, unknownAt, thresholds, names);
        const text = toYaml(doc);
        const verdict = jsonSchema(doc);
        const refusals = validatorErrors(text).map((d) => `${d.code}: ${d.message}`);
        verdicts[verdict.valid ? 'accepted' : 'refused']++;
        assert.equal(
          verdict.valid,
          refusals.length === 0,
          `${verdict.valid ? 'the JSON Schema accepts' : 'the JSON Schema refuses'} what the validator ${refusals.length === 0 ? 'accepts' : 'refuses'}:\n${text}\nJSON Schema: ${verdict.errors}\nvalidator: ${refusals.join('; ')}`,
        );
      },
    ),
    { numRuns: 400 },
  );
  // The stream holds both kinds of documents (about 60 of 400 valid), or the agreement would say little.
  assert.ok(verdicts.accepted >= 25 && verdicts.refused >= 25, JSON.stringify(verdicts));
});
