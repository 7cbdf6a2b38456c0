// Where in the text a finding points when the node's own range is not precise enough: a few
// characters inside a scalar (a template name, a threshold tag), a map's first line, a list's dash.
import type { Node, Scalar, YAMLSeq } from 'yaml';
import type { ScenarioDocument } from '../document';
import type { Range } from '../plan';

/** Offset in the document of a scalar's first value character, when value offsets map 1:1 to it. */
export function exactStart(doc: ScenarioDocument, node: Scalar): number | undefined {
  if (!node.range || typeof node.value !== 'string') return undefined;
  const raw = doc.text.slice(node.range[0], node.range[1]);
  if (node.type === 'PLAIN' && raw === node.value) return node.range[0];
  if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && raw.length >= 2 && raw.slice(1, -1) === node.value) {
    return node.range[0] + 1;
  }
  return undefined;
}

/**
 * The range of characters [offset, offset+length) of a scalar's value, or the whole value when its
 * characters do not map 1:1 to the text (escapes, folded lines); `exact` says which.
 */
export function innerRange(doc: ScenarioDocument, node: Scalar, offset: number, length: number): { range: Range; exact: boolean } {
  const start = exactStart(doc, node);
  if (start === undefined) return { range: doc.rangeOf(node), exact: false };
  const value = node.value as string;
  const from = Math.max(0, Math.min(offset, value.length));
  const to = Math.max(from, Math.min(offset + length, value.length));
  return { range: doc.rangeAt(start + from, start + to), exact: true };
}

/** A map's first line, where "missing key" goes when the map has no key of its own (list items). */
export function firstLine(doc: ScenarioDocument, node: Node): Range {
  const [start, end] = doc.offsetsOf(node);
  const nl = doc.text.indexOf('\n', start);
  return doc.rangeAt(start, nl < 0 || nl > end ? end : nl);
}

/** An empty list item (`- ` alone): its dash. */
export function emptyItemRange(doc: ScenarioDocument, seq: YAMLSeq, index: number): Range {
  const item = seq.items[index] as Node | null;
  if (item?.range) {
    const start = item.range[0];
    const dash = doc.text.lastIndexOf('-', start);
    if (dash >= 0 && dash >= (seq.range?.[0] ?? 0)) return doc.rangeAt(dash, dash + 1);
  }
  return firstLine(doc, seq);
}
