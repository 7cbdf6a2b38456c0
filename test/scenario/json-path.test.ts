import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  compareValues,
  evalJsonPath,
  parseCaptureSource,
  parseCheckExpectation,
  parseJsonPath,
  regexCaptureValue,
} from '../../src/engine/scenario/json-path';
import type { Comparison, JsonPath } from '../../src/engine/scenario/plan';

test('parseJsonPath accepts dotted and bracketed paths', () => {
  const cases: Array<[string, JsonPath]> = [
    ['', []],
    ['$', []],
    ['items', ['items']],
    ['items[0].id', ['items', 0, 'id']],
    ["data.users[2]['first name']", ['data', 'users', 2, 'first name']],
    ['data.users[2]["first name"]', ['data', 'users', 2, 'first name']],
    ['$.items[0]', ['items', 0]],
    ['$[0].id', [0, 'id']],
    ['[0]', [0]],
    ['[0][1]', [0, 1]],
    ['items[-1]', ['items', -1]],
    ['items[ 3 ]', ['items', 3]],
    ["a['it\\'s']", ['a', "it's"]],
    ["a['x.y[z]']", ['a', 'x.y[z]']],
    ["a['']", ['a', '']],
    ['x-request-id', ['x-request-id']],
    ['$ref.a', ['$ref', 'a']],
    ['a.0.b', ['a', '0', 'b']],
    ['données.clé', ['données', 'clé']],
  ];
  for (const [text, path] of cases) assert.deepEqual(parseJsonPath(text), { ok: true, path }, text);
});

test('parseJsonPath reports located errors', () => {
  const cases: Array<[string, number, number, RegExp]> = [
    ['.items', 0, 1, /starts with a name or "\["/],
    ['a..b', 2, 1, /empty name between dots/],
    ['a.', 1, 1, /expected a name after "\."/],
    ['$.', 1, 1, /expected a name after "\$\."/],
    ['items[0', 5, 1, /"\[" is not closed/],
    ['items[]', 6, 1, /empty "\[\]"/],
    ['items[abc]', 6, 3, /"abc" is not an index/],
    ['items[*]', 6, 1, /wildcards are not supported/],
    ['items[1.5]', 6, 3, /not an index/],
    ["items['id]", 6, 4, /unterminated name/],
    ["items['id'x]", 10, 1, /expected "\]" after the quoted name/],
    ['items[0]id', 8, 1, /expected "\." or "\[" after a path segment/],
    ['a b', 1, 1, /unexpected " "/],
    ['a]', 1, 1, /"\]" without a matching "\["/],
    ["a'b'", 1, 1, /unexpected "'"/],
    ['items[99999999999999999999]', 6, 20, /too large/],
  ];
  for (const [text, offset, length, message] of cases) {
    const r = parseJsonPath(text);
    assert.equal(r.ok, false, text);
    if (r.ok) continue;
    assert.match(r.message, message, `${text}: ${r.message}`);
    assert.equal(r.offset, offset, `${text} offset (${r.message})`);
    assert.equal(r.length, length, `${text} length (${r.message})`);
  }
});

test('evalJsonPath', () => {
  const doc = {
    items: [{ id: 1 }, { id: 2, tags: ['a', 'b'] }, { id: 3 }],
    data: { users: [{}, {}, { 'first name': 'Ada' }] },
    nothing: null,
    zero: 0,
    '0': 'zero key',
  };
  const cases: Array<[string, unknown]> = [
    ['', doc],
    ['items[0].id', 1],
    ['items[-1].id', 3],
    ['items[-3].id', 1],
    ['items[-4]', undefined],
    ['items[3]', undefined],
    ['items[1].tags[1]', 'b'],
    ['items.1.id', 2],
    ['items.length', 3],
    ["data.users[2]['first name']", 'Ada'],
    ['nothing', null],
    ['nothing.x', undefined],
    ['zero', 0],
    ['zero.x', undefined],
    ['[0]', 'zero key'],
    ['missing.deep.path', undefined],
    ['items[0].id.x', undefined],
    ['constructor', undefined],
    ['__proto__', undefined],
    ['items.map', undefined],
    ['toString', undefined],
  ];
  for (const [text, expected] of cases) {
    const parsed = parseJsonPath(text);
    assert.ok(parsed.ok, text);
    assert.deepEqual(evalJsonPath(doc, parsed.path), expected, text);
  }
  assert.equal(evalJsonPath('text', ['length']), undefined);
  assert.equal(evalJsonPath(undefined, ['a']), undefined);
  assert.equal(evalJsonPath(5, []), 5);
  assert.equal(evalJsonPath([10, 20], [-1]), 20);
});

test('parseCaptureSource', () => {
  const json = parseCaptureSource('json.items[0].id');
  assert.deepEqual(json, { ok: true, capture: { kind: 'json', path: ['items', 0, 'id'] } });
  assert.deepEqual(parseCaptureSource('json'), { ok: true, capture: { kind: 'json', path: [] } });
  assert.deepEqual(parseCaptureSource('json[0]'), { ok: true, capture: { kind: 'json', path: [0] } });
  assert.deepEqual(parseCaptureSource('json.$.a'), { ok: true, capture: { kind: 'json', path: ['a'] } });
  assert.deepEqual(parseCaptureSource('header.X-Token'), { ok: true, capture: { kind: 'header', header: 'x-token' } });
  assert.deepEqual(parseCaptureSource('header.set-cookie'), { ok: true, capture: { kind: 'header', header: 'set-cookie' } });

  const regex = parseCaptureSource('regex:session=(\\w+)');
  assert.ok(regex.ok && regex.capture.kind === 'regex');
  assert.equal(regexCaptureValue(regex.capture.regex, 'a; session=abc123; b'), 'abc123');
  assert.equal(regexCaptureValue(regex.capture.regex, 'nothing here'), undefined);
  const whole = parseCaptureSource('regex:id-\\d+');
  assert.ok(whole.ok && whole.capture.kind === 'regex');
  assert.equal(regexCaptureValue(whole.capture.regex, 'x id-42 y'), 'id-42');
  const nonCapturing = parseCaptureSource('regex:(?:a|b)(\\d+)');
  assert.ok(nonCapturing.ok && nonCapturing.capture.kind === 'regex');
  assert.equal(regexCaptureValue(nonCapturing.capture.regex, 'b7'), '7');
  const named = parseCaptureSource('regex:(?<v>\\d+)');
  assert.ok(named.ok);

  const bad: Array<[string, number, number, RegExp]> = [
    ['', 0, 0, /expected a capture source/],
    ['json.', 4, 1, /expected a path after "json\."/],
    ['json.items[', 10, 1, /"\[" is not closed/],
    ['json.a..b', 7, 1, /empty name/],
    ['json.items[x]', 11, 1, /"x" is not an index/],
    ['header.', 6, 1, /expected a header name/],
    ['header.X Token', 8, 1, /cannot contain " "/],
    ['header.a:b', 8, 1, /cannot contain ":"/],
    ['regex:', 5, 1, /expected a pattern/],
    ['regex:(unclosed', 6, 9, /invalid regular expression/],
    ['regex:(a)(b)', 6, 6, /2 capture groups.*\(\?:\.\.\.\)/],
    ['jsn.items', 0, 3, /unknown capture source "jsn" — did you mean "json"\?/],
    ['headers.x', 0, 7, /did you mean "header"/],
    ['body', 0, 4, /unknown capture source "body": use json\.PATH/],
    ['.items', 0, 6, /unknown capture source/],
  ];
  for (const [text, offset, length, message] of bad) {
    const r = parseCaptureSource(text);
    assert.equal(r.ok, false, text);
    if (r.ok) continue;
    assert.match(r.message, message, `${text}: ${r.message}`);
    assert.equal(r.offset, offset, `${text} offset (${r.message})`);
    assert.equal(r.length, length, `${text} length (${r.message})`);
  }
});

test('parseCheckExpectation', () => {
  const ok: Array<[unknown, Comparison, unknown]> = [
    ['> 0', '>', 0],
    ['>0', '>', 0],
    ['  >= 1.5', '>=', 1.5],
    ['< -3', '<', -3],
    ['<= 10', '<=', 10],
    ["!= 'x'", '!=', 'x'],
    ['!= "x y"', '!=', 'x y'],
    ['== true', '==', true],
    ['== false', '==', false],
    ['== null', '==', null],
    ['=== 5', '===', 5],
    ['!== 5', '!=', 5],
    ["== 'it\\'s'", '==', "it's"],
    ["== ''", '==', ''],
    ["> 'b'", '>', 'b'],
    ['ok', '==', 'ok'],
    ['', '==', ''],
    ['200', '==', '200'],
    [200, '==', 200],
    [true, '==', true],
    [false, '==', false],
    [null, '==', null],
    [0, '==', 0],
  ];
  for (const [value, op, expected] of ok) assert.deepEqual(parseCheckExpectation(value), { ok: true, op, expected }, String(value));

  const bad: Array<[unknown, RegExp]> = [
    ['>', /expected a value after ">"/],
    ['!=   ', /expected a value after "!="/],
    ['!= ok', /quote text: != 'ok'/],
    ['<html>', /found "html>"/],
    ["== 'unterminated", /expected a number, a quoted string/],
    ["== 'a' 'b'", /expected a number/],
    ['> true', /compares numbers or text, not true/],
    ['< null', /not null/],
    [undefined, /expected a value/],
    [{ a: 1 }, /expected a value/],
    [[1], /expected a value/],
    [NaN, /finite/],
  ];
  for (const [value, message] of bad) {
    const r = parseCheckExpectation(value);
    assert.equal(r.ok, false, String(value));
    if (!r.ok) assert.match(r.message, message, `${String(value)}: ${r.message}`);
  }
});

test('compareValues', () => {
  const cases: Array<[unknown, Comparison, unknown, boolean]> = [
    [5, '>', 0, true],
    ['5', '>', 0, true],
    [0, '>', 0, false],
    [undefined, '>', 0, false],
    [null, '<', 1, false],
    ['abc', '>', 0, false],
    ['b', '>', 'a', true],
    [2, '<=', 2, true],
    [1, '>=', 2, false],
    ['ok', '==', 'ok', true],
    ['OK', '==', 'ok', false],
    [5, '==', '5', true],
    ['5', '==', 5, true],
    [5, '===', '5', false],
    [5, '===', 5, true],
    [true, '==', true, true],
    [true, '==', 'true', false],
    [null, '==', null, true],
    [undefined, '==', null, false],
    [undefined, '!=', 'x', true],
    [{ a: [1, 2] }, '==', { a: [1, 2] }, true],
    [{ a: [1, 2] }, '==', { a: [2, 1] }, false],
    [[1], '==', { 0: 1 }, false],
    ['', '==', 0, false],
    [1, '!=', 2, true],
    [1, '!=', '1', false],
  ];
  for (const [actual, op, expected, result] of cases) {
    assert.equal(compareValues(actual, op, expected), result, `${JSON.stringify(actual)} ${op} ${JSON.stringify(expected)}`);
  }
});

test('parsers never throw and keep errors inside the text', () => {
  const soup = fc
    .array(fc.constantFrom('json', 'header', 'regex:', '.', '[', ']', "'", '"', '\\', '0', '-1', 'a', ' ', '$', '(', ')', '*', '?', '+', '|'), { maxLength: 16 })
    .map((a) => a.join(''));
  fc.assert(
    fc.property(fc.oneof(fc.string(), soup), (text) => {
      for (const r of [parseJsonPath(text), parseCaptureSource(text)]) {
        if (!r.ok && !(r.offset >= 0 && r.length >= 0 && r.offset + r.length <= text.length && r.message.length > 0)) return false;
      }
      const path = parseJsonPath(text);
      if (path.ok) evalJsonPath({ a: [1, { b: 2 }] }, path.path);
      const e = parseCheckExpectation(text);
      return e.ok || e.message.length > 0;
    }),
    { numRuns: 2000 },
  );
});
