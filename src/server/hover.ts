// Hover: the documentation of every key and value, template names, metrics and threshold expressions,
// and k6's VU sizing rule with the scenario's numbers on preAllocatedVUs and maxVUs.
import { isScalar } from 'yaml';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { docFor, docForExecutor, scalarSchema, schemaAt, type PathSegment } from '../engine/scenario';
import { parseMetricKey, parseThresholdExpression, aggregationName, metricType } from '../engine/scenario/threshold-expr';
import { COMPARISON_WORDS, METRIC_TYPE_DESCRIPTIONS } from '../engine/scenario/format/metric-types';
import type { AnalysedDocument } from './documents';
import { durationDoc } from './docs';
import { builtinDoc, helperDoc, thresholdKeyDoc, THRESHOLDS_LINK } from '../engine/scenario/format/docs';
import type { EstimateStore } from './estimates';
import { nameAt, type NameSymbol } from './names';
import { sizingDoc } from './sizing';
import type { DataSetDef, DocumentModel } from './model';
import { dataFilePath, inspectDataFile } from '../engine/scenario/data-files';

export function hover(doc: AnalysedDocument, position: Position, estimates: EstimateStore): Hover | null {
  const model = doc.model;
  const name = nameAt(model, position);
  if (name) return { contents: { kind: MarkupKind.Markdown, value: nameDoc(model, name.symbol, doc.file) }, range: name.range };

  const scenarioDoc = doc.scenario;
  const location = scenarioDoc.locate(scenarioDoc.offsetAt(position));
  if (location.kind === 'none' || location.path.length === 0) return null;
  const path = location.path;
  const range = location.node?.range ? scenarioDoc.rangeOf(location.node) : undefined;
  const value = location.kind === 'value' && location.node && isScalar(location.node) ? location.node.value : undefined;
  const text = markdownFor(doc, path, location.kind, value, estimates);
  if (!text) return null;
  return { contents: { kind: MarkupKind.Markdown, value: text }, ...(range ? { range } : {}) };
}

function markdownFor(doc: AnalysedDocument, path: PathSegment[], kind: 'key' | 'value', value: unknown, estimates: EstimateStore): string | undefined {
  const model = doc.model;
  const [top, second, third] = path;
  const scenario = top === 'scenarios' && typeof second === 'string' ? model.scenarios.find((s) => s.name === second) : undefined;
  const executor = scenario?.executor;

  // A key of the long form (`- threshold: …`, `abortOnFail`) has its own doc, below.
  const optionKey = kind === 'key' && path.length > 3;
  if (top === 'thresholds' && typeof second === 'string' && !optionKey) {
    const metric = thresholdKeyHover(second);
    if (kind === 'key' || path.length === 2) return metric;
    if (typeof value === 'string') return thresholdExpressionDoc(second, value) ?? metric;
    return metric;
  }
  if (top === 'scenarios' && path.length === 2 && kind === 'key' && scenario) {
    const executorText = executor ? docForExecutor(executor) : undefined;
    return [`**scenario ${scenario.name}**`, '', executorText ?? 'Give it an `executor` and a `flow`.'].join('\n');
  }
  if (top === 'variables' && path.length === 2) {
    return nameDoc(model, { kind: 'variable', name: String(second), def: model.variables.find((v) => v.name === second) });
  }

  const base = docFor(path, executor !== undefined ? { executor } : {});
  if (!base) return undefined;
  const parts = [base];
  if (kind === 'value' && typeof value === 'string') {
    const schema = scalarSchema(schemaAt(path));
    if (third === 'executor' && path.length === 3) {
      const executorDoc = docForExecutor(value);
      if (executorDoc) return executorDoc;
    }
    if (schema?.type === 'string' && schema.enum && schema.enumDescriptions) {
      const i = schema.enum.indexOf(value);
      if (i >= 0) return `**${value}** — ${schema.enumDescriptions[i]}\n\n---\n\n${base}`;
    }
    if (schema?.type === 'string' && schema.format === 'duration') {
      const meaning = durationDoc(value);
      if (meaning) parts.unshift(meaning, '', '---', '');
    }
  }
  if (scenario && path.length === 3 && (third === 'preAllocatedVUs' || third === 'maxVUs') && (executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate')) {
    parts.push('', '---', '', sizingDoc(scenario, estimates.for(doc, scenario)));
  }
  return parts.join('\n');
}

function thresholdKeyHover(key: string): string | undefined {
  const parsed = parseMetricKey(key);
  return parsed.ok ? thresholdKeyDoc(parsed.metric, parsed.tags) : undefined;
}

function thresholdExpressionDoc(key: string, expression: string): string | undefined {
  const parsed = parseThresholdExpression(expression);
  const metric = parseMetricKey(key);
  if (!parsed.ok || !metric.ok) return undefined;
  const a = parsed.aggregation;
  const subject =
    a.kind === 'percentile'
      ? `${a.p}% of the ${metric.metric} values are`
      : a.kind === 'count'
        ? `the count of ${metric.metric} is`
        : a.kind === 'rate'
          ? `the rate of ${metric.metric} is`
          : `the ${aggregationName(a)} of ${metric.metric} is`;
  const type = metricType(metric.metric);
  const symbol = type ? METRIC_TYPE_DESCRIPTIONS[type].symbol : undefined;
  const unit = symbol ? ` ${symbol}` : '';
  return `**${expression}**: passes when ${subject} ${COMPARISON_WORDS[parsed.op]} ${parsed.value}${unit}.\n\n[k6 thresholds](${THRESHOLDS_LINK})`;
}

function nameDoc(model: DocumentModel, symbol: NameSymbol, scenarioFile?: string): string {
  switch (symbol.kind) {
    case 'variable':
      return symbol.def
        ? `**${symbol.name}**: variable = \`${String(symbol.def.value)}\`\n\nDefined under \`variables:\`; every template reads it as \`{{ ${symbol.name} }}\`.`
        : `**${symbol.name}**: not defined — add it under \`variables:\` or capture it in an earlier step.`;
    case 'capture': {
      const scenario = model.scenarios.find((s) => s.name === symbol.scenario);
      const lines = symbol.defs.map((d) => {
        const step = scenario?.steps.find((s) => s.index === d.stepIndex);
        return `- step ${d.stepIndex + 1}${step ? ` "${step.name}"` : ''}, from \`${d.source ?? ''}\``;
      });
      return [`**${symbol.name}**: capture in scenario ${symbol.scenario}`, '', ...lines, '', 'Later steps of the same iteration read it.'].join('\n');
    }
    case 'index':
      return `**${symbol.name}**: the round of the repeat at line ${symbol.def.range.start.line + 1}, counted from 0 (its \`as:\`).`;
    case 'builtin':
      return builtinDoc(symbol.name) ?? symbol.name;
    case 'env':
      return builtinDoc('env', symbol.name) ?? symbol.name;
    case 'helper':
      return helperDoc(symbol.name) ?? symbol.name;
    case 'column':
      return `**${symbol.name}**: a column of the data set's row the iteration holds`;
    case 'data':
      return dataSetDoc(symbol.name, symbol.def, scenarioFile);
  }
}

/** File, pick, and the file's rows and columns (remembered while the file is unchanged). */
function dataSetDoc(name: string, def: DataSetDef | undefined, scenarioFile: string | undefined): string {
  if (def === undefined) return `**${name}**: not defined — add it under \`data:\``;
  const lines = [`**${name}**: data set from \`${def.file ?? '?'}\`, pick \`${def.pick ?? 'sequential'}\``];
  if (def.file !== undefined && scenarioFile !== undefined) {
    const facts = inspectDataFile(dataFilePath(scenarioFile, def.file));
    lines.push('', facts.problem !== undefined ? `Cannot be used: ${facts.problem.message}` : `${facts.rows} rows; columns: ${facts.columns.map((c) => `\`${c}\``).join(', ')}`);
  }
  lines.push('', `Templates read a column of the iteration's row: \`{{ ${name}.column }}\`.`);
  return lines.join('\n');
}
