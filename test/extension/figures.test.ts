import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baselineDeltaText, liveFigures, scenarioLensText, statusBarText, stepLineText } from '../../src/extension/figures';
import { editorDuration, editorPercent } from '../../src/format';
import { scenarioFigures, step } from './helpers';

test('a step line reads like the issue: p95, failed share, requests', () => {
  assert.equal(stepLineText({ ...step('s', 'x', 0, 1204, 2, 123), failed: 2 }), 'p95 123 ms · 0.2% failed · 1,204 req');
  assert.equal(stepLineText(step('s', 'x', 0, 10, 0, 4.25)), 'p95 4.3 ms · 0% failed · 10 req');
  assert.equal(stepLineText(step('s', 'x', 0, 0, 0, 0)), 'no requests');
});

test('durations and percentages keep small values visible', () => {
  assert.equal(editorDuration(0.42), '0.4 ms');
  assert.equal(editorDuration(1234), '1.23 s');
  assert.equal(editorDuration(45_600), '45.6 s');
  assert.equal(editorPercent(0.00001), '<0.1%');
  assert.equal(editorPercent(0.123), '12%');
  assert.equal(editorPercent(0), '0%');
});

test('an arrival-rate scenario lens: achieved of target, dropped, peak VUs of max', () => {
  const figures = scenarioFigures('browse', 11_922, [], { dropped: 0 });
  const plan = { name: 'browse', executor: 'constant-arrival-rate', startTimeMs: 0, durationMs: 60_000, gracefulStopMs: 30_000, maxVUs: 30, steps: [] };
  assert.equal(scenarioLensText({ figures, plan, peakTargetRate: 200, peakVUs: 23 }), '198.7/s of 200/s · 0 dropped · VUs 23/30');
});

test('a closed-model scenario lens: iterations per second and interruptions', () => {
  const figures = scenarioFigures('shoppers', 45, [], { interrupted: 2 });
  const plan = { name: 'shoppers', executor: 'constant-vus', startTimeMs: 0, durationMs: 10_000, gracefulStopMs: 5000, maxVUs: 3, steps: [] };
  assert.equal(scenarioLensText({ figures, plan, peakTargetRate: undefined, peakVUs: 3 }), '4.5 it/s · VUs 3/3 · 2 interrupted');
});

test('the status bar sums a second over every step and shows the slowest p95', () => {
  const live = liveFigures([
    scenarioFigures('a', 10, [step('a', 'x', 0, 150, 3, 40), step('a', 'y', 1, 50, 0, 90)]),
    scenarioFigures('b', 1, [step('b', 'z', 0, 0, 0, 999)]),
  ]);
  assert.deepEqual(live, { requestsPerSecond: 200, p95Ms: 90, failed: 3, requests: 200 });
  assert.equal(statusBarText(live, 12), '$(pulse) 200 req/s · p95 90 ms · 1.5% errors · 12 s');
});

test('the change against the baseline: rounded percent, signed, "vs baseline" after the p95', () => {
  assert.equal(baselineDeltaText(123, 110), '+12%');
  assert.equal(baselineDeltaText(95, 100), '−5%');
  assert.equal(baselineDeltaText(100.2, 100), '±0%');
  assert.equal(baselineDeltaText(5, 0), '+∞%');
  const s = { ...step('s', 'x', 0, 1204, 2, 123), failed: 2 };
  assert.equal(stepLineText(s, 110), 'p95 123 ms (+12% vs baseline) · 0.2% failed · 1,204 req');
  assert.equal(stepLineText(s), 'p95 123 ms · 0.2% failed · 1,204 req');
});
