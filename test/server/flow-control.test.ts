// Flow control in the editor, through the real language server: the warning for a capture read outside
// the branch that sets it (not inside an `if:` condition, nor under an `if` whose condition names it), a
// nested outline, folding of nested flows, completion of control keys inside a nested flow, and the file
// facts that map each nested step to its line for the inline figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-protocol';
import { LSP_REQUESTS } from '../../src/protocol';
import { TestClient, positionAt, withCursor } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

// The example without its `data:` parts (another part of the issue).
const SHOP = `baseUrl: http://127.0.0.1:7878
http:
  cookies: per-iteration
setup:
  - name: admin login
    post: /admin/login
    json: { user: admin, password: "{{ env.ADMIN_PASSWORD }}" }
    check: { status: 200 }
    capture: { adminToken: json.token }
teardown:
  - delete: /admin/carts
    headers: { Authorization: "Bearer {{ adminToken }}" }
scenarios:
  shoppers:
    executor: constant-vus
    vus: 20
    duration: 1m
    flow:
      - name: login
        once: true
        post: /login
        form: { email: "{{ vu }}@example.com", password: secret }
        capture: { session: cookie.sid }
      - group: browse
        flow:
          - repeat: 3
            as: page
            flow:
              - name: list products
                get: /products?page={{ page }}
                cookies: { sid: "{{ session }}" }
          - think: { min: 1s, max: 3s }
      - choose:
          - weight: 70
            flow: [ { name: view product, get: "/products/{{ randomInt(1, 100) }}" } ]
          - weight: 30
            flow:
              - name: add to cart
                post: /cart
                json: { id: "{{ randomInt(1, 100) }}" }
                capture: { cartId: json.cartId }
      - if: "{{ cartId != null }}"
        flow:
          - name: upload receipt
            post: /cart/{{ cartId }}/receipt
            multipart:
              note: "load test"
        else:
          - get: /account
thresholds:
  "group_duration{group:browse}": [p(95)<2000]
`;

test("the issue's example (without data:) validates without a diagnostic", async () => {
  const uri = 'file:///work/shop.volley.yaml';
  await client.open(uri, SHOP);
  const published = await client.diagnosticsFor(uri, 1);
  assert.deepEqual(published.diagnostics, []);
});

test('a capture read outside the branch that sets it: a warning at the name, saying where it is set', async () => {
  const uri = 'file:///work/unset.volley.yaml';
  const text = `${SHOP.replace('thresholds:', '').replace('  "group_duration{group:browse}": [p(95)<2000]\n', '')}      - name: cart page
        get: /cart/{{ cartId }}
      - if: "{{ session != null }}"
        flow:
          - get: /again/{{ cartId }}
`;
  await client.open(uri, text);
  const published = await client.diagnosticsFor(uri, 1);
  const warnings = published.diagnostics.filter((d) => d.code === 'capture-maybe-unset');
  const line = text.split('\n').findIndex((l) => l.includes('get: /cart/{{ cartId }}'));
  const branchLine = text.split('\n').findIndex((l) => l.includes('- weight: 30')) + 1;
  assert.equal(warnings.length, 2, JSON.stringify(published.diagnostics));
  assert.equal(warnings[0].severity, 2);
  assert.equal(
    String(warnings[0].message),
    `"cartId" is captured only in choose branch 2 at line ${branchLine} (by step 5 "add to cart"), so here it may be unset: read it in that branch, or guard this step with if: "{{ cartId != null }}"`,
  );
  const character = text.split('\n')[line]!.indexOf('cartId');
  assert.deepEqual(warnings[0].range, { start: { line, character }, end: { line, character: character + 'cartId'.length } });
  // Under an if whose condition names another capture, the read is not guarded.
  const again = text.split('\n').findIndex((l) => l.includes('/again/'));
  assert.equal(warnings[1].range.start.line, again);
  // The if's own condition and its guarded flow and else got none.
  assert.ok(!warnings.some((w) => text.split('\n')[w.range.start.line]!.includes('receipt') || text.split('\n')[w.range.start.line]!.includes('if:')));
});

test('a capture set in an if flow and read in its else, or after the if: warned; inside the same branch: not', async () => {
  const uri = 'file:///work/if-branch.volley.yaml';
  const text = `baseUrl: http://127.0.0.1:7878
scenarios:
  s:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow:
      - if: "{{ iteration > 0 }}"
        flow:
          - post: /token
            capture: { token: json.token }
          - get: /inside/{{ token }}
        else:
          - get: /else/{{ token }}
      - get: /after/{{ token }}
`;
  await client.open(uri, text);
  const published = await client.diagnosticsFor(uri, 1);
  const lines = text.split('\n');
  const warned = published.diagnostics.filter((d) => d.code === 'capture-maybe-unset').map((d) => lines[d.range.start.line]!.trim());
  assert.deepEqual(warned, ['- get: /else/{{ token }}', '- get: /after/{{ token }}']);
  assert.match(String(published.diagnostics[0]!.message), /captured only in the flow of the if at line 8 \(by step 1 "POST \/token"\)/);
});

function names(symbols: readonly DocumentSymbol[] | undefined): unknown[] {
  return (symbols ?? []).map((s) => (s.children && s.children.length > 0 && s.kind !== SymbolKind.Function ? [s.name, names(s.children)] : s.name));
}

test('the outline nests steps in their repeat, group, choose branches, if and else', async () => {
  const uri = 'file:///work/outline.volley.yaml';
  await client.open(uri, SHOP);
  const symbols = await client.symbols(uri);
  const shoppers = symbols.find((s) => s.name === 'shoppers');
  assert.deepEqual(names(shoppers?.children), [
    'login',
    ['group browse', [['repeat 3 as page', ['list products']], 'think 1s-3s']],
    ['choose', [['branch 1 (weight 70)', ['view product']], ['branch 2 (weight 30)', ['add to cart']]]],
    ['if {{ cartId != null }}', ['upload receipt', ['else', ['GET /account']]]],
  ]);
  const group = shoppers!.children![1]!;
  const lines = SHOP.split('\n');
  assert.equal(lines[group.range.start.line]!.trim(), '- group: browse');
  assert.equal(lines[group.range.end.line]!.trim(), '- think: { min: 1s, max: 3s }');
});

test('nested flows fold: the group, the repeat, the choose branch and the if with its else', async () => {
  const uri = 'file:///work/fold.volley.yaml';
  await client.open(uri, SHOP);
  const ranges = await client.folding(uri);
  const lines = SHOP.split('\n');
  const at = (text: string): number => lines.findIndex((l) => l.includes(text));
  const folds = (start: number, end: number): boolean => ranges.some((r) => r.startLine === start && r.endLine === end);
  assert.ok(folds(at('- group: browse'), at('- think: { min: 1s')), 'group');
  assert.ok(folds(at('- repeat: 3'), at('cookies: { sid')), 'repeat');
  assert.ok(folds(at('- weight: 30'), at('capture: { cartId')), 'choose branch');
  assert.ok(folds(at('- if: "{{ cartId'), at('- get: /account')), 'if with its else');
  assert.ok(folds(at('else:'), at('- get: /account')), 'else');
});

test('completion in a nested flow offers the step keys, control keys among them; in a choose branch, weight and flow', async () => {
  const base = SHOP.split('\n').slice(0, SHOP.split('\n').findIndex((l) => l.includes('- if:'))).join('\n');
  const nested = withCursor(`${base}\n      - group: more\n        flow:\n          - ‸\n`);
  const uri = 'file:///work/complete.volley.yaml';
  await client.open(uri, nested.text);
  const labels = (await client.completion(uri, nested.position)).map((i) => i.label);
  for (const key of ['get', 'think', 'repeat', 'if', 'choose', 'group']) assert.ok(labels.includes(key), `${key} in ${labels.join(', ')}`);

  const branch = withCursor(`${base}\n      - choose:\n          - weight: 1\n            ‸\n`);
  const uri2 = 'file:///work/complete-branch.volley.yaml';
  await client.open(uri2, branch.text);
  const branchLabels = (await client.completion(uri2, branch.position)).map((i) => i.label);
  assert.ok(branchLabels.includes('flow'), branchLabels.join(', '));
  assert.ok(!branchLabels.includes('get'));
});

test('threshold completion offers the group paths as `group:` values and group_duration filters', async () => {
  const nestedGroup = SHOP.replace('          - think: { min: 1s, max: 3s }', '          - group: details\n            flow: [ { get: /details } ]\n          - think: { min: 1s, max: 3s }');
  const body = nestedGroup.slice(0, nestedGroup.indexOf('thresholds:'));
  const values = withCursor(`${body}thresholds:\n  "group_duration{group:‸}": [p(95)<1]\n`);
  const uri = 'file:///work/complete-group.volley.yaml';
  await client.open(uri, values.text);
  const labels = (await client.completion(uri, values.position)).map((i) => i.label);
  assert.deepEqual(labels, ['browse', 'browse::details']);

  const keys = withCursor(`${body}thresholds:\n  group_duration‸\n`);
  const uri2 = 'file:///work/complete-group-key.volley.yaml';
  await client.open(uri2, keys.text);
  const keyLabels = (await client.completion(uri2, keys.position)).map((i) => i.label);
  assert.ok(keyLabels.includes('group_duration{group:browse::details}'), keyLabels.join(', '));
  assert.ok(!keyLabels.includes('group_duration{step:login}'), 'group_duration carries no step tag');
});

test('file facts: every nested step with the run\'s step index and its own line', async () => {
  const uri = 'file:///work/facts-flow.volley.yaml';
  await client.open(uri, SHOP);
  const facts = await client.request(LSP_REQUESTS.fileFacts, { uri });
  const steps = facts!.scenarios[0]!.steps;
  const lines = SHOP.split('\n');
  assert.deepEqual(
    steps.map((s) => [s.index, s.name, lines[s.range.start.line]!.trim().slice(0, 24)]),
    [
      [0, 'login', '- name: login'],
      [1, 'list products', '- name: list products'],
      [2, 'think 1s-3s', '- think: { min: 1s, max:'],
      [3, 'view product', 'flow: [ { name: view pro'],
      [4, 'add to cart', '- name: add to cart'],
      [5, 'upload receipt', '- name: upload receipt'],
      [6, 'GET /account', '- get: /account'],
    ],
  );
  assert.equal(positionAt(SHOP, SHOP.indexOf('view product')).line, steps[3]!.range.start.line);
});

test('template completion in a nested step: the captures of the steps before it in document order, and the index of its repeat', async () => {
  const { text, position } = withCursor(SHOP.replace('post: /cart/{{ cartId }}/receipt', 'post: /cart/{{ ‸ }}/receipt'));
  const uri = 'file:///work/complete-template.volley.yaml';
  await client.open(uri, text);
  const labels = (await client.completion(uri, position)).map((i) => i.label);
  assert.ok(labels.includes('cartId') && labels.includes('session'), labels.join(', '));
  assert.ok(!labels.includes('page'), 'a repeat index only inside its repeat');

  const inRepeat = withCursor(SHOP.replace('get: /products?page={{ page }}', 'get: /products?page={{ ‸ }}'));
  const uri2 = 'file:///work/complete-index.volley.yaml';
  await client.open(uri2, inRepeat.text);
  const inside = await client.completion(uri2, inRepeat.position);
  const page = inside.find((i) => i.label === 'page');
  assert.equal(page?.detail, 'repeat index');
  assert.ok(!inside.some((i) => i.label === 'cartId'), 'a capture of a later step is not offered');
});

test("a repeat's index: hover says what it is, go to definition lands on its as: value", async () => {
  const uri = 'file:///work/index-hover.volley.yaml';
  await client.open(uri, SHOP);
  const at = positionAt(SHOP, SHOP.indexOf('{{ page }}') + 3);
  const hover = await client.hover(uri, at);
  const asLine = SHOP.split('\n').findIndex((l) => l.trim() === 'as: page');
  const repeatLine = asLine - 1;
  assert.equal((hover?.contents as { value: string }).value, `**page**: the round of the repeat at line ${repeatLine + 1}, counted from 0 (its \`as:\`).`);
  const definitions = await client.definition(uri, at);
  assert.deepEqual(
    definitions.map((d) => d.range.start),
    [{ line: asLine, character: SHOP.split('\n')[asLine]!.indexOf('page') }],
  );
});
