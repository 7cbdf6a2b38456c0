// What the server's features need to know about a file beyond its diagnostics: scenarios and their
// steps, variables, captures, thresholds, and every name a `{{ }}` template reads, with ranges. Read
// from the document's one YAML tree, once per version (documents.ts caches it).
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { PathSegment, Range, ScenarioDocument } from '../engine/scenario';
import { compileTemplate, type TemplateReference } from '../engine/scenario/template';
import { BlockCache, shiftLines } from '../engine/scenario/shift-lines';
import { methodOfKey, stepNameOf } from '../engine/scenario/step-name';
import { resolveAlias, scalarSource } from '../engine/scenario/document';
import { CONTROL_STEP_KEYS } from '../engine/scenario/schema';

export interface NamedKey {
  name: string;
  /** The key's range; for a quoted key, inside the quotes. */
  nameRange: Range;
  /** From the key to the end of its value. */
  range: Range;
}

export interface VariableDef extends NamedKey {
  value: unknown;
}

/** A `data:` set: `file` and `pick` as written. */
export interface DataSetDef extends NamedKey {
  file: string | undefined;
  pick: string | undefined;
}

export interface CaptureDef extends NamedKey {
  scenario: string;
  stepIndex: number;
  source: string | undefined;
}

export interface StepInfo {
  index: number;
  /** As the run reports it: see stepNameOf. */
  name: string;
  explicitName: boolean;
  method: string | undefined;
  url: string | undefined;
  range: Range;
  /** The name's value or the method key: where a symbol points. */
  selectionRange: Range;
  captures: CaptureDef[];
}

/**
 * A flow as the outline shows it: its steps, and its control steps (`repeat`, `if` with its `else`,
 * `choose` with its branches, `group`) holding theirs.
 */
export type FlowItemInfo =
  | { kind: 'step'; step: StepInfo }
  | { kind: 'control'; name: string; range: Range; selectionRange: Range; children: FlowItemInfo[] };

export interface ScenarioInfo extends NamedKey {
  executor: string | undefined;
  /** Numbers and strings set on the scenario (rate, timeUnit, preAllocatedVUs, …) as written. */
  values: Record<string, unknown>;
  /** Ranges of the scenario's own keys, by key. */
  keyRanges: Record<string, Range>;
  /** Stage targets of ramping executors. */
  stageTargets: number[];
  /** Every step in document order, nested ones too: `index` is the run's step index. */
  steps: StepInfo[];
  /** The flow's tree, for the outline. */
  flow: FlowItemInfo[];
  /** The flow's group paths (`browse`, `browse::details`), for `group:` threshold filters. */
  groups: string[];
  /** Each group path's `group:` step (the first, when a name is used twice: they are one group), where the run's group figures go. */
  groupSteps: Array<{ path: string; range: Range; selectionRange: Range }>;
  /** Each repeat's `as:` name and where it is written, with the repeat's range: where templates can read it. */
  indexNames: Array<{ name: string; nameRange: Range; range: Range }>;
}

/** `setup:` or `teardown:`: a flow of steps run once by the test. */
export interface LifecycleInfo extends NamedKey {
  steps: StepInfo[];
}

export interface TemplateRef {
  name: string;
  kind: TemplateReference['kind'];
  range: Range;
  /** Where the template is: scenario and step, when inside a flow. */
  scenario: string | undefined;
  stepIndex: number | undefined;
  /** Path of the scalar holding the template. */
  path: PathSegment[];
}

export interface ThresholdInfo extends NamedKey {
  expressions: Array<{ text: string; range: Range }>;
}

export interface DocumentModel {
  variables: VariableDef[];
  dataSets: DataSetDef[];
  scenarios: ScenarioInfo[];
  lifecycle: LifecycleInfo[];
  thresholds: ThresholdInfo[];
  thresholdsRange: Range | undefined;
  variablesRange: Range | undefined;
  references: TemplateRef[];
}

/** A scenario's outline and the template references in it, read from its block at `line`. */
interface ScenarioOutline {
  line: number;
  scenario: ScenarioInfo | undefined;
  references: TemplateRef[];
}

/**
 * Outlines of scenarios parsed as blocks of their own (ScenarioDocument.blockOf), kept across versions of
 * one document: a scenario reads nothing outside its block, so its text is the key.
 */
export class ModelCache {
  readonly scenarios = new BlockCache<ScenarioOutline>();
}

export function buildModel(doc: ScenarioDocument, cache?: ModelCache): DocumentModel {
  try {
    return readModel(doc, cache);
  } finally {
    cache?.scenarios.endRun();
  }
}

function readModel(doc: ScenarioDocument, cache: ModelCache | undefined): DocumentModel {
  const model: DocumentModel = {
    variables: [],
    dataSets: [],
    scenarios: [],
    lifecycle: [],
    thresholds: [],
    thresholdsRange: undefined,
    variablesRange: undefined,
    references: [],
  };
  const root = doc.yaml.contents;
  if (!isMap(root)) return model;
  for (const pair of root.items) {
    const key = keyOf(pair);
    if (key === 'variables' && isMap(pair.value)) {
      model.variablesRange = pairRange(doc, pair);
      for (const p of pair.value.items) {
        const named = namedKey(doc, p);
        if (named) model.variables.push({ ...named, value: isScalar(p.value) ? p.value.value : undefined });
      }
    } else if (key === 'data' && isMap(pair.value)) {
      for (const p of pair.value.items) {
        const named = namedKey(doc, p);
        if (!named) continue;
        const text = (k: string): string | undefined => {
          const v = isMap(p.value) ? p.value.get(k) : undefined;
          return typeof v === 'string' ? v : undefined;
        };
        model.dataSets.push({ ...named, file: text('file'), pick: text('pick') });
      }
    } else if (key === 'scenarios' && isMap(pair.value)) {
      for (const p of pair.value.items) {
        const block = cache ? doc.blockOf(p) : undefined;
        if (!cache || !block) {
          const scenario = readScenario(doc, p, model);
          if (scenario) model.scenarios.push(scenario);
          continue;
        }
        let outline = cache.scenarios.get(block.key);
        if (!outline) {
          const firstReference = model.references.length;
          const scenario = readScenario(doc, p, model);
          outline = { line: block.line, scenario, references: model.references.splice(firstReference) };
          cache.scenarios.set(block.key, outline);
        }
        const delta = block.line - outline.line;
        if (outline.scenario) model.scenarios.push(shiftLines(outline.scenario, delta));
        for (const ref of outline.references) model.references.push(shiftLines(ref, delta));
      }
    } else if ((key === 'setup' || key === 'teardown') && isSeq(pair.value)) {
      const named = namedKey(doc, pair);
      if (!named) continue;
      const steps: StepInfo[] = [];
      pair.value.items.forEach((item, index) => {
        const step = readStep(doc, item as Node, index, key, model, [key, index]);
        if (step) steps.push(step);
      });
      model.lifecycle.push({ ...named, steps });
    } else if (key === 'thresholds' && isMap(pair.value)) {
      model.thresholdsRange = pairRange(doc, pair);
      for (const p of pair.value.items) {
        const named = namedKey(doc, p);
        if (!named) continue;
        const expressions: ThresholdInfo['expressions'] = [];
        if (isSeq(p.value)) {
          for (const item of p.value.items) {
            if (isScalar(item) && typeof item.value === 'string') expressions.push({ text: item.value, range: doc.rangeOf(item) });
          }
        }
        model.thresholds.push({ ...named, expressions });
      }
    }
  }
  return model;
}

function readScenario(doc: ScenarioDocument, pair: Pair, model: DocumentModel): ScenarioInfo | undefined {
  const named = namedKey(doc, pair);
  if (!named) return undefined;
  const scenario: ScenarioInfo = { ...named, executor: undefined, values: {}, keyRanges: {}, stageTargets: [], steps: [], flow: [], groups: [], groupSteps: [], indexNames: [] };
  if (!isMap(pair.value)) return scenario;
  for (const p of pair.value.items) {
    const key = keyOf(p);
    if (key === undefined) continue;
    if (isScalar(p.key)) scenario.keyRanges[key] = doc.rangeOf(p.key as Node);
    if (isScalar(p.value) && p.value.value !== null) scenario.values[key] = p.value.value;
    if (key === 'executor' && isScalar(p.value) && typeof p.value.value === 'string') scenario.executor = p.value.value;
    if (key === 'stages' && isSeq(p.value)) {
      for (const stage of p.value.items) {
        const target = isMap(stage) ? stage.get('target') : undefined;
        if (typeof target === 'number') scenario.stageTargets.push(target);
      }
    }
    if (key === 'flow' && isSeq(p.value)) {
      const reading = { scenario: scenario.name, model, steps: scenario.steps, groups: scenario.groups, groupSteps: scenario.groupSteps, indexNames: scenario.indexNames, group: undefined };
      scenario.flow = readFlow(doc, p.value, ['scenarios', scenario.name, 'flow'], reading);
    }
  }
  return scenario;
}

interface FlowReading {
  scenario: string;
  model: DocumentModel;
  /** The leaves so far: the next one's index is its length. */
  steps: StepInfo[];
  groups: string[];
  groupSteps: ScenarioInfo['groupSteps'];
  indexNames: ScenarioInfo['indexNames'];
  /** The path of the group being read. */
  group: string | undefined;
}

const CONTROL_KEYS = Object.keys(CONTROL_STEP_KEYS);

/** A flow's items, nested ones too: steps numbered in document order as the checker numbers them. */
function readFlow(doc: ScenarioDocument, seq: YAMLSeq, path: PathSegment[], reading: FlowReading): FlowItemInfo[] {
  const out: FlowItemInfo[] = [];
  seq.items.forEach((raw, i) => {
    const item = raw as Node;
    const control = isMap(item) ? item.items.find((p) => CONTROL_KEYS.includes(keyOf(p) ?? '')) : undefined;
    if (!control || !isMap(item) || !item.range) {
      const step = readStep(doc, item, reading.steps.length, reading.scenario, reading.model, [...path, i]);
      if (step) {
        reading.steps.push(step);
        out.push({ kind: 'step', step });
      }
      return;
    }
    const key = keyOf(control)!;
    const children: FlowItemInfo[] = [];
    let name = key;
    const outer = reading.group;
    const groupName = key === 'group' && isScalar(control.value) ? scalarSource(control.value) : '';
    if (groupName !== '') {
      reading.group = outer === undefined ? groupName : `${outer}::${groupName}`;
      if (!reading.groups.includes(reading.group)) {
        reading.groups.push(reading.group);
        reading.groupSteps.push({ path: reading.group, range: doc.rangeOf(item), selectionRange: doc.rangeOf(control.value as Node) });
      }
    }
    for (const p of item.items) {
      const k = keyOf(p);
      const value = p.value as Node | null;
      if (k === 'flow' && isSeq(value)) children.push(...readFlow(doc, value, [...path, i, 'flow'], reading));
      else if (k === 'else' && isSeq(value)) {
        const elseItems = readFlow(doc, value, [...path, i, 'else'], reading);
        const at = pairRange(doc, p);
        children.push({ kind: 'control', name: 'else', range: at, selectionRange: doc.rangeOf(p.key as Node), children: elseItems });
      } else if (k === 'choose' && isSeq(value)) {
        value.items.forEach((branch, b) => {
          if (!isMap(branch) || !branch.range) return;
          const flow = branch.items.find((bp) => keyOf(bp) === 'flow');
          const weight = branch.items.find((bp) => keyOf(bp) === 'weight');
          const branchItems = flow && isSeq(flow.value) ? readFlow(doc, flow.value, [...path, i, 'choose', b, 'flow'], reading) : [];
          const range = doc.rangeOf(branch);
          const weightText = weight ? scalarSource(weight.value as Node | null) : '';
          children.push({ kind: 'control', name: `branch ${b + 1}${weightText ? ` (weight ${weightText})` : ''}`, range, selectionRange: range, children: branchItems });
        });
      } else if (k !== undefined && k !== 'flow' && k !== 'else' && k !== 'choose') {
        // The count, the index name, the condition and the group's name: templates are read where they are.
        collectTemplates(doc, value, [...path, i, k], reading.scenario, reading.steps.length, reading.model);
        if (k === key) name = `${key} ${scalarSource(value)}`.trim();
        else if (k === 'as' && key === 'repeat') {
          name += ` as ${scalarSource(value)}`;
          if (value?.range) reading.indexNames.push({ name: scalarSource(value), nameRange: doc.rangeOf(value), range: doc.rangeOf(item) });
        }
      }
    }
    reading.group = outer;
    const range = doc.rangeOf(item);
    out.push({ kind: 'control', name, range, selectionRange: doc.rangeOf(control.key as Node), children });
  });
  return out;
}

/** `scenario` is the flow's owner (a scenario's name, or `setup`/`teardown` with their `path`). */
function readStep(
  doc: ScenarioDocument,
  item: Node,
  index: number,
  scenario: string,
  model: DocumentModel,
  path: PathSegment[] = ['scenarios', scenario, 'flow', index],
): StepInfo | undefined {
  if (!item?.range) return undefined;
  const step: StepInfo = {
    index,
    name: '',
    explicitName: false,
    method: undefined,
    url: undefined,
    range: doc.rangeOf(item),
    selectionRange: doc.rangeOf(item),
    captures: [],
  };
  if (!isMap(item)) {
    collectTemplates(doc, item, path, scenario, index, model);
    return step;
  }
  for (const p of item.items) {
    const key = keyOf(p);
    const value = p.value as Node | null;
    const method = methodOfKey(key);
    if (key === 'name' && scalarSource(resolveAlias(doc.yaml, value)).trim() !== '') {
      step.explicitName = true;
      step.selectionRange = doc.rangeOf(value!);
    } else if (method !== undefined && step.method === undefined) {
      step.method = method;
      step.url = scalarSource(value);
      if (!step.explicitName && isScalar(p.key)) step.selectionRange = doc.rangeOf(p.key as Node);
    } else if (key === 'think') {
      if (isScalar(p.key)) step.selectionRange = doc.rangeOf(p.key as Node);
    } else if (key === 'capture' && isMap(value)) {
      for (const c of value.items) {
        const named = namedKey(doc, c);
        if (!named) continue;
        const source = isScalar(c.value) && c.value.value !== null ? String(c.value.value) : undefined;
        step.captures.push({ ...named, scenario, stepIndex: index, source });
      }
      continue;
    }
    if (key !== undefined && key !== 'name' && key !== 'capture') collectTemplates(doc, value, [...path, key], scenario, index, model);
  }
  step.name = stepNameOf(doc, item);
  return step;
}

/** Every `{{ }}` name read in the string scalars under `node`. */
function collectTemplates(
  doc: ScenarioDocument,
  node: Node | null,
  path: PathSegment[],
  scenario: string | undefined,
  stepIndex: number | undefined,
  model: DocumentModel,
): void {
  if (!node) return;
  if (isScalar(node)) {
    if (typeof node.value !== 'string' || !node.value.includes('{{')) return;
    // No names in scope: every name that is not a built-in or helper comes back as a 'variable' reference.
    const { references } = compileTemplate(node.value, { names: EMPTY });
    const ranges = referenceRanges(doc, node, references);
    references.forEach((ref, i) => {
      model.references.push({ name: ref.name, kind: ref.kind, range: ranges[i], scenario, stepIndex, path });
    });
    return;
  }
  if (isMap(node)) {
    for (const p of (node as YAMLMap).items) {
      const key = keyOf(p);
      collectTemplates(doc, p.value as Node | null, [...path, key ?? ''], scenario, stepIndex, model);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => collectTemplates(doc, item as Node, [...path, i], scenario, stepIndex, model));
  }
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Document ranges of template references, which are offsets into the scalar's value. When the value is
 * the source text as written (plain, or quoted without escapes) they map 1:1; otherwise each name is found
 * in the raw text in order, inside `{{ }}`.
 */
function referenceRanges(doc: ScenarioDocument, node: Scalar, references: readonly TemplateReference[]): Range[] {
  const [start, end] = doc.offsetsOf(node);
  const exact = exactValueStart(doc, node);
  if (exact !== undefined) return references.map((r) => doc.rangeAt(exact + r.offset, exact + r.offset + r.length));
  const raw = doc.text.slice(start, end);
  let searchFrom = 0;
  return references.map((r) => {
    const pattern = new RegExp(`(?<![A-Za-z0-9_$.])${r.name.replace(/[$]/g, '\\$')}(?![A-Za-z0-9_$])`, 'g');
    pattern.lastIndex = searchFrom;
    const found = pattern.exec(raw);
    if (!found) return doc.rangeAt(start, end);
    searchFrom = found.index + r.name.length;
    return doc.rangeAt(start + found.index, start + found.index + r.name.length);
  });
}

/** Offset of a scalar's first value character when value offsets map 1:1 to the text. */
export function exactValueStart(doc: ScenarioDocument, node: Scalar): number | undefined {
  if (!node.range) return undefined;
  const [start, end] = doc.offsetsOf(node);
  const raw = doc.text.slice(start, end);
  const value = node.value === null ? '' : String(node.value);
  if (node.type === 'PLAIN' && raw === value) return start;
  if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw.length >= 2 && raw.slice(1, -1) === value) return start + 1;
  return undefined;
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? (pair.key.value === null ? '' : String(pair.key.value)) : undefined;
}

function pairRange(doc: ScenarioDocument, pair: Pair): Range {
  const key = pair.key as Node;
  const value = pair.value as Node | null;
  const start = key?.range ? doc.offsetsOf(key)[0] : 0;
  const end = value?.range ? doc.offsetsOf(value)[1] : key?.range ? doc.offsetsOf(key)[1] : start;
  return doc.rangeAt(start, end);
}

function namedKey(doc: ScenarioDocument, pair: Pair): NamedKey | undefined {
  const name = keyOf(pair);
  if (name === undefined || !isScalar(pair.key) || !pair.key.range) return undefined;
  const keyNode = pair.key as Scalar;
  const start = exactValueStart(doc, keyNode);
  const nameRange = start !== undefined ? doc.rangeAt(start, start + name.length) : doc.rangeOf(keyNode);
  return { name, nameRange, range: pairRange(doc, pair) };
}

/** The steps of a flow by its owner: a scenario's name, or `setup` / `teardown`. */
export function flowSteps(model: DocumentModel, owner: string): StepInfo[] {
  return model.scenarios.find((s) => s.name === owner)?.steps ?? model.lifecycle.find((l) => l.name === owner)?.steps ?? [];
}

/**
 * The capture a template in `scenario`'s step `stepIndex` reads as `name`: the nearest earlier one of its
 * flow, else (outside setup) one of setup's, whose captures every scenario and teardown read.
 */
export function captureFor(model: DocumentModel, scenario: string | undefined, stepIndex: number | undefined, name: string): CaptureDef | undefined {
  if (scenario === undefined) return undefined;
  const own = nearestCapture(flowSteps(model, scenario), stepIndex, name);
  if (own || scenario === 'setup') return own;
  return nearestCapture(flowSteps(model, 'setup'), undefined, name);
}

function nearestCapture(steps: readonly StepInfo[], stepIndex: number | undefined, name: string): CaptureDef | undefined {
  let best: CaptureDef | undefined;
  for (const step of steps) {
    for (const c of step.captures) {
      if (c.name !== name) continue;
      if (stepIndex === undefined || c.stepIndex < stepIndex) best = c;
      else if (!best) best = c;
    }
  }
  return best;
}
