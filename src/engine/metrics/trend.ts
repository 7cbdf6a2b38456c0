// A trend metric of one series (one metric of one step or scenario): each sample is recorded once, into a
// one-second window histogram; `fold()` adds the window into the run total at each tick. Count, sum, min
// and max are kept exactly beside the histograms, so avg/min/max are exact and only percentiles carry HDR's
// 3-significant-digit precision.
import type { TrendStats, TrendWindow } from '../../protocol';
import { addInto, newTotalHistogram, occupiedRange, toMicros, trendTotalHistogram, trendWindowHistogram, valuesAtRanks, type Hist } from './hdr';

/** Exact moments of a set of samples, in ms. */
export interface Moments {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class Trend {
  // Allocated on first use: a step that never runs (or a scenario that is filtered out) costs nothing.
  private window: Hist | undefined;
  private total: Hist | undefined;
  readonly win: Moments = { count: 0, sum: 0, min: Infinity, max: -Infinity };
  readonly run: Moments = { count: 0, sum: 0, min: Infinity, max: -Infinity };

  record(ms: number): void {
    if (!(ms > 0)) ms = 0;
    if (this.window === undefined) this.window = trendWindowHistogram();
    this.window.recordValue(toMicros(ms));
    const w = this.win;
    w.count++;
    w.sum += ms;
    if (ms < w.min) w.min = ms;
    if (ms > w.max) w.max = ms;
  }

  /** Adds the window into the run total and empties the window. */
  fold(): void {
    const w = this.win;
    if (w.count === 0) return;
    if (this.total === undefined) this.total = trendTotalHistogram();
    addInto(this.total, this.window!);
    this.window!.reset();
    mergeMoments(this.run, w);
    w.count = 0;
    w.sum = 0;
    w.min = Infinity;
    w.max = -Infinity;
  }

  /** The histogram parts holding samples: the window, or the run total and the window. */
  parts(includeTotal: boolean, into: Array<[Hist, Moments]>): void {
    if (includeTotal && this.run.count > 0) into.push([this.total!, this.run]);
    if (this.win.count > 0) into.push([this.window!, this.win]);
  }

  windowStats(): TrendStats {
    return trendStats([this], false);
  }

  totalStats(): TrendStats {
    return trendStats([this], true);
  }

  /** The current window as sparse buckets (for another thread or process); undefined when empty. */
  exportWindow(): TrendWindow | undefined {
    const w = this.win;
    if (w.count === 0 || this.window === undefined) return undefined;
    const h = this.window;
    const values: number[] = [];
    const counts: number[] = [];
    const [lo, hi] = occupiedRange(h);
    for (let i = lo; i <= hi; i++) {
      const c = h.getCountAtIndex(i);
      if (c !== 0) {
        values.push(h.valueFromIndex(i));
        counts.push(c);
      }
    }
    return { count: w.count, sum: w.sum, min: w.min, max: w.max, values, counts };
  }

  /** Adds another thread's window into this one, as if its samples had been recorded here. */
  importWindow(tw: TrendWindow): void {
    if (tw.count === 0) return;
    if (this.window === undefined) this.window = trendWindowHistogram();
    const h = this.window;
    for (let i = 0; i < tw.values.length; i++) h.recordValueWithCount(tw.values[i], tw.counts[i]);
    mergeMoments(this.win, tw);
  }
}

/** Run totals plus current windows of the trends as one fresh histogram; undefined when there are no samples. */
export function combinedHistogram(trends: readonly Trend[]): Hist | undefined {
  const parts: Array<[Hist, Moments]> = [];
  for (const t of trends) t.parts(true, parts);
  if (parts.length === 0) return undefined;
  const h = newTotalHistogram();
  for (const [part] of parts) addInto(h, part);
  return h;
}

export function mergeMoments(into: Moments, m: Moments): void {
  into.count += m.count;
  into.sum += m.sum;
  if (m.min < into.min) into.min = m.min;
  if (m.max > into.max) into.max = m.max;
}

/** Samples of one or more series viewed as one distribution. */
export class Distribution {
  constructor(
    readonly moments: Moments,
    private readonly hist: Hist | undefined,
  ) {}

  get count(): number {
    return this.moments.count;
  }

  get avg(): number {
    return this.moments.count === 0 ? 0 : this.moments.sum / this.moments.count;
  }

  get min(): number {
    return this.moments.count === 0 ? 0 : this.moments.min;
  }

  get max(): number {
    return this.moments.count === 0 ? 0 : this.moments.max;
  }

  /** Quantiles (0..1), in ms, k6's way; see `quantilesInto`. */
  quantiles(qs: readonly number[]): number[] {
    const out = new Array<number>(qs.length);
    quantilesInto(this.hist, this.moments, qs, out);
    return out;
  }

  quantile(q: number): number {
    return this.quantiles([q])[0];
  }

  /** Each occupied HDR bucket, ascending: its highest equivalent value in ms (as quantiles read it) and count. */
  forEachBucket(visit: (ms: number, count: number) => void): void {
    const h = this.hist;
    if (h === undefined || this.moments.count === 0) return;
    const [lo, hi] = occupiedRange(h);
    for (let i = lo; i <= hi; i++) {
      const count = h.getCountAtIndex(i);
      if (count !== 0) visit(h.highestEquivalentValue(h.valueFromIndex(i)) / 1000, count);
    }
  }
}

/**
 * k6's percentile (its classic TrendSink): the sorted samples linearly interpolated at position
 * q × (n − 1), so the median of 1..10 is 5.5. Here the two neighbouring samples are read from the histogram
 * (bucket's highest equivalent value), then clamped to the exact min and max.
 */
export function quantilesInto(hist: Hist | undefined, m: Moments, qs: readonly number[], out: number[]): void {
  const n = m.count;
  if (n === 0 || hist === undefined) {
    out.fill(0, 0, qs.length);
    return;
  }
  if (n === 1) {
    out.fill(m.min, 0, qs.length);
    return;
  }
  // Both neighbours of every position, read in one ascending walk over the histogram.
  const ranks: number[] = [];
  for (const q of qs) {
    const pos = clamp01(q) * (n - 1);
    ranks.push(Math.floor(pos), Math.ceil(pos));
  }
  const order = ranks.map((_, i) => i).sort((a, b) => ranks[a] - ranks[b]);
  const sortedRanks = Float64Array.from(order, (i) => ranks[i]);
  const sortedValues = new Float64Array(order.length);
  valuesAtRanks(hist, sortedRanks, order.length, sortedValues);
  const values = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) values[order[k]] = clampTo(sortedValues[k] / 1000, m);
  for (let i = 0; i < qs.length; i++) {
    const pos = clamp01(qs[i]) * (n - 1);
    const a = values[2 * i];
    const b = values[2 * i + 1];
    out[i] = a + (b - a) * (pos - Math.floor(pos));
  }
}

function clamp01(q: number): number {
  return q < 0 ? 0 : q > 1 ? 1 : q;
}

function clampTo(v: number, m: Moments): number {
  return v < m.min ? m.min : v > m.max ? m.max : v;
}

// Merges of several parts go through one reused 64-bit histogram: metricValue and the summary run a few
// times per second at most, and nothing keeps the Distribution after the next merge.
let mergeScratch: Hist | undefined;

/** The distribution of the given trends' samples: the windows only, or run totals plus windows. */
export function distributionOf(trends: readonly Trend[], includeTotal: boolean): Distribution {
  const parts: Array<[Hist, Moments]> = [];
  for (const t of trends) t.parts(includeTotal, parts);
  const moments: Moments = { count: 0, sum: 0, min: Infinity, max: -Infinity };
  for (const [, m] of parts) mergeMoments(moments, m);
  if (parts.length === 0) return new Distribution(moments, undefined);
  if (parts.length === 1) return new Distribution(moments, parts[0][0]);
  if (mergeScratch === undefined) mergeScratch = newTotalHistogram();
  mergeScratch.reset();
  for (const [h] of parts) addInto(mergeScratch, h);
  return new Distribution(moments, mergeScratch);
}

const STATS_QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;

export function statsOf(d: Distribution): TrendStats {
  const [med, p90, p95, p99] = d.quantiles(STATS_QUANTILES);
  return { count: d.count, avg: d.avg, min: d.min, med, max: d.max, p90, p95, p99 };
}

export function trendStats(trends: readonly Trend[], includeTotal: boolean): TrendStats {
  return statsOf(distributionOf(trends, includeTotal));
}

/** A distribution read back from a histogram alone (e.g. decoded from another process): HDR precision. */
export function distributionOfHistogram(h: Hist): Distribution {
  const count = h.totalCount;
  if (count === 0) return new Distribution({ count: 0, sum: 0, min: Infinity, max: -Infinity }, undefined);
  const hasZero = h.getCountAtIndex(0) > 0;
  const min = hasZero ? 0 : h.lowestEquivalentValue(h.minNonZeroValue) / 1000;
  const max = h.highestEquivalentValue(h.maxValue) / 1000;
  return new Distribution({ count, sum: (h.mean * count) / 1000, min, max }, h);
}
