import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editAtPath, editsAtPaths, yamlValue } from '../../src/extension/yaml-edit';

const apply = (text: string, change: ReturnType<typeof editAtPath>): string => {
  assert.ok(change.ok, change.ok ? '' : change.message);
  return text.slice(0, change.start) + change.newText + text.slice(change.end);
};

const FILE = `name: x
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 20
    duration: 10s
    preAllocatedVUs: 5   # too few?
    flow:
      - get: /
  other:
    executor: constant-vus
    vus: 1
    duration: 1s
    flow: [{ get: / }]
`;

test('an existing value is replaced, and the comment after it stays', () => {
  const out = apply(FILE, editAtPath(FILE, ['scenarios', 'browse', 'preAllocatedVUs'], 9));
  assert.equal(out, FILE.replace('preAllocatedVUs: 5   # too few?', 'preAllocatedVUs: 9   # too few?'));
});

test('a missing key is added as the last key of its map, lined up with its siblings', () => {
  const out = apply(FILE, editAtPath(FILE, ['scenarios', 'other', 'maxVUs'], 12));
  assert.equal(out, FILE.replace('    flow: [{ get: / }]\n', '    flow: [{ get: / }]\n    maxVUs: 12\n'));
  const nested = apply(FILE, editAtPath(FILE, ['scenarios', 'browse', 'maxVUs'], 30));
  assert.equal(nested, FILE.replace('      - get: /\n', '      - get: /\n    maxVUs: 30\n'));
});

test('edits that cannot be made keep the file and say why', () => {
  const flow = 'scenarios:\n  a: { executor: constant-vus, vus: 1 }\n';
  const refused = editAtPath(flow, ['scenarios', 'a', 'duration'], '1s');
  assert.equal(refused.ok, false);
  assert.match(refused.ok ? '' : refused.message, /inline/);
  assert.equal(editAtPath(FILE, ['scenarios', 'browse', 'flow'], 1).ok, false);
  assert.equal(editAtPath(FILE, ['scenarios', 'missing', 'rate'], 1).ok, false);
});

test('values are written so they read back the same', () => {
  assert.equal(yamlValue(3), '3');
  assert.equal(yamlValue('30s'), '30s');
  assert.equal(yamlValue('1e3'), '"1e3"');
  assert.equal(yamlValue('yes'), '"yes"');
  assert.equal(yamlValue('a: b'), '"a: b"');
  assert.equal(yamlValue(['p(95)<300']), '["p(95)<300"]');
});

test('several edits together become one change: a replaced value and an added key', () => {
  const change = editsAtPaths(FILE, [
    { path: ['scenarios', 'browse', 'preAllocatedVUs'], value: 9 },
    { path: ['scenarios', 'browse', 'maxVUs'], value: 14 },
  ]);
  const out = apply(FILE, change);
  assert.equal(out, FILE.replace('preAllocatedVUs: 5', 'preAllocatedVUs: 9').replace('      - get: /\n', '      - get: /\n    maxVUs: 14\n'));
  assert.equal(editsAtPaths(FILE, [{ path: ['scenarios', 'browse', 'flow'], value: 1 }]).ok, false);
});
