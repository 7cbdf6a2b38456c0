// The sink every section of the checker writes its diagnostics into, passed to each check explicitly:
// a section reads its part of the tree and reports here, and shares no other state with the others.
import type { Node } from 'yaml';
import type { ScenarioDocument } from '../document';
import type { DiagnosticFix, Range, ScenarioDiagnostic, Severity } from '../plan';

export class Findings {
  readonly diagnostics: ScenarioDiagnostic[] = [];

  /** `doc` is the document the findings' ranges point into. */
  constructor(readonly doc: ScenarioDocument) {}

  report(severity: Severity, code: string, message: string, range: Range, fixes?: DiagnosticFix[]): void {
    const d: ScenarioDiagnostic = { severity, message, range, code };
    if (fixes && fixes.length > 0) d.fixes = fixes;
    this.diagnostics.push(d);
  }

  error(code: string, message: string, at: Node | Range, fixes?: DiagnosticFix[]): void {
    this.report('error', code, message, this.toRange(at), fixes);
  }

  warning(code: string, message: string, at: Node | Range, fixes?: DiagnosticFix[]): void {
    this.report('warning', code, message, this.toRange(at), fixes);
  }

  private toRange(at: Node | Range): Range {
    return 'start' in at && 'end' in at && !('range' in at) ? (at as Range) : this.doc.rangeOf(at as Node);
  }
}
