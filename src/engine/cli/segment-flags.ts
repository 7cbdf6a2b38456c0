// `--execution-segment`, `--execution-segment-sequence` and Volley's `--execution-segment-index` (the i-th
// segment of the sequence, for a Kubernetes Indexed Job whose pods share one template): the flags' text
// becomes the ExecutionTuple this process runs, with k6's validation messages from ../segments.
import { SegmentError, executionTuple, parseSegment, parseSequence, sequenceToString, type ExecutionSegment, type ExecutionTuple } from '../segments';
import { UsageError, last, type FlagSpec, type ParsedArgs } from './args';

export const SEGMENT_FLAGS: FlagSpec[] = [
  {
    name: 'execution-segment',
    value: 'A:B',
    description: "run only this part of every scenario, k6's syntax: 0:1/3, 1/3:2/3, 50%:100%, 0.5:1",
  },
  {
    name: 'execution-segment-sequence',
    value: '0,1/3,2/3,1',
    description: 'all the segments of the test, so VUs and iterations interleave exactly between them',
  },
  {
    name: 'execution-segment-index',
    value: 'I',
    description: "run the I-th (0-based) segment of the sequence, e.g. $(JOB_COMPLETION_INDEX) in Kubernetes",
  },
];

function parse<T>(flag: string, text: string, command: string, read: (text: string) => T): T {
  try {
    return read(text);
  } catch (err) {
    if (err instanceof SegmentError) throw new UsageError(`--${flag} "${text}": ${err.message}`, command);
    throw err;
  }
}

/** The segment this process runs, or undefined for the whole test (no flag, or 0:1 alone). */
export function segmentFromArgs(args: ParsedArgs, command: string): ExecutionTuple | undefined {
  const segmentText = last(args, 'execution-segment');
  const sequenceText = last(args, 'execution-segment-sequence');
  const indexText = last(args, 'execution-segment-index');
  if (segmentText === undefined && sequenceText === undefined && indexText === undefined) return undefined;

  const sequence = sequenceText === undefined ? [] : parse('execution-segment-sequence', sequenceText, command, parseSequence);
  let segment: ExecutionSegment | undefined;
  if (indexText !== undefined) {
    if (segmentText !== undefined) {
      throw new UsageError('give --execution-segment or --execution-segment-index, not both', command);
    }
    if (sequence.length === 0) {
      throw new UsageError('--execution-segment-index needs --execution-segment-sequence: the index picks one of its segments', command);
    }
    if (!/^\d+$/.test(indexText.trim())) {
      const hint = indexText.includes('$(') ? ' (the variable was not expanded: in Kubernetes the container needs env JOB_COMPLETION_INDEX, set by an Indexed Job)' : '';
      throw new UsageError(`--execution-segment-index "${indexText}" is not a segment index (0, 1, 2, …)${hint}`, command);
    }
    const index = Number(indexText.trim());
    if (index >= sequence.length) {
      throw new UsageError(
        `--execution-segment-index ${index}: the sequence ${sequenceToString(sequence)} has ${sequence.length} segments (indexes 0 to ${sequence.length - 1})`,
        command,
      );
    }
    segment = sequence[index];
  } else if (segmentText !== undefined) {
    segment = parse('execution-segment', segmentText, command, parseSegment);
  } else {
    throw new UsageError(
      '--execution-segment-sequence needs --execution-segment (or --execution-segment-index) to say which of its segments this process runs',
      command,
    );
  }
  let tuple: ExecutionTuple;
  try {
    tuple = executionTuple(segment, sequence);
  } catch (err) {
    if (!(err instanceof SegmentError)) throw err;
    // k6's wording for a segment that is not one of the sequence's parts.
    const message = sequence.length > 0 ? `provided segment ${segment} can't be found in sequence ${sequenceToString(sequence)}` : err.message;
    throw new UsageError(`--execution-segment "${segmentText ?? segment}": ${message}`, command);
  }
  return tuple.isFull ? undefined : tuple;
}
