// Rules of the format that used to be written in several places, each now written once: a step's default
// name (the checker in two ways, the language server's model), a stage list's length (the checker, two
// executors, the VU estimator), the split of a threshold key's tags (the checker, parseMetricKey), and
// the character rules for metric and header names. Where the copies disagreed, the test here failed
// on the old code; the others pin that every user reads the one definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arrivalsOf } from '../../src/engine/estimate/arrivals';
import { plannedDurationMs } from '../../src/engine/executors/index';
import { loadScenario, parseScenarioDocument } from '../../src/engine/scenario/index';
import { parseCaptureSource } from '../../src/engine/scenario/json-path';
import { HEADER_NAME_PATTERN, IDENTIFIER_PATTERN } from '../../src/engine/scenario/names';
import type { ExecutorPlan, Stage } from '../../src/engine/scenario/plan';
import { stagesDurationMs } from '../../src/engine/scenario/stages';
import { stepNameOf } from '../../src/engine/scenario/step-name';
import { parseMetricKey } from '../../src/engine/scenario/threshold-expr';
import { buildModel } from '../../src/server/model';

const flowFile = (flow: string, thresholds = ''): string => `baseUrl: http://127.0.0.1:7878
name: &shared shared name
scenarios:
  s:
    executor: constant-vus
    vus: 1
    duration: 5s
    flow:
${flow}${thresholds}`;

test('the language server names steps as the run does: names written as numbers or booleans, and aliases', () => {
  // The model used String(value) and ignored aliases: `1.50` was "1.5", `True` "true", `*shared` "GET /c".
  const text = flowFile(`      - { name: 1.50, get: /a }
      - { name: True, get: /b }
      - { name: *shared, get: /c }
      - get: /d
      - think: 1s
`);
  const { plan, diagnostics } = loadScenario(text, 'names.volley.yaml');
  assert.ok(plan, diagnostics.map((d) => d.message).join('; '));
  const planned = plan.scenarios[0].steps.map((s) => s.name);
  assert.deepEqual(planned, ['1.50', 'True', 'shared name', 'GET /d', 'think 1s']);
  const model = buildModel(parseScenarioDocument(text));
  assert.deepEqual(
    model.scenarios[0].steps.map((s) => s.name),
    planned,
  );
});

test('a step key that is an Object property is not a method: no step is named after a function', () => {
  // The checker looked methods up with `key in {get: 'GET', ...}`, so `toString:` counted as a method
  // and the broken step was named "function toString() { [native code] } /x" in the list of steps.
  const text = flowFile(
    `      - toString: /x
      - get: /y
`,
    'thresholds:\n  http_req_duration{step:nope}: [p(95)<500]\n',
  );
  const unknown = loadScenario(text, 'names.volley.yaml').diagnostics.find((d) => d.code === 'unknown-step');
  assert.equal(unknown?.message, 'no step is named "nope": the steps are "GET /y"');
});

test('one default step name: first non-blank name, else the first method and URL, else the first think, as written', () => {
  const first = (yaml: string): string => {
    const doc = parseScenarioDocument(yaml);
    return stepNameOf(doc, doc.nodeAt([0]) ?? null);
  };
  assert.equal(first('- { get: /a, name: x }'), 'x');
  assert.equal(first('- { name: "  ", post: /a }'), 'POST /a');
  assert.equal(first('- { get: /a, post: /b }'), 'GET /a');
  assert.equal(first('- { think: 1.50s }'), 'think 1.50s');
  assert.equal(first('- { think: 1s, think: 2s }'), 'think 1s');
  assert.equal(first('- { capture: { a: json.a } }'), '');
  assert.equal(first('- just text'), '');
});

test("one stage-list length: the checker's 0s rule, both ramping executors and the estimator read it", () => {
  const stages: Stage[] = [
    { durationMs: 1500, target: 5 },
    { durationMs: 0, target: 10 },
    { durationMs: 250, target: 0 },
  ];
  assert.equal(stagesDurationMs(stages), 1750);
  assert.equal(stagesDurationMs([]), 0);
  const ramping: ExecutorPlan = { type: 'ramping-arrival-rate', startRate: 1, timeUnitMs: 1000, stages, preAllocatedVUs: 1, maxVUs: 1 };
  assert.equal(plannedDurationMs(ramping), 1750);
  assert.equal(arrivalsOf(ramping).durationMs, 1750);
  assert.equal(plannedDurationMs({ type: 'ramping-vus', startVUs: 1, stages, gracefulRampDownMs: 0 }), 1750);

  const rampingFile = (list: string) => `baseUrl: http://127.0.0.1:7878
scenarios:
  r:
    executor: ramping-vus
    stages: ${list}
    flow: [{ get: / }]
`;
  const codes = (list: string) => loadScenario(rampingFile(list), 'stages.volley.yaml').diagnostics.map((d) => d.code);
  assert.deepEqual(codes('[{ duration: 0s, target: 1 }, { duration: 0ms, target: 2 }]'), ['stages-without-duration']);
  assert.deepEqual(codes('[{ duration: 0s, target: 1 }, { duration: 1ms, target: 2 }]'), []);
});

test("one split of a threshold key's tags: the offsets the checker reports at are parseMetricKey's", () => {
  const key = `http_req_duration{ step : "GET /a" ,'status':200}`;
  const parsed = parseMetricKey(key);
  assert.ok(parsed.ok);
  for (const span of parsed.spans) {
    assert.equal(key.slice(span.keyOffset, span.keyOffset + span.key.length), span.key);
    assert.equal(key.slice(span.valueOffset, span.valueOffset + span.value.length), span.value);
    assert.equal(parsed.tags[span.key], span.value);
  }
  assert.deepEqual(parsed.tags, { step: 'GET /a', status: '200' });
  const text = flowFile('      - get: /b\n', `thresholds:\n  'http_req_duration{ step : GET /a , status:200}': [p(95)<500]\n`);
  const unknown = loadScenario(text, 'tags.volley.yaml').diagnostics.find((d) => d.code === 'unknown-step');
  assert.ok(unknown);
  const line = text.split('\n')[unknown.range.start.line];
  assert.equal(line.slice(unknown.range.start.character, unknown.range.end.character), 'GET /a');
});

test('metric names follow the identifier rule; request headers, header checks and header captures one token rule', () => {
  for (const name of ['http_reqs', '_x', 'a1', '1a', 'my-metric', 'a$', 'ünï']) {
    assert.equal(parseMetricKey(name).ok, IDENTIFIER_PATTERN.test(name), name);
  }
  for (const header of ['X-Token', 'x_y', "a!#$%&'*+.^`|~", 'a b', 'a:b', 'ü']) {
    const inRequest = loadScenario(flowFile(`      - get: /a\n        headers: { ${JSON.stringify(header)}: v }\n`), 'h.volley.yaml');
    const inCheck = loadScenario(flowFile(`      - get: /a\n        check: { header: { ${JSON.stringify(header)}: v } }\n`), 'h.volley.yaml');
    const accepted = HEADER_NAME_PATTERN.test(header);
    assert.equal(inRequest.plan !== undefined, accepted, `request header ${header}`);
    assert.equal(inCheck.plan !== undefined, accepted, `header check ${header}`);
    assert.equal(parseCaptureSource(`header.${header}`).ok, accepted, `capture header.${header}`);
  }
});
