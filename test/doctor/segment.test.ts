// The doctor in an execution segment: it sees only its part of the load, so it judges that part — its
// share of the VUs against the drops and connections it observes — and writes its VU edits in the scenario
// file's terms (the segment's need divided by its share), saying so in the fix. A real run against a real
// loopback server; bounded: half of 200/s for 2 s.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { preflightDiagnoses, type SystemLimits } from '../../src/engine/doctor';
import { inFileTerms } from '../../src/engine/doctor/doctor';
import { tupleFromFlags } from '../../src/engine/segments';
import { startTarget, type Target } from '../support/target';
import { compile, run } from '../engine/harness';

let target: Target;
before(async () => {
  target = await startTarget();
});
after(async () => {
  await target.close();
});

test('a segment short of VUs: the edit is the whole file\'s need, not the segment\'s', async () => {
  const plan = compile(`name: segment doctor
baseUrl: ${target.url}
scenarios:
  open:
    executor: constant-arrival-rate
    rate: 200
    timeUnit: 1s
    duration: 2s
    preAllocatedVUs: 4
    maxVUs: 4
    gracefulStop: 1s
    flow:
      - get: /slow?ms=100
`);
  const collected = run(plan, { share: tupleFromFlags('0:1/2', undefined) });
  const { summary } = await collected.finished;
  const open = summary.scenarios[0]!;
  // The segment starts half of the 400 iterations, on its 2 of the 4 VUs: 20/s at most, so it drops.
  assert.equal(open.iterations + open.dropped, 200);
  assert.ok(open.dropped > 100, `dropped ${open.dropped}`);
  const d = summary.diagnoses.find((x) => x.id === 'insufficient-vus');
  assert.ok(d, JSON.stringify(summary.diagnoses.map((x) => x.id)));
  assert.equal(d.evidence.segmentShare, 0.5);
  // Judged on the segment's part: its 2 of the 4 VUs at its 100 of the 200 iterations/s.
  assert.equal(d.evidence.maxVUs, 2);
  assert.equal(d.evidence.peakRatePerSecond ?? d.evidence.ratePerSecond, 100);
  // The whole test needs ≈ 200/s × 0.1 s = 20 VUs at least; the segment alone, half of that.
  const maxVUs = (d.edits ?? [d.edit!]).find((e) => e.path[2] === 'maxVUs');
  assert.ok(maxVUs !== undefined && typeof maxVUs.value === 'number', JSON.stringify(d));
  assert.ok((maxVUs.value as number) >= 20, `maxVUs edit ${String(maxVUs.value)}`);
  assert.match(d.fix, new RegExp(`runs 50 % of the scenario, so in the file: .*maxVUs: ${String(maxVUs.value)}`));
});

test('edits of VU counts scale by the share, other edits and the whole test stay as they are', () => {
  const d = {
    id: 'x',
    severity: 'warning' as const,
    title: 't',
    evidence: {},
    explanation: 'e',
    fix: 'Set maxVUs to at least 7.',
    edit: { path: ['scenarios', 's', 'maxVUs'], value: 7 },
    edits: [
      { path: ['scenarios', 's', 'maxVUs'], value: 7 },
      { path: ['scenarios', 's', 'preAllocatedVUs'], value: 7 },
      { path: ['http', 'connections'], value: 'shared' },
    ],
  };
  assert.equal(inFileTerms(d, 1), d);
  const third = inFileTerms(d, 1 / 3);
  assert.deepEqual(third.edit, { path: ['scenarios', 's', 'maxVUs'], value: 21 });
  assert.deepEqual(third.edits?.map((e) => e.value), [21, 21, 'shared']);
  assert.equal(third.fix, 'Set maxVUs to at least 7. (Those are this execution segment\'s VUs: it runs 33.33 % of the scenario, so in the file: maxVUs: 21, preAllocatedVUs: 21.)');
});

test('preflight counts the connections of the segment\'s VUs, not the whole test\'s', () => {
  const plan = compile(`baseUrl: http://127.0.0.1:8080
scenarios:
  crowd:
    executor: constant-vus
    vus: 2000
    duration: 10s
    flow:
      - get: /a
`);
  const limits: SystemLimits = { openFilesSoft: 1024, openFilesHard: 1024, openFilesInUse: 10, portRange: { low: 1024, high: 65535 }, tcpTwReuse: 0 };
  assert.equal(preflightDiagnoses(plan, plan.scenarios, limits)[0]?.evidence.connections, 2000);
  assert.deepEqual(preflightDiagnoses(plan, plan.scenarios, limits, tupleFromFlags('0:1/4', undefined)), []);
});
