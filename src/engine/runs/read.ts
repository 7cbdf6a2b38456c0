// Reading a run's NDJSON without loading all of it: the `start` event is the first line and the
// `summary` one of the last, so a long run's per-second aggregates are never parsed.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { RunEvent, RunSummary } from '../../protocol';

export type StartEvent = Extract<RunEvent, { type: 'start' }>;

function readRange(fd: number, position: number, length: number): string {
  const buffer = Buffer.allocUnsafe(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buffer, read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.toString('utf8', 0, read);
}

function parseEvent(line: string): RunEvent | undefined {
  try {
    const event = JSON.parse(line) as RunEvent;
    return event && typeof event === 'object' && typeof event.type === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}

function withFile<T>(path: string, read: (fd: number, size: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    return read(fd, fstatSync(fd).size);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The run's `start` event (its first line), or undefined for a file that is not a run. */
export function readRunStart(path: string): StartEvent | undefined {
  return withFile(path, (fd, size) => {
    let length = Math.min(size, 64 * 1024);
    for (;;) {
      const text = readRange(fd, 0, length);
      const newline = text.indexOf('\n');
      if (newline >= 0 || length >= size) {
        const event = parseEvent(newline >= 0 ? text.slice(0, newline) : text);
        return event?.type === 'start' ? event : undefined;
      }
      length = Math.min(size, length * 4);
    }
  });
}

/**
 * The run's summary, read from the end of the file in growing chunks; undefined when the run has none
 * (it crashed, or is still going).
 */
export function readRunSummary(path: string): RunSummary | undefined {
  return withFile(path, (fd, size) => {
    let length = Math.min(size, 256 * 1024);
    for (;;) {
      const text = readRange(fd, size - length, length);
      const marker = text.lastIndexOf('{"type":"summary"');
      // Only a line that starts in this chunk is whole: at the file's start, or after a newline.
      if (marker >= 0 && (marker > 0 ? text[marker - 1] === '\n' : length === size)) {
        const end = text.indexOf('\n', marker);
        const event = parseEvent(end < 0 ? text.slice(marker) : text.slice(marker, end));
        return event?.type === 'summary' ? event.summary : undefined;
      }
      if (length >= size) return undefined;
      length = Math.min(size, length * 4);
    }
  });
}
