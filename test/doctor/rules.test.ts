// The rules on recorded aggregate sequences (in addition to the live runs): thresholds at their edges,
// the SUT-vs-generator decision on identical errors, the graceful-stop window, the doctor's dedup and its
// tolerance of a failing rule, and where diagnoses reach the user (text summary, summary-export).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnosis, ErrorClass, GeneratorHealth, RunSummary, ScenarioFigures, StepFigures, TrendStats } from '../../src/protocol';
import { createDoctor, DOCTOR_THRESHOLDS, RULES, type RuleFactory, type Second, type SystemLimits } from '../../src/engine/doctor';
import { formatTextSummary } from '../../src/engine/report/text-summary';
import { toSummaryExport } from '../../src/engine/report/summary-export';
import { compile } from '../engine/harness';

const LIMITS: SystemLimits = { openFilesSoft: 65536, openFilesHard: 65536, openFilesInUse: 20, portRange: { low: 32768, high: 60999 }, tcpTwReuse: 2 };

function trend(avg: number, p90 = avg, count = 1): TrendStats {
  return { count, avg, min: avg, med: avg, max: Math.max(avg, p90), p90, p95: p90, p99: p90 };
}

function step(name: string, requests: number, over: Partial<StepFigures> & { waitMs?: number; connectP90?: number } = {}): StepFigures {
  const duration = over.duration ?? trend(20, 25, requests);
  return {
    scenario: 'browse',
    step: name,
    stepIndex: 0,
    requests,
    failed: over.failed ?? 0,
    duration,
    phases: over.phases ?? {
      blocked: trend(over.waitMs ?? 0.1, over.waitMs ?? 0.1, requests),
      connecting: trend(0, over.connectP90 ?? 0, requests),
      tlsHandshaking: trend(0, 0, requests),
      sending: trend(0.05, 0.05, requests),
      waiting: trend(19, 24, requests),
      receiving: trend(0.1, 0.1, requests),
    },
    errors: over.errors ?? {},
    statuses: {},
    checksPassed: 0,
    checksFailed: 0,
    dataSent: 0,
    dataReceived: 0,
  };
}

function scenario(steps: StepFigures[], over: Partial<ScenarioFigures> = {}): ScenarioFigures {
  return {
    scenario: 'browse',
    iterations: steps[0]?.requests ?? 0,
    dropped: 0,
    interrupted: 0,
    iterationDuration: trend(21, 26, steps[0]?.requests ?? 0),
    lateness: trend(0.5),
    vusActive: 4,
    vusAllocated: 10,
    vusMax: 10,
    targetRate: 50,
    steps,
    ...over,
  };
}

const HEALTHY: GeneratorHealth = { cpuPercent: 12, eventLoopDelayP99Ms: 11, rssBytes: 8e7, heapUsedBytes: 3e7, openSockets: 4, newConnections: 0 };
const SATURATED: GeneratorHealth = { ...HEALTHY, cpuPercent: 97, eventLoopDelayP99Ms: 64 };

const PLAN = compile(`baseUrl: http://127.0.0.1:8080
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 50
    timeUnit: 1s
    duration: 5s
    gracefulStop: 3s
    preAllocatedVUs: 10
    maxVUs: 10
    flow:
      - name: list
        get: /products
`);

function doctor(rules?: readonly RuleFactory[], onRuleError?: (e: unknown) => void) {
  return createDoctor(PLAN, PLAN.scenarios, { system: LIMITS, rules, onRuleError });
}

function feed(seconds: Array<Omit<Second, 't'>>, outcome: RunSummary['outcome'] = 'completed') {
  const d = doctor();
  const live: Array<{ t: number; id: string }> = [];
  seconds.forEach((s, i) => {
    for (const x of d.observe({ ...s, t: i + 1 })) live.push({ t: i + 1, id: x.id });
  });
  const last = seconds[seconds.length - 1]!;
  const totals = last.scenarios;
  return { live, ...d.finish({ durationMs: seconds.length * 1000, outcome, scenarios: totals }) };
}

const steady = (health: GeneratorHealth = HEALTHY): Omit<Second, 't'> => ({ scenarios: [scenario([step('list', 50)])], health });

test('a healthy sequence: nothing', () => {
  const { live, final } = feed([{ ...steady(), health: { ...HEALTHY, newConnections: 10, openSockets: 10 } }, steady(), steady(), steady(), steady()]);
  assert.deepEqual(live, []);
  assert.deepEqual(final, []);
});

test('generator saturation: two seconds in a row, not one blip; a stall alone counts', () => {
  const blip = feed([steady(), steady(SATURATED), steady(), steady()]);
  assert.deepEqual(blip.final, []);
  const busy = feed([steady(), steady(SATURATED), steady(SATURATED), steady()]);
  assert.deepEqual(busy.live, [{ t: 3, id: 'generator-saturated' }]);
  assert.equal(busy.final[0]!.evidence.saturatedSeconds, 2);
  // Busy CPU with a prompt event loop is not saturation; a long stall with idle CPU is.
  assert.deepEqual(feed([steady({ ...HEALTHY, cpuPercent: 95, eventLoopDelayP99Ms: 15 }), steady({ ...HEALTHY, cpuPercent: 95, eventLoopDelayP99Ms: 15 })]).final, []);
  const stall = { ...HEALTHY, eventLoopDelayP99Ms: DOCTOR_THRESHOLDS.generator.stallLoopDelayP99Ms + 5 };
  assert.equal(feed([steady(stall), steady(stall)]).final[0]?.id, 'generator-saturated');
});

test('the same burst of resets is the SUT\'s with a healthy generator, the generator\'s when it is saturated', () => {
  const burst = (health: GeneratorHealth): Omit<Second, 't'> => ({
    scenarios: [scenario([step('list', 50, { failed: 12, errors: { reset: 12 } })])],
    health,
  });
  const sut = feed([steady(), burst(HEALTHY), steady()]);
  assert.deepEqual(sut.final.map((d) => d.id), ['failures-sut-side']);
  assert.equal(sut.final[0]!.step, 'list');
  assert.equal(sut.final[0]!.evidence.seconds, '2');
  const gen = feed([steady(SATURATED), burst(SATURATED), steady()]);
  assert.ok(gen.final.some((d) => d.id === 'failures-generator-side'));
  assert.ok(!gen.final.some((d) => d.id === 'failures-sut-side'));
  // Below the burst threshold (a few errors among many requests): nothing.
  const few = feed([{ scenarios: [scenario([step('list', 100, { failed: 4, errors: { reset: 4 } })])], health: HEALTHY }]);
  assert.deepEqual(few.final, []);
});

test('EMFILE in a second makes its other failures the generator\'s, and gets its own diagnosis with the tuning', () => {
  const errors: Partial<Record<ErrorClass, number>> = { 'fd-exhausted': 30, refused: 10 };
  const { final } = feed([{ scenarios: [scenario([step('list', 50, { failed: 40, errors })])], health: HEALTHY }]);
  const ids = final.map((d) => d.id);
  assert.ok(ids.includes('generator-os-limits') && ids.includes('failures-generator-side'), ids.join(', '));
  const os = final.find((d) => d.id === 'generator-os-limits')!;
  assert.match(os.fix, /ulimit -n \d+/);
});

test('errors concentrated in the graceful-stop window; not when spread, not when the run was stopped', () => {
  const failing = (n: number): Omit<Second, 't'> => ({ scenarios: [scenario([step('list', 20, { failed: n, errors: { 'http-status': n } })])], health: HEALTHY });
  // Scenario ends at 5 s: seconds 6 and 7 are its graceful stop.
  const tail = feed([steady(), steady(), steady(), steady(), failing(1), failing(6), failing(5)]);
  const stop = tail.final.find((d) => d.id === 'graceful-stop');
  assert.ok(stop, tail.final.map((d) => d.id).join(', '));
  assert.equal(stop.severity, 'warning');
  assert.equal(stop.evidence.errorsInGracefulStop, 11);
  assert.equal(stop.evidence.errors, 12);
  assert.deepEqual(tail.live, [], 'only the end can tell');
  const spread = feed([failing(3), failing(3), failing(3), failing(3), failing(3), failing(1)]);
  assert.ok(!spread.final.some((d) => d.id === 'graceful-stop'));
  assert.ok(!feed([steady(), steady(), steady(), steady(), steady(), failing(6)], 'stopped').final.some((d) => d.id === 'graceful-stop'));
});

test('each id once live per scenario and step; the end replaces it with whole-run evidence', () => {
  const slow = (p90: number): Omit<Second, 't'> => ({ scenarios: [scenario([step('list', 30, { connectP90: p90 }), step('cart', 30, { connectP90: p90 })])], health: HEALTHY });
  const { live, final } = feed([slow(1200), slow(1500), slow(1300)]);
  assert.deepEqual(live, [
    { t: 1, id: 'slow-connect' },
    { t: 1, id: 'slow-connect' },
  ]);
  assert.deepEqual(final.map((d) => `${d.id}:${d.step}`), ['slow-connect:list', 'slow-connect:cart']);
  assert.equal(final[0]!.evidence.scope, 'whole run');
});

test('a rule that throws is reported and skipped; the others still answer', () => {
  const errors: unknown[] = [];
  const broken: RuleFactory = () => ({
    observe(): Diagnosis[] {
      throw new Error('bug in a rule');
    },
    conclude(): Diagnosis[] {
      throw new Error('bug in a rule');
    },
  });
  const withBroken = doctor([broken, ...RULES], (e) => errors.push(e));
  withBroken.observe({ t: 1, ...steady(SATURATED) });
  const fresh = withBroken.observe({ t: 2, ...steady(SATURATED) });
  assert.deepEqual(fresh.map((x) => x.id), ['generator-saturated']);
  const { final } = withBroken.finish({ durationMs: 2000, outcome: 'completed', scenarios: steady().scenarios });
  assert.deepEqual(final.map((x) => x.id), ['generator-saturated']);
  assert.equal(errors.length, 3);
});

test('diagnoses reach the terminal summary and the summary-export', () => {
  const { final } = feed([steady(), steady(SATURATED), steady(SATURATED)]);
  const summary: RunSummary = {
    runId: 'r',
    startedAt: new Date(0).toISOString(),
    durationMs: 3000,
    outcome: 'completed',
    scenarios: [],
    metrics: {},
    thresholds: [],
    diagnoses: [...final, { id: 'x', severity: 'info', title: 'An example', evidence: { n: 1 }, explanation: 'Why.', fix: 'Do this:\n  sudo thing=1' }],
  };
  const text = formatTextSummary(summary, { color: false });
  assert.match(text, /█ DIAGNOSES/);
  assert.match(text, /! warning The load generator is saturated.*\(generator-saturated\)/);
  assert.match(text, /evidence: saturatedSeconds=2 · /);
  assert.match(text, /fix: Give the generator more CPU/);
  assert.match(text, /\n {15}sudo thing=1\n/, 'fix lines kept as written');
  assert.ok(!formatTextSummary({ ...summary, diagnoses: [] }, { color: false }).includes('DIAGNOSES'));
  const exported = toSummaryExport(summary) as { diagnoses: Diagnosis[] };
  assert.deepEqual(exported.diagnoses.map((d) => Object.keys(d).sort()), [
    ['evidence', 'explanation', 'fix', 'id', 'severity', 'title'],
    ['evidence', 'explanation', 'fix', 'id', 'severity', 'title'],
  ]);
});
