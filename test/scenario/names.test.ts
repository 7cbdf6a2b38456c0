// Names a user chooses (variables, captures) and threshold tag values follow one rule
// (src/engine/scenario/names.ts): `volley validate`, the JSON Schema, rename and the metrics registry
// used to disagree — `$x` passed validate but not the schema or rename, `true` was refused with a message
// about characters while the schema accepted it, and a `status` tag of `99` passed the registry but not
// the validator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { loadScenario } from '../../src/engine/scenario/index';
import { MetricsRegistry } from '../../src/engine/metrics/registry';
import { toJsonSchema } from '../../src/engine/scenario/schema';
import { TestClient, applyEdits, find } from '../server/lsp-client';

const fileWithVariable = (name: string): string => `baseUrl: http://127.0.0.1:7878
variables:
  ${JSON.stringify(name)}: 1
scenarios:
  s:
    executor: constant-vus
    vus: 1
    duration: 5s
    flow:
      - get: /health
`;

const schemaAccepts = (() => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(toJsonSchema());
  return (name: string): boolean =>
    validate({ baseUrl: 'http://127.0.0.1:7878', variables: { [name]: 1 }, scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '5s', flow: [{ get: '/health' }] } } });
})();

const NAMES = ['firstId', '_x', 'a1', '$x', 'a$', 'true', 'false', 'null', 'vu', 'env', '1a', 'my-var', 'a b'];

test('validate and the JSON Schema accept exactly the same variable names', () => {
  for (const name of NAMES) {
    const errors = loadScenario(fileWithVariable(name), 'names.volley.yaml').diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errors.length === 0, schemaAccepts(name), `${name}: validate says ${errors.map((e) => e.message).join('; ') || 'ok'}`);
  }
  assert.equal(schemaAccepts('firstId'), true);
  assert.equal(schemaAccepts('$x'), false);
});

test('a literal as a variable name is refused for what it is, not for its characters', () => {
  for (const literal of ['true', 'false', 'null']) {
    const [error] = loadScenario(fileWithVariable(literal), 'names.volley.yaml').diagnostics.filter((d) => d.severity === 'error');
    assert.equal(error?.code, 'reserved-name', literal);
    assert.match(error!.message, new RegExp(`"${literal}" is a literal in templates`));
    assert.doesNotMatch(error!.message, /letters, digits/);
  }
});

test('rename refuses what validate refuses, with the same reason', async () => {
  const client = new TestClient();
  try {
    await client.initialize();
    const uri = 'file:///names.volley.yaml';
    const text = `${fileWithVariable('prefix')}      - get: /a/{{ prefix }}\n`;
    await client.open(uri, text);
    const at = find(text, '{{ prefix', 4);
    for (const bad of ['$x', 'true', 'vu', '2fast']) {
      const reason = loadScenario(fileWithVariable(bad), 'names.volley.yaml').diagnostics.find((d) => d.severity === 'error')!.message;
      await assert.rejects(client.rename(uri, at, bad), (error: Error) => error.message.includes('not a valid name') && error.message.includes(reason), bad);
    }
    const edit = await client.rename(uri, at, 'base');
    assert.match(applyEdits(text, edit!.changes![uri]), /\{\{ base \}\}/);
  } finally {
    await client.close();
  }
});

test('threshold status tags: validate and the registry accept the same codes', () => {
  const file = (status: string): string => `baseUrl: http://127.0.0.1:7878
scenarios:
  s:
    executor: constant-vus
    vus: 1
    duration: 5s
    flow:
      - get: /health
thresholds:
  "http_reqs{status:${status}}": [count>=0]
`;
  const plan = loadScenario(file('200'), 't.volley.yaml').plan!;
  const registry = new MetricsRegistry(plan);
  for (const status of ['200', '404', '599', '99', '600', '000', '2xx', '20']) {
    const errors = loadScenario(file(status), 't.volley.yaml').diagnostics.filter((d) => d.severity === 'error');
    const problem = registry.filterProblem('http_reqs', { status });
    assert.equal(errors.length === 0, problem === undefined, `${status}: validate ${errors.map((e) => e.message).join('; ') || 'ok'}, registry ${problem ?? 'ok'}`);
  }
});
