// `data:` sets through the real language server, with real files beside the document: columns completed
// from the file's header, file paths completed beside the document, hover with rows and columns, an
// unknown column and every unusable file as an error where it is written, go-to-definition and rename
// of a set's name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MarkupContent, TextEdit } from 'vscode-languageserver-protocol';
import { TestClient, find, withCursor } from './lsp-client';

let client: TestClient;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'volley-data-lsp-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'users.csv'), 'email,password,"first name"\na@x,1,Ann\nb@x,2,Bob\n');
  writeFileSync(join(dir, 'data', 'products.json'), '[{ "id": 1, "title": "pen" }, { "id": 2, "price": 3 }]');
  writeFileSync(join(dir, 'data', 'ragged.csv'), 'email,password\na@x\n');
  writeFileSync(join(dir, 'data', 'notes.txt'), 'x');
  client = new TestClient();
  await client.initialize();
});
after(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

let opened = 0;
function uriOf(): string {
  return pathToFileURL(join(dir, `data-${++opened}.volley.yaml`)).href;
}

function file(data: string, url: string): string {
  return `baseUrl: http://127.0.0.1:7878
data:
${data}
scenarios:
  s:
    executor: shared-iterations
    vus: 1
    iterations: 1
    flow:
      - get: "${url}"
`;
}

const SETS = '  users: { file: data/users.csv, pick: unique }\n  products: { file: data/products.json, pick: random }';

test('{{ users. completes the columns of the file header; {{ products. the keys of the JSON objects', async () => {
  for (const [url, expected] of [
    ['/x?e={{ users.‸ }}', ['email', 'password']],
    ['/x?e={{ products.‸ }}', ['id', 'title', 'price']],
  ] as const) {
    const { text, position } = withCursor(file(SETS, url));
    const uri = uriOf();
    await client.open(uri, text);
    const items = await client.completion(uri, position);
    assert.deepEqual(items.map((i) => i.label), expected);
  }
});

test('a template offers the data set names, which insert NAME. and ask for the columns', async () => {
  const { text, position } = withCursor(file(SETS, '/x?e={{ ‸ }}'));
  const uri = uriOf();
  await client.open(uri, text);
  const items = await client.completion(uri, position);
  const users = items.find((i) => i.label === 'users');
  assert.ok(users, 'users is offered');
  assert.equal((users.textEdit as TextEdit).newText, 'users.');
  assert.equal(users.command?.command, 'editor.action.triggerSuggest');
});

test('file: completes the files beside the document, data files first', async () => {
  const first = withCursor(file('  users: { file: ‸ }', '/x'));
  const uri = uriOf();
  await client.open(uri, first.text);
  const top = await client.completion(uri, first.position);
  assert.ok(top.some((i) => i.label === 'data/'), top.map((i) => i.label).join(','));
  const inside = withCursor(file('  users:\n    file: data/‸', '/x'));
  const uri2 = uriOf();
  await client.open(uri2, inside.text);
  const items = await client.completion(uri2, inside.position);
  const sorted = [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => (i.textEdit as TextEdit).newText);
  assert.deepEqual(sorted, ['data/products.json', 'data/ragged.csv', 'data/users.csv', 'data/notes.txt']);
});

test('an unknown column is an error at the column; an unusable file is an error at its file: value', async () => {
  const text = file('  users: { file: data/users.csv }\n  bad: { file: data/ragged.csv }\n  gone: { file: data/gone.csv }', '/x?e={{ users.emial }}');
  const uri = uriOf();
  await client.open(uri, text);
  const published = await client.diagnosticsFor(uri, 1);
  const found = published.diagnostics
    .map((d) => [d.code, d.message, d.range.start] as const)
    .sort((a, b) => a[2].line - b[2].line || a[2].character - b[2].character);
  assert.deepEqual(found, [
    ['bad-data-file', 'data set bad: data/ragged.csv:2: bad CSV: Invalid Record Length: expect 2, got 1 on line 2', find(text, 'data/ragged.csv')],
    ['bad-data-file', `data set gone: "data/gone.csv" (${join(dir, 'data', 'gone.csv')}): no such file`, find(text, 'data/gone.csv')],
    ['template-unknown-column', 'data set "users" has no column "emial" — did you mean "email"? (its columns: email, password, first name)', find(text, 'emial')],
  ]);
});

test('hover on a data set name shows its file, pick, rows and columns', async () => {
  const text = file(SETS, '/x?e={{ users.email }}');
  const uri = uriOf();
  await client.open(uri, text);
  for (const at of [find(text, 'users:'), find(text, 'users.email', 2)]) {
    const hover = await client.hover(uri, at);
    const value = (hover?.contents as MarkupContent).value;
    assert.match(value, /\*\*users\*\*: data set from `data\/users.csv`, pick `unique`/);
    assert.match(value, /2 rows; columns: `email`, `password`, `first name`/);
  }
});

test('go-to-definition and rename of a data set name reach its key and every template reading it', async () => {
  const text = file(SETS, '/x?e={{ users.email }}&p={{ users.password }}');
  const uri = uriOf();
  await client.open(uri, text);
  const definition = await client.definition(uri, find(text, 'users.password', 1));
  assert.deepEqual(definition.map((l) => l.range.start), [find(text, 'users:')]);
  const edit = await client.rename(uri, find(text, 'users.email', 1), 'people');
  const edits = edit?.changes?.[uri] ?? [];
  assert.deepEqual(
    edits.map((e) => e.range.start).sort((a, b) => a.line - b.line || a.character - b.character),
    [find(text, 'users:'), find(text, 'users.email'), find(text, 'users.password')],
  );
});

test('a capture with the name of a data set is an error at the capture', async () => {
  const text = file(SETS, '/x?e={{ users.email }}').replace('      - get: "/x?e={{ users.email }}"\n', '      - get: "/x?e={{ users.email }}"\n        capture: { users: json.id }\n');
  const uri = uriOf();
  await client.open(uri, text);
  const published = await client.diagnosticsFor(uri, 1);
  assert.deepEqual(
    published.diagnostics.map((d) => [d.code, d.range.start]),
    [['capture-named-like-data-set', find(text, 'users: json.id')]],
  );
});
