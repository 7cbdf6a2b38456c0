import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  aggregationName,
  aggregationsFor,
  compare,
  isAggregationAllowed,
  metricType,
  parseMetricKey,
  parseThresholdExpression,
} from '../../src/engine/scenario/threshold-expr';
import type { Aggregation, Comparison } from '../../src/engine/scenario/plan';
import { METRICS } from '../../src/engine/metrics/catalogue';

const valid: Array<[string, Aggregation, Comparison, number]> = [
  ['p(95)<300', { kind: 'percentile', p: 95 }, '<', 300],
  ['p(99.9) <= 1000', { kind: 'percentile', p: 99.9 }, '<=', 1000],
  ['p( 90 )<1', { kind: 'percentile', p: 90 }, '<', 1],
  ['p(0)>=0', { kind: 'percentile', p: 0 }, '>=', 0],
  ['p(100)<5', { kind: 'percentile', p: 100 }, '<', 5],
  ['rate<0.01', { kind: 'rate' }, '<', 0.01],
  ['count==0', { kind: 'count' }, '==', 0],
  ['count===0', { kind: 'count' }, '===', 0],
  ['avg<200', { kind: 'avg' }, '<', 200],
  ['med>=1', { kind: 'med' }, '>=', 1],
  ['max!=3', { kind: 'max' }, '!=', 3],
  ['value>1', { kind: 'value' }, '>', 1],
  ['min<2', { kind: 'min' }, '<', 2],
  ['  avg  <  200  ', { kind: 'avg' }, '<', 200],
  ['\tavg<\t2', { kind: 'avg' }, '<', 2],
  ['rate>.5', { kind: 'rate' }, '>', 0.5],
  ['value>-1', { kind: 'value' }, '>', -1],
  ['avg<1e3', { kind: 'avg' }, '<', 1000],
  ['rate>=0.95', { kind: 'rate' }, '>=', 0.95],
];

test('parseThresholdExpression accepts k6 threshold expressions', () => {
  for (const [text, aggregation, op, value] of valid) {
    assert.deepEqual(parseThresholdExpression(text), { ok: true, aggregation, op, value }, text);
  }
});

const invalid: Array<[string, number, number, RegExp]> = [
  ['', 0, 0, /empty threshold/],
  ['   ', 0, 3, /empty threshold/],
  ['p95<300', 0, 3, /unknown aggregation "p95" — did you mean "p\(95\)"\?/],
  ['avrg<300', 0, 4, /did you mean "avg"/],
  ['mean<3', 0, 4, /unknown aggregation "mean"/],
  ['average<3', 0, 7, /unknown aggregation "average" \(avg, min/],
  ['P(95)<300', 0, 1, /did you mean "p\(N\)"/],
  ['p(95<300', 4, 1, /expected "\)"/],
  ['p()<300', 2, 1, /percentile between 0 and 100/],
  ['p(abc)<300', 2, 3, /percentile between 0 and 100/],
  ['p(101)<300', 2, 3, /out of range/],
  ['p(-1)<3', 2, 2, /out of range/],
  ['p 95<3', 2, 1, /expected "\(" after "p"/],
  ['p', 1, 0, /expected "\("/],
  ['avg', 3, 0, /expected a comparison/],
  ['avg 300', 4, 3, /expected a comparison .* found "300"/],
  ['avg=300', 3, 1, /use "=="/],
  ['avg=>300', 3, 1, /use "=="/],
  ['avg<', 4, 0, /expected a number after "<"/],
  ['avg< fast', 5, 4, /expected a number after "<", found "fast"/],
  ['avg<300ms', 7, 2, /drop the unit "ms"/],
  ['avg<1s', 5, 1, /drop the unit "s"/],
  ['avg<300 300', 8, 3, /unexpected "300" after/],
  ['avg<300 && max<5', 8, 8, /unexpected "&& max<5"/],
  ['<300', 0, 1, /expected an aggregation .* found "<"/],
  ['95<300', 0, 2, /expected an aggregation/],
  ['avg<1e999', 4, 5, /too large/],
];

test('parseThresholdExpression reports located errors', () => {
  for (const [text, offset, length, message] of invalid) {
    const r = parseThresholdExpression(text);
    assert.equal(r.ok, false, text);
    if (r.ok) continue;
    assert.match(r.message, message, `${text}: ${r.message}`);
    assert.equal(r.offset, offset, `${text} offset (${r.message})`);
    assert.equal(r.length, length, `${text} length (${r.message})`);
  }
});

test('parseMetricKey', () => {
  const ok: Array<[string, string, Record<string, string>]> = [
    ['http_req_duration', 'http_req_duration', {}],
    ['http_req_duration{step:add to cart}', 'http_req_duration', { step: 'add to cart' }],
    ['http_reqs{scenario:browse,status:200}', 'http_reqs', { scenario: 'browse', status: '200' }],
    ['http_reqs{ scenario : browse , status: 200 }', 'http_reqs', { scenario: 'browse', status: '200' }],
    ['http_req_duration{url:http://127.0.0.1:8080/x}', 'http_req_duration', { url: 'http://127.0.0.1:8080/x' }],
    ['http_req_duration{name:"quoted value"}', 'http_req_duration', { name: 'quoted value' }],
    ["checks{'check':'status is 200'}", 'checks', { check: 'status is 200' }],
    ['  my_custom_metric  ', 'my_custom_metric', {}],
  ];
  for (const [text, metric, tags] of ok) {
    const parsed = parseMetricKey(text);
    assert.deepEqual(parsed.ok ? { ok: true, metric: parsed.metric, tags: parsed.tags } : parsed, { ok: true, metric, tags }, text);
  }

  const bad: Array<[string, number, number, RegExp]> = [
    ['', 0, 0, /empty metric name/],
    ['http_req_duration{step:x', 17, 1, /"\{" is not closed/],
    ['http_req_duration}', 17, 1, /"\}" without a matching "\{"/],
    ['http_req_duration{step:x}abc', 25, 3, /unexpected "abc" after "\}"/],
    ['http_req_duration{}', 17, 2, /empty tag filter/],
    ['http_req_duration{ }', 17, 3, /empty tag filter/],
    ['http_req_duration{step}', 18, 4, /tag "step" needs a value/],
    ['http_req_duration{a:1,step}', 22, 4, /tag "step" needs a value/],
    ['http_req_duration{a:1, b}', 23, 1, /tag "b" needs a value/],
    ['http_req_duration{step:}', 22, 1, /has no value/],
    ['http_req_duration{:x}', 18, 1, /needs a name/],
    ['http_req_duration{a:1,a:2}', 22, 3, /given twice/],
    ['http_req_duration{a:{b}}', 20, 1, /unexpected "\{"/],
    ['{step:x}', 0, 1, /metric name before/],
    ['http-req-duration', 4, 1, /unexpected "-"/],
    ['http req', 4, 1, /unexpected " "/],
    ['1metric', 0, 1, /letters, digits/],
  ];
  for (const [text, offset, length, message] of bad) {
    const r = parseMetricKey(text);
    assert.equal(r.ok, false, text);
    if (r.ok) continue;
    assert.match(r.message, message, `${text}: ${r.message}`);
    assert.equal(r.offset, offset, `${text} offset (${r.message})`);
    assert.equal(r.length, length, `${text} length (${r.message})`);
  }
});

test('aggregations per metric type follow k6', () => {
  assert.deepEqual(aggregationsFor('counter'), ['count', 'rate']);
  assert.deepEqual(aggregationsFor('gauge'), ['value']);
  assert.deepEqual(aggregationsFor('rate'), ['rate']);
  assert.deepEqual(aggregationsFor('trend'), ['avg', 'min', 'med', 'max', 'p(N)']);
  assert.equal(isAggregationAllowed('trend', { kind: 'percentile', p: 95 }), true);
  assert.equal(isAggregationAllowed('trend', { kind: 'count' }), false);
  assert.equal(isAggregationAllowed('counter', { kind: 'rate' }), true);
  assert.equal(isAggregationAllowed('rate', { kind: 'avg' }), false);
  assert.equal(isAggregationAllowed('gauge', { kind: 'value' }), true);
  assert.equal(metricType('http_req_duration'), 'trend');
  assert.equal(metricType('http_req_failed'), 'rate');
  assert.equal(metricType('dropped_iterations'), 'counter');
  assert.equal(metricType('vus'), 'gauge');
  assert.equal(metricType('constructor'), undefined);
  assert.equal(metricType('nope'), undefined);
  for (const [name, type] of Object.entries(METRICS)) assert.equal(metricType(name), type);
});

test('aggregationName round-trips through the parser', () => {
  const all: Aggregation[] = [
    { kind: 'count' },
    { kind: 'rate' },
    { kind: 'value' },
    { kind: 'avg' },
    { kind: 'min' },
    { kind: 'med' },
    { kind: 'max' },
    { kind: 'percentile', p: 95 },
    { kind: 'percentile', p: 99.9 },
  ];
  assert.deepEqual(all.map(aggregationName), ['count', 'rate', 'value', 'avg', 'min', 'med', 'max', 'p(95)', 'p(99.9)']);
  for (const a of all) {
    const r = parseThresholdExpression(`${aggregationName(a)}<1`);
    assert.ok(r.ok);
    assert.deepEqual(r.aggregation, a);
  }
});

test('compare', () => {
  const cases: Array<[number, Comparison, number, boolean]> = [
    [1, '<', 2, true],
    [2, '<', 2, false],
    [2, '<=', 2, true],
    [3, '>', 2, true],
    [2, '>', 2, false],
    [2, '>=', 2, true],
    [0, '==', 0, true],
    [0, '===', 0, true],
    [1, '==', 0, false],
    [1, '!=', 0, true],
    [0, '!=', 0, false],
    [NaN, '<', 1, false],
    [NaN, '!=', 1, true],
  ];
  for (const [a, op, b, expected] of cases) assert.equal(compare(a, op, b), expected, `${a}${op}${b}`);
});

test('parsers never throw and keep errors inside the text', () => {
  const soup = fc.array(fc.constantFrom('p', '(', ')', '9', '5', '.', '<', '=', '>', '!', ' ', 'avg', 'rate', 'count', '{', '}', ':', ',', 'x', '-', 'e'), { maxLength: 20 }).map((a) => a.join(''));
  fc.assert(
    fc.property(fc.oneof(fc.string(), soup), (text) => {
      for (const r of [parseThresholdExpression(text), parseMetricKey(text)]) {
        if (!r.ok && !(r.offset >= 0 && r.length >= 0 && r.offset + r.length <= text.length && r.message.length > 0)) return false;
      }
      return true;
    }),
    { numRuns: 2000 },
  );
});
