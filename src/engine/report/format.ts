// Number, duration and byte formats of k6's end-of-test summary (its jslib summary's humanize functions),
// shared by the text summary and the CLI's live progress line.

/** k6's toFixedNoTrailingZeros: at most `digits` decimals, trailing zeros dropped. */
export function formatNumber(value: number, digits = 6): string {
  if (!Number.isFinite(value)) return String(value);
  return String(parseFloat(value.toFixed(digits)));
}

/** Truncates (does not round) to `digits` decimals, then drops trailing zeros, as k6 does for durations. */
function truncated(value: number, digits: number): string {
  const mult = 10 ** digits;
  return formatNumber(Math.trunc(value * mult) / mult, digits);
}

/** A duration given in ms, in k6's summary style: `0s`, `812ns`, `27.45µs`, `12.3ms`, `1.52s`, `2m3s`, `1h2m3s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms === 0) return '0s';
  if (ms < 0) return `-${formatDuration(-ms)}`;
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
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return String(bytes);
  if (bytes < 10) return `${formatNumber(bytes, 2)} B`;
  const e = Math.min(Math.floor(Math.log(bytes) / Math.log(1000)), BYTE_UNITS.length - 1);
  const value = Math.floor((bytes / 1000 ** e) * 10 + 0.5) / 10;
  return `${value.toFixed(value < 10 ? 1 : 0)} ${BYTE_UNITS[e]}`;
}

/** A fraction as k6 shows a rate metric: truncated to two decimals, `99.87%`. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return `${fraction}%`;
  return `${(Math.trunc(fraction * 100 * 100) / 100).toFixed(2)}%`;
}

/** Per-second rate of a counter: `123.456789/s`, or `1.2 kB/s` for bytes. */
export function formatRate(perSecond: number, unit: 'count' | 'bytes' = 'count'): string {
  return unit === 'bytes' ? `${formatBytes(perSecond)}/s` : `${formatNumber(perSecond)}/s`;
}

/** Run clock of the progress line, k6's `running (1m05.2s)` style: `0m05.0s`, `12m00.4s`, `1h02m00.0s`. */
export function formatRunClock(ms: number): string {
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
export function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : formatNumber(n, 2);
}
