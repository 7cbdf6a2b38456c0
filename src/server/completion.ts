// Completion from the schema and the file: keys valid at the cursor (per executor, without those already
// there), enum values, durations, threshold metrics, tag filters and aggregations, template names, and
// snippets where they fit.
import {
  Command,
  CompletionItemKind,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver/node';
import {
  EXECUTOR_TYPES,
  HTTP_METHOD_KEYS,
  METRIC_NAMES,
  METRIC_TAGS,
  THRESHOLD_TAGS,
  docForExecutor,
  keysAt,
  scalarSchema,
  schemaAt,
  valuesAt,
  type PathSegment,
  type SchemaNode,
} from '../engine/scenario';
import { TEMPLATE_BUILTINS, TEMPLATE_HELPERS, isTemplateIdentifier } from '../engine/scenario/template';
import { metricType, parseMetricKey } from '../engine/scenario/threshold-expr';
import type { AnalysedDocument } from './documents';
import { cursorContext, type CursorContext } from './cursor';
import { flowSteps, type StepInfo } from './model';
import { DURATION_SUGGESTIONS, durationDoc } from './docs';
import { builtinDoc, helperDoc, metricDoc, thresholdKeyDoc, THRESHOLDS_LINK } from '../engine/scenario/format/docs';
import { METRIC_TYPE_DESCRIPTIONS } from '../engine/scenario/format/metric-types';
import { CAPTURE_SOURCE_DESCRIPTIONS } from '../engine/scenario/format/capture-sources';
import { unquote } from './line-index';
import type { DataSetDef } from './model';
import { dataFilePath, inspectDataFile } from '../engine/scenario/data-files';
import { readdirSync, type Dirent } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { scenarioSnippet, stageSnippet, stepSnippets, withoutDash } from './snippets';
import { openApiCompletions, type OpenApiSupport } from './openapi';

const RETRIGGER = Command.create('Suggest', 'editor.action.triggerSuggest');
const METHODS: readonly string[] = HTTP_METHOD_KEYS;

export function complete(doc: AnalysedDocument, position: Position, openApi?: OpenApiSupport): CompletionItem[] | CompletionList {
  const context = cursorContext(doc.lines, position);
  // From the file's `openapi:` document: paths, operations and a body's keys, beside what the format offers there.
  const fromDocument = openApi ? openApiCompletions(doc, context, openApi) : undefined;
  if (fromDocument === undefined) return completeFromFormat(doc, context);
  const items = [...fromDocument.items, ...completeFromFormat(doc, context)];
  return fromDocument.incomplete ? { isIncomplete: true, items } : items;
}

function completeFromFormat(doc: AnalysedDocument, context: CursorContext): CompletionItem[] {
  switch (context.kind) {
    case 'template':
      return templateItems(doc, context);
    case 'threshold-key':
      return thresholdKeyItems(doc, context);
    case 'key':
      return keyPositionItems(doc, context);
    case 'value':
      // A data set's file, or the `openapi:` document: files relative to the scenario file.
      if (context.path[context.path.length - 1] === 'file' || (context.path.length === 1 && context.path[0] === 'openapi')) return filePathItems(doc, context.prefix, context.range);
      return valueItems(context.path, context.range, context.inFlow);
    default:
      return [];
  }
}

function markdown(value: string) {
  return { kind: MarkupKind.Markdown, value };
}

function edit(range: Range, newText: string) {
  return { range, newText };
}

// ---------------------------------------------------------------------------------------------------
// Keys

function keyPositionItems(doc: AnalysedDocument, context: Extract<CursorContext, { kind: 'key' }>): CompletionItem[] {
  const { container, range } = context;
  const schema = resolveObject(schemaAt(container));
  // A position in a block list: `- ` items, or the item's value when the list holds scalars.
  const last = container[container.length - 1];
  if (schema === undefined) {
    const list = schemaAt(container);
    if (list?.type === 'array' && !context.afterDash) return listItemSnippets(container, range, false);
    if (typeof last === 'number' && context.afterDash) {
      return [...valueItems(container, range, false), ...listItemSnippets(container.slice(0, -1), range, true)];
    }
    return [];
  }
  if (container.length === 1 && container[0] === 'scenarios') return scenarioSnippets(range);
  // `- ‸` in a block list of thresholds: an expression, or the `{ threshold, abortOnFail }` form.
  const thresholdItem = container[0] === 'thresholds' && container.length === 3 && context.afterDash && context.present.size === 0;
  const expressions = thresholdItem ? thresholdValueItems(container, range, true) : [];
  if (schema.type === 'map') return [];
  const executor = container.length === 2 && container[0] === 'scenarios' ? siblingValue(doc, context, 'executor') : undefined;
  let keys = keysAt(container, executor !== undefined ? { executor } : {});
  const present = context.present;
  if (isStepPath(container)) {
    const hasMethod = METHODS.some((m) => present.has(m));
    if (present.has('think')) keys = keys.filter((k) => k.key === 'name');
    else if (hasMethod) keys = keys.filter((k) => !METHODS.includes(k.key) && k.key !== 'think');
  }
  const items: CompletionItem[] = keys
    .filter((k) => !present.has(k.key))
    .map((k, i) => {
      const insert = keyInsertText(k.key, k.schema, context.inFlow);
      return {
        label: k.key,
        kind: CompletionItemKind.Property,
        detail: k.required ? 'required' : undefined,
        documentation: markdown(k.documentation),
        sortText: `${k.required ? '0' : '1'}${String(i).padStart(3, '0')}`,
        textEdit: edit(range, insert.text),
        insertTextFormat: InsertTextFormat.Snippet,
        insertTextMode: InsertTextMode.adjustIndentation,
        command: insert.retrigger ? RETRIGGER : undefined,
      };
    });
  if (typeof last === 'number' && context.afterDash && present.size === 0) {
    items.push(...listItemSnippets(container.slice(0, -1), range, true));
  }
  return [...expressions, ...items];
}

/** Unions that can be an object (a threshold item) count as that object. */
function resolveObject(node: SchemaNode | undefined): SchemaNode | undefined {
  if (node?.type === 'union') return node.variants.find((v) => v.type === 'object' || v.type === 'map');
  return node?.type === 'object' || node?.type === 'map' ? node : undefined;
}

function isStepPath(path: readonly PathSegment[]): boolean {
  return path.length === 4 && path[0] === 'scenarios' && path[2] === 'flow' && typeof path[3] === 'number';
}

/** The value of a sibling key, as written on its line (for the scenario's executor). */
function siblingValue(doc: AnalysedDocument, context: Extract<CursorContext, { kind: 'key' }>, key: string): string | undefined {
  if (context.inFlow) return undefined;
  const sibling = doc.lines.siblingKeys(context.line, context.column).find((s) => s.key === key);
  if (!sibling || sibling.entry.valueColumn === undefined) return undefined;
  const text = doc.lines.lines[sibling.line].text.slice(sibling.entry.valueColumn).replace(/\s+#.*$/, '').trim();
  return unquote(text);
}

function keyInsertText(key: string, schema: SchemaNode, inFlow: boolean): { text: string; retrigger: boolean } {
  const hasValues = valueKind(scalarSchema(schema)!) !== undefined;
  if (inFlow) return { text: `${key}: `, retrigger: hasValues };
  if (METHODS.includes(key)) return { text: `${key}: \${1:/}`, retrigger: false };
  switch (schema.type) {
    case 'object':
    case 'map':
      return { text: `${key}:\n  $0`, retrigger: false };
    case 'array':
      if (key === 'stages') return { text: `${key}:\n  ${stageSnippet().body.replace(/\n\$0$/, '')}`, retrigger: false };
      if (key === 'flow') return { text: `${key}:\n  - $0`, retrigger: false };
      return { text: `${key}:\n  - $0`, retrigger: false };
    default:
      return { text: `${key}: $0`, retrigger: hasValues };
  }
}

function valueKind(schema: SchemaNode): 'enum' | 'boolean' | 'duration' | undefined {
  if (schema.type === 'boolean') return 'boolean';
  if (schema.type === 'string' && schema.enum) return 'enum';
  if (schema.type === 'string' && schema.format === 'duration') return 'duration';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Snippets (see snippets.ts for where the server offers them and why)

function snippetItem(label: string, filterText: string, body: string, description: string, range: Range, sort: string): CompletionItem {
  return {
    label,
    labelDetails: { description: 'snippet here' },
    kind: CompletionItemKind.Snippet,
    filterText,
    documentation: markdown(`${description}\n\n\`\`\`yaml\n${body.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\d/g, '')}\n\`\`\``),
    textEdit: edit(range, body),
    insertTextFormat: InsertTextFormat.Snippet,
    insertTextMode: InsertTextMode.adjustIndentation,
    sortText: `9${sort}`,
  };
}

function scenarioSnippets(range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  EXECUTOR_TYPES.forEach((executor, i) => {
    const snippet = scenarioSnippet(executor);
    if (snippet) items.push(snippetItem(`${executor} scenario`, executor, snippet.body, snippet.description, range, String(i)));
  });
  return items;
}

/** Items for a new entry of the list at `listPath`: steps in a flow, stages in stages. */
function listItemSnippets(listPath: readonly PathSegment[], range: Range, afterDash: boolean): CompletionItem[] {
  const last = listPath[listPath.length - 1];
  const adapt = (body: string) => (afterDash ? withoutDash(body) : body);
  if (listPath.length === 3 && listPath[0] === 'scenarios' && last === 'flow') {
    return stepSnippets().map((s, i) => {
      const label = s.name.replace(/^Step: /, '');
      return snippetItem(`${label} step`, label, adapt(s.body), s.description, range, String(i));
    });
  }
  if (last === 'stages') {
    const s = stageSnippet();
    return [snippetItem('stage', 'stage', adapt(s.body), s.description, range, '0')];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Values

function valueItems(path: PathSegment[], range: Range, inFlow: boolean): CompletionItem[] {
  if (path[0] === 'thresholds' && path.length >= 2) return thresholdValueItems(path, range, inFlow);
  const schema = scalarSchema(schemaAt(path));
  if (!schema) return [];
  const last = path[path.length - 1];
  if (last === 'executor' && path.length === 3 && path[0] === 'scenarios') {
    return EXECUTOR_TYPES.map((executor, i) => ({
      label: executor,
      kind: CompletionItemKind.EnumMember,
      documentation: markdown(docForExecutor(executor) ?? ''),
      sortText: String(i),
      textEdit: edit(range, executor),
    }));
  }
  const values = valuesAt(path);
  if (values.length > 0) {
    return values.map((v, i) => ({
      label: v.value,
      kind: schema.type === 'boolean' ? CompletionItemKind.Keyword : CompletionItemKind.EnumMember,
      documentation: v.documentation ? markdown(v.documentation) : undefined,
      sortText: String(i),
      textEdit: edit(range, v.value),
    }));
  }
  if (schema.type === 'string' && schema.format === 'duration') {
    const defaultValue = typeof schema.default === 'string' ? schema.default : undefined;
    const suggestions = defaultValue ? [defaultValue, ...DURATION_SUGGESTIONS.filter((d) => d !== defaultValue)] : DURATION_SUGGESTIONS;
    return suggestions.map((d, i) => ({
      label: d,
      kind: CompletionItemKind.Value,
      detail: d === defaultValue ? 'default' : undefined,
      documentation: markdown(durationDoc(d) ?? ''),
      sortText: String(i).padStart(2, '0'),
      textEdit: edit(range, d),
    }));
  }
  if (schema.type === 'string' && schema.format === 'captureSource') {
    return CAPTURE_SOURCE_DESCRIPTIONS.map((s) => ({
      label: s.prefix,
      kind: CompletionItemKind.Value,
      documentation: markdown(`${s.takes} Example: \`${s.example}\`.`),
      textEdit: edit(range, `${s.prefix}\${1:${s.placeholder}}`),
      insertTextFormat: InsertTextFormat.Snippet,
    }));
  }
  if (last === 'status' || path[path.length - 2] === 'status') {
    return ['200', '201', '204', '301', '302', '404'].map((code, i) => ({
      label: code,
      kind: CompletionItemKind.Value,
      sortText: String(i),
      textEdit: edit(range, code),
    }));
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------
// Thresholds

function thresholdValueItems(path: PathSegment[], range: Range, inFlow: boolean): CompletionItem[] {
  const key = String(path[1]);
  const parsed = parseMetricKey(key);
  const type = parsed.ok ? metricType(parsed.metric) : undefined;
  if (type === undefined) return [];
  // `metric: |` alone: the value must be a list.
  const wrap = path.length === 2 && !inFlow;
  if (path.length > 3 && path[3] !== 'threshold') return [];
  return METRIC_TYPE_DESCRIPTIONS[type].suggestions.map((a, i) => {
    const insert = `${a.label}\${1:${a.example}}`;
    return {
      label: a.label,
      kind: CompletionItemKind.Operator,
      detail: `${parsed.ok ? parsed.metric : key} (${type})`,
      documentation: markdown(`${a.doc}\n\n[k6 thresholds](${THRESHOLDS_LINK})`),
      sortText: String(i),
      filterText: a.label,
      textEdit: edit(range, wrap ? `[${insert}]` : insert),
      insertTextFormat: InsertTextFormat.Snippet,
    };
  });
}

function thresholdKeyItems(doc: AnalysedDocument, context: Extract<CursorContext, { kind: 'threshold-key' }>): CompletionItem[] {
  const model = doc.model;
  const stepNames = [...new Set(model.scenarios.flatMap((s) => s.steps.map((st) => st.name)).filter((n) => n !== ''))];
  const scenarioNames = model.scenarios.map((s) => s.name);
  const groupNames = [...new Set(model.scenarios.flatMap((s) => s.groups))];
  const present = new Set(model.thresholds.filter((t) => t.nameRange.start.line !== context.range.start.line).map((t) => t.name));
  const valueSuffix = context.hasValue ? '' : ': [$1]';
  if (context.part === 'metric') {
    const items: CompletionItem[] = METRIC_NAMES.filter((m) => !present.has(m)).map((m, i) => ({
      label: m,
      kind: CompletionItemKind.Field,
      detail: metricType(m),
      documentation: markdown(metricDoc(m) ?? ''),
      sortText: `0${String(i).padStart(2, '0')}`,
      textEdit: edit(context.range, `${m}${context.quoted ? '"' : ''}${valueSuffix}`),
      insertTextFormat: InsertTextFormat.Snippet,
    }));
    // Tag filters: for the metric the user typed in full, else for the two usual ones.
    const exact = METRIC_NAMES.includes(context.metric);
    const filtered = exact ? [context.metric] : ['http_req_duration', 'http_req_failed', ...(groupNames.length > 0 ? ['group_duration'] : [])];
    const open = context.quoted ? '' : '"';
    for (const metric of filtered) {
      const carried: readonly string[] = METRIC_TAGS[metric as keyof typeof METRIC_TAGS];
      const filters = [
        ...stepNames.map((n) => ({ tag: 'step', value: n })),
        ...scenarioNames.map((n) => ({ tag: 'scenario', value: n })),
        ...groupNames.map((n) => ({ tag: 'group', value: n })),
      ].filter((f) => carried.includes(f.tag));
      filters.forEach((f, i) => {
        const key = `${metric}{${f.tag}:${f.value}}`;
        if (present.has(key)) return;
        items.push({
          label: key,
          kind: CompletionItemKind.Field,
          detail: `${f.tag} filter`,
          documentation: markdown(thresholdKeyDoc(metric, { [f.tag]: f.value }) ?? ''),
          sortText: `1${String(i).padStart(3, '0')}`,
          filterText: context.quoted ? `"${key}` : key,
          textEdit: edit(context.range, `${open}${escapeSnippet(key)}"${valueSuffix}`),
          insertTextFormat: InsertTextFormat.Snippet,
        });
      });
    }
    return items;
  }
  if (context.part === 'tag-name') {
    const tags = Object.hasOwn(METRIC_TAGS, context.metric) ? METRIC_TAGS[context.metric as keyof typeof METRIC_TAGS] : THRESHOLD_TAGS;
    return tags.map((tag, i) => ({
      label: tag,
      kind: CompletionItemKind.Property,
      documentation: markdown(`Only samples tagged \`${tag}\` with this value.`),
      sortText: String(i),
      textEdit: edit(context.range, `${tag}:`),
      command: RETRIGGER,
    }));
  }
  const values =
    context.tag === 'step'
      ? stepNames
      : context.tag === 'scenario'
        ? scenarioNames
        : context.tag === 'group'
          ? groupNames
          : context.tag === 'method'
          ? HTTP_METHOD_KEYS.map((m) => m.toUpperCase())
          : context.tag === 'status'
            ? ['200', '201', '204', '400', '404', '500']
            : context.tag === 'expected_response'
              ? ['true', 'false']
              : [];
  return values.map((v, i) => ({
    label: v,
    kind: CompletionItemKind.Value,
    detail: `${context.tag}`,
    sortText: String(i).padStart(3, '0'),
    textEdit: edit(context.range, v),
  }));
}

/** `{{ users.‸`: the columns of the set's file, from its header (or the keys of a JSON file's objects). */
function columnItems(doc: AnalysedDocument, set: DataSetDef, range: Range): CompletionItem[] {
  const file = doc.file;
  if (file === undefined || set.file === undefined) return [];
  const facts = inspectDataFile(dataFilePath(file, set.file));
  // A column whose name is not an identifier is read as users['first name'], not offered after the dot.
  return (facts.columns ?? [])
    .filter((column) => isTemplateIdentifier(column))
    .map((column, i) => ({
      label: column,
      kind: CompletionItemKind.Field,
      detail: `column of ${set.name}`,
      documentation: markdown(`**${set.name}.${column}**: a column of \`${set.file}\` (${facts.rows} rows), in the row the iteration holds`),
      sortText: String(i).padStart(4, '0'),
      textEdit: edit(range, column),
    }));
}

/** `file:` values: the files and folders beside the scenario file, following what is typed. */
function filePathItems(doc: AnalysedDocument, prefix: string, range: Range): CompletionItem[] {
  const file = doc.file;
  if (file === undefined) return [];
  const typed = prefix.replace(/^["']/, '');
  const folder = typed.slice(0, typed.lastIndexOf('/') + 1);
  let entries: Dirent[];
  try {
    entries = readdirSync(resolve(dirname(file), folder === '' ? '.' : folder), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || e.isFile()))
    .map((e) => {
      const directory = e.isDirectory();
      const data = /\.(csv|json)$/i.test(e.name);
      return {
        label: directory ? `${e.name}/` : e.name,
        kind: directory ? CompletionItemKind.Folder : CompletionItemKind.File,
        sortText: `${directory ? 1 : data ? 0 : 2}${e.name}`,
        textEdit: edit(range, `${folder}${e.name}${directory ? '/' : ''}`),
        command: directory ? RETRIGGER : undefined,
      };
    });
}

/**
 * In a flow with control steps, the index of the step a position is in (a nested one too), or of the next
 * step when the position is in a control step's own keys (an `if:` condition reads the steps' before it).
 */
function stepIndexAt(steps: readonly StepInfo[], at: Position): number {
  const inside = steps.find((s) => contains(s.range, at));
  if (inside) return inside.index;
  return steps.find((s) => before(at, s.range.start))?.index ?? Infinity;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function contains(range: Range, at: Position): boolean {
  return !before(at, range.start) && !before(range.end, at);
}

function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, '\\$&');
}

// ---------------------------------------------------------------------------------------------------
// Templates

function templateItems(doc: AnalysedDocument, context: Extract<CursorContext, { kind: 'template' }>): CompletionItem[] {
  if (context.env) return [];
  const model = doc.model;
  const member = /([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*$/.exec(doc.lines.lines[context.range.start.line].text.slice(0, context.range.start.character));
  const dataSet = member ? model.dataSets.find((d) => d.name === member[1]) : undefined;
  if (dataSet !== undefined) return columnItems(doc, dataSet, context.range);
  const items: CompletionItem[] = [];
  for (const v of model.variables) {
    items.push({
      label: v.name,
      kind: CompletionItemKind.Variable,
      detail: 'variable',
      documentation: markdown(`**${v.name}**: variable = \`${String(v.value)}\``),
      sortText: `0${v.name}`,
      textEdit: edit(context.range, v.name),
    });
  }
  // The captures of the flow's earlier steps, then (outside setup) every capture of setup.
  const [first, scenarioName, flow, scenarioStep] = context.path;
  const inScenario = first === 'scenarios' && flow === 'flow' && typeof scenarioStep === 'number';
  if (inScenario) {
    for (const d of model.dataSets) {
      items.push({
        label: d.name,
        kind: CompletionItemKind.Struct,
        detail: 'data set',
        documentation: markdown(`**${d.name}**: data set from \`${d.file ?? '?'}\`: read a column of the iteration's row, \`{{ ${d.name}.column }}\``),
        sortText: `0${d.name}`,
        textEdit: edit(context.range, `${d.name}.`),
        command: RETRIGGER,
      });
    }
  }
  const inLifecycle = (first === 'setup' || first === 'teardown') && typeof scenarioName === 'number';
  if (inScenario || inLifecycle) {
    const owner = inScenario ? String(scenarioName) : first;
    const flat = model.scenarios.find((s) => s.name === owner)?.flow.every((item) => item.kind === 'step') ?? true;
    const stepIndex = !inScenario ? (scenarioName as number) : flat ? scenarioStep : stepIndexAt(flowSteps(model, owner), context.range.start);
    // A repeat's index, inside that repeat.
    for (const index of model.scenarios.find((s) => s.name === owner)?.indexNames ?? []) {
      if (!contains(index.range, context.range.start) || items.some((i) => i.label === index.name)) continue;
      items.push({
        label: index.name,
        kind: CompletionItemKind.Variable,
        detail: 'repeat index',
        documentation: markdown(`**${index.name}**: the round of the repeat around this step, counted from 0`),
        sortText: `0${index.name}`,
        textEdit: edit(context.range, index.name),
      });
    }
    const flows: Array<{ steps: StepInfo[]; before: number; of: string }> = [{ steps: flowSteps(model, owner), before: stepIndex, of: 'step' }];
    if (owner !== 'setup') flows.push({ steps: flowSteps(model, 'setup'), before: Infinity, of: 'setup step' });
    const seen = new Set(items.map((i) => i.label));
    for (const { steps, before, of } of flows) {
      for (const step of steps) {
        if (step.index >= before) break;
        for (const c of step.captures) {
          if (seen.has(c.name)) continue;
          seen.add(c.name);
          items.push({
            label: c.name,
            kind: CompletionItemKind.Variable,
            detail: `capture of ${of} ${step.index + 1}`,
            documentation: markdown(`**${c.name}**: captured by ${of} ${step.index + 1} "${step.name}" from \`${c.source ?? ''}\``),
            sortText: `0${c.name}`,
            textEdit: edit(context.range, c.name),
          });
        }
      }
    }
  }
  for (const name of TEMPLATE_BUILTINS) {
    items.push({
      label: name,
      kind: CompletionItemKind.Keyword,
      detail: 'built-in',
      documentation: markdown(builtinDoc(name) ?? ''),
      sortText: `1${name}`,
      textEdit: edit(context.range, name === 'env' ? 'env.' : name),
    });
  }
  for (const helper of TEMPLATE_HELPERS) {
    const params = /\(([^)]*)\)/.exec(helper.signature)?.[1] ?? '';
    const args = params
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '' && p !== '...')
      .map((p, i) => `\${${i + 1}:${p}}`)
      .join(', ');
    items.push({
      label: helper.name,
      kind: CompletionItemKind.Function,
      detail: helper.signature,
      documentation: markdown(helperDoc(helper.name) ?? ''),
      sortText: `2${helper.name}`,
      textEdit: edit(context.range, `${helper.name}(${args})`),
      insertTextFormat: InsertTextFormat.Snippet,
    });
  }
  return items;
}

