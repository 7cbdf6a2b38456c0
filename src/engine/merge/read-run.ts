// Reads one run file for a merge: every event of one run, in order. Lines that are not JSON objects are
// skipped and counted, so a Kubernetes pod's log (the NDJSON on stdout, with the engine's few stderr lines
// interleaved) can be merged as it is. A run that ended before its summary is refused: its totals would
// be missing from the merge without anyone noticing.
import { readFileSync } from 'node:fs';
import { PROTOCOL_VERSION, type RegistryWindow, type RunEvent, type RunSummary } from '../../protocol';

export type StartEvent = Extract<RunEvent, { type: 'start' }>;
export type AggregateEvent = Extract<RunEvent, { type: 'aggregate' }>;
export type LifecycleEvent = Extract<RunEvent, { type: 'lifecycle' }>;
/** Events placed on the run's clock (`t`), passed on to the merged stream. */
export type TimedEvent = Extract<RunEvent, { type: 'diagnosis' } | { type: 'log' } | { type: 'threshold-abort' }>;

export interface RunFile {
  path: string;
  start: StartEvent;
  aggregates: AggregateEvent[];
  /** setup's and teardown's, each with its window. */
  lifecycle: LifecycleEvent[];
  timed: TimedEvent[];
  summary: RunSummary;
  /** The `end` event's exit code; undefined when the file stops after the summary. */
  exitCode: number | undefined;
  /** Lines that were not events (a pod log's other output). */
  skippedLines: number;
}

/** A file that cannot be merged: the message starts with `path:line:col:` (or `path:`) and says why. */
export class MergeInputError extends Error {}

/** One line's JSON, or a MergeInputError at `path:line:col` (also read by `volley report`). */
export function parseLine(path: string, lineNo: number, line: string): unknown {
  try {
    return JSON.parse(line);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const column = position ? Number(position[1]) + 1 : 1;
    throw new MergeInputError(`${path}:${lineNo}:${column}: not a JSON event: ${message}`);
  }
}

export function isEvent(value: unknown): value is RunEvent {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function noWindow(path: string, line: number): MergeInputError {
  return new MergeInputError(
    `${path}:${line}:1: this run's aggregates carry no measurement windows, so it cannot be merged exactly: ` +
      'run each part with --execution-segment (and --execution-segment-sequence), which records them',
  );
}

/** JSON writes a window's empty trends (undefined in an array) as null; the registry expects undefined. */
function restoreEmptyTrends(window: RegistryWindow): void {
  for (const scenario of window.scenarios) {
    if (scenario.iterationDuration === null) scenario.iterationDuration = undefined;
    if (scenario.lateness === null) scenario.lateness = undefined;
    for (const step of scenario.steps) {
      for (let i = 0; i < step.trends.length; i++) if (step.trends[i] === null) step.trends[i] = undefined;
    }
    const groups = scenario.groups ?? [];
    for (let i = 0; i < groups.length; i++) if (groups[i] === null) groups[i] = undefined;
  }
}

export function readRunFile(path: string): RunFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(err);
    throw new MergeInputError(`${path}: cannot read: ${reason}`);
  }
  return parseRunText(path, text);
}

export function parseRunText(path: string, text: string): RunFile {
  const lines = text.split('\n');
  let start: StartEvent | undefined;
  let summary: RunSummary | undefined;
  let exitCode: number | undefined;
  let skippedLines = 0;
  let truncatedAt: number | undefined;
  const aggregates: AggregateEvent[] = [];
  const lifecycle: LifecycleEvent[] = [];
  const timed: TimedEvent[] = [];
  const lastNonEmpty = lines.reduce((last, line, i) => (line.trim() === '' ? last : i), -1);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    // Events are JSON objects written by JSON.stringify, so they start with `{"`; anything else is the
    // other output of a pod's log (the text summary has a `{ expected_response:true }` line).
    if (!line.startsWith('{"')) {
      skippedLines++;
      continue;
    }
    let value: unknown;
    try {
      value = parseLine(path, i + 1, line);
    } catch (err) {
      // A run killed mid-write leaves its last line cut: that is an incomplete run, not a corrupt file.
      if (i === lastNonEmpty) {
        truncatedAt = i + 1;
        break;
      }
      throw err;
    }
    if (!isEvent(value)) {
      skippedLines++;
      continue;
    }
    const event = value;
    if (start === undefined) {
      if (event.type !== 'start') throw new MergeInputError(`${path}:${i + 1}:1: expected the run's start event first, found "${event.type}": is this a Volley run file?`);
      if (event.v !== PROTOCOL_VERSION) {
        throw new MergeInputError(`${path}:${i + 1}:1: written with event protocol v${String(event.v)}, this engine reads v${PROTOCOL_VERSION}`);
      }
      start = event;
      continue;
    }
    switch (event.type) {
      case 'start':
        throw new MergeInputError(`${path}:${i + 1}:1: a second run starts here: give each run its own file`);
      case 'aggregate':
        if (event.window === undefined) throw noWindow(path, i + 1);
        restoreEmptyTrends(event.window);
        aggregates.push(event);
        break;
      case 'lifecycle':
        if (event.window === undefined) throw noWindow(path, i + 1);
        restoreEmptyTrends(event.window);
        lifecycle.push(event);
        break;
      case 'diagnosis':
      case 'log':
      case 'threshold-abort':
        timed.push(event);
        break;
      case 'summary':
        summary = event.summary;
        break;
      case 'end':
        exitCode = event.exitCode;
        break;
      default:
        break;
    }
  }
  if (start === undefined) throw new MergeInputError(`${path}: holds no run (no start event)${skippedLines > 0 ? `; ${skippedLines} lines that are not events` : ''}`);
  if (summary === undefined) {
    const why = truncatedAt !== undefined ? `its last line (${truncatedAt}) is cut` : 'it has no summary';
    throw new MergeInputError(`${path}: the run did not finish (${why}): it was killed or is still running, and a merge needs every run's totals`);
  }
  return { path, start, aggregates, lifecycle, timed, summary, exitCode, skippedLines };
}
