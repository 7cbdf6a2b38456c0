// Reader primitives every section uses: a map's entries (duplicates and odd keys reported), the
// expected shape of a value, and scalars typed by the schema (../schema.ts), each reporting what is
// wrong with a value to the findings sink and returning undefined then.
import { scenarioDuration } from '../../../format';
import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import { keyText, resolveAlias, scalarSource } from '../document';
import { parseDuration } from '../duration';
import { nameProblem, type NameKind } from '../names';
import type { Range } from '../plan';
import type { SchemaNode, StringSchema } from '../schema';
import { suggest } from '../suggest';
import type { Findings } from './findings';
import { insertKeyFix, quoteFix, replaceFix } from './fixes';

export interface Entry {
  key: string;
  keyNode: Scalar;
  value: Node | null;
  pair: Pair;
}

export function isEmpty(node: Node | null | undefined): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** An alias's target (null when it points nowhere), any other node as it is. */
export function deref(f: Findings, node: Node | null): Node | null {
  return (resolveAlias(f.doc.yaml, node) as Node | undefined) ?? null;
}

/** The pairs of a map with scalar keys; reports other keys and duplicates (the first one counts). */
export function entries(f: Findings, map: YAMLMap): Entry[] {
  const seen = new Map<string, Scalar>();
  const out: Entry[] = [];
  for (const pair of map.items) {
    const keyNode = pair.key as Node | null;
    if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
      const at = keyNode && keyNode.range ? keyNode : map;
      f.error('invalid-key', 'keys must be plain names, not lists, maps or empty', at);
      continue;
    }
    const key = keyText(pair)!;
    const first = seen.get(key);
    if (first) {
      const line = f.doc.rangeOf(first).start.line + 1;
      f.error('duplicate-key', `duplicate key "${key}": it is already set on line ${line}; remove one`, keyNode);
      continue;
    }
    seen.set(key, keyNode);
    out.push({ key, keyNode, value: deref(f, pair.value as Node | null), pair });
  }
  return out;
}

/** Where a value is reported: the value, or its key when the value is empty. */
export function valueAt(entry: Entry): Node {
  return isEmpty(entry.value) ? entry.keyNode : (entry.value as Node);
}

/** "x has no value" at the key, or "x must be …, not …" at the value. */
function reportNot(f: Findings, entry: Entry, what: string, hint = ''): void {
  if (isEmpty(entry.value)) f.error('missing-value', `${entry.key} has no value: it should be ${what}`, entry.keyNode);
  else f.error('wrong-type', `${entry.key} must be ${what}, not ${describe(f, entry.value)}${hint}`, entry.value!);
}

export function expectMap(f: Findings, entry: Entry, what: string): YAMLMap | undefined {
  if (isMap(entry.value)) return entry.value;
  reportNot(f, entry, what);
  return undefined;
}

export function expectSeq(f: Findings, entry: Entry, what: string): YAMLSeq | undefined {
  if (isSeq(entry.value)) return entry.value;
  reportNot(f, entry, what);
  return undefined;
}

/** A value as a message names it: "a map", "the number 3", "the text "abc"". */
export function describe(f: Findings, node: Node | null): string {
  if (isEmpty(node)) return 'nothing';
  if (isMap(node)) return isUnquotedTemplate(f, node) ? 'an unquoted {{ }} template (YAML reads it as a map)' : 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 37) + '...' : v}"`;
    if (typeof v === 'number') return `the number ${node.source ?? String(v)}`;
    return String(v);
  }
  return 'this value';
}

/** `get: {{ url }}`: YAML reads an unquoted value starting with `{` as a flow map. */
export function isUnquotedTemplate(f: Findings, node: Node | null): boolean {
  if (!isMap(node) || !node.flow || !node.range) return false;
  return f.doc.text.startsWith('{{', node.range[0]);
}

export function reportUnquotedTemplate(f: Findings, node: Node): void {
  const written = f.doc.text.slice(...f.doc.offsetsOf(node));
  f.error('unquoted-template', `a value starting with "{{" must be quoted in YAML: write "${written}"`, node, quoteFix(f.doc, node));
}

/** Whether an unknown key is a misspelling of `key`: its "did you mean" already says what is missing. */
export function misspelled(entries: Entry[], allowed: readonly string[], key: string): boolean {
  return entries.some((e) => !allowed.includes(e.key) && suggest(e.key, allowed) === key);
}

/** Reports a key not in `allowed`, with "did you mean" when one is close. */
export function unknownKey(f: Findings, entry: Entry, allowed: readonly string[], where: string): void {
  const suggestion = suggest(entry.key, allowed);
  const list = allowed.length <= 12 ? `: ${allowed.join(', ')}` : '';
  if (suggestion !== undefined) {
    f.error('unknown-key', `unknown key "${entry.key}" in ${where}: did you mean "${suggestion}"?`, entry.keyNode, [
      replaceFix(f.doc, entry.keyNode, suggestion),
    ]);
  } else {
    f.error('unknown-key', `unknown key "${entry.key}" in ${where}; allowed keys${list}`, entry.keyNode);
  }
}

/** "x needs key", with a fix that adds the key with a placeholder value where one is known. */
export function missingKey(f: Findings, message: string, at: Node | Range, map: YAMLMap | undefined, parentKey: Scalar | undefined, key: string): void {
  const fix = insertKeyFix(f.doc, map, parentKey, key);
  f.error('missing-key', message, at, fix ? [fix] : undefined);
}

/** Any non-empty scalar as text (numbers and booleans as written). */
export function scalarText(f: Findings, entry: Entry, what: string): string | undefined {
  const node = entry.value;
  if (isScalar(node) && node.value !== null && typeof node.value !== 'object') return scalarSource(node);
  if (isUnquotedTemplate(f, node)) reportUnquotedTemplate(f, node!);
  else reportNot(f, entry, what);
  return undefined;
}

/** Variable and capture names: identifiers templates can read, not a built-in. */
export function readName(f: Findings, e: Entry, kind: NameKind): boolean {
  const problem = nameProblem(e.key, kind);
  if (problem !== undefined) f.error(problem.code, problem.message, e.keyNode);
  return problem === undefined;
}

/** A scalar of the type its schema says: durations in ms, enums, numbers with their bounds, booleans. */
export function readScalar(f: Findings, entry: Entry, schema: SchemaNode): string | number | boolean | undefined {
  switch (schema.type) {
    case 'string':
      if (schema.format === 'duration') return readDuration(f, entry, schema);
      if (schema.enum) return readEnum(f, entry, schema.enum);
      return scalarText(f, entry, 'text');
    case 'integer':
    case 'number':
      return readNumber(f, entry, schema.type, schema.minimum, schema.exclusiveMinimum);
    case 'boolean':
      return readBoolean(f, entry);
    default:
      return undefined;
  }
}

export function readNumber(f: Findings, entry: Entry, type: 'integer' | 'number', minimum?: number, exclusiveMinimum?: number): number | undefined {
  const noun = type === 'integer' ? 'an integer' : 'a number';
  const bound =
    exclusiveMinimum !== undefined ? ` greater than ${exclusiveMinimum}` : minimum !== undefined ? ` of ${minimum} or more` : '';
  const expected = `${noun}${bound}`;
  const node = entry.value;
  if (!isScalar(node) || typeof node.value !== 'number') {
    const hint =
      isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '' && Number.isFinite(Number(node.value))
        ? ' (remove the quotes)'
        : '';
    reportNot(f, entry, expected, hint);
    return undefined;
  }
  const v = node.value;
  if (!Number.isFinite(v) || (type === 'integer' && !Number.isInteger(v))) {
    f.error('wrong-type', `${entry.key} must be ${expected}, not ${describe(f, node)}`, node);
    return undefined;
  }
  if ((minimum !== undefined && v < minimum) || (exclusiveMinimum !== undefined && v <= exclusiveMinimum)) {
    f.error('out-of-range', `${entry.key} must be ${expected}, not ${describe(f, node).replace('the number ', '')}`, node);
    return undefined;
  }
  return v;
}

export function readBoolean(f: Findings, entry: Entry): boolean | undefined {
  const node = entry.value;
  if (isScalar(node) && typeof node.value === 'boolean') return node.value;
  if (isEmpty(node)) {
    f.error('missing-value', `${entry.key} has no value: it should be true or false`, entry.keyNode);
    return undefined;
  }
  const fixes =
    isScalar(node) && typeof node.value === 'string' && /^(yes|on|no|off|"?(true|false)"?)$/i.test(node.value)
      ? [replaceFix(f.doc, node, /^(yes|on|"?true"?)$/i.test(node.value) ? 'true' : 'false')]
      : undefined;
  f.error('wrong-type', `${entry.key} must be true or false, not ${describe(f, node)}`, node!, fixes);
  return undefined;
}

export function readEnum(f: Findings, entry: Entry, values: readonly string[]): string | undefined {
  const text = scalarText(f, entry, `one of ${values.join(', ')}`);
  if (text === undefined) return undefined;
  if (values.includes(text)) return text;
  const suggestion = suggest(text, values);
  const node = entry.value!;
  if (suggestion !== undefined) {
    f.error('unknown-value', `${entry.key} "${text}" is not one of ${values.join(', ')}: did you mean "${suggestion}"?`, node, [
      replaceFix(f.doc, node, suggestion),
    ]);
  } else {
    f.error('unknown-value', `${entry.key} "${text}" is not one of ${values.join(', ')}`, node);
  }
  return undefined;
}

export function readDuration(f: Findings, entry: Entry, schema: Pick<StringSchema, 'minimumMs' | 'exclusiveMinimumMs'>): number | undefined {
  const text = scalarText(f, entry, 'a duration such as 30s');
  if (text === undefined) return undefined;
  const node = entry.value!;
  const parsed = parseDuration(text);
  if (!parsed.ok) {
    const fixes = /^\d+(\.\d+)?$/.test(text.trim()) ? [replaceFix(f.doc, node, `${text.trim()}s`)] : undefined;
    f.error('invalid-duration', `${entry.key}: ${parsed.message}`, node, fixes);
    return undefined;
  }
  if (schema.minimumMs !== undefined && parsed.ms < schema.minimumMs) {
    f.error('out-of-range', `${entry.key} must be at least ${scenarioDuration(schema.minimumMs)}, not ${text}`, node);
    return undefined;
  }
  if (schema.exclusiveMinimumMs !== undefined && parsed.ms <= schema.exclusiveMinimumMs) {
    f.error('out-of-range', `${entry.key} must be longer than ${scenarioDuration(schema.exclusiveMinimumMs)}, not ${text}`, node);
    return undefined;
  }
  return parsed.ms;
}
