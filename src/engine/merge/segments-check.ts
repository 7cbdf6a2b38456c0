// Whether the runs given to a merge are the parts of one test: each ran its own execution segment, no two
// overlap (that would count some VUs and iterations twice), and together they cover the test (a missing
// part is said, not hidden: the merged figures are then those of the part that ran).
import { ExecutionSegment, Rational, SegmentError, parseSegment } from '../segments';
import { MergeInputError, type RunFile } from './read-run';

export interface SegmentCoverage {
  /** Things the user should know; none is fatal. */
  notes: string[];
  /** The union of the segments when it is one interval (not the whole test), for the merged run's `start` event. */
  union: { segment: string; sequence: string } | undefined;
}

function segmentOf(run: RunFile): ExecutionSegment {
  const text = run.start.segment?.segment;
  if (text === undefined) return ExecutionSegment.FULL;
  try {
    return parseSegment(text);
  } catch (err) {
    throw new MergeInputError(`${run.path}: its start event names segment "${text}": ${err instanceof SegmentError ? err.message : String(err)}`);
  }
}

export function checkSegments(runs: readonly RunFile[]): SegmentCoverage {
  const notes: string[] = [];
  const parts = runs.map((run) => ({ run, segment: segmentOf(run) })).sort((a, b) => a.segment.from.cmp(b.segment.from) || a.segment.to.cmp(b.segment.to));

  for (let i = 1; i < parts.length; i++) {
    const [a, b] = [parts[i - 1], parts[i]];
    if (a.segment.equals(b.segment)) {
      throw new MergeInputError(
        `${a.run.path} and ${b.run.path} both ran segment ${a.segment} (the same run twice, or two pods with the same index?): merging them would count it twice`,
      );
    }
    if (b.segment.from.cmp(a.segment.to) < 0) {
      throw new MergeInputError(
        `${a.run.path} (segment ${a.segment}) and ${b.run.path} (segment ${b.segment}) overlap: some VUs and iterations would be counted twice`,
      );
    }
  }

  const sequences = new Set(runs.map((run) => run.start.segment?.sequence ?? ''));
  if (sequences.size > 1) {
    notes.push(
      `the runs used different --execution-segment-sequence values (${[...sequences].map((s) => s || 'none').join(' | ')}): ` +
        'their VUs and iterations do not interleave exactly; give every run the same sequence',
    );
  }

  const missing: string[] = [];
  let covered = Rational.ZERO;
  let cursor = Rational.ZERO;
  for (const { segment } of parts) {
    if (segment.from.cmp(cursor) > 0) missing.push(`${cursor}:${segment.from}`);
    covered = covered.add(segment.length);
    cursor = segment.to;
  }
  if (cursor.cmp(Rational.ONE) < 0) missing.push(`${cursor}:1`);
  if (missing.length > 0) {
    notes.push(`the runs cover ${covered} of the test; missing: ${missing.join(', ')}. The merged figures are those of the part that ran`);
  }

  let union: SegmentCoverage['union'];
  if (missing.length === 0 || (missing.length === 1 && (missing[0].startsWith('0:') || missing[0].endsWith(':1')))) {
    const whole = new ExecutionSegment(parts[0].segment.from, parts[parts.length - 1].segment.to);
    if (!whole.isFull()) {
      // The sequence the parts were cut from, kept as it is, so the merged run merges again with its siblings.
      union = { segment: whole.toString(), sequence: sequences.size === 1 ? [...sequences][0] : '' };
    }
  }
  return { notes, union };
}
