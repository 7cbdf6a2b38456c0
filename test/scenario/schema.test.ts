// schemas/volley.schema.json is generated from schema.ts and kept in sync; it has draft-07's shape, and
// the examples validate against it (with ajv, a real JSON Schema validator).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderJsonSchema, SCHEMA_FILE } from '../../scripts/gen-schema';
import { docFor, docForExecutor, keysAt, loadScenario, schemaAt, valuesAt } from '../../src/engine/scenario/index';
import { baseDocument, jsonSchemaValidator, newAjv, toYaml } from './format-samples';

const ROOT = join(__dirname, '..', '..');
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

test('schemas/volley.schema.json is what gen-schema writes (run npm run gen:schema after editing schema.ts)', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), renderJsonSchema());
});

test('the JSON Schema has draft-07 shape: ajv compiles it in strict mode (no unknown keyword) and the meta-schema accepts it', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const ajv = newAjv();
  assert.equal(ajv.validateSchema(schema), true, ajv.errorsText(ajv.errors));
  ajv.compile(schema);
});

/** ajv's verdict on a document: its failures, or undefined when it validates. */
function check(schema: Json, value: Json): string | undefined {
  const result = jsonSchemaValidator(schema)(value);
  return result.valid ? undefined : result.errors;
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

test('a number or boolean where the format takes text: the validator and the JSON Schema both accept it', () => {
  // The validator reads any scalar as text (`name: 2024`); the JSON Schema refused numbers and booleans there.
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  const text = [
    'name: 2024',
    'baseUrl: http://127.0.0.1:1',
    'scenarios:',
    '  s:',
    '    executor: constant-vus',
    '    duration: 1s',
    '    flow:',
    '      - name: 42',
    '        post: /x',
    '        headers: { X-Version: 2, X-Debug: true }',
    '        body: 12',
    '        check: { bodyContains: 7, header: { X-Count: 3 } }',
    '',
  ].join('\n');
  const errors = loadScenario(text, 'scalars.volley.yaml').diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, []);
  assert.equal(check(schema, parse(text)), undefined);
  // Where a format leaves no number valid, both refuse one.
  for (const [from, to] of [['duration: 1s', 'duration: 5'], ['executor: constant-vus', 'executor: 7']]) {
    const other = text.replace(from, to);
    assert.ok(loadScenario(other, 'scalars.volley.yaml').diagnostics.some((d) => d.severity === 'error'), to);
    assert.ok(check(schema, parse(other)), to);
  }
});

test('string formats: the JSON Schema checks the form the validator parses (it took any text for a URL, an expression, a capture source, a header or a scenario name)', () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
  type Put = (doc: Json, value: string) => void;
  const step: Put = (doc, value) => (doc.scenarios.sample.flow[0].get = value);
  const expression: Put = (doc, value) => (doc.thresholds = { http_req_duration: [value] });
  const capture: Put = (doc, value) => (doc.scenarios.sample.flow[0].capture = { id: value });
  const baseUrl: Put = (doc, value) => (doc.baseUrl = value);
  const header: Put = (doc, value) => (doc.scenarios.sample.flow[0].headers = { [value]: 'x' });
  const checkedHeader: Put = (doc, value) => (doc.scenarios.sample.flow[0].check = { header: { [value]: 'x' } });
  const scenarioName: Put = (doc, value) => (doc.scenarios = { [value]: doc.scenarios.sample });
  const cases: Array<[Put, string, boolean]> = [
    [step, '/products', true],
    [step, 'HTTPS://127.0.0.1:1/x', true],
    [step, '{{ target }}/x', true],
    [step, 'products', false],
    [step, '//127.0.0.1/x', false],
    [step, 'ftp://127.0.0.1/x', false],
    [expression, 'p(99.9) <= 5', true],
    [expression, ' avg<1e3 ', true],
    [expression, 'max===0', true],
    [expression, 'p95<1', false],
    [expression, 'avg<', false],
    [expression, 'avg<300ms', false],
    [expression, 'avg=1', false],
    [capture, 'json', true],
    [capture, 'json.items[0].id', true],
    [capture, 'header.X-Request-Id', true],
    [capture, 'regex:id=(\\d+)', true],
    [capture, 'json.', false],
    [capture, 'body.id', false],
    [capture, 'header.X Id', false],
    [capture, 'regex:', false],
    [baseUrl, 'HTTP://127.0.0.1:1', true],
    [baseUrl, '127.0.0.1:1', false],
    [header, 'X-Request-Id', true],
    [header, 'X Request', false],
    [checkedHeader, 'Content-Type', true],
    [checkedHeader, 'Content:Type', false],
    [scenarioName, 'checkout-2_b', true],
    [scenarioName, 'check out', false],
    [scenarioName, 'a.b', false],
  ];
  for (const [put, value, valid] of cases) {
    const doc = baseDocument('constant-vus');
    if (value.includes('{{ target }}')) doc.variables = { target: 'http://127.0.0.1:1' };
    put(doc, value);
    const errors = loadScenario(toYaml(doc), 'formats.volley.yaml').diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length === 0, valid, `the validator on ${JSON.stringify(value)}: ${errors.map((e) => e.message).join('; ')}`);
    assert.equal(check(schema, doc) === undefined, valid, `the JSON Schema on ${JSON.stringify(value)}`);
  }
});
