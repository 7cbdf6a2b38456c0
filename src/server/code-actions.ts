// Quick fixes: every machine-applicable fix the validator attached to a diagnostic in the requested range.
// Where the validator names a fix in its message but attaches none (a "did you mean" it could not place
// exactly, a missing key it has no placeholder for), the server builds the edit itself, and it offers
// "set preAllocatedVUs to the estimate" once the estimator has measured the scenario.
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver/node';
import { schemaAt, type Range, type ScenarioDiagnostic } from '../engine/scenario';
import type { DiagnosticFix } from '../engine/scenario/plan';
import type { AnalysedDocument } from './documents';
import { toLspDiagnostic } from './diagnostics';
import type { EstimateStore } from './estimates';
import { estimateActions } from './estimate-hints';

function before(p: Range['start'], q: Range['start']): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}

function overlaps(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function codeActions(document: AnalysedDocument, params: CodeActionParams, estimates: EstimateStore): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of document.diagnostics) {
    if (!overlaps(diagnostic.range, params.range)) continue;
    const fixes = diagnostic.fixes && diagnostic.fixes.length > 0 ? diagnostic.fixes : serverFixes(document, diagnostic);
    for (const fix of fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toLspDiagnostic(diagnostic)],
        isPreferred: fixes.length === 1,
        edit: { changes: { [document.uri]: [{ range: fix.range, newText: fix.newText }] } },
      });
    }
  }
  actions.push(...estimateActions(document, params.range, estimates));
  return actions;
}

function serverFixes(doc: AnalysedDocument, diagnostic: ScenarioDiagnostic): DiagnosticFix[] {
  const suggestion = /did you mean "([^"]+)"\?/.exec(diagnostic.message);
  if (suggestion) {
    const fix = replaceWord(doc, diagnostic, suggestion[1]);
    return fix ? [fix] : [];
  }
  if (diagnostic.code === 'missing-key') {
    const fix = insertMissingKey(doc, diagnostic);
    return fix ? [fix] : [];
  }
  return [];
}

/** Replaces the diagnostic's word (the first quoted name of its message) where it occurs once in its range. */
function replaceWord(doc: AnalysedDocument, diagnostic: ScenarioDiagnostic, replacement: string): DiagnosticFix | undefined {
  const word = /"([^"]+)"/.exec(diagnostic.message)?.[1];
  if (!word || word === replacement) return undefined;
  const text = doc.scenario.text;
  const start = doc.scenario.offsetAt(diagnostic.range.start);
  const end = doc.scenario.offsetAt(diagnostic.range.end);
  const span = text.slice(start, end);
  const at = span.indexOf(word);
  if (at < 0 || span.indexOf(word, at + 1) >= 0) return undefined;
  return { title: `Change to "${replacement}"`, range: doc.scenario.rangeAt(start + at, start + at + word.length), newText: replacement };
}

const PLACEHOLDER_BY_TYPE: Record<string, string> = {
  integer: '10',
  number: '1',
  boolean: 'false',
  array: '[]',
};

/** `needs KEY` on a map's key line: adds `KEY: placeholder` as the map's last key. */
function insertMissingKey(doc: AnalysedDocument, diagnostic: ScenarioDiagnostic): DiagnosticFix | undefined {
  const key = /(?:needs|give it an?|has no) (\w+)/.exec(diagnostic.message)?.[1];
  if (!key) return undefined;
  const line = diagnostic.range.start.line;
  const info = doc.lines.lines[line];
  const owner = info?.entries.find((e) => e.kind === 'key' && e.column === diagnostic.range.start.character);
  if (!owner || owner.valueColumn !== undefined) return undefined;
  const path = [...doc.lines.pathAt(line, owner.column), owner.key ?? ''];
  const schema = schemaAt([...path, key]);
  if (!schema) return undefined;
  const placeholder =
    key === 'executor'
      ? 'constant-vus'
      : schema.type === 'string' && schema.format === 'duration'
      ? '30s'
      : schema.type === 'string' && schema.enum
        ? schema.enum[0]
        : PLACEHOLDER_BY_TYPE[schema.type] ?? '""';
  const end = doc.lines.blockEnd(line, owner.column);
  const children = doc.lines.lines.slice(line + 1, end + 1).find((l) => !l.inert);
  const column = children ? children.indent : owner.column + 2;
  const endOfLine = { line: end, character: doc.lines.lines[end].text.length };
  return { title: `Add ${key}`, range: { start: endOfLine, end: endOfLine }, newText: `\n${' '.repeat(column)}${key}: ${placeholder}` };
}
