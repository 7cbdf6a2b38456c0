// What a duration the user wrote means in milliseconds, and the durations completion offers. The docs of
// keys, built-ins, helpers and metrics come from the format's description (src/engine/scenario/schema.ts,
// src/engine/scenario/format/).
import { parseDuration } from '../engine/scenario/duration';

/** A duration's meaning in milliseconds, e.g. `1m30s` → "90 000 ms (1.5 min)". */
export function durationDoc(text: string): string | undefined {
  const parsed = parseDuration(text);
  if (!parsed.ok) return undefined;
  const ms = parsed.ms;
  const parts = [`\`${text}\` = ${formatNumber(ms)} ms`];
  if (ms >= 60_000) parts.push(`(${formatNumber(ms / 60_000)} min)`);
  else if (ms >= 1000) parts.push(`(${formatNumber(ms / 1000)} s)`);
  return parts.join(' ');
}

export function formatNumber(n: number): string {
  const rounded = Math.round(n * 1000) / 1000;
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 3 }).replace(/,/g, '\u202f');
}

export const DURATION_SUGGESTIONS = ['1s', '10s', '30s', '1m', '5m', '500ms', '100ms', '2m30s', '10m', '1h'];
