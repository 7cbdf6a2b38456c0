// The outline: scenarios, setup and teardown with their steps (and a step's captures), a flow's control
// steps with the steps they hold, thresholds, variables.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import { requestStepName } from '../engine/scenario/step-name';
import type { DocumentModel, FlowItemInfo, StepInfo } from './model';

export function documentSymbols(model: DocumentModel): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  if (model.variablesRange && model.variables.length > 0) {
    symbols.push({
      name: 'variables',
      kind: SymbolKind.Namespace,
      range: model.variablesRange,
      selectionRange: { start: model.variablesRange.start, end: model.variablesRange.start },
      children: model.variables.map((v) => ({
        name: v.name,
        detail: String(v.value),
        kind: SymbolKind.Variable,
        range: v.range,
        selectionRange: v.nameRange,
      })),
    });
  }
  for (const scenario of model.scenarios) {
    symbols.push({
      name: scenario.name,
      detail: scenario.executor,
      kind: SymbolKind.Module,
      range: scenario.range,
      selectionRange: scenario.nameRange,
      children: scenario.flow.map(flowSymbol),
    });
  }
  for (const flow of model.lifecycle) {
    symbols.push({ name: flow.name, kind: SymbolKind.Namespace, range: flow.range, selectionRange: flow.nameRange, children: flow.steps.map(stepSymbol) });
  }
  if (model.thresholdsRange && model.thresholds.length > 0) {
    symbols.push({
      name: 'thresholds',
      kind: SymbolKind.Namespace,
      range: model.thresholdsRange,
      selectionRange: { start: model.thresholdsRange.start, end: model.thresholdsRange.start },
      children: model.thresholds.map((t) => ({
        name: t.name,
        detail: t.expressions.map((e) => e.text).join(', '),
        kind: SymbolKind.Property,
        range: t.range,
        selectionRange: t.nameRange,
      })),
    });
  }
  return symbols;
}

function flowSymbol(item: FlowItemInfo): DocumentSymbol {
  if (item.kind === 'step') return stepSymbol(item.step);
  return { name: item.name, kind: SymbolKind.Struct, range: item.range, selectionRange: item.selectionRange, children: item.children.map(flowSymbol) };
}

function stepSymbol(step: StepInfo): DocumentSymbol {
  return {
    name: step.name || `step ${step.index + 1}`,
    detail: step.explicitName && step.method ? requestStepName(step.method, step.url ?? '') : undefined,
    kind: step.method ? SymbolKind.Function : SymbolKind.Event,
    range: step.range,
    selectionRange: step.selectionRange,
    children: step.captures.map((c) => ({
      name: c.name,
      detail: c.source,
      kind: SymbolKind.Variable,
      range: c.range,
      selectionRange: c.nameRange,
    })),
  };
}
