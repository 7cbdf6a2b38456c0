// `--start-at TIME`: wait until a wall-clock instant before the run starts, so processes on several
// machines (each one execution segment) start together and their seconds line up in `volley merge`.
// Accepts an ISO 8601 time with a zone (every machine must read the same instant) or `+DURATION` from now.
// A time far in the past or the future is refused: it is a typo or a stale manifest, and a segment that
// starts alone, long after the others, would skew the merged result.
import { scenarioDuration } from '../../format';
import { parseDuration } from '../scenario/duration';

/** How late a process may still start (it then runs behind the others by that much, and says so). */
export const START_AT_LATE_TOLERANCE_MS = 10_000;
/** Farther ahead than this is almost surely a wrong date or time zone. */
export const START_AT_MAX_AHEAD_MS = 24 * 3_600_000;

export type StartAtResult = { ok: true; atMs: number } | { ok: false; message: string };

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function ago(ms: number): string {
  return scenarioDuration(Math.round(ms / 100) * 100);
}

export function parseStartAt(text: string, nowMs: number): StartAtResult {
  const s = text.trim();
  let atMs: number;
  if (s.startsWith('+')) {
    const d = parseDuration(s.slice(1));
    if (!d.ok) return { ok: false, message: `--start-at "${text}": ${d.message}` };
    atMs = nowMs + d.ms;
  } else {
    const m = ISO.exec(s);
    if (!m) {
      return {
        ok: false,
        message: `--start-at "${text}" is not a time: write an ISO time with a zone (2025-06-01T12:00:00Z) or +DURATION from now (+30s)`,
      };
    }
    if (m[8] === undefined) {
      return {
        ok: false,
        message: `--start-at "${text}" has no time zone: add Z (UTC) or an offset such as +02:00, so every machine reads the same instant`,
      };
    }
    atMs = Date.parse(s.replace(' ', 'T'));
    if (!Number.isFinite(atMs)) return { ok: false, message: `--start-at "${text}" is not a valid date and time` };
  }
  if (atMs < nowMs - START_AT_LATE_TOLERANCE_MS) {
    return {
      ok: false,
      message:
        `--start-at ${new Date(atMs).toISOString()} was ${ago(nowMs - atMs)} ago (more than ${scenarioDuration(START_AT_LATE_TOLERANCE_MS)}): ` +
        'the other segments would have started without this one; choose a later time (or regenerate the manifest)',
    };
  }
  if (atMs > nowMs + START_AT_MAX_AHEAD_MS) {
    return {
      ok: false,
      message: `--start-at ${new Date(atMs).toISOString()} is ${ago(atMs - nowMs)} from now (more than 24h): check the date and the time zone`,
    };
  }
  return { ok: true, atMs };
}

export interface StartWait {
  /** Resolves true at the start time, false when cancelled. */
  readonly reached: Promise<boolean>;
  cancel(): void;
}

/** Waits for the wall clock to reach `atMs`; `say` gets one line describing the wait (or the lateness). */
export function waitForStart(atMs: number, say: (line: string) => void): StartWait {
  const lateMs = Date.now() - atMs;
  if (lateMs >= 0) {
    if (lateMs > 50) say(`start time ${new Date(atMs).toISOString()} passed ${ago(lateMs)} ago: starting now, behind the others by that much`);
    return { reached: Promise.resolve(true), cancel: () => undefined };
  }
  say(`waiting ${ago(-lateMs)} until ${new Date(atMs).toISOString()} (--start-at)`);
  let timer: NodeJS.Timeout | undefined;
  let settle!: (reached: boolean) => void;
  const reached = new Promise<boolean>((resolve) => (settle = resolve));
  // setTimeout may wake a little early or late; re-arm on the wall clock until the instant has come.
  const check = (): void => {
    const left = atMs - Date.now();
    if (left <= 0) {
      timer = undefined;
      settle(true);
      return;
    }
    timer = setTimeout(check, Math.min(left, 2_000_000_000));
  };
  check();
  return {
    reached,
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      settle(false);
    },
  };
}
