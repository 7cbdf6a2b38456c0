// k6 duration syntax (Go's time.ParseDuration): "1m30s", "500ms", "1.5s", "1h2m3s4ms", "250us".

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  'µs': 0.001, // U+00B5 micro sign
  'μs': 0.001, // U+03BC greek mu, which Go also accepts
  ns: 0.000001,
};

const UNITS_TEXT = 'h, m, s, ms, us';
const PART = /(\d+(?:\.\d*)?|\.\d+)(ms|us|µs|μs|ns|h|m|s)?/y;

export function parseDuration(text: string): DurationResult {
  if (typeof text !== 'string') return { ok: false, message: 'expected a duration such as "30s" or "1m30s"' };
  const s = text.trim();
  if (s.length === 0) return { ok: false, message: 'empty duration: write one such as "30s" or "1m30s"' };
  if (s[0] === '-') return { ok: false, message: `duration "${s}" is negative: durations must be 0 or more` };
  let i = s[0] === '+' ? 1 : 0;
  if (i === s.length) return { ok: false, message: `"${s}" is not a duration: write one such as "30s" or "1m30s"` };
  let total = 0;
  while (i < s.length) {
    PART.lastIndex = i;
    const match = PART.exec(s);
    if (!match) {
      return { ok: false, message: `"${s}" is not a duration: unexpected "${s[i]}" at character ${i + 1} (units: ${UNITS_TEXT})` };
    }
    const [whole, number, unit] = match;
    if (unit === undefined) {
      const rest = s.slice(i + number.length);
      if (i === 0 && rest.length === 0) {
        return { ok: false, message: `"${s}" has no unit: add one, e.g. "${number}s" or "${number}ms"` };
      }
      const bad = rest.length > 0 ? `unknown unit "${rest.match(/^[^\d.]*/)![0] || rest[0]}"` : `missing unit after "${number}"`;
      return { ok: false, message: `"${s}" is not a duration: ${bad} (units: ${UNITS_TEXT})` };
    }
    total += Number(number) * UNIT_MS[unit];
    i += whole.length;
  }
  if (!Number.isFinite(total)) return { ok: false, message: `duration "${s}" is too large` };
  return { ok: true, ms: total };
}
