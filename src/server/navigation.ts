// Go-to-definition, references and rename for variables and captures.
import {
  ResponseError,
  ErrorCodes,
  type Location,
  type Position,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { nameProblem } from '../engine/scenario/names';
import { TEMPLATE_HELPERS } from '../engine/scenario/template';
import type { AnalysedDocument } from './documents';
import { definitions, nameAt, referencesOf, type NameSymbol } from './names';

export function definition(doc: AnalysedDocument, position: Position): Location[] {
  const found = nameAt(doc.model, position);
  if (!found) return [];
  return definitions(found.symbol).map((range) => ({ uri: doc.uri, range }));
}

export function references(doc: AnalysedDocument, position: Position, includeDeclaration: boolean): Location[] {
  const found = nameAt(doc.model, position);
  if (!found || !renameable(found.symbol)) return [];
  const ranges = [...(includeDeclaration ? definitions(found.symbol) : []), ...referencesOf(doc.model, found.symbol)];
  return ranges.map((range) => ({ uri: doc.uri, range }));
}

function renameable(symbol: NameSymbol): symbol is Extract<NameSymbol, { kind: 'variable' | 'capture' | 'data' }> {
  return symbol.kind === 'variable' || symbol.kind === 'capture' || symbol.kind === 'data';
}

export function prepareRename(doc: AnalysedDocument, position: Position): { range: Range; placeholder: string } | null {
  const found = nameAt(doc.model, position);
  if (!found) return null;
  if (!renameable(found.symbol)) {
    throw new ResponseError(ErrorCodes.InvalidRequest, `"${found.symbol.name}" is a built-in name of templates and cannot be renamed`);
  }
  if (definitions(found.symbol).length === 0) {
    throw new ResponseError(ErrorCodes.InvalidRequest, `"${found.symbol.name}" is not defined: define it under variables: or capture it first`);
  }
  return { range: found.range, placeholder: found.symbol.name };
}

/** Helpers may also be variable names, but renaming into one would make `{{ name }}` read like a call gone wrong. */
const HELPER_NAMES: ReadonlySet<string> = new Set(TEMPLATE_HELPERS.map((h) => h.name));

export function rename(doc: AnalysedDocument, position: Position, newName: string): WorkspaceEdit {
  const target = prepareRename(doc, position);
  const found = nameAt(doc.model, position)!;
  const symbol = found.symbol;
  if (target === null || !renameable(symbol)) return {};
  const problem = nameProblem(newName, symbol.kind === 'capture' ? 'capture' : symbol.kind === 'data' ? 'data set' : 'variable');
  if (problem !== undefined) throw new ResponseError(ErrorCodes.InvalidParams, `"${newName}" is not a valid name: ${problem.message}`);
  if (HELPER_NAMES.has(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `"${newName}" is the name of a template helper: choose another`);
  }
  const model = doc.model;
  const clash =
    model.variables.some((v) => v.name === newName) ||
    model.dataSets.some((d) => d.name === newName) ||
    model.scenarios.some((s) => (symbol.kind !== 'capture' || s.name === symbol.scenario) && s.steps.some((st) => st.captures.some((c) => c.name === newName)));
  if (clash && newName !== symbol.name) {
    throw new ResponseError(ErrorCodes.InvalidParams, `"${newName}" is already a variable, data set or capture name here: choose another`);
  }
  const edits: TextEdit[] = [...definitions(symbol), ...referencesOf(model, symbol)].map((range) => ({ range, newText: newName }));
  return { changes: { [doc.uri]: edits } };
}
