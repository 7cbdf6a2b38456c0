// A trend as a native histogram: every sample lands in the schema-3 bucket whose bounds hold it, the spans
// and deltas decode back to those counts, zeros go to the zero bucket, and count and sum are the trend's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Trend, distributionOf } from '../../src/engine/metrics/trend';
import { NATIVE_SCHEMA, bucketIndex, nativeHistogramOf } from '../../src/engine/output/prometheus-rw/native-histogram';

/** The spans and deltas back to bucket index → count. */
function decode(spans: Array<{ offset: number; length: number }>, deltas: number[]): Map<number, number> {
  const buckets = new Map<number, number>();
  let index = 0;
  let count = 0;
  let d = 0;
  spans.forEach((span, i) => {
    index = i === 0 ? span.offset : index + span.offset;
    for (let k = 0; k < span.length; k++, index++) {
      count += deltas[d++]!;
      if (count > 0) buckets.set(index, count);
    }
  });
  return buckets;
}

test('samples in ms become schema-3 buckets in seconds, spans and deltas as prompb wants them', () => {
  const trend = new Trend();
  // Off the bucket bounds: HDR keeps 3 significant digits, so a sample exactly on a bound (250 ms = 2^-2 s) may be
  // read back 0.1% above it, in the next bucket.
  const samples = [0, 0, 1, 1.05, 12, 12.3, 12.4, 240, 241, 3900];
  for (const ms of samples) trend.record(ms);
  trend.fold();
  const h = nativeHistogramOf(distributionOf([trend], true), 1_700_000_000_000);
  assert.equal(h.schema, NATIVE_SCHEMA);
  assert.equal(h.countInt, samples.length);
  assert.ok(Math.abs(h.sum - samples.reduce((a, b) => a + b, 0) / 1000) < 1e-9);
  assert.equal(h.zeroCountInt, 2);
  assert.equal(h.timestamp, 1_700_000_000_000);
  const buckets = decode(h.positiveSpans, h.positiveDeltas);
  const expected = new Map<number, number>();
  for (const ms of samples.filter((v) => v > 0)) expected.set(bucketIndex(ms / 1000), (expected.get(bucketIndex(ms / 1000)) ?? 0) + 1);
  assert.deepEqual([...buckets].sort((a, b) => a[0] - b[0]), [...expected].sort((a, b) => a[0] - b[0]));
  // Bucket i holds (2^((i-1)/8), 2^(i/8)]: its bounds enclose each sample.
  for (const ms of samples.filter((v) => v > 0)) {
    const i = bucketIndex(ms / 1000);
    assert.ok(2 ** ((i - 1) / 8) < ms / 1000 * (1 + 1e-3) && ms / 1000 <= 2 ** (i / 8) * (1 + 1e-3), `${ms} ms in bucket ${i}`);
  }
  // Gaps between occupied buckets are spans' offsets, not zero buckets.
  assert.ok(h.positiveSpans.length > 1 && h.positiveSpans.slice(1).every((s) => s.offset > 0));
});
