// Hover, outline, folding, go-to-definition, references, rename and code lenses over the real protocol.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DocumentSymbol, Hover, Location, Range } from 'vscode-languageserver-protocol';
import { parseScenarioDocument, validateDocument } from '../../src/engine/scenario';
import { TestClient, applyEdits, find, rangeOf } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
  await client.open(URI, TEXT);
});
after(() => client.close());

const TEXT = readFileSync(resolve(__dirname, '../fixtures/design-example.volley.yaml'), 'utf8');
const URI = 'file:///work/navigation.volley.yaml';

function markdown(h: Hover | null): string {
  assert.ok(h, 'a hover');
  const contents = h.contents;
  assert.ok(typeof contents === 'object' && 'kind' in contents && contents.kind === 'markdown', JSON.stringify(contents));
  return contents.value;
}

async function hoverAt(needle: string, delta = 1, occurrence = 0): Promise<{ text: string; range: Range | undefined }> {
  const h = await client.hover(URI, find(TEXT, needle, delta, occurrence));
  return { text: markdown(h), range: h?.range };
}

const sortRanges = (locations: Location[]) =>
  locations.map((l) => l.range).sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);

test('hover on a key: its schema docs with the k6 link', async () => {
  const { text, range } = await hoverAt('gracefulStop');
  assert.match(text, /^\*\*gracefulStop\*\*: duration/);
  assert.match(text, /Default: `30s`/);
  assert.match(text, /\[k6 docs\]\(https:\/\/grafana\.com\/docs\/k6\/latest\/using-k6\/scenarios\/concepts\/graceful-stop\/\)/);
  assert.deepEqual(range, rangeOf(TEXT, 'gracefulStop'));
});

test('hover on the executor value: the executor docs and its keys', async () => {
  const { text } = await hoverAt('constant-arrival-rate');
  assert.match(text, /^\*\*constant-arrival-rate\*\* — Open model/);
  assert.match(text, /Keys: .*`preAllocatedVUs`, `maxVUs`/);
  assert.match(text, /executors\/constant-arrival-rate\//);
});

test('hover on a duration value: its meaning in ms', async () => {
  const think = await hoverAt('200ms');
  assert.match(think.text, /^`200ms` = 200 ms/);
  const http = await hoverAt('60s');
  assert.match(http.text, /^`60s` = 60\u202f000 ms \(1 min\)/);
  assert.match(http.text, /\*\*timeout\*\*: duration/);
});

test('hover on an enum value: the value and the key', async () => {
  const { text } = await hoverAt('per-vu ');
  assert.match(text, /^\*\*per-vu\*\* — Each VU keeps its own keep-alive connections/);
  assert.match(text, /\*\*connections\*\*/);
});

test('hover on preAllocatedVUs and maxVUs: k6 sizing rule with this scenario\'s numbers', async () => {
  const pre = (await hoverAt('preAllocatedVUs')).text;
  assert.match(pre, /median iteration duration × rate \/ timeUnit \+ a constant for variance/);
  assert.match(pre, /200 iterations per 1s = \*\*200 iterations\/s\*\*/);
  assert.match(pre, /preAllocatedVUs 30 keep up while iterations take at most \*\*150 ms\*\*/);
  assert.match(pre, /maxVUs 60 keep up to \*\*300 ms\*\*/);
  assert.match(pre, /No measured iteration duration yet: \*\*Estimate VUs\*\*/);
  const max = (await hoverAt('maxVUs')).text;
  assert.match(max, /maxVUs 60 keep up to \*\*300 ms\*\*/);
});

test('hover on preAllocatedVUs uses the estimate the extension sends', async () => {
  const uri = 'file:///work/estimated.volley.yaml';
  await client.open(uri, TEXT);
  await client.connection.sendNotification('volley/iterationEstimate', {
    uri,
    scenario: 'browse',
    estimate: { medianMs: 120, suggestedPreAllocatedVUs: 32, source: 'last run' },
  });
  const h = markdown(await client.hover(uri, find(TEXT, 'preAllocatedVUs', 1)));
  assert.match(h, /Median iteration 120 ms \(last run\): ≈ 24 VUs busy; the estimate with headroom for variance is \*\*32\*\*/);
  const actions = await client.codeActions(uri, rangeOf(TEXT, 'preAllocatedVUs'));
  const set = actions.find((a) => a.title === 'Set preAllocatedVUs to the estimate (32)');
  assert.ok(set && 'edit' in set && set.edit?.changes, JSON.stringify(actions));
  assert.match(applyEdits(TEXT, set.edit.changes[uri]), /preAllocatedVUs: 32\n/);
});

test('hover on metrics, threshold keys and expressions', async () => {
  const key = await hoverAt('http_req_failed');
  assert.match(key.text, /^\*\*http_req_failed\*\* \(rate\)/);
  assert.match(key.text, /metrics\/reference/);
  const filtered = await hoverAt('http_req_duration{step', 2);
  assert.match(filtered.text, /^Only the samples of step \*\*add to cart\*\*/);
  const expression = await hoverAt('p(95)<300', 2);
  assert.match(expression.text, /^\*\*p\(95\)<300\*\*: passes when 95% of the http_req_duration values are below 300 ms/);
  const count = await hoverAt('count==0', 2);
  assert.match(count.text, /the count of dropped_iterations is equal to 0/);
});

test('hover in templates: variables, captures, built-ins', async () => {
  const variable = await hoverAt('{{ prefix', 4);
  assert.match(variable.text, /^\*\*prefix\*\*: variable = `load`/);
  assert.deepEqual(variable.range, rangeOf(TEXT, 'prefix }}'.slice(0, 6), 1));
  const capture = await hoverAt('{{ firstId', 4);
  assert.match(capture.text, /^\*\*firstId\*\*: capture in scenario browse/);
  assert.match(capture.text, /step 1 "list products", from `json\.items\[0\]\.id`/);
  const builtin = await hoverAt('{{ iteration', 4);
  assert.match(builtin.text, /^\*\*iteration\*\*: number/);
});

test('hover on a template helper shows its signature', async () => {
  const uri = 'file:///work/helper.volley.yaml';
  const text = TEXT.replace('/cart', '/cart?id={{ randomInt(1, 9) }}');
  await client.open(uri, text);
  const h = markdown(await client.hover(uri, find(text, 'randomInt', 2)));
  assert.match(h, /randomInt\(min, max\)/);
  assert.match(h, /both included/);
});

test('document symbols: variables, scenarios with steps and captures, thresholds', async () => {
  const symbols = await client.symbols(URI);
  const shape = (s: DocumentSymbol): unknown => [s.name, (s.children ?? []).map(shape)];
  assert.deepEqual(symbols.map(shape), [
    ['variables', [['prefix', []]]],
    ['browse', [['list products', [['firstId', []]]], ['think 200ms', []], ['add to cart', []]]],
    [
      'thresholds',
      [
        ['http_req_duration', []],
        ['http_req_duration{step:add to cart}', []],
        ['http_req_failed', []],
        ['dropped_iterations', []],
      ],
    ],
  ]);
  const browse = symbols[1];
  assert.equal(browse.detail, 'constant-arrival-rate');
  assert.deepEqual(browse.selectionRange, rangeOf(TEXT, 'browse'));
  assert.deepEqual(browse.children![0].selectionRange, rangeOf(TEXT, 'list products'));
});

const LIFECYCLE = `baseUrl: http://127.0.0.1:7878
setup:
  - name: admin login
    post: /admin/login
    capture: { adminToken: json.token }
teardown:
  - delete: /admin/carts
    headers: { Authorization: "Bearer {{ adminToken }}" }
scenarios:
  shoppers:
    executor: constant-vus
    duration: 1m
    flow:
      - get: /products
        headers: { Authorization: "Bearer {{ adminToken }}" }
`;

test('setup and teardown: in the outline with their steps; setup captures lead to their key from every flow, and rename', async () => {
  const uri = 'file:///work/lifecycle.volley.yaml';
  await client.open(uri, LIFECYCLE);
  const shape = (s: DocumentSymbol): unknown => [s.name, (s.children ?? []).map(shape)];
  assert.deepEqual((await client.symbols(uri)).map(shape), [
    ['shoppers', [['GET /products', []]]],
    ['setup', [['admin login', [['adminToken', []]]]]],
    ['teardown', [['DELETE /admin/carts', []]]],
  ]);
  const definition = [{ uri, range: rangeOf(LIFECYCLE, 'adminToken', 0) }];
  assert.deepEqual(await client.definition(uri, find(LIFECYCLE, '{{ adminToken', 4, 0)), definition, 'from teardown');
  assert.deepEqual(await client.definition(uri, find(LIFECYCLE, '{{ adminToken', 4, 1)), definition, 'from a scenario');
  const edit = await client.rename(uri, find(LIFECYCLE, '{{ adminToken', 4, 1), 'token');
  const renamed = applyEdits(LIFECYCLE, edit!.changes![uri]);
  assert.equal(renamed, LIFECYCLE.replaceAll('adminToken', 'token'));
  assert.deepEqual(validateDocument(parseScenarioDocument(renamed)), []);
});

test('folding ranges: blocks of mappings and sequences by indentation', async () => {
  const ranges = (await client.folding(URI)).map((r) => [r.startLine, r.endLine]);
  const line = (needle: string) => find(TEXT, needle).line;
  assert.deepEqual(
    ranges,
    [
      [line('http:\n'), line('insecureSkipTLSVerify')],
      [line('variables:'), line('prefix: load')],
      [line('scenarios:'), line('json: {')],
      [line('  browse:'), line('json: {')],
      [line('    flow:'), line('json: {')],
      [line('- name: list products'), line('capture:')],
      [line('- name: add to cart'), line('json: {')],
      [line('thresholds:'), line('dropped_iterations')],
    ],
  );
});

test('go to definition: variable and capture references lead to their keys', async () => {
  const variable = await client.definition(URI, find(TEXT, '{{ prefix', 5));
  assert.deepEqual(variable, [{ uri: URI, range: rangeOf(TEXT, 'prefix') }]);
  const capture = await client.definition(URI, find(TEXT, '{{ firstId', 5));
  assert.deepEqual(capture, [{ uri: URI, range: rangeOf(TEXT, 'firstId') }]);
  assert.deepEqual(await client.definition(URI, find(TEXT, '{{ vu', 4)), []);
});

test('references: from the definition and from a use', async () => {
  const text = TEXT.replace('/cart', '/cart/{{ firstId }}');
  const uri = 'file:///work/references.volley.yaml';
  await client.open(uri, text);
  const fromDefinition = await client.references(uri, find(text, 'firstId', 2));
  assert.deepEqual(sortRanges(fromDefinition), [rangeOf(text, 'firstId', 0), rangeOf(text, 'firstId', 1), rangeOf(text, 'firstId', 2)]);
  const withoutDeclaration = await client.references(uri, find(text, 'firstId', 2, 2), false);
  assert.deepEqual(sortRanges(withoutDeclaration), [rangeOf(text, 'firstId', 1), rangeOf(text, 'firstId', 2)]);
  const variable = await client.references(uri, find(text, '{{ prefix', 4));
  assert.deepEqual(sortRanges(variable), [rangeOf(text, 'prefix', 0), rangeOf(text, 'prefix', 1)]);
});

test('rename a capture: definition and every use, and the file still validates', async () => {
  const text = TEXT.replace('/cart', '/cart/{{ firstId }}');
  const uri = 'file:///work/rename-capture.volley.yaml';
  await client.open(uri, text);
  const prepared = await client.prepareRename(uri, find(text, '{{ firstId', 4));
  assert.deepEqual(prepared, { range: rangeOf(text, 'firstId', 1), placeholder: 'firstId' });
  const edit = await client.rename(uri, find(text, '{{ firstId', 4), 'productId');
  const renamed = applyEdits(text, edit!.changes![uri]);
  assert.equal(renamed, text.replaceAll('firstId', 'productId'));
  assert.deepEqual(validateDocument(parseScenarioDocument(renamed)), []);
});

test('rename a variable from its definition', async () => {
  const edit = await client.rename(URI, find(TEXT, 'prefix: load', 1), 'tenant');
  const renamed = applyEdits(TEXT, edit!.changes![URI]);
  assert.equal(renamed, TEXT.replace('prefix: load', 'tenant: load').replace('{{ prefix }}', '{{ tenant }}'));
  assert.deepEqual(validateDocument(parseScenarioDocument(renamed)), []);
});

test('rename refuses built-ins and invalid or taken names', async () => {
  await assert.rejects(client.prepareRename(URI, find(TEXT, '{{ vu', 4)), /built-in/);
  await assert.rejects(client.rename(URI, find(TEXT, '{{ iteration', 4), 'i'), /built-in/);
  await assert.rejects(client.rename(URI, find(TEXT, '{{ prefix', 4), '2fast'), /not a valid name/);
  await assert.rejects(client.rename(URI, find(TEXT, '{{ prefix', 4), 'my-name'), /not a valid name/);
  await assert.rejects(client.rename(URI, find(TEXT, '{{ prefix', 4), 'env'), /built-in/);
  await assert.rejects(client.rename(URI, find(TEXT, '{{ prefix', 4), 'firstId'), /already/);
  assert.equal(await client.prepareRename(URI, find(TEXT, 'executor', 2)), null);
});

test('code lenses: run file, run each scenario, estimate VUs for arrival-rate scenarios', async () => {
  const text = `${TEXT.replace('thresholds:', `  smoke:\n    executor: constant-vus\n    duration: 1s\n    flow:\n      - get: /\nthresholds:`)}`;
  const uri = 'file:///work/lenses.volley.yaml';
  await client.open(uri, text);
  const lenses = await client.codeLenses(uri);
  const shape = lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]);
  assert.deepEqual(shape, [
    [0, '▶ Run file', 'volley.runFile', [uri]],
    [find(text, '  browse:').line, '▶ Run scenario', 'volley.runScenario', [uri, 'browse']],
    [find(text, '  browse:').line, 'Debug One Iteration', 'volley.debugIteration', [uri, 'browse']],
    [find(text, '  browse:').line, 'Estimate VUs', 'volley.estimateVUs', [uri, 'browse']],
    [find(text, '  smoke:').line, '▶ Run scenario', 'volley.runScenario', [uri, 'smoke']],
    [find(text, '  smoke:').line, 'Debug One Iteration', 'volley.debugIteration', [uri, 'smoke']],
  ]);
});
