import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDuration } from '../../src/engine/scenario/duration';
import { scenarioDuration } from '../../src/format';

const valid: Array<[string, number]> = [
  ['1m30s', 90_000],
  ['500ms', 500],
  ['2h', 7_200_000],
  ['1.5s', 1500],
  ['10s', 10_000],
  ['1h2m3s4ms', 3_723_004],
  ['0s', 0],
  ['250us', 0.25],
  ['250µs', 0.25],
  ['250μs', 0.25],
  ['1000000ns', 1],
  ['.5s', 500],
  ['  30s  ', 30_000],
  ['+1s', 1000],
  ['1m0.5s', 60_500],
  ['90m', 5_400_000],
  ['1s500ms', 1500],
];

test('parseDuration accepts k6 durations', () => {
  for (const [text, ms] of valid) {
    const r = parseDuration(text);
    assert.deepEqual(r, { ok: true, ms }, text);
  }
});

const invalid: Array<[string, RegExp]> = [
  ['30', /no unit: add one, e\.g\. "30s"/],
  ['0', /no unit/],
  ['1.5', /no unit: add one, e\.g\. "1\.5s"/],
  ['', /empty duration/],
  ['   ', /empty duration/],
  ['-1s', /negative/],
  ['1d', /unknown unit "d"/],
  ['5 s', /unknown unit/],
  ['1m30', /missing unit after "30"/],
  ['s', /unexpected "s"/],
  ['ms', /unexpected "m"/],
  ['1sec', /unexpected "e"/],
  ['1.2.3s', /unknown unit|unexpected/],
  ['+', /not a duration/],
  ['abc', /unexpected "a"/],
  ['1e3ms', /unknown unit "e"/],
];

test('parseDuration rejects bad input with a message', () => {
  for (const [text, message] of invalid) {
    const r = parseDuration(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.message, message, `${text}: ${r.message}`);
  }
});

test('parseDuration rejects non-strings and huge values without throwing', () => {
  assert.equal(parseDuration(30 as unknown as string).ok, false);
  assert.equal(parseDuration(undefined as unknown as string).ok, false);
  assert.equal(parseDuration('9'.repeat(400) + 'h').ok, false);
});

test('scenarioDuration writes the shortest k6 form', () => {
  const cases: Array<[number, string]> = [
    [90_000, '1m30s'],
    [500, '500ms'],
    [0, '0s'],
    [3_723_004, '1h2m3s4ms'],
    [7_200_000, '2h'],
    [1500, '1s500ms'],
    [0.25, '250us'],
    [1.5, '1ms500us'],
    [60_000, '1m'],
    [86_400_000, '24h'],
    [-1000, '-1s'],
    [0.0001, '0s'],
  ];
  for (const [ms, text] of cases) assert.equal(scenarioDuration(ms), text, String(ms));
  assert.equal(scenarioDuration(Infinity), 'Infinity');
  assert.equal(scenarioDuration(NaN), 'NaN');
});

test('scenarioDuration round-trips through parseDuration', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
      const r = parseDuration(scenarioDuration(ms));
      return r.ok && r.ms === ms;
    }),
    { numRuns: 500 },
  );
});

test('parseDuration never throws', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9.µsmhun +-]{0,12}$/)), (s) => {
      const r = parseDuration(s);
      return r.ok ? Number.isFinite(r.ms) && r.ms >= 0 : typeof r.message === 'string' && r.message.length > 0;
    }),
    { numRuns: 1000 },
  );
});
