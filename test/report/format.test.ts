import assert from 'node:assert/strict';
import { it } from 'node:test';
import { k6Bytes, k6Count, k6Duration, k6Number, k6Percent, k6Rate, k6RunClock } from '../../src/format';

it('formats durations like k6 (truncated, units from ns to h)', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [0.0005, '500ns'],
    [0.02745, '27.45µs'],
    [0.5, '500µs'],
    [12.3, '12.3ms'],
    [12.349, '12.34ms'],
    [999.999, '999.99ms'],
    [1520, '1.52s'],
    [59_999, '59.99s'],
    [60_000, '1m0s'],
    [123_456, '2m3s'],
    [3_723_000, '1h2m3s'],
  ];
  for (const [ms, text] of cases) assert.equal(k6Duration(ms), text, `${ms} ms`);
});

it('formats bytes, percentages, numbers and rates like k6', () => {
  assert.deepEqual([0, 7, 10, 999, 1234, 34_000_000, 2.5e9].map(k6Bytes), ['0 B', '7 B', '10 B', '999 B', '1.2 kB', '34 MB', '2.5 GB']);
  assert.deepEqual([0, 1, 0.99876, 0.0001].map(k6Percent), ['0.00%', '100.00%', '99.87%', '0.01%']);
  assert.equal(k6Number(1.9856190000001), '1.985619');
  assert.equal(k6Number(200), '200');
  assert.equal(k6Rate(1.985619), '1.985619/s');
  assert.equal(k6Rate(250_000, 'bytes'), '250 kB/s');
  assert.equal(k6Count(1200), '1200');
});

it('formats the run clock of the progress line', () => {
  assert.deepEqual([0, 5000, 65_250, 720_400, 3_725_000].map(k6RunClock), ['0m00.0s', '0m05.0s', '1m05.2s', '12m00.4s', '1h02m05.0s']);
});
