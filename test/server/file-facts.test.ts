// `volley/fileFacts`: what the extension knows of a scenario file, answered from the server's parse of the
// open version, or from the file on disk when it is not open (the Testing view lists files never opened).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LSP_REQUESTS, type TextRange } from '../../src/protocol';
import { TestClient } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

const FILE = `name: facts
baseUrl: http://127.0.0.1:7878
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 5
    duration: 10s
    preAllocatedVUs: 2
    flow:
      - name: list
        get: /products
      - get: /products/1
      - think: 1s
  idle:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow: [{ get: "http://[::1]:9/x" }]
thresholds:
  http_req_duration{step:list}: [p(95)<300, max<900]
`;

const textAt = (text: string, r: TextRange): string => {
  const lines = text.split('\n');
  assert.equal(r.start.line, r.end.line, 'one-line range');
  return lines[r.start.line]!.slice(r.start.character, r.end.character);
};

test('scenarios with their executor, steps by the engine\'s names, thresholds with each expression\'s range, and the hosts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-facts-'));
  try {
    const path = join(dir, 'facts.volley.yaml');
    writeFileSync(path, FILE);
    const uri = pathToFileURL(path).href;
    // Not open: read from disk.
    const facts = await client.request(LSP_REQUESTS.fileFacts, { uri });
    assert.ok(facts);
    assert.equal(facts.version, null);
    assert.deepEqual(facts.scenarios.map((s) => [s.name, s.executor, textAt(FILE, s.nameRange)]), [
      ['browse', 'constant-arrival-rate', 'browse'],
      ['idle', 'constant-vus', 'idle'],
    ]);
    assert.deepEqual(facts.scenarios[0]!.steps.map((s) => [s.index, s.name, textAt(FILE, s.selectionRange)]), [
      [0, 'list', 'list'],
      [1, 'GET /products/1', 'get'],
      [2, 'think 1s', 'think'],
    ]);
    assert.deepEqual(facts.thresholds.map((t) => [t.name, t.expressions.map((e) => [e.text, textAt(FILE, e.range)])]), [
      ['http_req_duration{step:list}', [['p(95)<300', 'p(95)<300'], ['max<900', 'max<900']]],
    ]);
    assert.deepEqual(facts.hosts, ['127.0.0.1', '[::1]']);

    // Open and edited: the open version, not the disk.
    await client.open(uri, FILE, 1);
    await client.change(uri, FILE.replace('  idle:', '  # one line more\n  idle:'), 2);
    const open = await client.request(LSP_REQUESTS.fileFacts, { uri });
    assert.equal(open?.version, 2);
    assert.equal(open?.scenarios[1]!.nameRange.start.line, facts.scenarios[1]!.nameRange.start.line + 1);

    assert.equal(await client.request(LSP_REQUESTS.fileFacts, { uri: pathToFileURL(join(dir, 'gone.volley.yaml')).href }), null);
    assert.equal(await client.request(LSP_REQUESTS.fileFacts, { uri: 'untitled:Untitled-9' }), null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('setup and teardown: their steps with ranges under `lifecycle`, and their hosts among the hosts', async () => {
  const text = `baseUrl: http://127.0.0.1:7878
setup:
  - name: admin login
    post: http://localhost:9100/login
  - get: /warm
teardown:
  - delete: http://[::1]:9101/carts
scenarios:
  one:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow: [{ get: /x }]
`;
  const uri = 'file:///work/lifecycle-facts.volley.yaml';
  await client.open(uri, text, 1);
  const facts = await client.request(LSP_REQUESTS.fileFacts, { uri });
  assert.ok(facts);
  assert.deepEqual(
    facts.lifecycle.map((l) => [l.name, textAt(text, l.nameRange), l.steps.map((s) => [s.index, s.name, textAt(text, s.selectionRange)])]),
    [
      ['setup', 'setup', [[0, 'admin login', 'admin login'], [1, 'GET /warm', 'get']]],
      ['teardown', 'teardown', [[0, 'DELETE http://[::1]:9101/carts', 'delete']]],
    ],
  );
  assert.deepEqual(facts.hosts, ['127.0.0.1', 'localhost', '[::1]']);
});

test('groups: each path once with its `group:` step\'s range, nested steps in document order; an edit above moves them', async () => {
  const text = `baseUrl: http://127.0.0.1:7878
scenarios:
  shop:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
      - group: browse
        flow:
          - repeat: 2
            flow: [ { name: list, get: /products } ]
          - group: details
            flow: [ { name: one, get: /products/1 } ]
      - if: "{{ iteration > 0 }}"
        flow: [ { name: again, get: /again } ]
      - group: browse
        flow: [ { name: more, get: /more } ]
`;
  const uri = 'file:///work/group-facts.volley.yaml';
  await client.open(uri, text, 1);
  const facts = await client.request(LSP_REQUESTS.fileFacts, { uri });
  assert.ok(facts);
  const shop = facts.scenarios[0]!;
  assert.deepEqual(shop.steps.map((s) => [s.index, s.name]), [[0, 'list'], [1, 'one'], [2, 'again'], [3, 'more']]);
  const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle));
  assert.deepEqual(
    shop.groups?.map((g) => [g.name, g.range.start.line, textAt(text, g.selectionRange)]),
    [
      ['browse', lineOf('- group: browse'), 'browse'],
      ['browse::details', lineOf('- group: details'), 'details'],
    ],
  );
  await client.change(uri, text.replace('scenarios:', '# a line more\nscenarios:'), 2);
  const moved = await client.request(LSP_REQUESTS.fileFacts, { uri });
  assert.deepEqual(moved?.scenarios[0]!.groups?.map((g) => g.range.start.line), shop.groups?.map((g) => g.range.start.line + 1));
});
