// One duration, each style: k6's summary and a scenario file's literal agree with k6 (`1m30s`), the editor
// writes its own short figure; every duration a user reads comes from one of these.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editorDuration, explainMs, explainNumber, explainProbability, k6Duration, scenarioDuration } from '../../src/format';
import { parseDuration } from '../../src/engine/scenario/duration';

test('90 s in each style', () => {
  assert.equal(k6Duration(90_000), '1m30s');
  assert.equal(scenarioDuration(90_000), '1m30s');
  assert.equal(editorDuration(90_000), '90.0 s');
});

test('the styles part where a fraction of a second is left', () => {
  // k6's summary rounds to its units; a literal keeps every millisecond, so it reads back exactly.
  assert.equal(k6Duration(1_500), '1.5s');
  assert.equal(scenarioDuration(1_500), '1s500ms');
  assert.equal(editorDuration(1_500), '1.50 s');
  for (const ms of [90_000, 1_500, 250, 3_600_000]) assert.deepEqual(parseDuration(scenarioDuration(ms)), { ok: true, ms });
});

test('explanations: significant digits, the same in the estimator and its editor hint', () => {
  assert.equal(explainNumber(116.666), '117');
  assert.equal(explainNumber(0.3456), '0.346');
  assert.equal(explainNumber(12345.6), '12,346');
  assert.equal(explainMs(90_000), '90,000 ms');
  assert.equal(explainProbability(0.001), '0.1%');
  assert.equal(explainProbability(8.3e-8), '8.3e-8');
  assert.equal(explainProbability(0.999), '≈100%');
});
