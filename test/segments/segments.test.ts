// Execution segments against k6's own test vectors (lib/execution_segment_test.go) and the properties
// the workers and scale-out rely on: the parts always add up to the whole and never overlap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ExecutionSegment,
  SegmentError,
  SegmentSequence,
  evenSequence,
  executionTuple,
  parseRational,
  parseSegment,
  parseSequence,
  sequenceLCD,
  sequenceToString,
  tupleFromFlags,
  workerShares,
  type WorkShare,
} from '../../src/engine/segments';

const seg = (text: string): ExecutionSegment => parseSegment(text);
const tuple = (segment: string, sequence = ''): ReturnType<typeof executionTuple> =>
  executionTuple(segment === '' ? undefined : seg(segment), parseSequence(sequence));

describe('parsing (k6 TestExecutionSegmentUnmarshalText)', () => {
  const ok: Array<[string, string]> = [
    ['0:1', '0:1'],
    ['0.5:0.75', '1/2:3/4'],
    ['1/2:3/4', '1/2:3/4'],
    ['50%:75%', '1/2:3/4'],
    ['2/4:75%', '1/2:3/4'],
    ['75%', '0:3/4'],
    ['', '0:1'],
  ];
  for (const [input, output] of ok) {
    it(`"${input}" is ${output}, and round-trips`, () => {
      assert.equal(seg(input).toString(), output);
      assert.equal(seg(seg(input).toString()).toString(), output);
    });
  }
  for (const input of ['125%', '1a5%', '1a5', '1a5%:2/3', '125%:250%', '55%:50%', '1/2:1/2', '-1:1', '1/0']) {
    it(`"${input}" is refused with a message`, () => assert.throws(() => seg(input), SegmentError));
  }
  it('reads decimals exactly', () => {
    assert.equal(parseRational('0.3').toString(), '3/10');
    assert.equal(parseRational('.25').toString(), '1/4');
    assert.equal(parseRational('1').toString(), '1');
  });
});

describe('sequences (k6 TestExecutionSegmentStringSequences, TestSequenceLCD)', () => {
  const cases: Array<[string, string[] | 'error', boolean]> = [
    ['', [], false],
    ['0.5', 'error', false],
    ['1,1', 'error', false],
    ['-0.5,1', 'error', false],
    ['1/2,1/2', 'error', false],
    ['1/2,1/3', 'error', false],
    ['0,1,1/2', 'error', false],
    ['0.5,1', ['1/2:1'], false],
    ['1/2,1', ['1/2:1'], true],
    ['1/3,2/3', ['1/3:2/3'], true],
    ['0,1/3,2/3', ['0:1/3', '1/3:2/3'], true],
    ['0,1/3,2/3,1', ['0:1/3', '1/3:2/3', '2/3:1'], true],
    ['0.5,0.7', ['1/2:7/10'], false],
    ['0.5,0.7,1', ['1/2:7/10', '7/10:1'], false],
    ['0,1/13,2/13,1/3,1/2,3/4,1', ['0:1/13', '1/13:2/13', '2/13:1/3', '1/3:1/2', '1/2:3/4', '3/4:1'], true],
  ];
  for (const [text, expected, reversible] of cases) {
    it(`"${text}"`, () => {
      if (expected === 'error') {
        assert.throws(() => parseSequence(text), SegmentError);
        return;
      }
      const sequence = parseSequence(text);
      assert.deepEqual(sequence.map(String), expected);
      if (reversible) assert.equal(sequenceToString(sequence), text);
    });
  }
  for (const [text, lcd] of [
    ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', 10],
    ['0,0.1,0.5,0.6,0.7,0.8,0.9,1', 10],
    ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', 10],
    ['0,1/3,5/6', 6],
    ['0,1/3,4/7', 21],
  ] as const) {
    it(`LCD of ${text} is ${lcd}`, () => assert.equal(sequenceLCD(parseSequence(text)), lcd));
  }
  it('splits like k6 (TestExecutionSegmentSplit)', () => {
    assert.deepEqual(evenSequence(3).map(String), ['0:1/3', '1/3:2/3', '2/3:1']);
    assert.deepEqual(seg('1/4:1/2').split(3).map(String), ['1/4:1/3', '1/3:5/12', '5/12:1/2']);
    assert.deepEqual(seg('1/4:1/2').split(4).map(String), ['1/4:5/16', '5/16:3/8', '3/8:7/16', '7/16:1/2']);
    assert.throws(() => seg('0:1').split(0), SegmentError);
  });
  it('sub-segments like k6', () => assert.equal(seg('1/2:1').subSegment(seg('0:1/2')).toString(), '1/2:3/4'));
});

describe('scaling', () => {
  it('ExecutionSegment.scale (k6 TestExecutionSegmentFailures)', () => {
    assert.deepEqual([seg('0:0.25').scale(2), seg('0:0.25').scale(3)], [1, 1]);
    assert.deepEqual([seg('0.25:0.5').scale(2), seg('0.25:0.5').scale(3)], [0, 1]);
    assert.deepEqual([seg('0.5:0.75').scale(2), seg('0.5:0.75').scale(3)], [1, 0]);
    assert.deepEqual([seg('0.75:1').scale(2), seg('0.75:1').scale(3)], [0, 1]);
  });

  it('ExecutionTuple.scale (k6 TestExecutionTupleScale, TestBigScale)', () => {
    assert.deepEqual([tuple('0.5').scale(2), tuple('0.5').scale(3)], [1, 2]);
    assert.deepEqual([tuple('0.5:1.0').scale(2), tuple('0.5:1.0').scale(3)], [1, 1]);
    assert.deepEqual([tuple('0.5', '0,0.5,1').scale(2), tuple('0.5', '0,0.5,1').scale(3)], [1, 2]);
    assert.deepEqual([tuple('0.5:1.0', '0,0.5,1').scale(2), tuple('0.5:1.0', '0,0.5,1').scale(3)], [1, 1]);
    assert.equal(tuple('0:7/20', '0,7/20,7/10,1').scale(50), 18);
  });

  // k6 TestNewExecutionTuple: scale, and scale after re-segmenting by a value.
  const vectors: Array<{ seg: string; seq: string; scale: Record<number, number>; re: Record<number, Record<number, number>> }> = [
    { seg: '', seq: '', scale: { 50: 50, 1: 1, 0: 0 }, re: { 50: { 50: 50, 1: 1, 0: 0 }, 1: { 50: 50, 1: 1, 0: 0 } } },
    { seg: '0:1', seq: '0,1', scale: { 50: 50, 1: 1, 0: 0 }, re: { 50: { 50: 50, 1: 1, 0: 0 }, 1: { 50: 50, 1: 1, 0: 0 } } },
    {
      seg: '0:1/3',
      seq: '0,1/3,2/3,1',
      scale: { 50: 17, 3: 1, 2: 1, 1: 1, 0: 0 },
      re: { 50: { 50: 17, 1: 1, 0: 0 }, 20: { 50: 18, 1: 1, 0: 0 }, 3: { 50: 17, 1: 1, 0: 0 }, 2: { 50: 25, 1: 1, 0: 0 }, 1: { 50: 50, 1: 1, 0: 0 } },
    },
    {
      seg: '1/3:2/3',
      seq: '0,1/3,2/3,1',
      scale: { 50: 17, 3: 1, 2: 1, 1: 0, 0: 0 },
      re: { 50: { 50: 17, 1: 0, 0: 0 }, 20: { 50: 17, 1: 0, 0: 0 }, 3: { 50: 17, 1: 0, 0: 0 }, 2: { 50: 25, 1: 0, 0: 0 } },
    },
    {
      seg: '2/3:1',
      seq: '0,1/3,2/3,1',
      scale: { 50: 16, 3: 1, 2: 0, 1: 0, 0: 0 },
      re: { 50: { 50: 16, 1: 0, 0: 0 }, 20: { 50: 15, 1: 0, 0: 0 }, 3: { 50: 16, 1: 0, 0: 0 } },
    },
  ];
  for (const v of vectors) {
    it(`tuple ${v.seg || '(none)'} in ${v.seq || '(none)'}`, () => {
      const t = tuple(v.seg, v.seq);
      for (const [value, expected] of Object.entries(v.scale)) assert.equal(t.scale(Number(value)), expected, `scale(${value})`);
      for (const [value, scales] of Object.entries(v.re)) {
        const re = t.reSegmented(Number(value));
        for (const [inner, expected] of Object.entries(scales)) {
          assert.equal(re === undefined ? 0 : re.scale(Number(inner)), expected, `reSegmented(${value}).scale(${inner})`);
        }
      }
    });
  }
  it('re-segments 0,1/3,2/3,1 by 20 into 0,7/20,7/10,1 (k6 TestGetNewExecutionTupleBesedOnValue)', () => {
    assert.equal(tuple('0:1/3', '0,1/3,2/3,1').reSegmented(20)!.sequence.toString(), '0,7/20,7/10,1');
  });
  it('10 VUs over 0,1/3,2/3,1 → 4/3/3', () => {
    assert.deepEqual(['0:1/3', '1/3:2/3', '2/3:1'].map((s) => tuple(s, '0,1/3,2/3,1').scale(10)), [4, 3, 3]);
  });
});

describe('striped offsets (k6 TestGetStripedOffsets)', () => {
  const cases: Array<[string, string, number, number[], number]> = [
    ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0:0.3', 0, [4, 3, 3], 10],
    ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.3:0.5', 1, [4, 6], 10],
    ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.5:0.6', 2, [10], 10],
    ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.6:0.7', 3, [10], 10],
    ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.8:0.9', 8, [10], 10],
    ['0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0.9:1', 9, [10], 10],
    ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', '0.9:1', 9, [10], 10],
    ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', '0:0.2', 1, [4, 6], 10],
    ['0,0.2,0.5,0.6,0.7,0.8,0.9,1', '0.6:0.7', 3, [10], 10],
    ['0,0.2,0.5', '0:0.2', 3, [6, 4], 10],
    ['0,0.2,0.5', '0.2:0.5', 1, [4, 2, 4], 10],
    ['0,2/5,4/5', '0:2/5', 0, [3, 2], 5],
    ['0,2/5,4/5', '2/5:4/5', 1, [3, 2], 5],
    ['', '0:0.2', 1, [5], 5],
    ['', '0:1/5', 1, [5], 5],
    ['', '0:2/10', 1, [5], 5],
    ['', '0:0.4', 1, [2, 3], 5],
    ['', '0:2/5', 1, [2, 3], 5],
    ['', '2/5:4/5', 1, [3, 2], 5],
    ['', '0:4/10', 1, [2, 3], 5],
    ['', '1/10:5/10', 1, [2, 2, 4, 2], 10],
  ];
  for (const [seq, segment, start, offsets, lcd] of cases) {
    it(`${segment} in ${seq || '(none)'}`, () => {
      const striped = tuple(segment, seq).stripedOffsets();
      assert.deepEqual({ start: striped.start, offsets: [...striped.offsets], lcd: striped.lcd }, { start, offsets, lcd });
    });
  }
});

/** Global indexes of the first `count` items a share owns. */
function firstIndexes(share: WorkShare, below: number): number[] {
  const out: number[] = [];
  const it = share.indexes();
  for (let i = it.next(); i < below; i = it.next()) out.push(i);
  return out;
}

describe('properties', () => {
  const sequences = ['0,1/3,2/3,1', '0,1/2,1', '0,0.3,0.5,0.6,0.7,0.8,0.9,1', '0,1/13,2/13,1/3,1/2,3/4,1', '0,1/7,5/9,1'];
  for (const text of sequences) {
    it(`${text}: parts add up, monotonic, and the stripes partition the items`, () => {
      const sequence = new SegmentSequence(parseSequence(text));
      for (let value = 0; value <= 200; value++) {
        let sum = 0;
        for (let i = 0; i < sequence.segments.length; i++) {
          const share = sequence.scale(i, value);
          sum += share;
          if (value > 0) assert.ok(share >= sequence.scale(i, value - 1));
        }
        assert.equal(sum, value);
      }
      const seen = new Array<number>(500).fill(0);
      for (let i = 0; i < sequence.segments.length; i++) {
        const own = firstIndexes(sequence.tuple(i), 500);
        // The stripe's first n items are exactly what scale(n) counts.
        for (const n of [1, 17, 100, 499]) assert.equal(own.filter((g) => g < n).length, sequence.scale(i, n));
        for (const g of own) seen[g]++;
      }
      assert.ok(seen.every((c) => c === 1));
    });
  }

  it('worker shares inside a process segment partition exactly that segment', () => {
    const outer = tupleFromFlags('1/3:2/3', '0,1/3,2/3,1');
    const workers = workerShares(outer, 2);
    for (const value of [0, 1, 2, 3, 10, 50, 97]) {
      assert.equal(workers[0].scale(value) + workers[1].scale(value), outer.scale(value));
    }
    const outerItems = firstIndexes(outer, 300);
    const workerItems = workers.flatMap((w) => firstIndexes(w, 300)).sort((a, b) => a - b);
    assert.deepEqual(workerItems, outerItems);
    const re = workers.map((w) => w.reSegmented(10));
    const outerRe = outer.reSegmented(10)!;
    assert.equal((re[0]?.scale(1000) ?? 0) + (re[1]?.scale(1000) ?? 0), outerRe.scale(1000));
  });

  it('tupleFromFlags refuses a segment that is not in the sequence', () => {
    assert.throws(() => tupleFromFlags('0:1/2', '0,1/3,2/3,1'), /couldn't find segment 0:1\/2/);
  });
});
