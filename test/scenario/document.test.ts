// The parsed document the language server works on: positions, ranges, and what is under a cursor,
// including in half-typed documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isScalar } from 'yaml';
import { parseScenarioDocument, validateDocument } from '../../src/engine/scenario/index';

/** The offset of the `|` marker, and the text without it. */
function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'marker');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

const LOCATIONS: Array<[string, Array<string | number>, 'key' | 'value' | 'none', string?]> = [
  ['scenarios:\n  a:\n    executor: constant-arr|', ['scenarios', 'a', 'executor'], 'value', 'constant-arr'],
  ['scenarios:\n  a:\n    executor: cons|tant-arr', ['scenarios', 'a', 'executor'], 'value', 'cons'],
  ['scenarios:\n  a:\n    executor: x\n    ra|', ['scenarios', 'a', 'ra'], 'key', 'ra'],
  ['scenarios:\n  a:\n    ra|', ['scenarios', 'a', 'ra'], 'key', 'ra'],
  ['scenarios:\n  a:\n    executor: x\n    |', ['scenarios', 'a', ''], 'key', ''],
  ['scenarios:\n  a:\n    executor: x\n\n    |\n    flow: []\n', ['scenarios', 'a', ''], 'key', ''],
  ['scenarios:\n  a:\n    executor: x\n  |', ['scenarios', ''], 'key', ''],
  ['scenarios:\n  a:\n    executor: x\n|', [''], 'key', ''],
  ['scenarios:\n  a:\n    executor: |', ['scenarios', 'a', 'executor'], 'value', ''],
  ['scenarios:\n  a:\n    flow:\n      - get: /x\n        |', ['scenarios', 'a', 'flow', 0, ''], 'key', ''],
  ['scenarios:\n  a:\n    flow:\n      - get: /x\n      - |', ['scenarios', 'a', 'flow', 1], 'value', ''],
  ['scenarios:\n  a:\n    flow:\n      - get: /x\n        check: { sta| }', ['scenarios', 'a', 'flow', 0, 'check', 'sta'], 'key', 'sta'],
  ['scenarios:\n  a:\n    flow:\n      - get: /products?page={{ it|', ['scenarios', 'a', 'flow', 0, 'get'], 'value', '/products?page={{ it'],
  ['scen|', ['scen'], 'key', 'scen'],
  ['|', [''], 'key', ''],
  ['thresholds:\n  "http_req_duration{step:x}": [p(9|5)<300]', ['thresholds', 'http_req_duration{step:x}', 0], 'value', 'p(9'],
];

for (const [marked, path, kind, prefix] of LOCATIONS) {
  test(`locate: ${JSON.stringify(marked)}`, () => {
    const { text, offset } = cursor(marked);
    const doc = parseScenarioDocument(text);
    const at = doc.locate(offset);
    assert.deepEqual(at.path, path);
    assert.equal(at.kind, kind);
    if (prefix !== undefined) assert.equal(at.prefix, prefix);
    assert.deepEqual(doc.pathAt(offset), path);
  });
}

test('positions are zero-based line/character and round-trip through offsets, CRLF included', () => {
  const text = 'name: a\r\nscenarios:\r\n  s: {}\r\n';
  const doc = parseScenarioDocument(text);
  const offset = text.indexOf('  s:') + 2;
  assert.deepEqual(doc.positionAt(offset), { line: 2, character: 2 });
  assert.equal(doc.offsetAt({ line: 2, character: 2 }), offset);
  assert.deepEqual(doc.positionAt(0), { line: 0, character: 0 });
  assert.deepEqual(doc.positionAt(text.length + 10), doc.positionAt(text.length));
  assert.equal(doc.offsetAt({ line: 99, character: 0 }), text.length);
});

test('nodeAt, keyNodeAt and rangeOf find nodes by key path', () => {
  const text = 'scenarios:\n  browse:\n    executor: constant-vus\n    flow:\n      - name: list\n        get: /products\n';
  const doc = parseScenarioDocument(text);
  const get = doc.nodeAt(['scenarios', 'browse', 'flow', 0, 'get']);
  assert.ok(isScalar(get));
  assert.equal(get.value, '/products');
  assert.deepEqual(doc.rangeOf(get), { start: { line: 5, character: 13 }, end: { line: 5, character: 22 } });
  const key = doc.keyNodeAt(['scenarios', 'browse']);
  assert.ok(key);
  assert.deepEqual(doc.rangeOf(key), { start: { line: 1, character: 2 }, end: { line: 1, character: 8 } });
  assert.equal(doc.nodeAt(['scenarios', 'nope']), undefined);
  assert.equal(doc.nodeAt(['scenarios', 'browse', 'flow', 5]), undefined);
  // A block map's range stops at its last character, not at the next key's line.
  assert.deepEqual(doc.rangeOf(doc.nodeAt(['scenarios', 'browse', 'flow', 0])!).end, { line: 5, character: 22 });
});

test('a half-typed document still gives a tree and located diagnostics', () => {
  const text = 'baseUrl: http://127.0.0.1:1\nscenarios:\n  a:\n    executor: constant-arr';
  const doc = parseScenarioDocument(text);
  assert.equal(doc.syntaxDiagnostics.length, 0);
  const diagnostics = validateDocument(doc);
  const unknown = diagnostics.find((d) => d.code === 'unknown-value');
  assert.ok(unknown);
  assert.deepEqual(unknown.range, { start: { line: 3, character: 14 }, end: { line: 3, character: 26 } });
  assert.equal(unknown.fixes?.[0].newText, 'constant-arrival-rate');
});

test('YAML syntax errors become diagnostics at their place, and the rest of the tree is kept', () => {
  const text = 'scenarios:\n  a:\n    executor: constant-vus\n    duration: 5s\n    flow:\n      - get: "/x\n';
  const doc = parseScenarioDocument(text);
  assert.ok(doc.syntaxDiagnostics.length > 0);
  for (const d of doc.syntaxDiagnostics) {
    assert.equal(d.code, 'yaml-syntax');
    assert.match(d.message, /^YAML: /);
  }
  assert.ok(isScalar(doc.nodeAt(['scenarios', 'a', 'executor'])));
});

test('brackets in a plain scalar inside a flow map parse as text, at the same offsets', () => {
  const text = 'capture: { firstId: json.items[0].id, other: "[x]" }\nlist: [a, [b]]\n';
  const doc = parseScenarioDocument(text);
  assert.deepEqual(doc.syntaxDiagnostics, []);
  assert.deepEqual(doc.yaml.toJS(), { capture: { firstId: 'json.items[0].id', other: '[x]' }, list: ['a', ['b']] });
  const node = doc.nodeAt(['capture', 'firstId'])!;
  assert.equal(text.slice(...doc.offsetsOf(node)), 'json.items[0].id');
});
