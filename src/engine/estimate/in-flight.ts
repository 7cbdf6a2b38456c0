// How many earlier iterations are still running when an iteration is due, for arrivals evenly spaced Δ ms
// apart and independent durations D with survival S(x) = P(D ≥ x). The iteration started k arrivals ago
// has age kΔ and still holds its VU with probability p_k = S(kΔ), independently of the others, so the
// count in flight is L = Σ_k Bernoulli(p_k) (a Poisson-binomial variable). With N VUs an arrival is
// dropped only if L ≥ N: before the first drop the pool behaves like an unbounded one, and afterwards a
// dropped iteration only frees capacity. So P(some drop among M arrivals) ≤ M × P(L ≥ N) (union bound),
// and the expected number of drops is at most the same sum.
//
// P(L ≥ n) is exact (a convolution over the uncertain terms) when that is cheap, else a Chernoff bound,
// which is always above the exact value: either way the recommendation errs towards more VUs.
import type { DurationDistribution } from './distribution';

/** Above this many uncertain terms the O(K²) convolution gives way to the Chernoff bound. */
const MAX_EXACT_TERMS = 4000;

export interface InFlight {
  spacingMs: number;
  /** Earlier iterations certainly still running (p_k = 1): every duration is at least kΔ. */
  certain: number;
  /**
   * The p_k strictly between 0 and 1, grouped: `count` consecutive k share the same p, because S is a
   * step function that only changes at measured values.
   */
  groups: Array<{ p: number; count: number }>;
  /** How many k have 0 < p_k < 1. */
  uncertainCount: number;
  /** E[L] = Σ p_k: about mean duration / Δ (Little's law on a grid). */
  mean: number;
  /** Var[L] = Σ p_k (1 − p_k). */
  variance: number;
  /** The most that can ever be in flight: certain + uncertain terms. */
  max: number;
  method: 'exact' | 'chernoff';
  /** P(L ≥ n): exact, or an upper bound (method 'chernoff'). */
  tail(n: number): number;
}

export function inFlight(d: DurationDistribution, spacingMs: number): InFlight {
  let certain = 0;
  const groups: Array<{ p: number; count: number }> = [];
  let uncertainCount = 0;
  let mean = 0;
  let variance = 0;
  if (spacingMs > 0 && Number.isFinite(spacingMs) && d.count > 0) {
    // Ages kΔ in (v[i−1], v[i]] all see S = P(D ≥ kΔ) = (weight of v[i] and above) / count.
    let below = 0;
    let kBefore = 0;
    for (let i = 0; i < d.values.length; i++) {
      const kUpTo = Math.floor(d.values[i] / spacingMs);
      const count = kUpTo - kBefore;
      const p = (d.count - below) / d.count;
      if (count > 0 && p > 0) {
        if (p >= 1) certain += count;
        else {
          groups.push({ p, count });
          uncertainCount += count;
        }
        mean += p * count;
        variance += p * (1 - p) * count;
      }
      kBefore = Math.max(kBefore, kUpTo);
      below += d.weights[i];
    }
  }
  const exact = uncertainCount <= MAX_EXACT_TERMS;
  const tailOfUncertain = exact ? exactTail(expand(groups)) : chernoffTail(groups);
  return {
    spacingMs,
    certain,
    groups,
    uncertainCount,
    mean,
    variance,
    max: certain + uncertainCount,
    method: exact ? 'exact' : 'chernoff',
    tail: (n) => (n <= certain ? 1 : tailOfUncertain(n - certain)),
  };
}

function expand(groups: ReadonlyArray<{ p: number; count: number }>): Float64Array {
  const out: number[] = [];
  for (const { p, count } of groups) for (let c = 0; c < count; c++) out.push(p);
  return Float64Array.from(out);
}

/** P(X ≥ j) for X = Σ Bernoulli(p_i), by convolution; summed from the top so tiny tails keep their digits. */
export function exactTail(p: Float64Array): (j: number) => number {
  const pmf = new Float64Array(p.length + 1);
  pmf[0] = 1;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i];
    for (let j = i + 1; j >= 1; j--) pmf[j] = pmf[j] * (1 - pi) + pmf[j - 1] * pi;
    pmf[0] *= 1 - pi;
  }
  const tail = new Float64Array(p.length + 2);
  for (let j = p.length; j >= 0; j--) tail[j] = Math.min(1, tail[j + 1] + pmf[j]);
  return (j) => (j <= 0 ? 1 : j > p.length ? 0 : tail[j]);
}

/**
 * P(X ≥ j) ≤ min over θ > 0 of e^(−θj) Π (1 − p + p e^θ), minimised where E_θ[X] = j. Equal p's are
 * grouped (an HDR histogram gives few distinct survival values), so each evaluation is cheap.
 */
export function chernoffTail(groups: ReadonlyArray<{ p: number; count: number }>): (j: number) => number {
  const ps = Float64Array.from(groups, (g) => g.p);
  const ms = Float64Array.from(groups, (g) => g.count);
  let total = 0;
  for (let g = 0; g < ms.length; g++) total += ms[g];
  let mean = 0;
  for (let g = 0; g < ps.length; g++) mean += ps[g] * ms[g];
  const tiltedMean = (theta: number): number => {
    const e = Math.exp(theta);
    let s = 0;
    for (let g = 0; g < ps.length; g++) s += (ms[g] * ps[g] * e) / (1 - ps[g] + ps[g] * e);
    return s;
  };
  const logBound = (theta: number, j: number): number => {
    const e = Math.exp(theta);
    let s = -theta * j;
    for (let g = 0; g < ps.length; g++) s += ms[g] * Math.log(1 - ps[g] + ps[g] * e);
    return s;
  };
  return (j) => {
    if (j <= mean) return 1;
    if (j > total) return 0;
    if (j === total) {
      let log = 0;
      for (let g = 0; g < ps.length; g++) log += ms[g] * Math.log(ps[g]);
      return Math.exp(log);
    }
    let lo = 0;
    let hi = 1;
    while (tiltedMean(hi) < j && hi < 700) hi *= 2;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (tiltedMean(mid) < j) lo = mid;
      else hi = mid;
    }
    return Math.min(1, Math.exp(logBound(hi, j)));
  };
}

/** The fewest VUs n with M × P(L ≥ n) ≤ target; `max + 1` always qualifies (L never exceeds max). */
export function vusForTarget(model: InFlight, arrivals: number, target: number): number {
  const perArrival = arrivals > 0 ? target / arrivals : 1;
  let lo = Math.max(1, model.certain + 1);
  let hi = model.max + 1;
  if (model.tail(lo) <= perArrival) return lo;
  // tail is non-increasing in n: the smallest n meeting the target, by bisection.
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (model.tail(mid) <= perArrival) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Upper bound on the chance that any of `arrivals` iterations is dropped with `vus` VUs. */
export function dropProbabilityBound(model: InFlight, arrivals: number, vus: number): number {
  return Math.min(1, arrivals * model.tail(vus));
}
