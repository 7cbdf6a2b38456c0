// HDR histograms of microsecond values: construction, a range-limited fold, k6-style percentiles and the
// base64 codec. The pure-JS build is used: it needs no async WebAssembly start and measured as fast
// (≈7 M records/s with 32-bit counts).
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type JsHistogram } from 'hdr-histogram-js';

export type Hist = JsHistogram;

/** One hour in µs: the arrays are sized for it once (autoResize covers longer values). */
const HIGHEST_TRACKABLE_US = 3_600_000_000;

function create(bitBucketSize: 32 | 64): Hist {
  return build({
    bitBucketSize,
    numberOfSignificantValueDigits: 3,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    autoResize: true,
    useWebAssembly: false,
  }) as Hist;
}

/** A one-second window: 32-bit counts are plenty for one second and half the memory of 64-bit ones. */
export function newWindowHistogram(): Hist {
  return create(32);
}

/** A run total or a merge target: 64-bit (float) counts never wrap. */
export function newTotalHistogram(): Hist {
  return create(64);
}

/**
 * Histograms made before a run's clock starts, for the first trends that record. Making one zeroes a fresh
 * counts array (92 KB for a window, 188 KB for a total: 0.05–0.5 ms each, in page faults); a step's trends
 * made on its first response held the responses read after it 0.5–2 ms (docs/performance.md, "First
 * requests"), and the first fold of a step's totals stalled the event loop 1.5–4.5 ms at second 1.
 */
const stocked: { windows: Hist[]; totals: Hist[] } = { windows: [], totals: [] };

/** Makes histograms until `trends` windows and totals are in stock (before the clock, after any priming). */
export function stockHistograms(trends: number): void {
  while (stocked.windows.length < trends) stocked.windows.push(create(32));
  while (stocked.totals.length < trends) stocked.totals.push(create(64));
}

/** How many of each are in stock (what the run's first records have not taken yet). */
export function histogramsInStock(): { windows: number; totals: number } {
  return { windows: stocked.windows.length, totals: stocked.totals.length };
}

/** A trend's window: one from the stock while it lasts. */
export function trendWindowHistogram(): Hist {
  return stocked.windows.pop() ?? newWindowHistogram();
}

/** A trend's run total: one from the stock while it lasts. */
export function trendTotalHistogram(): Hist {
  return stocked.totals.pop() ?? newTotalHistogram();
}

/** Milliseconds (fractions allowed) → whole microseconds; negative and NaN become 0. */
export function toMicros(ms: number): number {
  return ms > 0 ? Math.round(ms * 1000) : 0;
}

function sameLayout(a: Hist, b: Hist): boolean {
  return a.bucketCount === b.bucketCount && a.subBucketCount === b.subBucketCount && a.unitMagnitude === b.unitMagnitude;
}

/** First and last counts-array index that may hold a count (index 0 holds the zeros). */
export function occupiedRange(h: Hist): [number, number] {
  const hi = h.countsArrayIndex(h.maxValue);
  const lo = h.getCountAtIndex(0) > 0 || h.minNonZeroValue > h.maxValue ? 0 : h.countsArrayIndex(h.minNonZeroValue);
  return [lo, hi];
}

/**
 * Adds `src` into `target`. The library's add() walks the whole counts array (≈23k slots, ≈120 µs);
 * walking only the occupied range makes the per-second fold of a narrow latency band several times cheaper.
 */
export function addInto(target: Hist, src: Hist): void {
  if (src.totalCount === 0) return;
  if (!sameLayout(target, src) || target.countsArrayLength < src.countsArrayLength) {
    target.add(src);
    return;
  }
  const [lo, hi] = occupiedRange(src);
  if (lo === 0 && src.getCountAtIndex(0) > 0) target.addToCountAtIndex(0, src.getCountAtIndex(0));
  for (let i = lo === 0 ? 1 : lo; i <= hi; i++) {
    const c = src.getCountAtIndex(i);
    if (c !== 0) target.addToCountAtIndex(i, c);
  }
  target.setTotalCount(target.totalCount + src.totalCount);
  target.updateMinAndMax(src.maxValue);
  if (src.minNonZeroValue <= src.maxValue) target.updateMinAndMax(src.minNonZeroValue);
}

/**
 * The values at the given 0-based ranks (ascending) of the sorted samples, each as its bucket's highest
 * equivalent value (HDR's convention), written to `out`.
 */
export function valuesAtRanks(h: Hist, ranks: ArrayLike<number>, count: number, out: Float64Array): void {
  const [lo, hi] = occupiedRange(h);
  let r = 0;
  let cumulative = 0;
  for (let i = lo; i <= hi && r < count; i++) {
    const c = h.getCountAtIndex(i);
    if (c === 0) continue;
    cumulative += c;
    while (r < count && ranks[r] < cumulative) {
      out[r] = h.highestEquivalentValue(h.valueFromIndex(i));
      r++;
    }
  }
  // Only reachable if counts and totalCount disagree: fall back to the maximum.
  for (; r < count; r++) out[r] = h.maxValue;
}

export function encodeHistogram(h: Hist): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(base64: string): Hist {
  return decodeFromCompressedBase64(base64, 64, false) as Hist;
}
