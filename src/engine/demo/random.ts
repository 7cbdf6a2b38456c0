// Seeded randomness for the demo target, so tests can pin latency and faults to one sequence.

/** mulberry32: tiny, fast, and good enough for jitter and fault dice (not for anything secret). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Latency shaped like a real service's: lognormal around `medianMs` (a long right tail, no values below
 * zero), clamped to [0.4×, 4×] the median so a test can assert bounds and a rare draw cannot stall a run.
 */
export function lognormalLatency(random: () => number, medianMs: number, sigma = 0.35): () => number {
  if (medianMs <= 0) return () => 0;
  const low = medianMs * 0.4;
  const high = medianMs * 4;
  return () => {
    // Box-Muller; 1 - u keeps the logarithm away from 0.
    const u = 1 - random();
    const v = random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const ms = medianMs * Math.exp(sigma * normal);
    return ms < low ? low : ms > high ? high : ms;
  };
}
