// Completion over the real protocol, at many cursor positions, in valid and half-typed documents.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, TextEdit } from 'vscode-languageserver-protocol';
import { TestClient, applyEdits, withCursor } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

let opened = 0;
async function completeAt(marked: string): Promise<{ items: CompletionItem[]; text: string; labels: string[] }> {
  const { text, position } = withCursor(marked);
  const uri = `file:///work/completion-${++opened}.volley.yaml`;
  await client.open(uri, text);
  const items = await client.completion(uri, position);
  return { items, text, labels: items.map((i) => i.label) };
}

/** The text after accepting `label`, with snippet placeholders reduced to their defaults. */
function accept(text: string, item: CompletionItem): string {
  const edit = item.textEdit as TextEdit;
  assert.ok(edit && 'range' in edit, `${item.label} has a textEdit`);
  const plain = edit.newText.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\d/g, '').replace(/\\([$}\\])/g, '$1');
  return applyEdits(text, [{ range: edit.range, newText: plain }]);
}

interface Case {
  name: string;
  doc: string;
  present: string[];
  absent?: string[];
}

const FLOW = `    flow:\n      - get: /\n`;

const cases: Case[] = [
  // Keys: the root, per executor, not those already present.
  { name: 'empty document: root keys', doc: '‸', present: ['name', 'baseUrl', 'http', 'variables', 'scenarios', 'thresholds'] },
  { name: 'half-typed root key', doc: 'sce‸', present: ['scenarios', 'baseUrl'], absent: ['executor'] },
  {
    name: 'root keys after existing ones are not offered again',
    doc: `baseUrl: http://127.0.0.1:1\nscenarios:\n  a:\n    executor: constant-vus\n    duration: 1s\n${FLOW}‸`,
    present: ['name', 'http', 'variables', 'thresholds'],
    absent: ['baseUrl', 'scenarios'],
  },
  {
    name: 'constant-arrival-rate scenario: arrival-rate keys, not vus',
    doc: `scenarios:\n  a:\n    executor: constant-arrival-rate\n    ‸\n${FLOW}`,
    present: ['rate', 'timeUnit', 'preAllocatedVUs', 'maxVUs', 'duration', 'gracefulStop', 'startTime'],
    absent: ['vus', 'iterations', 'stages', 'startRate', 'executor', 'flow'],
  },
  {
    name: 'half-typed key above flow (the YAML tree reads "ra flow")',
    doc: `scenarios:\n  a:\n    executor: constant-arrival-rate\n    ra‸\n${FLOW}`,
    present: ['rate', 'preAllocatedVUs', 'maxVUs'],
    absent: ['vus', 'executor'],
  },
  {
    name: 'keys already present are not offered again',
    doc: `scenarios:\n  a:\n    executor: constant-arrival-rate\n    rate: 10\n    maxVUs: 20\n    ‸\n${FLOW}`,
    present: ['timeUnit', 'preAllocatedVUs', 'duration'],
    absent: ['rate', 'maxVUs', 'vus'],
  },
  {
    name: 'ramping-arrival-rate scenario',
    doc: `scenarios:\n  a:\n    executor: ramping-arrival-rate\n    ‸`,
    present: ['startRate', 'stages', 'preAllocatedVUs', 'maxVUs', 'timeUnit', 'flow'],
    absent: ['rate', 'duration', 'vus'],
  },
  {
    name: 'constant-vus scenario',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    ‸`,
    present: ['vus', 'duration', 'flow', 'gracefulStop'],
    absent: ['rate', 'preAllocatedVUs', 'maxVUs', 'timeUnit', 'stages'],
  },
  {
    name: 'ramping-vus scenario',
    doc: `scenarios:\n  a:\n    executor: ramping-vus\n    ‸`,
    present: ['startVUs', 'stages', 'gracefulRampDown'],
    absent: ['vus', 'rate', 'duration'],
  },
  {
    name: 'shared-iterations scenario',
    doc: `scenarios:\n  a:\n    executor: shared-iterations\n    ‸`,
    present: ['vus', 'iterations', 'maxDuration'],
    absent: ['duration', 'rate', 'stages'],
  },
  {
    name: 'scenario without an executor yet: executor and every key',
    doc: `scenarios:\n  a:\n    ‸`,
    present: ['executor', 'flow', 'rate', 'vus'],
  },
  // Values.
  {
    name: 'executor value',
    doc: `scenarios:\n  a:\n    executor: ‸`,
    present: ['constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus', 'ramping-vus', 'per-vu-iterations', 'shared-iterations'],
  },
  {
    name: 'half-typed executor value',
    doc: `scenarios:\n  a:\n    executor: const‸\n${FLOW}`,
    present: ['constant-arrival-rate', 'constant-vus'],
  },
  { name: 'connection modes', doc: `http:\n  connections: ‸`, present: ['per-vu', 'shared'], absent: ['true'] },
  { name: 'booleans', doc: `http:\n  noVUConnectionReuse: ‸`, present: ['true', 'false'] },
  {
    name: 'durations for duration',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    duration: ‸\n${FLOW}`,
    present: ['30s', '1m', '10s', '500ms'],
    absent: ['true', 'constant-vus'],
  },
  {
    name: 'durations for a think step, in a flow',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - think: ‸`,
    present: ['1s', '500ms'],
  },
  {
    name: 'gracefulStop: its default first',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    gracefulStop: ‸`,
    present: ['30s'],
  },
  {
    name: 'capture sources',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - get: /\n        capture:\n          id: ‸`,
    present: ['json.', 'header.', 'regex:'],
  },
  // Steps.
  {
    name: 'new step after a dash: methods as keys, step snippets',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - ‸`,
    present: ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'think', 'name', 'request step', 'think step'],
  },
  {
    name: 'half-typed method in a new item',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - get: /\n      - po‸`,
    present: ['post', 'put', 'patch'],
    absent: ['executor'],
  },
  {
    name: 'a step with a method: no second method',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - get: /\n        ‸`,
    present: ['name', 'check', 'capture', 'headers', 'json', 'body', 'query', 'timeout'],
    absent: ['get', 'post', 'think'],
  },
  {
    name: 'a think step takes only a name',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - think: 1s\n        ‸`,
    present: ['name'],
    absent: ['get', 'check', 'think'],
  },
  {
    name: 'blank line at the flow list column: step snippets',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - get: /\n      ‸`,
    present: ['request step', 'POST JSON with capture step', 'think step'],
    absent: ['get', 'vus'],
  },
  {
    name: 'a list written in its key\'s column: the keys around it count as present',
    doc: `scenarios:\n  a:\n    executor: constant-arrival-rate\n    rate: 10\n    flow:\n    - get: /\n    ‸`,
    present: ['preAllocatedVUs', 'maxVUs', 'duration'],
    absent: ['rate', 'flow', 'executor', 'vus'],
  },
  {
    name: 'check keys in a one-line map, without those present',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - get: /\n        check: { status: 200, b‸ }`,
    present: ['bodyContains', 'header', 'json'],
    absent: ['status'],
  },
  {
    name: 'status codes in a one-line check',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - get: /\n        check: { status: ‸ }`,
    present: ['200', '201'],
  },
  {
    name: 'stage keys',
    doc: `scenarios:\n  a:\n    executor: ramping-vus\n    stages:\n      - duration: 10s\n        ‸`,
    present: ['target'],
    absent: ['duration', 'vus'],
  },
  {
    name: 'scenario name position: a snippet per executor',
    doc: `scenarios:\n  ‸`,
    present: [
      'constant-arrival-rate scenario',
      'ramping-arrival-rate scenario',
      'constant-vus scenario',
      'ramping-vus scenario',
      'per-vu-iterations scenario',
      'shared-iterations scenario',
    ],
    absent: ['executor', 'rate'],
  },
  // Thresholds.
  {
    name: 'threshold keys: metric names',
    doc: `thresholds:\n  ‸`,
    present: ['http_req_duration', 'http_req_failed', 'dropped_iterations', 'iteration_duration', 'checks'],
    absent: ['executor', 'p(95)<'],
  },
  {
    name: 'threshold keys not offered twice',
    doc: `thresholds:\n  http_req_failed: [rate<0.01]\n  ‸`,
    present: ['http_req_duration'],
    absent: ['http_req_failed'],
  },
  {
    name: 'half-typed metric name: tag filters with step and scenario names from the file',
    doc: `scenarios:\n  browse:\n    executor: constant-vus\n    flow:\n      - name: list products\n        get: /\nthresholds:\n  http_req_dur‸`,
    present: ['http_req_duration', 'http_req_duration{step:list products}', 'http_req_duration{scenario:browse}'],
  },
  {
    name: 'tag names inside the filter',
    doc: `thresholds:\n  "http_req_duration{‸`,
    present: ['step', 'scenario', 'method', 'expected_response'],
    absent: ['status'],
  },
  {
    name: 'tag names inside the filter: the ones this metric carries',
    doc: `thresholds:\n  "http_reqs{‸`,
    present: ['step', 'scenario', 'method', 'status', 'expected_response'],
  },
  {
    name: 'tag names of a per-scenario metric',
    doc: `thresholds:\n  "iteration_duration{‸`,
    present: ['scenario'],
    absent: ['step', 'method', 'status'],
  },
  {
    name: 'step names as a step tag value',
    doc: `scenarios:\n  browse:\n    executor: constant-vus\n    flow:\n      - name: list products\n        get: /\n      - post: /cart\nthresholds:\n  "http_req_duration{step:‸}": [p(95)<300]`,
    present: ['list products', 'POST /cart'],
    absent: ['browse'],
  },
  {
    name: 'scenario names as a scenario tag value',
    doc: `scenarios:\n  browse:\n    executor: constant-vus\n    flow:\n      - get: /\n  buy:\n    executor: constant-vus\n    flow:\n      - get: /\nthresholds:\n  "http_reqs{scenario:‸}": [count>0]`,
    present: ['browse', 'buy'],
  },
  {
    name: 'trend aggregations',
    doc: `thresholds:\n  http_req_duration: [‸]`,
    present: ['p(95)<', 'p(99)<', 'avg<', 'med<', 'max<'],
    absent: ['count==', 'rate<', 'value<'],
  },
  {
    name: 'rate aggregations, second item of the list',
    doc: `thresholds:\n  http_req_failed: [rate<0.01, ‸]`,
    present: ['rate<'],
    absent: ['p(95)<', 'count=='],
  },
  {
    name: 'counter aggregations, block list item',
    doc: `thresholds:\n  dropped_iterations:\n    - ‸`,
    present: ['count==', 'count<'],
    absent: ['p(95)<'],
  },
  {
    name: 'aggregations on a tag-filtered key',
    doc: `thresholds:\n  "http_req_duration{step:x}": [p‸]`,
    present: ['p(95)<', 'p(99)<'],
    absent: ['rate<'],
  },
  // Templates.
  {
    name: 'template: variables, captures of earlier steps, built-ins, helpers',
    doc: `variables:\n  prefix: load\nscenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - get: /one\n        capture: { firstId: json.id }\n      - get: /two?x={{ ‸\n      - get: /three\n        capture: { laterId: json.id }`,
    present: ['prefix', 'firstId', 'vu', 'iteration', 'scenario', 'env', 'randomInt', 'uuid'],
    absent: ['laterId', 'rate'],
  },
  {
    name: 'template in the capturing step itself: its own capture is not offered',
    doc: `scenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - post: /x\n        json: { id: "{{ fi‸ }}" }\n        capture: { firstId: json.id }`,
    present: ['vu', 'iteration'],
    absent: ['firstId'],
  },
  {
    name: 'template in a scenario: setup captures too',
    doc: `setup:\n  - post: /login\n    capture: { adminToken: json.token }\nscenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - get: /one?t={{ ‸`,
    present: ['adminToken', 'vu'],
  },
  {
    name: 'template in teardown: setup captures; in setup: only earlier setup steps',
    doc: `setup:\n  - post: /login\n    capture: { adminToken: json.token }\n  - get: /x?{{ ‸\n  - get: /y\n    capture: { later: json.id }\nteardown:\n  - get: /z\n    capture: { gone: json.id }\nscenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - get: /one\n        capture: { own: json.id }`,
    present: ['adminToken'],
    absent: ['later', 'gone', 'own'],
  },
  {
    name: 'template in teardown reads setup captures',
    doc: `setup:\n  - post: /login\n    capture: { adminToken: json.token }\nteardown:\n  - delete: "/carts?t={{ ‸"\nscenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - get: /one\n        capture: { own: json.id }`,
    present: ['adminToken'],
    absent: ['own'],
  },
  {
    name: 'template in a header value',
    doc: `variables:\n  token: abc\nscenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - get: /\n        headers:\n          Authorization: "Bearer {{ to‸"`,
    present: ['token', 'base64'],
  },
];

for (const c of cases) {
  test(`completion: ${c.name}`, async () => {
    const { labels } = await completeAt(c.doc);
    for (const label of c.present) assert.ok(labels.includes(label), `expected "${label}" in [${labels.join(', ')}]`);
    for (const label of c.absent ?? []) assert.ok(!labels.includes(label), `did not expect "${label}" in [${labels.join(', ')}]`);
  });
}

test('completion count: more than 30 cursor positions', () => {
  assert.ok(cases.length >= 30, String(cases.length));
});

test('accepting a key replaces the half-typed word and writes "key: "', async () => {
  const { items, text } = await completeAt(`scenarios:\n  a:\n    executor: constant-arrival-rate\n    ra‸\n${FLOW}`);
  const rate = items.find((i) => i.label === 'rate')!;
  assert.equal(accept(text, rate).split('\n')[3], '    rate: ');
  assert.match(typeof rate.documentation === 'object' ? rate.documentation.value : '', /k6 docs\]\(https:\/\/grafana\.com/);
  assert.equal(rate.detail, 'required');
});

test('accepting an enum value replaces the typed prefix', async () => {
  const { items, text } = await completeAt(`scenarios:\n  a:\n    executor: constant-ar‸\n${FLOW}`);
  const item = items.find((i) => i.label === 'constant-arrival-rate')!;
  assert.equal(accept(text, item).split('\n')[2], '    executor: constant-arrival-rate');
  assert.match(typeof item.documentation === 'object' ? item.documentation.value : '', /Open model/);
});

test('accepting a threshold aggregation writes an expression; a tag filter key is quoted', async () => {
  const agg = await completeAt(`thresholds:\n  http_req_duration: [‸]`);
  assert.equal(accept(agg.text, agg.items.find((i) => i.label === 'p(95)<')!), 'thresholds:\n  http_req_duration: [p(95)<500]');
  const key = await completeAt(`scenarios:\n  browse:\n    executor: constant-vus\n    flow:\n      - name: list products\n        get: /\nthresholds:\n  http_req_dur‸`);
  const filtered = key.items.find((i) => i.label === 'http_req_duration{step:list products}')!;
  assert.equal(accept(key.text, filtered).split('\n').pop(), '  "http_req_duration{step:list products}": []');
});

test('accepting a helper inserts its call with placeholders', async () => {
  const { items, text } = await completeAt(`scenarios:\n  a:\n    executor: constant-vus\n    flow:\n      - get: /x?n={{ rand‸ }}`);
  const helper = items.find((i) => i.label === 'randomInt')!;
  assert.equal(helper.detail, 'randomInt(min, max)');
  assert.equal(accept(text, helper).split('\n')[4], '      - get: /x?n={{ randomInt(min, max) }}');
});

test('step snippets come from snippets/volley.json and drop their dash after a typed one', async () => {
  const { items, text } = await completeAt(`scenarios:\n  a:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - ‸`);
  const think = items.find((i) => i.label === 'think step')!;
  assert.equal(think.labelDetails?.description, 'snippet here');
  assert.equal(accept(text, think).split('\n')[5], '      - think: 1s');
});
