// Checks a parsed scenario document against the description of the format (../schema.ts) and the rules
// it cannot say (k6's executor rules, template names, capture order, threshold metrics), and collects
// what compile.ts needs to build the Plan, so the document is walked once. Every diagnostic has a range
// in the document; nothing here throws on bad input. One module per section of the file, each writing
// into the findings sink it is given (the map of them is in docs/architecture.md).
import type { ScenarioDocument } from '../document';
import type { ScenarioDiagnostic, Severity } from '../plan';
import type { CheckCache } from './cache';
import { checkFile, type CheckedFile, type CheckOptions } from './file';
import { Findings } from './findings';

export { CheckCache } from './cache';
export type { CheckedFile, CheckOptions } from './file';
export type { CheckedScenario } from './scenario';
export type { CheckedStep } from './flow';

export interface CheckResult {
  diagnostics: ScenarioDiagnostic[];
  checked: CheckedFile;
}

export function validateDocument(doc: ScenarioDocument, cache?: CheckCache): ScenarioDiagnostic[] {
  return checkDocument(doc, cache).diagnostics;
}

export function checkDocument(doc: ScenarioDocument, cache?: CheckCache, options?: CheckOptions): CheckResult {
  const findings = new Findings(doc);
  const checked: CheckedFile = { name: undefined, baseUrl: undefined, http: {}, variables: {}, setup: undefined, teardown: undefined, scenarios: [], thresholds: [] };
  if (cache) cache.last = { checked: 0, reused: 0 };
  try {
    checkFile(findings, cache, checked, options);
  } catch (error) {
    // A bug here must not take the language server or the CLI down with a stack trace.
    findings.report('error', 'internal-error', `internal error while checking the file: ${String(error)}`, doc.rangeAt(0, 0));
  } finally {
    cache?.scenarios.endRun();
  }
  return { diagnostics: sortDiagnostics([...doc.syntaxDiagnostics, ...findings.diagnostics]), checked };
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, information: 2, hint: 3 };

export function sortDiagnostics(diagnostics: ScenarioDiagnostic[]): ScenarioDiagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.range.start.line - b.range.start.line ||
      a.range.start.character - b.range.start.character ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
}
