// Every number, duration and byte format shown to a user, in one module that every bundle may import
// (pure: no imports, no Node or browser API beyond Intl). Each name says whose style it writes:
// - k6…: k6's end-of-test summary (its jslib summary's humanize functions): the text summary, the CLI's
//   progress line, the doctor's evidence;
// - scenario…: what a scenario file would say (k6's duration literals), in messages and docs about it;
// - editor…: the editor's short figures (line ends, code lenses, status bar, results panel);
// - explain…: figures inside a sentence that reasons (the VU estimator, its editor hint, dropped
//   iterations explained): significant digits, rounded the way a reader checks arithmetic by hand.

/** k6's toFixedNoTrailingZeros: at most `digits` decimals, trailing zeros dropped. */
export function k6Number(value: number, digits = 6): string {
  if (!Number.isFinite(value)) return String(value);
  return String(parseFloat(value.toFixed(digits)));
}

/** Truncates (does not round) to `digits` decimals, then drops trailing zeros, as k6 does for durations. */
function truncated(value: number, digits: number): string {
  const mult = 10 ** digits;
  return k6Number(Math.trunc(value * mult) / mult, digits);
}

/** A duration given in ms, in k6's summary style: `0s`, `812ns`, `27.45µs`, `12.3ms`, `1.52s`, `1m30s`, `1h2m3s`. */
export function k6Duration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0s';
  if (ms < 0) return `-${k6Duration(-ms)}`;
  if (ms < 0.001) return `${Math.trunc(ms * 1_000_000)}ns`;
  if (ms < 1) return `${truncated(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${truncated(ms, 2)}ms`;
  let text = `${truncated((ms % 60_000) / 1000, ms > 60_000 ? 0 : 2)}s`;
  let rest = Math.trunc(ms / 60_000);
  if (rest < 1) return text;
  text = `${rest % 60}m${text}`;
  rest = Math.trunc(rest / 60);
  return rest < 1 ? text : `${rest}h${text}`;
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Bytes with SI units, k6's way: `7 B`, `1.2 kB`, `34 MB`. */
export function k6Bytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  if (bytes < 10) return `${k6Number(bytes, 2)} B`;
  const e = Math.min(Math.floor(Math.log(bytes) / Math.log(1000)), BYTE_UNITS.length - 1);
  const value = Math.floor((bytes / 1000 ** e) * 10 + 0.5) / 10;
  return `${value.toFixed(value < 10 ? 1 : 0)} ${BYTE_UNITS[e]}`;
}

/** A fraction as k6 shows a rate metric: truncated to two decimals, `99.87%`. */
export function k6Percent(fraction: number): string {
  if (!Number.isFinite(fraction)) return `${fraction}%`;
  return `${(Math.trunc(fraction * 100 * 100) / 100).toFixed(2)}%`;
}

/** Per-second rate of a counter: `123.456789/s`, or `1.2 kB/s` for bytes. */
export function k6Rate(perSecond: number, unit: 'count' | 'bytes' = 'count'): string {
  return unit === 'bytes' ? `${k6Bytes(perSecond)}/s` : `${k6Number(perSecond)}/s`;
}

/** Run clock of the progress line, k6's `running (1m05.2s)` style: `0m05.0s`, `12m00.4s`, `1h02m00.0s`. */
export function k6RunClock(ms: number): string {
  const totalTenths = Math.max(0, Math.floor(ms / 100));
  const tenths = totalTenths % 10;
  const totalSeconds = Math.floor(totalTenths / 10);
  const seconds = totalSeconds % 60;
  const totalMinutes = Math.floor(totalSeconds / 60);
  const minutes = totalMinutes % 60;
  const hours = Math.floor(totalMinutes / 60);
  const ss = `${String(seconds).padStart(2, '0')}.${tenths}s`;
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m${ss}` : `${minutes}m${ss}`;
}

/** Counts as k6 prints them: raw integers, no grouping. */
export function k6Count(n: number): string {
  return Number.isInteger(n) ? String(n) : k6Number(n, 2);
}

/**
 * The shortest duration literal a scenario file could say (k6's units, parsed back by
 * `parseDuration`): 90000 → `1m30s`, 500 → `500ms`, 1500 → `1s500ms`, 0 → `0s`.
 */
export function scenarioDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return '-' + scenarioDuration(-ms);
  if (ms === 0) return '0s';
  // Whole microseconds: float noise below that is not a duration anyone wrote.
  let us = Math.round(ms * 1000);
  if (us === 0) return '0s';
  let out = '';
  const h = Math.floor(us / 3_600_000_000);
  us -= h * 3_600_000_000;
  const m = Math.floor(us / 60_000_000);
  us -= m * 60_000_000;
  const s = Math.floor(us / 1_000_000);
  us -= s * 1_000_000;
  const milli = Math.floor(us / 1000);
  us -= milli * 1000;
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${s}s`;
  if (milli) out += `${milli}ms`;
  if (us) out += `${us}us`;
  return out;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count in the editor: rounded, grouped: `1,204`. */
export function editorCount(n: number): string {
  return integer.format(Math.round(n));
}

/** A duration in the editor, in ms or s with a space: `0.4 ms`, `123 ms`, `1.24 s`, `90.0 s`. */
export function editorDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10_000 ? 1 : 2)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** A share in the editor: `0%`, `0.2%`, `12%` — a tiny non-zero rate never reads as 0. */
export function editorPercent(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction <= 0) return '0%';
  const percent = fraction * 100;
  if (percent < 0.1) return '<0.1%';
  if (percent < 10) return `${+percent.toFixed(1)}%`;
  return `${Math.round(percent)}%`;
}

/**
 * A threshold's measured value in the editor (results panel, inline review): a duration for trends of time
 * (group_duration too), a share for rates, else the number; `no samples` when the metric had none.
 */
export function editorThresholdActual(actual: number | undefined, metric: string): string {
  if (actual === undefined) return 'no samples';
  if (/duration|blocked|queued|connecting|sending|waiting|receiving|handshaking|lateness/.test(metric)) return editorDuration(actual);
  if (metric === 'http_req_failed' || metric === 'checks') return `${+(actual * 100).toFixed(2)}%`;
  return String(+actual.toFixed(2));
}

/** A per-second rate in the editor, without its unit: `12.35`, `1234.5`. */
export function editorRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–';
  return String(+perSecond.toFixed(perSecond >= 100 ? 1 : 2));
}

/** At most `digits` significant digits, no exponent for everyday magnitudes, no trailing zeros: `117`, `0.35`, `12,345`. */
export function explainNumber(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(digits)));
}

/** Milliseconds in a sentence: `117 ms`. */
export function explainMs(x: number): string {
  return `${explainNumber(x)} ms`;
}

/** A probability in a sentence: `0.1%`, `8.3e-8`, `≈100%`. */
export function explainProbability(p: number): string {
  if (p >= 0.995) return p >= 1 ? '100%' : '≈100%';
  if (p >= 0.0001) return `${explainNumber(p * 100, 2)}%`;
  if (p === 0) return '0';
  return p.toExponential(1);
}

/** The phases of a request's timings as every view lists them (duration, their sum, is shown apart), with their labels. */
export const TIMING_PHASES = [
  ['blocked', 'blocked'],
  ['queued', 'queued'],
  ['connecting', 'connecting'],
  ['TLS handshaking', 'tlsHandshaking'],
  ['sending', 'sending'],
  ['waiting', 'waiting'],
  ['receiving', 'receiving'],
] as const;
