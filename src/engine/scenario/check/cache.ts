// The checks of scenarios parsed as blocks of their own (see ScenarioDocument.blockOf), kept across
// versions of one document by the language server, which checks on every keystroke: a scenario whose
// text and context did not change is not checked again, its findings are moved to where it now is.
import { BlockCache, shiftDiagnostic, shiftRange } from '../shift-lines';
import type { ScenarioDiagnostic } from '../plan';
import type { Findings } from './findings';
import type { FlowContext } from './flow';
import type { Entry } from './read';
import { checkScenario, type CheckedScenario, type ScenarioResult } from './scenario';

/** What checking one scenario found, for a scenario block at `line`. */
interface ScenarioCheck extends ScenarioResult {
  line: number;
  /** What checkScenario read outside the block. */
  context: string;
  diagnostics: ScenarioDiagnostic[];
  /** A message names a line of the document: valid only where it was computed. */
  lineBound: boolean;
}

/**
 * Everything else in the file is checked every time; it is small, and it is where the rules that span
 * scenarios are (duplicate names, thresholds naming scenarios and steps).
 */
export class CheckCache {
  readonly scenarios = new BlockCache<ScenarioCheck>();
  /** Scenarios checked and reused by the last run: the tests and the benchmark look. */
  last = { checked: 0, reused: 0 };
}

/** checkScenario, or its cached result when the scenario is a block of its own checked before. */
export function checkScenarioBlock(f: Findings, entry: Entry, context: FlowContext, cache: CheckCache | undefined): ScenarioResult {
  const block = cache ? f.doc.blockOf(entry.pair) : undefined;
  if (!cache || !block) return checkScenario(f, entry, context);
  const data = [...(context.data ?? [])].map(([name, columns]) => `${name}(${columns?.join(',') ?? '?'})`).join(',');
  const contextKey = `${context.baseUrlGiven ? 1 : 0}:${Object.keys(context.variables).join(',')}:${context.setupCaptures.join(',')}:${data}`;
  const hit = cache.scenarios.get(block.key);
  if (hit && hit.context === contextKey && (!hit.lineBound || hit.line === block.line)) {
    cache.last.reused++;
    const delta = block.line - hit.line;
    for (const d of hit.diagnostics) f.diagnostics.push(delta === 0 ? d : shiftDiagnostic(d, delta));
    return { scenario: delta === 0 ? hit.scenario : shiftScenario(hit.scenario, delta), stepNames: hit.stepNames };
  }
  cache.last.checked++;
  const first = f.diagnostics.length;
  const result = checkScenario(f, entry, context);
  const diagnostics = f.diagnostics.slice(first);
  cache.scenarios.set(block.key, {
    ...result,
    line: block.line,
    context: contextKey,
    diagnostics,
    lineBound: diagnostics.some((d) => d.code === 'duplicate-key' || /\bline \d/.test(d.message)),
  });
  return result;
}

function shiftScenario(s: CheckedScenario, delta: number): CheckedScenario {
  return {
    ...s,
    range: shiftRange(s.range, delta),
    steps: s.steps.map((step) => ({ ...step, range: shiftRange(step.range, delta) })),
    groups: s.groups.map((group) => ({ ...group, range: shiftRange(group.range, delta) })),
  };
}
