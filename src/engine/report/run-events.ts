// A stored run file read whole for a report (`volley report`): every event in order, as the panel replays
// them. Stricter than a merge's reading: a line that is not an event is an error at its file:line:col (a
// report of a file with holes would look complete), except a cut last line, which is how a killed run ends.
import { readFileSync } from 'node:fs';
import { PROTOCOL_VERSION, type RunEvent, type RunSummary } from '../../protocol';
import { summaryOf } from '../../compare';
import { MergeInputError, isEvent, parseLine } from '../merge/read-run';
import { systemReason } from '../cli/prepare';

/** A file that is not a readable run: the message starts with `path:line:col:` (or `path:`) and says why. */
export class RunFileError extends Error {}

export interface StoredRun {
  events: RunEvent[];
  /** The run's summary (its last, for a merged file); undefined for a run that was stopped or still runs. */
  summary: RunSummary | undefined;
  /** What the reader noticed without refusing the file (a cut last line, no summary). */
  notes: string[];
}

export function readRunEvents(path: string): StoredRun {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RunFileError(`${path}: cannot read: ${systemReason(err)}`);
  }
  const lines = text.split('\n');
  const lastNonEmpty = lines.reduce((last, line, i) => (line.trim() === '' ? last : i), -1);
  const events: RunEvent[] = [];
  const notes: string[] = [];
  for (let i = 0; i <= lastNonEmpty; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = parseLine(path, i + 1, line);
    } catch (err) {
      if (!(err instanceof MergeInputError)) throw err;
      if (i === lastNonEmpty && events.length > 0) {
        notes.push(`${path}:${i + 1}: the last line is cut (the run was killed while writing it); the report shows the run up to there`);
        break;
      }
      throw new RunFileError(err.message);
    }
    if (!isEvent(value)) throw new RunFileError(`${path}:${i + 1}:1: not a run event (a JSON object with a "type")`);
    if (events.length === 0) {
      if (value.type !== 'start') throw new RunFileError(`${path}:${i + 1}:1: not a run file: it starts with a "${value.type}" event, a run starts with "start"`);
      if (value.v !== PROTOCOL_VERSION) throw new RunFileError(`${path}:${i + 1}:1: written with event protocol v${String(value.v)}, this engine reads v${PROTOCOL_VERSION}`);
    }
    events.push(value);
  }
  if (events.length === 0) throw new RunFileError(`${path}: not a run file: it holds no events`);
  const summary = summaryOf(events);
  if (summary === undefined) notes.push(`${path}: the run has no summary (it was stopped or is still running); the report shows the seconds it recorded`);
  return { events, summary, notes };
}
