// The estimator where the user types: a warning on preAllocatedVUs when it is below the estimate from
// the last run, and the quick fix that sets it (raising maxVUs too where it would fall below).
import { CodeActionKind, type CodeAction, type TextEdit } from 'vscode-languageserver/node';
import type { Range, ScenarioDiagnostic } from '../engine/scenario/plan';
import { toLspDiagnostic } from './diagnostics';
import type { AnalysedDocument } from './documents';
import type { EstimateStore, IterationEstimate } from './estimates';
import type { ScenarioInfo } from './model';
import { contains } from './names';
import { explainNumber } from '../format';

export const BELOW_ESTIMATE_CODE = 'preallocated-vus-below-estimate';

/** The range of a scenario key's scalar value on its line, as written (a bare number). */
function valueRange(doc: AnalysedDocument, scenario: ScenarioInfo, key: string): Range | undefined {
  const keyRange = scenario.keyRanges[key];
  if (!keyRange) return undefined;
  const line = doc.lines.lines[keyRange.start.line];
  const entry = line?.entries.find((e) => e.key === key);
  if (entry?.valueColumn === undefined) return undefined;
  const length = /^[^\s#]*/.exec(line.text.slice(entry.valueColumn))?.[0].length ?? 0;
  if (length === 0) return undefined;
  return { start: { line: keyRange.start.line, character: entry.valueColumn }, end: { line: keyRange.start.line, character: entry.valueColumn + length } };
}

interface BelowEstimate {
  scenario: ScenarioInfo;
  estimate: IterationEstimate & { suggestedPreAllocatedVUs: number };
  diagnostic: ScenarioDiagnostic;
}

function belowEstimate(doc: AnalysedDocument, estimates: EstimateStore): BelowEstimate[] {
  const out: BelowEstimate[] = [];
  for (const scenario of doc.model.scenarios) {
    if (scenario.executor !== 'constant-arrival-rate' && scenario.executor !== 'ramping-arrival-rate') continue;
    const pre = scenario.values.preAllocatedVUs;
    if (typeof pre !== 'number') continue;
    const estimate = estimates.for(doc, scenario);
    const suggested = estimate?.suggestedPreAllocatedVUs;
    if (!estimate || suggested === undefined || pre >= suggested) continue;
    const range = valueRange(doc, scenario, 'preAllocatedVUs');
    if (!range) continue;
    const rule = estimate.k6Rule !== undefined ? `k6's rule gives ${estimate.k6Rule}, ` : '';
    const target = estimate.targetDropProbability !== undefined ? ` to keep the chance of a dropped iteration below ${explainNumber(estimate.targetDropProbability * 100)}%` : '';
    out.push({
      scenario,
      estimate: estimate as BelowEstimate['estimate'],
      diagnostic: {
        severity: 'warning',
        code: BELOW_ESTIMATE_CODE,
        range,
        message:
          `preAllocatedVUs ${pre} is below the estimate from the ${estimate.source}: iterations took ${explainNumber(estimate.medianMs)} ms at the median` +
          `${estimate.p99Ms !== undefined ? ` and ${explainNumber(estimate.p99Ms)} ms at p99` : ''}; ${rule}the measured spread needs ${suggested}${target}.`,
      },
    });
  }
  return out;
}

/** Warnings for the scenarios whose preAllocatedVUs is below their estimate. */
export function estimateDiagnostics(doc: AnalysedDocument, estimates: EstimateStore): ScenarioDiagnostic[] {
  return belowEstimate(doc, estimates).map((b) => b.diagnostic);
}

/** "Set preAllocatedVUs to the estimate (N)" for the scenario under the cursor, tied to its warning. */
export function estimateActions(doc: AnalysedDocument, range: Range, estimates: EstimateStore): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const { scenario, estimate, diagnostic } of belowEstimate(doc, estimates)) {
    if (!contains(scenario.range, range.start)) continue;
    const suggested = estimate.suggestedPreAllocatedVUs;
    const edits: TextEdit[] = [{ range: diagnostic.range, newText: String(suggested) }];
    // maxVUs below the new preAllocatedVUs would be an error: raise it to the recommended maxVUs.
    const max = scenario.values.maxVUs;
    const maxRange = valueRange(doc, scenario, 'maxVUs');
    let title = `Set preAllocatedVUs to the estimate (${suggested})`;
    if (typeof max === 'number' && max < suggested && maxRange) {
      const newMax = Math.max(suggested, estimate.suggestedMaxVUs ?? suggested);
      edits.push({ range: maxRange, newText: String(newMax) });
      title += ` and maxVUs to ${newMax}`;
    }
    actions.push({
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [toLspDiagnostic(diagnostic)],
      isPreferred: true,
      edit: { changes: { [doc.uri]: edits } },
    });
  }
  return actions;
}
