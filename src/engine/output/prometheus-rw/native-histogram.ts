// A trend as a Prometheus native histogram (k6's K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM): the run's HDR
// buckets re-binned into exponential buckets of schema 3, whose bounds grow by 2^(1/8) (≈ 9.05%), the
// resolution k6's output gets from client_golang's bucket factor 1.1. histogram_quantile over it is within
// one such bucket of the summary's percentile. Values in seconds, k6's base unit.
import type { Distribution } from '../../metrics/trend';
import type { NativeHistogram } from './wire';

export const NATIVE_SCHEMA = 3;
/** client_golang's DefNativeHistogramZeroThreshold (2^-128): only a zero is in the zero bucket. */
export const ZERO_THRESHOLD = 2 ** -128;

/** The bucket of a positive value at NATIVE_SCHEMA: bucket i holds (2^((i-1)/8), 2^(i/8)]. */
export function bucketIndex(value: number): number {
  return Math.ceil(Math.log2(value) * 2 ** NATIVE_SCHEMA);
}

/** The distribution (ms) as a native histogram in seconds, at `timestamp`. */
export function nativeHistogramOf(d: Distribution, timestamp: number): NativeHistogram {
  const buckets = new Map<number, number>();
  let zeroCount = 0;
  d.forEachBucket((ms, count) => {
    const seconds = ms / 1000;
    if (seconds <= ZERO_THRESHOLD) zeroCount += count;
    else {
      const index = bucketIndex(seconds);
      buckets.set(index, (buckets.get(index) ?? 0) + count);
    }
  });
  const indexes = [...buckets.keys()].sort((a, b) => a - b);
  const positiveSpans: NativeHistogram['positiveSpans'] = [];
  const positiveDeltas: number[] = [];
  let previousIndex: number | undefined;
  let previousCount = 0;
  for (const index of indexes) {
    if (previousIndex !== undefined && index === previousIndex + 1) positiveSpans[positiveSpans.length - 1].length++;
    else positiveSpans.push({ offset: previousIndex === undefined ? index : index - previousIndex - 1, length: 1 });
    const count = buckets.get(index)!;
    positiveDeltas.push(count - previousCount);
    previousCount = count;
    previousIndex = index;
  }
  return {
    countInt: d.count,
    sum: (d.avg * d.count) / 1000,
    schema: NATIVE_SCHEMA,
    zeroThreshold: ZERO_THRESHOLD,
    zeroCountInt: zeroCount,
    positiveSpans,
    positiveDeltas,
    timestamp,
  };
}
