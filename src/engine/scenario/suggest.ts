// "Did you mean" for unknown names in scenario files: keys, executors, metrics, template names.

/** Optimal-string-alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rolling rows are enough for the transposition term.
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        d = Math.min(d, prev2[j - 2] + 1);
      }
      cur[j] = d;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m];
}

/**
 * The closest candidate to `word`, compared case-insensitively, if it is close enough to be a typo:
 * at most max(1, floor(len/3)) edits. Ties go to the earlier candidate, so callers order by preference.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  if (typeof word !== 'string' || word.length === 0) return undefined;
  const lowered = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (typeof candidate !== 'string' || candidate.length === 0) continue;
    // Length difference is a lower bound on the distance: skip the matrix when it cannot qualify.
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const d = editDistance(lowered, candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
      if (d === 0) break;
    }
  }
  return best;
}

/** "Did you mean": the one candidate the word starts (a half-typed value), else a close spelling. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  if (word.length >= 3) {
    const lowered = word.toLowerCase();
    const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(lowered));
    if (prefixed.length === 1) return prefixed[0];
  }
  return didYouMean(word, candidates);
}
