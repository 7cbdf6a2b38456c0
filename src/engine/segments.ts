// k6's execution segments (lib/execution_segment.go): a test split into (from, to] parts of the work so
// that each process, machine or worker thread computes its own share from its segment alone, with no
// coordinator. A sequence "0,1/3,2/3,1" names all the parts; the striping algorithm interleaves the
// items (VUs, iterations) between them so that every prefix of the items is split as evenly as the
// segment lengths allow, and the parts always add up to the whole: 10 VUs over 0,1/3,2/3,1 → 4/3/3.
// Numbers are exact rationals (bigint), as in k6; the striped offsets use plain integers below the LCD.

/** Bad segment or sequence text: the message names the text, for the CLI to print as it is. */
export class SegmentError extends Error {}

/** An exact, normalised fraction with a positive denominator. */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  constructor(num: bigint, den: bigint = 1n) {
    if (den === 0n) throw new SegmentError('division by zero');
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num < 0n ? -num : num, den);
    this.num = g > 1n ? num / g : num;
    this.den = g > 1n ? den / g : den;
  }

  static readonly ZERO = new Rational(0n);
  static readonly ONE = new Rational(1n);

  add(other: Rational): Rational {
    return new Rational(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  sub(other: Rational): Rational {
    return new Rational(this.num * other.den - other.num * this.den, this.den * other.den);
  }

  mul(other: Rational): Rational {
    return new Rational(this.num * other.num, this.den * other.den);
  }

  cmp(other: Rational): number {
    const d = this.num * other.den - other.num * this.den;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }

  equals(other: Rational): boolean {
    return this.num === other.num && this.den === other.den;
  }

  toNumber(): number {
    return Number(this.num) / Number(this.den);
  }

  /** "1/3", "1", "0" (Go's RatString). */
  toString(): string {
    return this.den === 1n ? String(this.num) : `${this.num}/${this.den}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function gcdNumber(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Round half up (k6's roundUp: quo + 1 when 2·rem ≥ denominator), for non-negative values. */
function roundHalfUp(r: Rational): bigint {
  const quo = r.num / r.den;
  const rem = r.num % r.den;
  return rem * 2n >= r.den ? quo + 1n : quo;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const FRACTION = /^([+-]?\d+)\/(\d+)$/;

/** A percentage ("50%"), decimal ("0.5") or fraction ("1/2"), as k6's stringToRat accepts them. */
export function parseRational(text: string): Rational {
  const s = text.trim();
  if (s.endsWith('%')) {
    const digits = s.slice(0, -1);
    if (!/^[+-]?\d+$/.test(digits)) throw new SegmentError(`'${text}' is not a valid percentage`);
    return new Rational(BigInt(digits), 100n);
  }
  const fraction = FRACTION.exec(s);
  if (fraction) {
    if (BigInt(fraction[2]) === 0n) throw new SegmentError(`'${text}' divides by zero`);
    return new Rational(BigInt(fraction[1]), BigInt(fraction[2]));
  }
  const decimal = DECIMAL.exec(s);
  if (decimal && (decimal[2] !== '' || (decimal[3] ?? '') !== '')) {
    const whole = decimal[2] === '' ? '0' : decimal[2];
    const frac = decimal[3] ?? '';
    const value = new Rational(BigInt(whole + frac), 10n ** BigInt(frac.length));
    return decimal[1] === '-' ? new Rational(-value.num, value.den) : value;
  }
  throw new SegmentError(`'${text}' is not a valid percentage, decimal, fraction or interval value`);
}

/** (from, to] with 0 ≤ from < to ≤ 1. */
export class ExecutionSegment {
  readonly length: Rational;

  constructor(
    readonly from: Rational,
    readonly to: Rational,
  ) {
    if (from.cmp(Rational.ZERO) < 0) throw new SegmentError(`segment start value must be at least 0 but was ${from}`);
    if (from.cmp(to) >= 0) throw new SegmentError(`segment start (${from}) must be less than its end (${to})`);
    if (to.cmp(Rational.ONE) > 0) throw new SegmentError(`segment end value can't be more than 1 but was ${to}`);
    this.length = to.sub(from);
  }

  static readonly FULL = new ExecutionSegment(Rational.ZERO, Rational.ONE);

  equals(other: ExecutionSegment): boolean {
    return this.from.equals(other.from) && this.to.equals(other.to);
  }

  isFull(): boolean {
    return this.equals(ExecutionSegment.FULL);
  }

  /** "1/3:2/3". */
  toString(): string {
    return `${this.from}:${this.to}`;
  }

  /**
   * k6's ExecutionSegment.Scale: round(value·to − round(value·from)), stable on its own but, unlike the
   * tuple's striped scale, not monotonic in `value`. Kept for parity; executors use ExecutionTuple.scale.
   */
  scale(value: number): number {
    const v = new Rational(BigInt(value));
    const fromValue = v.mul(this.from);
    const toValue = v.mul(this.to).sub(new Rational(roundHalfUp(fromValue)));
    return Number(roundHalfUp(toValue));
  }

  /** `parts` equal consecutive sub-segments of this one. */
  split(parts: number): ExecutionSegment[] {
    if (!Number.isInteger(parts) || parts < 1) throw new SegmentError(`the number of parts must be at least 1, ${parts} received`);
    const step = new Rational(this.length.num, this.length.den * BigInt(parts));
    const out: ExecutionSegment[] = [];
    let from = this.from;
    for (let i = 0; i < parts; i++) {
      const to = i === parts - 1 ? this.to : from.add(step);
      out.push(new ExecutionSegment(from, to));
      from = to;
    }
    return out;
  }

  /** The part `child` of this segment: (1/2:1).subSegment(0:1/2) = 1/2:3/4. */
  subSegment(child: ExecutionSegment): ExecutionSegment {
    const from = this.from.add(this.length.mul(child.from));
    return new ExecutionSegment(from, from.add(this.length.mul(child.length)));
  }
}

/**
 * `--execution-segment`: "A:B" (each a percentage, decimal or fraction), or a single value V meaning 0:V;
 * empty means the whole test, 0:1.
 */
export function parseSegment(text: string): ExecutionSegment {
  let toText = text.trim() === '' ? '1' : text.trim();
  let from = Rational.ZERO;
  const colon = toText.indexOf(':');
  if (colon >= 0) {
    from = parseRational(toText.slice(0, colon));
    toText = toText.slice(colon + 1);
  }
  return new ExecutionSegment(from, parseRational(toText));
}

/**
 * `--execution-segment-sequence`: "r1,r2,…,rn", the segments (r1,r2], (r2,r3], …; empty for none. It need
 * not cover 0..1: the gaps at either end are filled in when a tuple is built, as k6 does.
 */
export function parseSequence(text: string): ExecutionSegment[] {
  if (text.trim() === '') return [];
  const points = text.split(',');
  if (points.length < 2) {
    throw new SegmentError(`at least 2 points are needed for an execution segment sequence, ${points.length} given`);
  }
  const segments: ExecutionSegment[] = [];
  let start = parseRational(points[0]);
  for (const point of points.slice(1)) {
    const end = parseRational(point);
    segments.push(new ExecutionSegment(start, end));
    start = end;
  }
  return segments;
}

/** "0,1/3,2/3,1". */
export function sequenceToString(segments: readonly ExecutionSegment[]): string {
  if (segments.length === 0) return '';
  return [segments[0].from, ...segments.map((s) => s.to)].map(String).join(',');
}

/** The sequence 0, 1/n, …, 1: n equal parts (one per worker). */
export function evenSequence(parts: number): ExecutionSegment[] {
  return ExecutionSegment.FULL.split(parts);
}

/** k6's GetFilledExecutionSegmentSequence: gaps before the first and after the last segment filled in. */
export function filledSequence(sequence: readonly ExecutionSegment[], fallback?: ExecutionSegment): ExecutionSegment[] {
  let result: ExecutionSegment[];
  if (sequence.length === 0) {
    if (fallback === undefined || fallback.isFull()) return [ExecutionSegment.FULL];
    result = [fallback];
  } else {
    result = [...sequence];
  }
  if (result[0].from.cmp(Rational.ZERO) !== 0) result.unshift(new ExecutionSegment(Rational.ZERO, result[0].from));
  const last = result[result.length - 1];
  if (last.to.cmp(Rational.ONE) !== 0) result.push(new ExecutionSegment(last.to, Rational.ONE));
  return result;
}

/** Least common denominator of the segments' lengths (k6's LCD). */
export function sequenceLCD(sequence: readonly ExecutionSegment[]): number {
  let acc = Number(sequence[0].length.den);
  for (const segment of sequence.slice(1)) {
    const n = Number(segment.length.den);
    if (acc % n === 0) continue;
    acc *= n / gcdNumber(acc, n);
  }
  return acc;
}

/** Striped offsets of one segment: its first item, then the gaps to each next one, repeating every `lcd` items. */
export interface StripedOffsets {
  start: number;
  offsets: readonly number[];
  lcd: number;
}

/**
 * k6's ExecutionSegmentSequenceWrapper: a full sequence (0..1) with its LCD and, per segment, the
 * striped offsets. The LCD bounds the work: sequences with huge denominators are refused.
 */
export class SegmentSequence {
  readonly lcd: number;
  private readonly offsets: number[][];

  constructor(readonly segments: readonly ExecutionSegment[]) {
    if (segments.length === 0 || !segments[0].from.equals(Rational.ZERO) || !segments[segments.length - 1].to.equals(Rational.ONE)) {
      throw new SegmentError(`cannot stripe a sequence that does not cover 0 to 1: '${sequenceToString(segments)}'`);
    }
    for (let i = 1; i < segments.length; i++) {
      if (!segments[i].from.equals(segments[i - 1].to)) {
        throw new SegmentError(
          `the start value ${segments[i].from} of segment #${i} must be equal to the end value of the previous one, but it is ${segments[i - 1].to}`,
        );
      }
    }
    const lcd = sequenceLCD(segments);
    if (!(lcd <= 1_000_000)) throw new SegmentError(`the segments' common denominator ${lcd} is too large (at most 1000000)`);
    this.lcd = lcd;
    this.offsets = stripe(segments, lcd);
  }

  /** Index of `segment` in this sequence, or -1. */
  indexOf(segment: ExecutionSegment): number {
    return this.segments.findIndex((s) => s.equals(segment));
  }

  /** How many of the first `value` items the segment at `index` gets; the parts add up to `value`. */
  scale(index: number, value: number): number {
    if (this.segments.length === 1) return value;
    const own = this.offsets[index];
    const start = own[0];
    const perCycle = own.length - 1;
    let result = Math.floor(value / this.lcd) * perCycle;
    const rest = value % this.lcd;
    for (let gi = 0, i = start; i < rest; i += own[1 + (gi % perCycle)], gi++) result++;
    return result;
  }

  stripedOffsets(index: number): StripedOffsets {
    const own = this.offsets[index];
    return { start: own[0], offsets: own.slice(1), lcd: this.lcd };
  }

  tuple(index: number): ExecutionTuple {
    return new ExecutionTuple(this, index);
  }

  toString(): string {
    return sequenceToString(this.segments);
  }
}

/**
 * k6's striping: walk items 0..lcd−1 and give each to the first segment (biggest first, stable) whose
 * share so far is behind its length — item i goes to a segment with `chosen` items when
 * i ≥ chosen·lcd/numerator. Per segment: [first item, gap to the next, …, gap back to the first + lcd].
 */
function stripe(segments: readonly ExecutionSegment[], lcd: number): number[][] {
  const n = segments.length;
  const numerators = segments.map((s) => Number(s.length.num) * (lcd / Number(s.length.den)));
  const order = numerators.map((_, i) => i).sort((a, b) => numerators[b] - numerators[a] || a - b);
  const offsets: number[][] = segments.map(() => []);
  const prev = new Array<number>(n).fill(0);
  const chosen = new Array<number>(n).fill(0);
  for (let i = 0; i < lcd; i++) {
    for (let k = 0; k < n; k++) {
      const numerator = chosen[k] * lcd;
      const denominator = numerators[order[k]];
      const q = Math.floor(numerator / denominator);
      if (i > q || (i === q && numerator % denominator === 0)) {
        chosen[k]++;
        const index = order[k];
        const own = offsets[index];
        own.push(i - prev[index]);
        prev[index] = i;
        if (own.length === denominator) own.push(own[0] + lcd - i);
        break;
      }
    }
  }
  return offsets;
}

/**
 * One segment of a sequence (k6's ExecutionTuple): what a process, machine or worker runs. Without a
 * sequence the segment is completed to 0..1 around it.
 */
export class ExecutionTuple implements WorkShare {
  constructor(
    readonly sequence: SegmentSequence,
    readonly index: number,
  ) {}

  get segment(): ExecutionSegment {
    return this.sequence.segments[this.index];
  }

  /** Whether this is the whole test (no segmentation at all). */
  get isFull(): boolean {
    return this.sequence.segments.length === 1;
  }

  get fraction(): number {
    return this.segment.length.toNumber();
  }

  /** This segment's share of `value` items (VUs, iterations), by the striped algorithm. */
  scale(value: number): number {
    return this.sequence.scale(this.index, value);
  }

  stripedOffsets(): StripedOffsets {
    return this.sequence.stripedOffsets(this.index);
  }

  /**
   * k6's GetNewExecutionTupleFromValue: the sequence re-cut so that each segment's length is its share
   * of `value` items (segments with none are dropped), and this segment in it; undefined when this
   * segment gets none. Arrival-rate executors stripe iterations by it (value = maxVUs) and
   * shared-iterations splits iterations by it (value = VUs), so work follows the VUs that do it.
   */
  reSegmented(value: number): ExecutionTuple | undefined {
    if (!(value >= 1)) return undefined;
    if (value % this.sequence.lcd === 0) return this;
    const segments: ExecutionSegment[] = [];
    let newIndex = -1;
    let prev = 0;
    const denominator = BigInt(value);
    for (let i = 0; i < this.sequence.segments.length; i++) {
      const share = this.sequence.scale(i, value);
      if (share === 0) continue;
      if (i === this.index) newIndex = segments.length;
      segments.push(new ExecutionSegment(new Rational(BigInt(prev), denominator), new Rational(BigInt(prev + share), denominator)));
      prev += share;
    }
    if (newIndex < 0) return undefined;
    return new SegmentSequence(segments).tuple(newIndex);
  }

  /** An iterator over the 0-based global indexes of the items that belong to this segment. */
  indexes(): StripedIndexes {
    return new StripedIndexes(this.stripedOffsets());
  }

  toString(): string {
    return `${this.segment} in ${this.sequence}`;
  }
}

/** Global item indexes of one segment, in order: start, start + offsets[0], … (k6's iteration stripe). */
export class StripedIndexes {
  private readonly start: number;
  private readonly offsets: readonly number[];
  private nextIndex: number;
  private step = 0;

  constructor(striped: StripedOffsets) {
    this.start = striped.start;
    this.offsets = striped.offsets;
    this.nextIndex = striped.start;
  }

  /** The next global index of this segment. */
  next(): number {
    const index = this.nextIndex;
    this.nextIndex += this.offsets[this.step];
    this.step = this.step + 1 === this.offsets.length ? 0 : this.step + 1;
    return index;
  }

  reset(): void {
    this.nextIndex = this.start;
    this.step = 0;
  }
}

/**
 * The tuple for `--execution-segment` within `--execution-segment-sequence` (k6's NewExecutionTuple):
 * the sequence is completed to 0..1, and the segment must be one of its parts.
 */
export function executionTuple(segment?: ExecutionSegment, sequence: readonly ExecutionSegment[] = []): ExecutionTuple {
  const filled = filledSequence(sequence, segment);
  const wrapper = new SegmentSequence(filled);
  const index = wrapper.indexOf(segment ?? ExecutionSegment.FULL);
  if (index < 0) throw new SegmentError(`couldn't find segment ${segment ?? ExecutionSegment.FULL} in sequence ${sequenceToString(filled)}`);
  return wrapper.tuple(index);
}

/** The tuple from the flags' text: `--execution-segment` and `--execution-segment-sequence`, either may be empty. */
export function tupleFromFlags(segmentText: string | undefined, sequenceText: string | undefined): ExecutionTuple {
  const segment = segmentText === undefined || segmentText.trim() === '' ? undefined : parseSegment(segmentText);
  const sequence = sequenceText === undefined ? [] : parseSequence(sequenceText);
  return executionTuple(segment, sequence);
}

/** The whole test: no segmentation. */
export const FULL_TUPLE: ExecutionTuple = executionTuple();

/**
 * How a worker or process learns its share: plain strings, so it crosses postMessage, argv and a
 * Kubernetes manifest unchanged.
 */
export interface SegmentSpec {
  segment: string;
  sequence: string;
}

export function tupleFromSpec(spec: SegmentSpec): ExecutionTuple {
  return tupleFromFlags(spec.segment, spec.sequence);
}

export function specOf(tuple: ExecutionTuple): SegmentSpec {
  return { segment: tuple.segment.toString(), sequence: tuple.sequence.toString() };
}

/**
 * What an executor needs of its share of the work: a tuple, or a tuple within a tuple (a worker thread's
 * part of a process's segment).
 */
export interface WorkShare {
  /** Whether this is the whole test, so executors can skip the arithmetic. */
  readonly isFull: boolean;
  /** The share's part of the whole test (1 when whole): what a rate is cut by. */
  readonly fraction: number;
  /** This share of the first `value` items. */
  scale(value: number): number;
  /** The 0-based global indexes of this share's items, in order. */
  indexes(): IndexIterator;
  /** The share re-cut by a count of items (see ExecutionTuple.reSegmented); undefined when it gets none. */
  reSegmented(value: number): WorkShare | undefined;
}

export interface IndexIterator {
  next(): number;
}

/**
 * Part `inner` of the items of `outer`: worker threads split their process's own share, so the union of
 * the workers' items is exactly the process's share whatever the other processes' segments are.
 */
export class ComposedShare implements WorkShare {
  constructor(
    readonly outer: WorkShare,
    readonly inner: WorkShare,
  ) {}

  get isFull(): boolean {
    return this.outer.isFull && this.inner.isFull;
  }

  get fraction(): number {
    return this.outer.fraction * this.inner.fraction;
  }

  scale(value: number): number {
    return this.inner.scale(this.outer.scale(value));
  }

  indexes(): IndexIterator {
    const outer = this.outer.indexes();
    const inner = this.inner.indexes();
    let consumed = 0;
    return {
      next(): number {
        const wanted = inner.next();
        for (; consumed < wanted; consumed++) outer.next();
        consumed++;
        return outer.next();
      },
    };
  }

  reSegmented(value: number): WorkShare | undefined {
    const outer = this.outer.reSegmented(value);
    if (outer === undefined) return undefined;
    const inner = this.inner.reSegmented(this.outer.scale(value));
    return inner === undefined ? undefined : composeShares(outer, inner);
  }
}

/** `inner` (e.g. worker i of n) within `outer` (the process's segment); the plain tuple when either is whole. */
export function composeShares(outer: WorkShare, inner: WorkShare): WorkShare {
  if (outer.isFull) return inner;
  if (inner.isFull) return outer;
  return new ComposedShare(outer, inner);
}

/** The shares of `workers` worker threads within the process's own share, by the even sequence 0,1/n,…,1. */
export function workerShares(outer: WorkShare, workers: number): WorkShare[] {
  if (workers <= 1) return [outer];
  const sequence = new SegmentSequence(evenSequence(workers));
  return sequence.segments.map((_, i) => composeShares(outer, sequence.tuple(i)));
}
