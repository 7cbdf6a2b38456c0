// schemas/volley.schema.json is generated from schema.ts and kept in sync; it has draft-07's shape, and
// the examples validate against it (a small checker for the keywords the generator uses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderJsonSchema, SCHEMA_FILE } from '../../scripts/gen-schema';
import { docFor, docForExecutor, keysAt, schemaAt, valuesAt } from '../../src/engine/scenario/index';

const ROOT = join(__dirname, '..', '..');
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

test('schemas/volley.schema.json is what gen-schema writes (run npm run gen:schema after editing schema.ts)', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), renderJsonSchema());
});

const DRAFT7_KEYWORDS = new Set([
  '$schema', '$id', 'title', 'description', 'markdownDescription', 'markdownEnumDescriptions', 'default',
  'type', 'properties', 'additionalProperties', 'required', 'enum', 'const', 'pattern', 'minimum',
  'exclusiveMinimum', 'items', 'minItems', 'minProperties', 'oneOf', 'allOf', 'if', 'then', 'not',
  'propertyNames',
]);

test('the JSON Schema has draft-07 shape', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const walk = (node: Json, where: string): void => {
    assert.equal(typeof node, 'object', where);
    for (const [key, value] of Object.entries<Json>(node)) {
      assert.ok(DRAFT7_KEYWORDS.has(key), `${where}: unknown keyword ${key}`);
      if (key === 'properties') for (const [k, v] of Object.entries(value)) walk(v, `${where}.properties.${k}`);
      else if (['items', 'additionalProperties', 'if', 'then', 'not', 'propertyNames'].includes(key) && typeof value === 'object') walk(value, `${where}.${key}`);
      else if (key === 'oneOf' || key === 'allOf') {
        assert.ok(Array.isArray(value), `${where}.${key} is an array`);
        value.forEach((v: Json, i: number) => walk(v, `${where}.${key}[${i}]`));
      } else if (key === 'type') assert.ok(['object', 'array', 'string', 'integer', 'number', 'boolean'].includes(value), where);
      else if (key === 'required' || key === 'enum') assert.ok(Array.isArray(value), `${where}.${key}`);
      else if (key === 'pattern') new RegExp(value, 'u');
      else if (key === 'exclusiveMinimum' || key === 'minimum') assert.equal(typeof value, 'number', 'draft-07 numeric bounds');
    }
  };
  walk(schema, '#');
});

/** Enough of draft-07 to run the generated schema: returns the first failure's path, or undefined. */
function check(schema: Json, value: Json, path = '#'): string | undefined {
  if (schema.type) {
    const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    const ok =
      schema.type === type || (schema.type === 'integer' && Number.isInteger(value)) || (schema.type === 'number' && type === 'number');
    if (!ok) return `${path}: expected ${schema.type}`;
  }
  if (schema.const !== undefined && value !== schema.const) return `${path}: const`;
  if (schema.enum && !schema.enum.includes(value)) return `${path}: enum`;
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern, 'u').test(value)) return `${path}: pattern`;
  if (schema.minimum !== undefined && typeof value === 'number' && value < schema.minimum) return `${path}: minimum`;
  if (schema.exclusiveMinimum !== undefined && typeof value === 'number' && value <= schema.exclusiveMinimum) return `${path}: exclusiveMinimum`;
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `${path}: minItems`;
    if (schema.items) for (let i = 0; i < value.length; i++) { const e = check(schema.items, value[i], `${path}/${i}`); if (e) return e; }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) return `${path}: minProperties`;
    for (const r of schema.required ?? []) if (!(r in value)) return `${path}: required ${r}`;
    for (const k of keys) {
      if (schema.propertyNames) { const e = check(schema.propertyNames, k, `${path}/${k} (name)`); if (e) return e; }
      const sub = schema.properties?.[k] ?? schema.additionalProperties;
      if (sub === false) return `${path}: additional property ${k}`;
      if (sub && sub !== true && !(schema.properties?.[k] === undefined && schema.additionalProperties === undefined)) {
        const e = check(sub, value[k], `${path}/${k}`);
        if (e) return e;
      }
    }
  }
  if (schema.not && check(schema.not, value, path) === undefined) return `${path}: not`;
  if (schema.oneOf) {
    const passing = schema.oneOf.filter((s: Json) => check(s, value, path) === undefined).length;
    if (passing !== 1) return `${path}: oneOf matched ${passing}`;
  }
  for (const s of schema.allOf ?? []) {
    if (s.if) {
      if (check(s.if, value, path) === undefined && s.then) { const e = check(s.then, value, path); if (e) return e; }
    } else { const e = check(s, value, path); if (e) return e; }
  }
  return undefined;
}

test('the examples validate against the JSON Schema, and typical mistakes do not', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.volley.yaml')).map((f) => join(ROOT, 'examples', f));
  files.push(join(ROOT, 'test', 'fixtures', 'design-example.volley.yaml'));
  for (const file of files) {
    const text = readFileSync(file, 'utf8').replace('json.items[0].id }', '"json.items[0].id" }');
    assert.equal(check(schema, parse(text)), undefined, file);
  }
  const base = { scenarios: { s: { executor: 'constant-vus', duration: '5s', flow: [{ get: '/x' }] } } };
  assert.equal(check(schema, base), undefined);
  const wrong = (patch: (v: Json) => void): string | undefined => {
    const v = structuredClone(base) as Json;
    patch(v);
    return check(schema, v);
  };
  assert.ok(wrong((v) => (v.scenarios.s.vus = 'x')));
  assert.ok(wrong((v) => (v.scenarios.s.rate = 5)), 'rate is not a constant-vus key');
  assert.ok(wrong((v) => delete v.scenarios.s.duration), 'duration is required');
  assert.ok(wrong((v) => (v.scenarios.s.flow[0].post = '/y')), 'one method per step');
  assert.ok(wrong((v) => (v.scenarios.s.flow = [{ think: '1s', check: { status: 200 } }])));
  assert.ok(wrong((v) => (v.scenarios.s.duration = '5')));
  assert.ok(wrong((v) => (v.variables = { vu: 1 })));
  assert.ok(wrong((v) => (v.thresholds = { http_req_duraton: ['p(95)<1'] })));
});

test('schema helpers for the language server: keys, docs and values at a path', () => {
  const arrival = keysAt(['scenarios', 'x'], { executor: 'constant-arrival-rate' }).map((k) => k.key);
  assert.ok(arrival.includes('rate') && arrival.includes('preAllocatedVUs') && !arrival.includes('vus'));
  const required = keysAt(['scenarios', 'x'], { executor: 'constant-arrival-rate' }).filter((k) => k.required).map((k) => k.key);
  assert.deepEqual(required.sort(), ['duration', 'executor', 'flow', 'preAllocatedVUs', 'rate']);
  assert.ok(keysAt(['scenarios', 'x']).some((k) => k.key === 'vus'), 'without an executor: every scenario key');
  assert.deepEqual(keysAt(['scenarios', 'x', 'flow', 0, 'check']).map((k) => k.key), ['status', 'header', 'bodyContains', 'json']);
  assert.ok(keysAt([]).some((k) => k.key === 'scenarios' && k.required));
  const doc = docFor(['scenarios', 'x', 'maxVUs'], { executor: 'constant-arrival-rate' });
  assert.match(doc ?? '', /\*\*maxVUs\*\*: integer/);
  assert.match(doc ?? '', /Default: preAllocatedVUs/);
  assert.match(doc ?? '', /https:\/\/grafana\.com\/docs\/k6\/latest\/using-k6\/scenarios\/concepts\/arrival-rate-vu-allocation\//);
  assert.match(docFor(['http', 'timeout']) ?? '', /Default: `60s`/);
  assert.equal(docFor(['nope']), undefined);
  assert.match(docForExecutor('constant-arrival-rate') ?? '', /executors\/constant-arrival-rate\//);
  assert.deepEqual(valuesAt(['scenarios', 'x', 'executor']).map((v) => v.value), [
    'constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus', 'ramping-vus', 'per-vu-iterations', 'shared-iterations',
  ]);
  assert.deepEqual(valuesAt(['http', 'insecureSkipTLSVerify']).map((v) => v.value), ['true', 'false']);
  assert.equal(schemaAt(['thresholds', 'http_reqs', 0])?.type, 'union');
});
