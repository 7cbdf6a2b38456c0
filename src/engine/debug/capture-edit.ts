// A capture suggestion as one edit of the scenario file: the capture added to the step whose response
// gives the value, and each literal of the later requests replaced by `{{ name }}`. Pure (text and its
// parse in, edits out), so `volley debug --json` carries the edits, the editor's quick fix applies them as
// one WorkspaceEdit without parsing YAML, and the tests apply them with applyTextEdits.
import { isMap, isPair, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { HTTP_METHOD_KEYS } from '../scenario/schema';
import type { ScenarioDocument } from '../scenario/document';
import { positionOf, type StepNode } from './step-nodes';
import type { DebugTextEdit } from './report';

/** A literal value of a request step: its scalar, and where in the request it goes. */
export interface RequestScalar {
  scalar: Scalar;
  /** `url`, `header Authorization`, `query page`, `cookie sid`, `form name`, `json user.id`, `body`. */
  where: string;
  /** Inside a `{ … }` or `[ … ]`: a plain scalar there cannot hold `{{ }}` unquoted. */
  inFlow: boolean;
}

/** One place a value is written in the file: [start, end) in the text. */
export interface Occurrence extends RequestScalar {
  start: number;
  end: number;
}

const MAP_PARTS: ReadonlyArray<[string, string]> = [
  ['headers', 'header'],
  ['query', 'query'],
  ['cookies', 'cookie'],
  ['form', 'form'],
];

function keyOf(pair: unknown): string | undefined {
  return isPair(pair) && isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/** Every literal a request step's map writes into its request. */
export function requestScalars(step: StepNode): RequestScalar[] {
  const out: RequestScalar[] = [];
  const map = step.map;
  for (const pair of map.items) {
    const key = keyOf(pair);
    const value = (pair as { value?: unknown }).value;
    if (key === undefined) continue;
    if ((HTTP_METHOD_KEYS as readonly string[]).includes(key) && isScalar(value)) out.push({ scalar: value, where: 'url', inFlow: map.flow === true });
    else if (key === 'body' && isScalar(value)) out.push({ scalar: value, where: 'body', inFlow: map.flow === true });
    else if (key === 'json') collectJson(value, '', map.flow === true, out);
    else {
      const part = MAP_PARTS.find(([k]) => k === key);
      if (part && isMap(value)) {
        for (const item of value.items) {
          const name = keyOf(item);
          if (name !== undefined && isScalar(item.value)) out.push({ scalar: item.value, where: `${part[1]} ${name}`, inFlow: value.flow === true || map.flow === true });
        }
      }
    }
  }
  return out;
}

function collectJson(node: unknown, path: string, inFlow: boolean, out: RequestScalar[]): void {
  if (isScalar(node)) out.push({ scalar: node, where: path === '' ? 'json' : `json ${path}`, inFlow });
  else if (isMap(node)) {
    for (const item of node.items) {
      const key = keyOf(item);
      if (key !== undefined) collectJson(item.value, path === '' ? key : `${path}.${key}`, inFlow || node.flow === true, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => collectJson(item, `${path}[${i}]`, inFlow || node.flow === true, out));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where `value` is written as a whole token (not inside a longer word, nor inside `{{ }}`) in these scalars. */
export function findLiteral(doc: ScenarioDocument, scalars: readonly RequestScalar[], value: string): Occurrence[] {
  const out: Occurrence[] = [];
  const pattern = new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(value)}(?![A-Za-z0-9])`, 'g');
  for (const s of scalars) {
    const [start, end] = doc.offsetsOf(s.scalar);
    const raw = doc.text.slice(start, end);
    if (!raw.includes(value)) continue;
    const templates = [...raw.matchAll(/\{\{[\s\S]*?\}\}/g)].map((m) => [m.index, m.index + m[0].length]);
    for (const m of raw.matchAll(pattern)) {
      const at = m.index;
      if (templates.some(([a, b]) => at < b && at + value.length > a)) continue;
      out.push({ ...s, start: start + at, end: start + at + value.length });
    }
  }
  return out;
}

/** A capture source as a YAML value: plain when it is a plain name path, else quoted. */
function sourceYaml(source: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(source) ? source : JSON.stringify(source);
}

function edit(doc: ScenarioDocument, start: number, end: number, newText: string): DebugTextEdit {
  return { start, end, range: { start: positionOf(doc, start), end: positionOf(doc, end) }, newText };
}

/** A new last key of a block map, on its own line at the map's indentation. */
function appendKeyEdit(doc: ScenarioDocument, map: YAMLMap, line: string): DebugTextEdit {
  const text = doc.text;
  const firstKey = map.items[0].key as Node;
  const keyStart = doc.offsetsOf(firstKey)[0];
  const column = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
  const last = map.items[map.items.length - 1];
  let end = doc.offsetsOf((last.value ?? last.key) as Node)[1];
  const lineEnd = text.indexOf('\n', end);
  end = lineEnd < 0 ? text.length : lineEnd;
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return edit(doc, end, end, `\n${' '.repeat(column)}${line}`);
}

/** An entry added before the closing brace of a `{ … }` map. */
function appendFlowEntryEdit(doc: ScenarioDocument, map: YAMLMap, entry: string): DebugTextEdit {
  const [start, end] = doc.offsetsOf(map);
  const close = doc.text.lastIndexOf('}', end - 1);
  let at = close;
  while (at > start + 1 && /\s/.test(doc.text[at - 1])) at--;
  return edit(doc, at, at, map.items.length === 0 ? ` ${entry}` : `, ${entry}`);
}

/** Adds `name: source` to the step's `capture:` (made when it has none). */
export function addCaptureEdit(doc: ScenarioDocument, step: StepNode, name: string, source: string): DebugTextEdit {
  const entry = `${name}: ${sourceYaml(source)}`;
  const pair = step.map.items.find((p) => keyOf(p) === 'capture');
  const captures = pair?.value;
  if (isMap(captures)) return captures.flow || captures.items.length === 0 ? appendFlowEntryEdit(doc, captures, entry) : appendKeyEdit(doc, captures, entry);
  return step.map.flow ? appendFlowEntryEdit(doc, step.map, `capture: { ${entry} }`) : appendKeyEdit(doc, step.map, `capture: { ${entry} }`);
}

/**
 * Each literal replaced by `{{ name }}`. A plain scalar that would start with `{`, sits in a `{ … }`, or
 * is not text (a number: `id: 1042`) is rewritten whole in double quotes — a value that is exactly one
 * template keeps its captured type when sent.
 */
export function replaceLiteralEdits(doc: ScenarioDocument, occurrences: readonly Occurrence[], name: string): DebugTextEdit[] {
  const template = `{{ ${name} }}`;
  const byScalar = new Map<Scalar, Occurrence[]>();
  for (const o of occurrences) byScalar.set(o.scalar, [...(byScalar.get(o.scalar) ?? []), o]);
  const edits: DebugTextEdit[] = [];
  for (const [scalar, list] of byScalar) {
    const [start, end] = doc.offsetsOf(scalar);
    const sorted = [...list].sort((a, b) => a.start - b.start);
    const plain = scalar.type === 'PLAIN' || scalar.type === undefined;
    const startsWithTemplate = sorted[0].start === start;
    if (plain && (sorted[0].inFlow || startsWithTemplate || typeof scalar.value !== 'string')) {
      let raw = doc.text.slice(start, end);
      for (const o of [...sorted].reverse()) raw = raw.slice(0, o.start - start) + template + raw.slice(o.end - start);
      edits.push(edit(doc, start, end, JSON.stringify(raw)));
    } else {
      for (const o of sorted) edits.push(edit(doc, o.start, o.end, template));
    }
  }
  return edits;
}

/** Edits of one text applied together (sorted, not overlapping). */
export function applyTextEdits(text: string, edits: ReadonlyArray<Pick<DebugTextEdit, 'start' | 'end' | 'newText'>>): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
