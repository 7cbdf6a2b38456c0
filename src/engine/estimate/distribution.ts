// A measured iteration-duration distribution as sorted (value, weight) points: built from raw samples or
// from an HDR histogram (the run summary's `iteration_duration{scenario=…}`), read the same way by the
// estimator. HDR buckets are represented by their highest equivalent value (as the summary's percentiles
// are), which errs on the long side: the estimator would rather over- than under-count busy VUs.
import { decodeHistogram, type Hist } from '../metrics/hdr';

export interface DurationDistribution {
  /** Distinct durations in ms, ascending. */
  readonly values: Float64Array;
  /** How many samples had each value. */
  readonly weights: Float64Array;
  /** Total weight: the number of samples. */
  readonly count: number;
}

export function distributionFromSamples(samplesMs: ArrayLike<number>): DurationDistribution {
  const sorted = Float64Array.from(samplesMs, (v) => (v > 0 ? v : 0)).sort();
  const values: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (values.length > 0 && values[values.length - 1] === sorted[i]) weights[weights.length - 1]++;
    else {
      values.push(sorted[i]);
      weights.push(1);
    }
  }
  return { values: Float64Array.from(values), weights: Float64Array.from(weights), count: sorted.length };
}

/** From an HDR histogram of microseconds, or its base64 exchange form. */
export function distributionFromHistogram(histogram: Hist | string): DurationDistribution {
  const h = typeof histogram === 'string' ? decodeHistogram(histogram) : histogram;
  const values: number[] = [];
  const weights: number[] = [];
  if (h.totalCount > 0) {
    const last = h.countsArrayIndex(h.maxValue);
    for (let i = 0; i <= last; i++) {
      const c = h.getCountAtIndex(i);
      if (c > 0) {
        values.push(i === 0 ? 0 : h.highestEquivalentValue(h.valueFromIndex(i)) / 1000);
        weights.push(c);
      }
    }
  }
  return { values: Float64Array.from(values), weights: Float64Array.from(weights), count: weights.reduce((a, b) => a + b, 0) };
}

/** Every duration multiplied by `factor`: what the system would measure if it slowed down that much. */
export function scaleDistribution(d: DurationDistribution, factor: number): DurationDistribution {
  return { values: d.values.map((v) => v * factor), weights: d.weights, count: d.count };
}

/**
 * k6's percentile (its TrendSink): the sorted samples linearly interpolated at position q × (n − 1), so the
 * figures here match the run summary's med/p95/p99.
 */
export function quantile(d: DurationDistribution, q: number): number {
  if (d.count === 0) return 0;
  const pos = Math.min(1, Math.max(0, q)) * (d.count - 1);
  const lo = valueAtRank(d, Math.floor(pos));
  const hi = valueAtRank(d, Math.ceil(pos));
  return lo + (hi - lo) * (pos - Math.floor(pos));
}

function valueAtRank(d: DurationDistribution, rank: number): number {
  let cumulative = 0;
  for (let i = 0; i < d.values.length; i++) {
    cumulative += d.weights[i];
    if (rank < cumulative) return d.values[i];
  }
  return d.values[d.values.length - 1] ?? 0;
}

export function mean(d: DurationDistribution): number {
  if (d.count === 0) return 0;
  let sum = 0;
  for (let i = 0; i < d.values.length; i++) sum += d.values[i] * d.weights[i];
  return sum / d.count;
}

export function maxOf(d: DurationDistribution): number {
  return d.values.length === 0 ? 0 : d.values[d.values.length - 1];
}

/**
 * P(D ≥ age) for each age of `ages` (ascending): the chance that an iteration started `age` ms ago is
 * still running. "≥" rather than ">": an iteration ending exactly when the next is due still holds its VU
 * at that instant, as far as the estimate is concerned.
 */
export function survivalAt(d: DurationDistribution, ages: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ages.length);
  if (d.count === 0) return out;
  let i = 0;
  let below = 0;
  for (let k = 0; k < ages.length; k++) {
    while (i < d.values.length && d.values[i] < ages[k]) below += d.weights[i++];
    out[k] = (d.count - below) / d.count;
  }
  return out;
}
