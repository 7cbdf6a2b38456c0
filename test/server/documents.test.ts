// The document cache: one parse per version, shared by every feature; a new version parses again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentCache } from '../../src/server/documents';
import { complete } from '../../src/server/completion';
import { hover } from '../../src/server/hover';
import { codeLenses } from '../../src/server/code-lens';
import { documentSymbols } from '../../src/server/symbols';
import { foldingRanges } from '../../src/server/folding';
import { EstimateStore } from '../../src/server/estimates';

const TEXT = readFileSync(resolve(__dirname, '../fixtures/design-example.volley.yaml'), 'utf8');

test('every feature reads the same parse of a version; an edit parses once more', () => {
  const cache = new DocumentCache();
  const v1 = TextDocument.create('file:///x.volley.yaml', 'volley', 1, TEXT);
  const first = cache.get(v1);
  for (let i = 0; i < 5; i++) {
    const doc = cache.get(v1);
    assert.equal(doc, first);
    complete(doc, { line: 14, character: 4 });
    hover(doc, { line: 14, character: 5 }, new EstimateStore());
    codeLenses(doc);
    documentSymbols(doc.model);
    foldingRanges(doc.lines);
    assert.equal(doc.diagnostics, first.diagnostics);
  }
  assert.equal(cache.parses, 1);
  const v2 = TextDocument.update(v1, [{ text: TEXT.replace('rate: 200', 'rate: 300') }], 2);
  const second = cache.get(v2);
  assert.notEqual(second, first);
  assert.equal(second.model.scenarios[0].values.rate, 300);
  assert.equal(cache.parses, 2);
});

test('features never throw on a half-typed file: every prefix of the example, cursor at its end', () => {
  const cache = new DocumentCache();
  for (let end = 0; end <= TEXT.length; end += 9) {
    const text = TEXT.slice(0, end);
    const doc = cache.get(TextDocument.create('file:///prefix.volley.yaml', 'volley', end, text));
    const lines = text.split('\n');
    const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
    complete(doc, position);
    hover(doc, position, new EstimateStore());
    codeLenses(doc);
    documentSymbols(doc.model);
    foldingRanges(doc.lines);
  }
  assert.equal(cache.parses, Math.floor(TEXT.length / 9) + 1);
});
