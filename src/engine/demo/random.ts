// Seeded randomness for the demo target, so tests can pin latency and faults to one sequence.
export { seededRandom } from '../random';

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
