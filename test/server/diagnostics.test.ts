// The language server over its real protocol: diagnostics with ranges, versioned, and quick fixes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest } from 'vscode-languageserver-protocol';
import { TestClient } from './lsp-client';

let client: TestClient;
before(async () => {
  client = new TestClient();
  await client.initialize();
});
after(() => client.close());

const VALID = readFileSync(resolve(__dirname, '../fixtures/design-example.volley.yaml'), 'utf8');

test('a valid document gets an empty diagnostics list', async () => {
  const uri = 'file:///work/valid.volley.yaml';
  await client.open(uri, VALID);
  const published = await client.diagnosticsFor(uri, 1);
  assert.deepEqual(published.diagnostics, []);
});

test('a misspelt executor gets an error on the value, and a quick fix that replaces it', async () => {
  const uri = 'file:///work/typo.volley.yaml';
  const text = VALID.replace('executor: constant-arrival-rate', 'executor: constant-arival-rate');
  await client.open(uri, text);
  const published = await client.diagnosticsFor(uri, 1);
  const error = published.diagnostics.find((d) => String(d.message).includes('constant-arival-rate'));
  assert.ok(error, JSON.stringify(published.diagnostics));
  assert.equal(error.severity, 1);
  const line = text.split('\n').findIndex((l) => l.includes('constant-arival-rate'));
  const character = text.split('\n')[line]!.indexOf('constant-arival-rate');
  assert.deepEqual(error.range, {
    start: { line, character },
    end: { line, character: character + 'constant-arival-rate'.length },
  });

  const actions = await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: error.range,
    context: { diagnostics: [error] },
  });
  const fix = actions?.find((a) => 'edit' in a && a.edit);
  assert.ok(fix && 'edit' in fix && fix.edit?.changes, JSON.stringify(actions));
  assert.deepEqual(fix.edit.changes[uri], [{ range: error.range, newText: 'constant-arrival-rate' }]);
});

test('diagnostics follow edits and are never stale', async () => {
  const uri = 'file:///work/edits.volley.yaml';
  await client.open(uri, VALID.replace('rate: 200', 'rate: -5'));
  const first = await client.diagnosticsFor(uri, 1);
  assert.ok(first.diagnostics.some((d) => d.severity === 1));
  // Two quick edits inside the debounce window: only the last version may be published.
  await client.change(uri, VALID.replace('rate: 200', 'rate: 0'), 2);
  await client.change(uri, VALID, 3);
  const third = await client.diagnosticsFor(uri, 3);
  assert.deepEqual(third.diagnostics, []);
  assert.equal(client.published(uri).some((p) => p.version === 2), false);
});

test("a multipart file part whose file cannot be read is an error at its file: value, relative to the document's file", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'volley-upload-'));
  try {
    writeFileSync(join(dir, 'present.pdf'), 'pdf');
    const uri = pathToFileURL(join(dir, 'upload.volley.yaml')).href;
    const text =
      'baseUrl: http://127.0.0.1:7878\nscenarios:\n  s:\n    executor: constant-vus\n    duration: 5s\n    flow:\n' +
      '      - post: /up\n        multipart:\n          a: { file: present.pdf }\n          b: { file: data/absent.pdf }\n';
    await client.open(uri, text);
    const published = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.code, d.message, d.range]),
      [[
        'unreadable-body-file',
        `cannot read "data/absent.pdf" (${join(dir, 'data/absent.pdf')}): no such file`,
        { start: { line: 9, character: 21 }, end: { line: 9, character: 36 } },
      ]],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
