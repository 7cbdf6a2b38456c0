// Variables and captures as symbols: what a name under the cursor refers to, and every place that
// defines or reads it. Go-to-definition, references, rename and hover share this.
import type { Position, Range } from '../engine/scenario';
import { captureFor, flowSteps, type CaptureDef, type DataSetDef, type DocumentModel, type TemplateRef, type VariableDef } from './model';

export type NameSymbol =
  | { kind: 'variable'; name: string; def: VariableDef | undefined }
  | { kind: 'capture'; name: string; scenario: string; defs: CaptureDef[] }
  | { kind: 'builtin' | 'env' | 'helper' | 'column'; name: string }
  | { kind: 'data'; name: string; def: DataSetDef | undefined }
  /** A repeat's `as:` index, read inside that repeat. */
  | { kind: 'index'; name: string; def: { nameRange: Range; range: Range } };

export interface NameAt {
  symbol: NameSymbol;
  /** The name's range under the cursor. */
  range: Range;
  reference: TemplateRef | undefined;
}

export function contains(range: Range, p: Position): boolean {
  const afterStart = p.line > range.start.line || (p.line === range.start.line && p.character >= range.start.character);
  const beforeEnd = p.line < range.end.line || (p.line === range.end.line && p.character <= range.end.character);
  return afterStart && beforeEnd;
}

export function nameAt(model: DocumentModel, position: Position): NameAt | undefined {
  for (const def of model.variables) {
    if (contains(def.nameRange, position)) return { symbol: { kind: 'variable', name: def.name, def }, range: def.nameRange, reference: undefined };
  }
  for (const def of model.dataSets) {
    if (contains(def.nameRange, position)) return { symbol: { kind: 'data', name: def.name, def }, range: def.nameRange, reference: undefined };
  }
  for (const flow of [...model.scenarios, ...model.lifecycle]) {
    for (const step of flow.steps) {
      for (const c of step.captures) {
        if (contains(c.nameRange, position)) return { symbol: captureSymbol(model, flow.name, c.name), range: c.nameRange, reference: undefined };
      }
    }
  }
  const reference = model.references.find((r) => contains(r.range, position));
  if (!reference) return undefined;
  return { symbol: resolve(model, reference), range: reference.range, reference };
}

function captureSymbol(model: DocumentModel, scenario: string, name: string): NameSymbol {
  const defs = flowSteps(model, scenario).flatMap((s) => s.captures.filter((c) => c.name === name));
  return { kind: 'capture', name, scenario, defs };
}

/** A template name: a capture of its scenario's flow when one has that name, else a variable, else a data set. */
export function resolve(model: DocumentModel, ref: TemplateRef): NameSymbol {
  if (ref.kind === 'data') return { kind: 'data', name: ref.name, def: model.dataSets.find((d) => d.name === ref.name) };
  if (ref.kind !== 'variable') return { kind: ref.kind, name: ref.name };
  // The innermost repeat around the read that names its index so.
  const index = (model.scenarios.find((s) => s.name === ref.scenario)?.indexNames ?? [])
    .filter((i) => i.name === ref.name && contains(i.range, ref.range.start))
    .sort((a, b) => a.range.start.line - b.range.start.line)
    .at(-1);
  if (index) return { kind: 'index', name: ref.name, def: index };
  const capture = captureFor(model, ref.scenario, ref.stepIndex, ref.name);
  if (capture) return captureSymbol(model, capture.scenario, ref.name);
  const variable = model.variables.find((v) => v.name === ref.name);
  const dataSet = variable === undefined ? model.dataSets.find((d) => d.name === ref.name) : undefined;
  if (dataSet !== undefined) return { kind: 'data', name: ref.name, def: dataSet };
  return { kind: 'variable', name: ref.name, def: variable };
}

export function definitions(symbol: NameSymbol): Range[] {
  if (symbol.kind === 'variable' || symbol.kind === 'data') return symbol.def ? [symbol.def.nameRange] : [];
  if (symbol.kind === 'capture') return symbol.defs.map((d) => d.nameRange);
  if (symbol.kind === 'index') return [symbol.def.nameRange];
  return [];
}

export function sameSymbol(a: NameSymbol, b: NameSymbol): boolean {
  if (a.kind !== b.kind || a.name !== b.name) return false;
  if (a.kind === 'index') return b.kind === 'index' && a.def === b.def;
  return a.kind !== 'capture' || (b.kind === 'capture' && a.scenario === b.scenario);
}

export function referencesOf(model: DocumentModel, symbol: NameSymbol): Range[] {
  return model.references.filter((r) => r.name === symbol.name && sameSymbol(resolve(model, r), symbol)).map((r) => r.range);
}
