// Small helpers for building diagnoses: numbers in evidence are rounded so they read well and compare
// stably, and durations in prose are k6-style.
import type { TrendStats } from '../../protocol';
import { k6Duration } from '../../format';

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const ms = k6Duration;

/** The scheme's duration text for a number of whole seconds (`45s`, `2m30s`). */
export function durationText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
}

/** Time waiting for a connection: blocked minus the connect and TLS work it includes. */
export function poolWaitMs(phases: { blocked: TrendStats; connecting: TrendStats; tlsHandshaking: TrendStats }): number {
  return Math.max(0, phases.blocked.avg - phases.connecting.avg - phases.tlsHandshaking.avg);
}

export function sum<T>(items: readonly T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += of(item);
  return total;
}
