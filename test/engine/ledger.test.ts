// The three ways a run's seconds reach the run ledger give one event stream: a single registry that saw
// every sample (a single-thread run), two registries each of a part whose windows are merged second by
// second (the worker coordinator), and two segment run files put back together by `volley merge`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROTOCOL_VERSION, type GeneratorHealth, type RunEvent, type RunSummary } from '../../src/protocol';
import { RunLedger } from '../../src/engine/ledger';
import { mergeRuns, parseRunText } from '../../src/engine/merge';
import { MetricsRegistry } from '../../src/engine/metrics/registry';
import { planInfo } from '../../src/engine/run';
import type { Plan } from '../../src/engine/scenario/plan';
import { plan as buildPlan, threshold, timings } from '../metrics/helpers';

const STARTED_AT = '2026-01-01T00:00:00.000Z';
const SECONDS = 3;
const DURATION_MS = 2600;

const HEALTH: GeneratorHealth = { cpuPercent: 10, eventLoopDelayP99Ms: 1, rssBytes: 100, heapUsedBytes: 50, openSockets: 1, newConnections: 0 };

function testPlan(): Plan {
  return buildPlan({ browse: [{ name: 'list', checks: ['ok'] }, { think: 10 }, { name: 'detail', method: 'POST' }], idle: ['ping'] }, [
    threshold('http_req_duration', 'p(95)<30'),
    threshold('http_reqs{step:detail}', 'count>=10'),
    threshold('checks', 'rate>0.9'),
    threshold('iterations', 'rate>10'),
  ]);
}

/** Second s's samples, each tagged with the part (0 or 1) that measured it. */
function record(registries: readonly MetricsRegistry[], part: (i: number) => number, s: number): void {
  for (let i = 0; i < 12; i++) {
    const browse = registries[part(i)].scenario(0);
    browse.step(0).request(200, false, undefined, timings(5 + i * s), 120, 900);
    browse.step(0).check(i % 5 !== 0, 0);
    if (i % 3 === 0) browse.step(2).request(i % 2 === 0 ? 500 : 201, i % 2 === 0, i % 2 === 0 ? 'http-status' : undefined, timings(30 + s), 300, 40);
    browse.iteration(20 + i);
    browse.lateness(i % 4);
  }
  // VUs: the whole run has 2, one in each part.
  if (registries.length === 1) registries[0].scenario(0).setVUs(2, 2);
  else for (const r of registries) r.scenario(0).setVUs(1, 1);
}

function ledgerOf(plan: Plan, registry: MetricsRegistry, events: RunEvent[], windowOnAggregate = false): RunLedger {
  return new RunLedger({ runId: 'r', startedAt: STARTED_AT, registry, thresholds: plan.thresholds, emit: (e) => events.push(e), windowOnAggregate });
}

function singleThread(plan: Plan): RunEvent[] {
  const events: RunEvent[] = [];
  const registry = new MetricsRegistry(plan);
  const ledger = ledgerOf(plan, registry, events);
  for (let s = 1; s <= SECONDS; s++) {
    record([registry], () => 0, s);
    ledger.second({ t: s, health: HEALTH });
  }
  ledger.finish({ durationMs: DURATION_MS });
  return events;
}

function workerThreads(plan: Plan): RunEvent[] {
  const events: RunEvent[] = [];
  const parts = [new MetricsRegistry(plan), new MetricsRegistry(plan)];
  const registry = new MetricsRegistry(plan);
  const ledger = ledgerOf(plan, registry, events);
  for (let s = 1; s <= SECONDS; s++) {
    record(parts, (i) => i % 2, s);
    // A worker posts its window, then folds it (startRun's order).
    const windows = parts.map((p) => p.exportWindow());
    for (const p of parts) p.tick(s);
    ledger.second({ t: s, health: HEALTH, windows });
  }
  for (const p of parts) registry.importChecks(p.checks());
  ledger.finish({ durationMs: DURATION_MS });
  return events;
}

/** Each part as the run file of its execution segment (its aggregates carry their windows). */
function segmentFiles(plan: Plan): string[] {
  const parts = [new MetricsRegistry(plan), new MetricsRegistry(plan)];
  const files: RunEvent[][] = ['0:1/2', '1/2:1'].map((segment) => [
    { type: 'start', v: PROTOCOL_VERSION, runId: segment, startedAt: STARTED_AT, engineVersion: 'test', plan: planInfo(plan, plan.scenarios), segment: { segment, sequence: '0,1/2,1' } },
  ]);
  const ledgers = parts.map((registry, p) => ledgerOf(plan, registry, files[p], true));
  for (let s = 1; s <= SECONDS; s++) {
    record(parts, (i) => i % 2, s);
    for (const ledger of ledgers) ledger.second({ t: s, health: HEALTH });
  }
  for (const ledger of ledgers) ledger.finish({ durationMs: DURATION_MS });
  return files.map((events) => [...events, { type: 'end', exitCode: 0 }].map((e) => JSON.stringify(e)).join('\n'));
}

function merged(plan: Plan, edit: (files: RunEvent[][]) => void = () => undefined): RunEvent[] {
  const files = segmentFiles(plan).map((text) => text.split('\n').map((line) => JSON.parse(line) as RunEvent));
  edit(files);
  const runs = files.map((events, i) => parseRunText(`part${i}.ndjson`, events.map((e) => JSON.stringify(e)).join('\n')));
  return mergeRuns(runs, { runId: 'r' }).events;
}

const aggregates = (events: RunEvent[]) =>
  events.filter((e): e is Extract<RunEvent, { type: 'aggregate' }> => e.type === 'aggregate').map((e) => ({ t: e.t, scenarios: e.scenarios }));
const summaryOf = (events: RunEvent[]): RunSummary => (events.find((e) => e.type === 'summary') as Extract<RunEvent, { type: 'summary' }>).summary;
const comparable = (s: RunSummary) => ({ scenarios: s.scenarios, metrics: s.metrics, thresholds: s.thresholds, checks: s.checks, histograms: s.histograms, outcome: s.outcome });

describe('the run ledger, fed by each run path', () => {
  it('gives the same aggregates and the same summary for the same samples', () => {
    const plan = testPlan();
    const single = singleThread(plan);
    const workers = workerThreads(plan);
    const merge = merged(plan);
    assert.equal(aggregates(single).length, SECONDS);
    assert.deepEqual(aggregates(workers), aggregates(single));
    assert.deepEqual(aggregates(merge), aggregates(single));
    assert.deepEqual(comparable(summaryOf(workers)), comparable(summaryOf(single)));
    assert.deepEqual(comparable(summaryOf(merge)), comparable(summaryOf(single)));
    // The thresholds were really judged, both ways.
    assert.deepEqual(
      summaryOf(single).thresholds.map((t) => t.ok),
      [false, true, false, true],
    );
    assert.deepEqual(
      single.map((e) => e.type),
      ['aggregate', 'aggregate', 'aggregate', 'summary'],
    );
  });

  it('judges abortOnFail during the run, not in a second measured after the run ended', () => {
    const plan = testPlan();
    plan.thresholds = [threshold('http_reqs', 'count<10', { abortOnFail: true })];
    const run = (final: boolean): { events: RunEvent[]; aborted: number } => {
      const events: RunEvent[] = [];
      const registry = new MetricsRegistry(plan);
      let aborted = 0;
      const ledger = new RunLedger({ runId: 'r', startedAt: STARTED_AT, registry, thresholds: plan.thresholds, emit: (e) => events.push(e), onAbort: () => aborted++ });
      record([registry], () => 0, 1);
      if (final) ledger.finalSecond({ t: 1, health: HEALTH, elapsedMs: 600 });
      else ledger.second({ t: 1, health: HEALTH, elapsedMs: 1000 });
      ledger.finish({ durationMs: 600 });
      return { events, aborted };
    };
    const during = run(false);
    assert.equal(during.aborted, 1);
    assert.deepEqual(
      during.events.map((e) => e.type),
      ['aggregate', 'threshold-abort', 'summary'],
    );
    assert.equal(summaryOf(during.events).outcome, 'aborted-by-threshold');
    assert.equal(summaryOf(during.events).thresholds[0].abortedRun, true);
    const ended = run(true);
    assert.equal(ended.aborted, 0);
    assert.equal(summaryOf(ended.events).outcome, 'completed');
    assert.deepEqual(
      summaryOf(ended.events).thresholds.map((t) => [t.ok, t.abortedRun]),
      [[false, undefined]],
    );
  });

  it('takes the worst way the parts of a run ended: an abort over a stop over an interruption', () => {
    const plan = testPlan();
    const outcome = (...parts: Array<RunSummary['outcome']>): RunSummary['outcome'] => {
      const ledger = ledgerOf(plan, new MetricsRegistry(plan), []);
      for (const part of parts) ledger.partEnded(part);
      return ledger.finish({ durationMs: 1000 }).outcome;
    };
    assert.equal(outcome('completed', 'interrupted'), 'interrupted');
    assert.equal(outcome('interrupted', 'stopped'), 'stopped');
    assert.equal(outcome('aborted-by-threshold', 'interrupted'), 'aborted-by-threshold');
  });
});

describe('volley merge replays the runs in the order one run emits them', () => {
  it("a diagnosis judged on second t comes after that second's aggregate", () => {
    const plan = testPlan();
    const diagnosis = { id: 'test-rule', severity: 'warning' as const, title: 'seen at 1 s', evidence: {}, explanation: '', fix: '' };
    const events = merged(plan, (files) => {
      // As startRun emits it: the doctor observes aggregate 1, then its diagnosis at t 1.
      const at = files[0].findIndex((e) => e.type === 'aggregate' && e.t === 1);
      files[0].splice(at + 1, 0, { type: 'diagnosis', t: 1, diagnosis });
    });
    const order = events.filter((e) => e.type === 'aggregate' || e.type === 'diagnosis').map((e) => `${e.type}@${(e as { t: number }).t}`);
    assert.deepEqual(order.slice(0, 3), ['aggregate@1', 'diagnosis@1', 'aggregate@2']);
  });
});
