// Where a run's figures go in the scenario file as it is now. Anchors are found by name in the language
// server's facts of the current version (scenario by name, step by name or else by position, threshold by
// key and expression), not by the line numbers recorded at run time: so the figures follow their step
// while the file is edited, and a run read back from disk lands on the right lines even after the file
// moved on. Pure: the facts in, the anchors out; nothing from the file is evaluated.
import type { Diagnosis, FileFacts, RunSummary, ScenarioFacts, SetupFailure, StepFacts, TextRange, ThresholdResult } from '../protocol';
import { regressions, stepDeltas, type Regression } from '../compare';
import { lifecycleRows, markedOutcome, type LifecycleRow } from '../webview/lifecycle';
import { groupLineText } from '../webview/groups';
import { scenarioLensText, stepLineText } from './figures';
import type { RunDigest } from './run-file';

export interface StepAnchor {
  line: number;
  scenario: string;
  stepIndex: number;
  text: string;
  /** Some requests of the step failed. */
  failing: boolean;
}

/** A `group:` step's group_duration figures, at its line. */
export interface GroupAnchor {
  line: number;
  scenario: string;
  /** The group's path. */
  group: string;
  text: string;
}

export interface ScenarioAnchor {
  line: number;
  range: TextRange;
  scenario: string;
  text: string;
}

export interface ThresholdAnchor {
  /** The expression's range (or the key's, when the expression is no longer there). */
  range: TextRange;
  result: ThresholdResult;
}

export interface DiagnosisAnchor {
  range: TextRange;
  diagnosis: Diagnosis;
}

/** The setup step that ended the test, at its name (or method key). */
export interface SetupFailureAnchor {
  range: TextRange;
  failure: SetupFailure;
}

/** A step that regressed against the baseline (`volley.baseline`), at its line. */
export interface RegressionAnchor {
  range: TextRange;
  regression: Regression;
}

/** The run to compare with (the `volley.baseline` setting) and the gate's limit (0.1 for 10%). */
export interface BaselineInput {
  summary: RunSummary;
  maxRegression: number;
}

export interface ResultLines {
  /** Scenario steps, and setup's and teardown's (their `scenario` is then `setup` or `teardown`). */
  steps: StepAnchor[];
  groups: GroupAnchor[];
  scenarios: ScenarioAnchor[];
  thresholds: ThresholdAnchor[];
  diagnoses: DiagnosisAnchor[];
  setupFailure?: SetupFailureAnchor;
  regressions: RegressionAnchor[];
}

/** A setup or teardown step's figures at its line: `✓ 200 · 12 ms · checks 1/1` (requests when more than one: a merge). */
export function lifecycleLineText(row: LifecycleRow): string {
  const parts = [markedOutcome(row), row.duration];
  if (row.requests !== '1') parts.push(`${row.requests} req`);
  if (row.checks !== '–') parts.push(`checks ${row.checks}`);
  return parts.join(' · ');
}

const TOP: TextRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function findStep(scenario: ScenarioFacts, name: string, index: number): StepFacts | undefined {
  const atIndex = scenario.steps[index];
  if (atIndex && atIndex.name === name) return atIndex;
  const named = scenario.steps.filter((s) => s.name === name);
  if (named.length === 1) return named[0];
  // Renamed, or a name used twice: the position is the best guess left.
  return atIndex;
}

const compact = (expression: string): string => expression.replace(/\s+/g, '');

export function noResultLines(): ResultLines {
  return { steps: [], groups: [], scenarios: [], thresholds: [], diagnoses: [], regressions: [] };
}

export function mapResultsToLines(facts: FileFacts, digest: RunDigest, baseline?: BaselineInput): ResultLines {
  const lines = noResultLines();
  const summary = digest.summary;
  // The same deltas and gate as `volley compare` (src/compare.ts), keyed like its rows: `scenario › step`.
  const deltas = baseline && summary ? stepDeltas(baseline.summary, summary) : [];
  const deltaOf = new Map(deltas.map((d) => [d.name, d]));
  const regressed = new Map<string, Regression[]>();
  for (const r of baseline ? regressions(deltas, baseline.maxRegression) : []) regressed.set(r.step, [...(regressed.get(r.step) ?? []), r]);
  const scenarioFigures = summary?.scenarios ?? digest.lastAggregate?.scenarios ?? [];
  const byName = new Map(facts.scenarios.map((s) => [s.name, s]));

  for (const figures of scenarioFigures) {
    const scenario = byName.get(figures.scenario);
    if (!scenario) continue;
    if (summary) {
      const peak = digest.peaks.get(figures.scenario);
      lines.scenarios.push({
        line: scenario.nameRange.start.line,
        range: scenario.nameRange,
        scenario: scenario.name,
        text: scenarioLensText({
          figures,
          plan: digest.plan?.scenarios.find((p) => p.name === figures.scenario),
          peakTargetRate: peak?.targetRate,
          peakVUs: peak?.vusAllocated ?? figures.vusAllocated,
        }),
      });
    }
    for (const step of figures.steps) {
      const info = findStep(scenario, step.step, step.stepIndex);
      if (!info) continue;
      const key = `${scenario.name} › ${step.step}`;
      lines.steps.push({
        line: info.range.start.line,
        scenario: scenario.name,
        stepIndex: info.index,
        text: stepLineText(step, summary ? deltaOf.get(key)?.base.p95 : undefined),
        failing: step.failed > 0,
      });
      for (const regression of regressed.get(key) ?? []) lines.regressions.push({ range: info.range, regression });
    }
    // A group is found by its path: renaming it leaves its figures nowhere rather than on another group.
    for (const group of figures.groups ?? []) {
      const info = scenario.groups?.find((g) => g.name === group.group);
      if (info) lines.groups.push({ line: info.range.start.line, scenario: scenario.name, group: group.group, text: groupLineText(group) });
    }
  }

  const stages = new Map(facts.lifecycle.map((l) => [l.name, l]));
  for (const row of lifecycleRows(digest.lifecycle)) {
    const stage = stages.get(row.stage);
    const info = stage && findStep(stage, row.step, row.stepIndex);
    if (!info) continue;
    lines.steps.push({ line: info.range.start.line, scenario: row.stage, stepIndex: info.index, text: lifecycleLineText(row), failing: row.failed });
  }
  const failure = digest.lifecycle.failure;
  if (failure !== undefined) {
    const stage = stages.get('setup');
    const info = stage && findStep(stage, failure.step, failure.stepIndex);
    const atLine = { line: failure.line, character: 0 };
    lines.setupFailure = { range: info?.selectionRange ?? { start: atLine, end: atLine }, failure };
  }

  for (const result of summary?.thresholds ?? []) {
    const threshold = facts.thresholds.find((t) => t.name === result.key);
    if (!threshold) continue;
    const expression = threshold.expressions.find((e) => compact(e.text) === compact(result.source));
    lines.thresholds.push({ range: expression?.range ?? threshold.nameRange, result });
  }

  for (const diagnosis of digest.diagnoses) {
    const scenario = diagnosis.scenario === undefined ? undefined : byName.get(diagnosis.scenario);
    let range = scenario?.nameRange ?? TOP;
    if (scenario && diagnosis.step !== undefined) {
      const step = scenario.steps.find((s) => s.name === diagnosis.step);
      if (step) range = step.selectionRange;
    }
    lines.diagnoses.push({ range, diagnosis });
  }
  return lines;
}
