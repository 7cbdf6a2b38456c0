// VUs an arrival rate needs, from measured iteration durations. k6's rule is
// preAllocatedVUs = median iteration duration × rate (per timeUnit); the doctor suggests the same product
// with the p95 in place of the median, its term for variance, so a slow tail does not drop iterations again.
// The estimator of issue 5 (src/engine/estimate) does this from whole distributions for the editor; the
// doctor only sees per-second percentiles, so it keeps this closed form, which is that estimator's rule.

export interface VUEstimate {
  /** k6's rule: ceil(median × rate). */
  k6Rule: number;
  /** With the variance term: ceil(p95 × rate), at least k6Rule. */
  suggested: number;
}

export function estimateVUsForRate(medianMs: number, p95Ms: number, iterationsPerSecond: number): VUEstimate {
  const perMs = iterationsPerSecond / 1000;
  const k6Rule = Math.max(1, Math.ceil(medianMs * perMs));
  return { k6Rule, suggested: Math.max(k6Rule, Math.ceil(p95Ms * perMs)) };
}
