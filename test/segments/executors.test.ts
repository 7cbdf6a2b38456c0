// How each executor splits its scenario between segments, without running anything: the segments'
// arrival-rate schedules interleave into exactly the single-process schedule, the ramping-VUs steps add
// up to the single-process ramp at every moment, and closed models split VUs and iterations like k6.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iterationStripe } from '../../src/engine/executors/arrival-rate';
import { ConstantArrivalRateSchedule } from '../../src/engine/executors/constant-arrival-rate';
import { RampingArrivalRateSchedule } from '../../src/engine/executors/ramping-arrival-rate';
import { rampingVUsSteps, segmentSteps, type VUStep } from '../../src/engine/executors/ramping-vus';
import { sharedIterationsOf } from '../../src/engine/executors/shared-iterations';
import { VUIdSequence, scaled } from '../../src/engine/executors/types';
import { SegmentSequence, parseSequence, workerShares, tupleFromFlags, type WorkShare } from '../../src/engine/segments';

const thirds = new SegmentSequence(parseSequence('0,1/3,2/3,1'));
const uneven = new SegmentSequence(parseSequence('0,1/4,7/10,1'));

function drain(schedule: { next(): number }): number[] {
  const out: number[] = [];
  for (let t = schedule.next(); t !== Infinity; t = schedule.next()) out.push(t);
  return out;
}

const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);

describe('arrival-rate schedules split by segment', () => {
  const constant = { type: 'constant-arrival-rate' as const, rate: 250, timeUnitMs: 1000, durationMs: 2000, preAllocatedVUs: 10, maxVUs: 10 };
  const ramping = {
    type: 'ramping-arrival-rate' as const,
    startRate: 10,
    timeUnitMs: 1000,
    preAllocatedVUs: 7,
    maxVUs: 13,
    stages: [
      { durationMs: 2000, target: 300 },
      { durationMs: 1000, target: 300 },
      { durationMs: 1500, target: 0 },
    ],
  };

  for (const sequence of [thirds, uneven]) {
    it(`constant-arrival-rate over ${sequence}: the segments interleave into the whole schedule`, () => {
      const whole = drain(new ConstantArrivalRateSchedule(constant));
      const parts = sequence.segments.map((_, i) => drain(new ConstantArrivalRateSchedule(constant, iterationStripe(sequence.tuple(i), constant.maxVUs, constant.preAllocatedVUs))));
      assert.deepEqual(sorted(parts.flat()), whole);
      // In proportion to the VUs (k6 re-cuts the sequence by maxVUs): 10 VUs over thirds → 4/3/3.
      if (sequence === thirds) assert.deepEqual(parts.map((p) => p.length), [200, 150, 150]);
    });

    it(`ramping-arrival-rate over ${sequence}: the same for the area-based schedule`, () => {
      const whole = drain(new RampingArrivalRateSchedule(ramping));
      const parts = sequence.segments.map((_, i) => drain(new RampingArrivalRateSchedule(ramping, iterationStripe(sequence.tuple(i), ramping.maxVUs, ramping.preAllocatedVUs))));
      assert.deepEqual(sorted(parts.flat()), whole);
      assert.ok(parts.every((p) => p.length > 0));
    });
  }

  it('worker threads inside a process segment: together exactly the process segment', () => {
    const outer = tupleFromFlags('1/3:2/3', '0,1/3,2/3,1');
    const own = drain(new ConstantArrivalRateSchedule(constant, iterationStripe(outer, 10, 10)));
    const workers = workerShares(outer, 2).map((w) => drain(new ConstantArrivalRateSchedule(constant, iterationStripe(w, 10, 10))));
    assert.deepEqual(sorted(workers.flat()), own);
  });

  it('a segment without VUs starts no iteration', () => {
    const one = { ...constant, preAllocatedVUs: 1, maxVUs: 1 };
    const counts = thirds.segments.map((_, i) => drain(new ConstantArrivalRateSchedule(one, iterationStripe(thirds.tuple(i), 1, 1))).length);
    assert.deepEqual(counts, [500, 0, 0]);
  });
});

function vusAt(steps: readonly VUStep[], offset: number): number {
  let vus = 0;
  for (const step of steps) if (step.offsetMs <= offset) vus = step.vus;
  return vus;
}

describe('ramping-vus split by segment', () => {
  it('the segments add up to the whole ramp at every moment (k6 getRawExecutionSteps)', () => {
    const stages = [
      { durationMs: 10_000, target: 10 },
      { durationMs: 5_000, target: 3 },
      { durationMs: 0, target: 8 },
      { durationMs: 7_000, target: 0 },
    ];
    const whole = rampingVUsSteps(2, stages);
    for (const sequence of [thirds, uneven]) {
      const parts = sequence.segments.map((_, i) => segmentSteps(whole, sequence.tuple(i)));
      for (let offset = 0; offset <= 22_000; offset += 250) {
        assert.equal(parts.reduce((sum, p) => sum + vusAt(p, offset), 0), vusAt(whole, offset), `at ${offset} ms over ${sequence}`);
      }
      // No step repeats a count: each one changes this segment's VUs.
      for (const p of parts) for (let i = 1; i < p.length; i++) assert.notEqual(p[i].vus, p[i - 1].vus);
    }
    // k6's doc example: 0 → 10 over 10 s in two halves: VU 1 (and 3, 5, …) in the first, 2 (4, …) in the second.
    const half = new SegmentSequence(parseSequence('0,1/2,1'));
    const ramp = rampingVUsSteps(0, [{ durationMs: 10_000, target: 10 }]);
    assert.deepEqual(segmentSteps(ramp, half.tuple(0)).map((s) => s.offsetMs), [0, 1000, 3000, 5000, 7000, 9000]);
    assert.deepEqual(segmentSteps(ramp, half.tuple(1)).map((s) => s.offsetMs), [0, 2000, 4000, 6000, 8000, 10_000]);
  });
});

describe('closed models split by segment', () => {
  const share = (i: number): { share: WorkShare } => ({ share: thirds.tuple(i) });
  it('constant-vus and per-vu-iterations: VUs 4/3/3 of 10', () => {
    assert.deepEqual([0, 1, 2].map((i) => scaled(share(i), 10)), [4, 3, 3]);
  });
  it('shared-iterations: iterations follow the VUs (k6 GetIterations)', () => {
    const config = { vus: 10, iterations: 101 };
    const parts = [0, 1, 2].map((i) => sharedIterationsOf(share(i), config));
    assert.deepEqual(parts, [41, 30, 30]);
    // 2 VUs over thirds: the third segment has none, so no iterations either.
    assert.deepEqual([0, 1, 2].map((i) => sharedIterationsOf(share(i), { vus: 2, iterations: 9 })), [5, 4, 0]);
  });
});

describe('VU ids by segment', () => {
  it('each part takes the ids of its stripe: unique across parts, together 1..n (k6 idInTest)', () => {
    const ids = thirds.segments.map((_, i) => {
      const sequence = new VUIdSequence(thirds.tuple(i).indexes());
      return Array.from({ length: scaled({ share: thirds.tuple(i) }, 30) }, () => sequence.next());
    });
    assert.deepEqual(ids.map((own) => own.length), [10, 10, 10]);
    assert.deepEqual(sorted(ids.flat()), Array.from({ length: 30 }, (_, i) => i + 1));
    assert.deepEqual(ids[0].slice(0, 3), [1, 4, 7]);
  });
});
