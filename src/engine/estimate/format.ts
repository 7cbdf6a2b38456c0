// Numbers as the explanations print them: short, and rounded the way a reader checks arithmetic by hand.

/** At most `digits` significant digits, no exponent for everyday magnitudes, no trailing zeros. */
export function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(digits)));
}

export function ms(x: number): string {
  return `${num(x)} ms`;
}

/** A probability: "0.1%", "8.3e-8", "≈100%". */
export function probability(p: number): string {
  if (p >= 0.995) return p >= 1 ? '100%' : '≈100%';
  if (p >= 0.0001) return `${num(p * 100, 2)}%`;
  if (p === 0) return '0';
  return p.toExponential(1);
}
