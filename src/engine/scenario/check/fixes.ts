// The quick fixes diagnostics carry: text edits the editor offers as code actions and `volley validate`
// describes. Built from the document's text alone, so every section makes them the same way.
import type { Node, Scalar, YAMLMap } from 'yaml';
import type { ScenarioDocument } from '../document';
import type { DiagnosticFix, Range } from '../plan';

/** What "add the missing key" inserts. */
const PLACEHOLDERS: Readonly<Record<string, string>> = {
  executor: 'constant-vus',
  flow: '[{ get: / }]',
  rate: '10',
  duration: '30s',
  preAllocatedVUs: '10',
  stages: '[{ duration: 30s, target: 10 }]',
  target: '10',
  threshold: '"p(95)<500"',
  scenarios: '\n  main:\n    executor: constant-vus\n    duration: 10s\n    flow:\n      - get: /',
};

/** Replaces `range` with `newText`, titled as the change it makes. */
export function changeFix(range: Range, newText: string): DiagnosticFix {
  return { title: `Change to "${newText}"`, range, newText };
}

/** Replaces a node's text. */
export function replaceFix(doc: ScenarioDocument, node: Node, newText: string): DiagnosticFix {
  return changeFix(doc.rangeOf(node), newText);
}

/** Quotes an unquoted `{{ }}` template, which YAML would otherwise read as a map. */
export function quoteFix(doc: ScenarioDocument, node: Node): DiagnosticFix[] {
  const [start, end] = doc.offsetsOf(node);
  const text = doc.text.slice(start, end);
  return [{ title: 'Quote the template', range: doc.rangeAt(start, end), newText: `"${text.replace(/"/g, '\\"')}"` }];
}

/** A fix that adds `key: placeholder` to a map (or, when the map is missing, under its key). */
export function insertKeyFix(doc: ScenarioDocument, map: YAMLMap | undefined, parentKey: Scalar | undefined, key: string): DiagnosticFix | undefined {
  const value = PLACEHOLDERS[key];
  if (value === undefined) return undefined;
  const title = `Add ${key}`;
  const text = doc.text;
  if (map && map.flow && map.range) {
    const close = text.lastIndexOf('}', map.range[1]);
    if (close < map.range[0]) return undefined;
    const sep = map.items.length > 0 ? ', ' : ' ';
    return { title, range: doc.rangeAt(close, close), newText: `${sep}${key}: ${value} ` };
  }
  if (map && map.items.length > 0) {
    const first = map.items[0].key as Node;
    const last = map.items[map.items.length - 1];
    const lastNode = (last.value as Node | null)?.range ? (last.value as Node) : (last.key as Node);
    const end = doc.offsetsOf(lastNode)[1];
    const column = doc.rangeOf(first).start.character;
    const indented = value.replace(/\n/g, `\n${' '.repeat(column)}`);
    return { title, range: doc.rangeAt(end, end), newText: `\n${' '.repeat(column)}${key}:${value.startsWith('\n') ? '' : ' '}${indented}` };
  }
  if (parentKey?.range) {
    const end = doc.offsetsOf(parentKey)[1];
    const lineEnd = text.indexOf('\n', end) < 0 ? text.length : text.indexOf('\n', end);
    const column = doc.rangeOf(parentKey).start.character;
    // Only when the key's value is empty: `browse:` alone on its line.
    if (/^\s*:\s*$/.test(text.slice(end, lineEnd))) {
      return { title, range: doc.rangeAt(lineEnd, lineEnd), newText: `\n${' '.repeat(column + 2)}${key}: ${value}` };
    }
  }
  return undefined;
}
