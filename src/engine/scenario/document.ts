// A scenario file parsed with `yaml` v2, keeping every node's source range. Parsing never fails: a
// half-typed document still gives a tree (the language server completes and hovers on it), and YAML
// syntax errors become diagnostics.
import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
} from 'yaml';
import type { Position, Range, ScenarioDiagnostic } from './plan';
import { schemaAt, type PathSegment } from './schema';

export type { PathSegment };

/** What is under a cursor, for completion and hover. */
export interface CursorLocation {
  /**
   * Key path of what is under the cursor. For a key (typed, half-typed, or a blank position where a key
   * would go, then ending with '') it ends with that key: the map it belongs to is `path.slice(0, -1)`.
   */
  path: PathSegment[];
  /** 'key': on a key of a map; 'value': on a value (scalar, or an item of a list); 'none': nowhere useful. */
  kind: 'key' | 'value' | 'none';
  /** The scalar under the cursor, if any. */
  node: Node | undefined;
  /** The part of the key or value before the cursor (what completion filters on). */
  prefix: string;
  /** The range completion should replace: the word under the cursor. */
  replaceRange: Range;
}

export interface ScenarioDocument {
  readonly text: string;
  readonly yaml: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** YAML syntax errors and warnings, with their ranges. */
  readonly syntaxDiagnostics: readonly ScenarioDiagnostic[];
  positionAt(offset: number): Position;
  offsetAt(position: Position): number;
  /** The range of offsets [start, end) in the document. */
  rangeAt(start: number, end: number): Range;
  /** A node's range without trailing blank lines. */
  rangeOf(node: Node): Range;
  /** The same as offsets [start, end) into `text`. */
  offsetsOf(node: Node): [number, number];
  /** The value node at a key path, e.g. ['scenarios', 'browse', 'flow', 0, 'get']. */
  nodeAt(path: readonly PathSegment[]): Node | undefined;
  /** The key node of the pair at a key path (its last segment must be a string). */
  keyNodeAt(path: readonly PathSegment[]): Scalar | undefined;
  /** Key path at an offset: see CursorLocation.path. */
  pathAt(offset: number): PathSegment[];
  locate(offset: number): CursorLocation;
  /**
   * When this pair was parsed on its own as one block of an incremental parse (./incremental.ts), that
   * block: its subtree is then a function of the block's text alone, so work derived from it can be
   * cached by that text and moved by lines. Undefined for a whole-document parse.
   */
  blockOf(pair: Pair): SourceBlock | undefined;
}

/** A run of whole lines of the document that was parsed on its own. */
export interface SourceBlock {
  /**
   * Identifies the block's content: the text the parser was given (the text as written, with the
   * brackets maskScalarBrackets masks). Equal keys mean equal text and equal subtrees, offsets aside.
   */
  readonly key: string;
  /** Its first line in the document. */
  readonly line: number;
}

/** Duplicate keys are reported by the validator, with both places named. */
export const PARSE_OPTIONS = { uniqueKeys: false, prettyErrors: false, keepSourceTokens: false } as const;

export function parseScenarioDocument(text: string): ScenarioDocument {
  const source = typeof text === 'string' ? text : '';
  const lineCounter = new LineCounter();
  const options = PARSE_OPTIONS;
  // Masking only touches brackets that strict YAML rejects anyway, so one parse of the masked text
  // serves valid and invalid files alike.
  const masked = maskScalarBrackets(source);
  const yaml = parseDocument(masked ?? source, { ...options, lineCounter });
  if (masked !== undefined) unmaskScalars(yaml);
  return new ParsedScenarioDocument(source, yaml, lineCounter);
}

const OPEN_MASK = '\uE000';
const CLOSE_MASK = '\uE001';

/**
 * `capture: { firstId: json.items[0].id }` is what people write (DESIGN.md does), but strict YAML ends
 * a plain scalar at `[` inside a flow map. Brackets glued to a word inside a flow collection cannot start
 * a flow sequence there, so they are masked with same-length private-use characters, parsed, and put back:
 * every offset stays the same. Returns undefined when there is nothing to mask.
 * Runs on every keystroke over the whole file (the incremental parse masks the whole text once so its
 * blocks see exactly what a full parse sees), hence char codes instead of per-character regexes.
 */
export function maskScalarBrackets(text: string): string | undefined {
  if (!text.includes('[') || text.includes(OPEN_MASK) || text.includes(CLOSE_MASK)) return undefined;
  let masked: number[] | undefined;
  let depth = 0;
  let scalarBrackets = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    // Letters and the like do nothing, and a space only ends a run of brackets glued to a word.
    const kind = c < 128 ? KIND[c] : isSpace(c) ? SPACE : ORDINARY;
    if (kind === ORDINARY) continue;
    if (kind === SPACE) {
      scalarBrackets = 0;
      continue;
    }
    const prev = i > 0 ? text.charCodeAt(i - 1) : 10;
    const atScalarStart = isSpace(prev) || prev === COMMA || prev === LBRACKET || prev === LBRACE || prev === COLON;
    if ((c === DQUOTE || c === SQUOTE) && atScalarStart) {
      i = afterQuoted(text, i + 1, c) - 1;
      continue;
    }
    if (c === HASH && isSpace(prev)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? length : nl - 1;
      continue;
    }
    if (c === COMMA || c === LBRACE || c === RBRACE) scalarBrackets = 0;
    if (c === LBRACKET || c === LBRACE) {
      if (depth > 0 && c === LBRACKET && !atScalarStart) {
        (masked ??= []).push(i);
        scalarBrackets++;
      } else if (atScalarStart) {
        depth++;
      }
    } else if (c === RBRACKET && scalarBrackets > 0) {
      (masked ??= []).push(i);
      scalarBrackets--;
    } else if ((c === RBRACKET || c === RBRACE) && depth > 0) {
      depth--;
    }
  }
  if (!masked) return undefined;
  let out = '';
  let from = 0;
  for (const at of masked) {
    out += text.slice(from, at) + (text.charCodeAt(at) === LBRACKET ? OPEN_MASK : CLOSE_MASK);
    from = at + 1;
  }
  return out + text.slice(from);
}

const DQUOTE = 34;
const SQUOTE = 39;
const COMMA = 44;
const COLON = 58;
const HASH = 35;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;

const ORDINARY = 0;
const SPACE = 1;
const SPECIAL = 2;
/** What each ASCII character is to the masker. */
const KIND = new Uint8Array(128);
for (const c of [9, 10, 11, 12, 13, 32]) KIND[c] = SPACE;
for (const c of [DQUOTE, SQUOTE, HASH, LBRACKET, RBRACKET, LBRACE, RBRACE, COMMA]) KIND[c] = SPECIAL;

/** Where a quoted scalar opened before `from` ends: just after its closing quote, or the end of the text. */
function afterQuoted(text: string, from: number, quote: number): number {
  if (quote === SQUOTE) {
    for (let at = text.indexOf("'", from); at >= 0; at = text.indexOf("'", at + 2)) {
      if (text.charCodeAt(at + 1) !== SQUOTE) return at + 1;
    }
    return text.length;
  }
  const special = /["\\]/g;
  special.lastIndex = from;
  for (let m = special.exec(text); m; m = special.exec(text)) {
    if (text.charCodeAt(m.index) === DQUOTE) return m.index + 1;
    special.lastIndex = m.index + 2;
  }
  return text.length;
}

/** The same characters as the regex class `\s`. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Puts masked brackets back in every scalar (keys and values) of a parsed tree. */
export function unmaskScalars(doc: Document.Parsed | Node): void {
  const unmask = (s: string) => s.replaceAll(OPEN_MASK, '[').replaceAll(CLOSE_MASK, ']');
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string') node.value = unmask(node.value);
      if (typeof node.source === 'string') node.source = unmask(node.source);
    },
  });
}

/** Where each line starts (LF; a CR before it stays part of the line). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return starts;
}

export class ParsedScenarioDocument implements ScenarioDocument {
  readonly syntaxDiagnostics: ScenarioDiagnostic[];
  private readonly lineStarts: number[];

  /**
   * `isCurrent`: for a tree whose nodes a later parse may move (IncrementalParser); once it says no, the
   * text is parsed again, whole, on the next use of the tree.
   */
  constructor(
    readonly text: string,
    private tree: Document.Parsed,
    private lines: LineCounter,
    lineStarts?: number[],
    private blocks?: ReadonlyMap<Pair, SourceBlock>,
    private isCurrent?: () => boolean,
  ) {
    const yaml = tree;
    // Own line starts: LineCounter only knows lines the lexer reached, and CRLF needs care.
    this.lineStarts = lineStarts ?? lineStartsOf(text);
    this.syntaxDiagnostics = [
      ...yaml.errors.map((e) => this.yamlDiagnostic('error', e.pos, e.message, e.code)),
      ...yaml.warnings.map((e) => this.yamlDiagnostic('warning', e.pos, e.message, e.code)),
    ];
  }

  private yamlDiagnostic(
    severity: 'error' | 'warning',
    pos: [number, number],
    message: string,
    code: string,
  ): ScenarioDiagnostic {
    const start = Math.min(pos[0], this.text.length);
    const end = Math.max(start, Math.min(pos[1], this.text.length));
    const first = message.split('\n')[0];
    return {
      severity,
      message: `YAML: ${first.charAt(0).toLowerCase()}${first.slice(1)}${yamlHint(code)}`,
      range: this.rangeAt(start, end),
      code: severity === 'error' ? 'yaml-syntax' : 'yaml-warning',
    };
  }

  get yaml(): Document.Parsed {
    if (this.isCurrent && !this.isCurrent()) {
      const again = parseScenarioDocument(this.text);
      this.tree = again.yaml;
      this.lines = again.lineCounter;
      this.blocks = undefined;
      this.isCurrent = undefined;
    }
    return this.tree;
  }

  get lineCounter(): LineCounter {
    void this.yaml;
    return this.lines;
  }

  blockOf(pair: Pair): SourceBlock | undefined {
    void this.yaml;
    return this.blocks?.get(pair);
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(Number.isFinite(offset) ? offset : 0, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    const next = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] - 1 : this.text.length;
    return Math.max(start, Math.min(start + position.character, next));
  }

  rangeAt(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(Math.max(start, end)) };
  }

  rangeOf(node: Node): Range {
    const [start, end] = this.offsetsOf(node);
    return this.rangeAt(start, end);
  }

  /** [start, end) of a node's value, without the trailing newlines and comments block nodes carry. */
  offsetsOf(node: Node): [number, number] {
    const range = node.range;
    if (!range) return [0, 0];
    const start = Math.min(range[0], this.text.length);
    let end = Math.min(Math.max(range[1], start), this.text.length);
    while (end > start && /\s/.test(this.text[end - 1])) end--;
    return [start, end];
  }

  nodeAt(path: readonly PathSegment[]): Node | undefined {
    let node: unknown = this.yaml.contents;
    for (const segment of path) {
      node = resolveAlias(this.yaml, node);
      if (isMap(node) && typeof segment === 'string') {
        const pair = node.items.find((p) => keyText(p) === segment);
        node = pair?.value ?? undefined;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else {
        return undefined;
      }
      if (node === undefined || node === null) return undefined;
    }
    return (node ?? undefined) as Node | undefined;
  }

  keyNodeAt(path: readonly PathSegment[]): Scalar | undefined {
    if (path.length === 0) return undefined;
    const last = path[path.length - 1];
    const parent = resolveAlias(this.yaml, path.length === 1 ? this.yaml.contents : this.nodeAt(path.slice(0, -1)));
    if (!isMap(parent) || typeof last !== 'string') return undefined;
    const pair = parent.items.find((p) => keyText(p) === last);
    return pair && isScalar(pair.key) ? pair.key : undefined;
  }

  pathAt(offset: number): PathSegment[] {
    return this.locate(offset).path;
  }

  locate(offset: number): CursorLocation {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const found = this.walk(this.yaml.contents, [], o);
    // `scen` alone is a scalar document, but the file is a map: the user is typing its first key.
    if (found && found.path.length === 0 && isScalar(found.node) && found.node.type === 'PLAIN' && typeof found.node.value === 'string') {
      return { ...found, path: [found.node.value], kind: 'key' };
    }
    if (found) return found;
    return this.blankPosition(o);
  }

  private cursor(path: PathSegment[], kind: CursorLocation['kind'], node: Node | undefined, offset: number): CursorLocation {
    let prefix = '';
    let range = this.rangeAt(offset, offset);
    if (node && isScalar(node) && node.range) {
      const [start, end] = this.offsetsOf(node);
      if (offset >= start && offset <= end) {
        prefix = this.text.slice(start, offset);
        range = this.rangeAt(start, end);
      }
    }
    return { path, kind, node, prefix, replaceRange: range };
  }

  private walk(node: unknown, path: PathSegment[], offset: number): CursorLocation | undefined {
    if (isMap(node)) {
      for (const pair of node.items) {
        const hit = this.walkPair(pair, path, offset);
        if (hit) return hit;
      }
      return undefined;
    }
    if (isSeq(node)) {
      for (let i = 0; i < node.items.length; i++) {
        const item = node.items[i] as unknown;
        if (isPair(item)) {
          const hit = this.walkPair(item, [...path, i], offset);
          if (hit) return hit;
          continue;
        }
        if (!item || !(item as Node).range) continue;
        const [start, end] = isScalar(item) ? this.offsetsOf(item) : [(item as Node).range![0], (item as Node).range![1]];
        if (offset >= start && offset <= end) {
          return this.walk(item, [...path, i], offset) ?? this.cursor([...path, i], 'value', item as Node, offset);
        }
      }
      return undefined;
    }
    if (isScalar(node) || isAlias(node)) {
      const [start, end] = this.offsetsOf(node as Node);
      if (offset >= start && offset <= end) return this.cursor(path, 'value', node as Node, offset);
    }
    return undefined;
  }

  private walkPair(pair: Pair, path: PathSegment[], offset: number): CursorLocation | undefined {
    const key = pair.key as Node | null;
    const name = keyText(pair) ?? '';
    if (key && key.range) {
      const [start, end] = this.offsetsOf(key);
      if (offset >= start && offset <= end) return this.cursor([...path, name], 'key', key, offset);
    }
    const value = pair.value as Node | null;
    const emptyValue = !value || (isScalar(value) && value.value === null && this.offsetsOf(value)[0] === this.offsetsOf(value)[1]);
    if (!emptyValue && value.range) {
      // Collections contain the blank space that ends them: a cursor there may be on an empty item.
      const [start, end] = isScalar(value) || isAlias(value) ? this.offsetsOf(value) : [value.range[0], value.range[1]];
      if (offset >= start && offset <= end) {
        const childPath = [...path, name];
        if (isScalar(value)) return this.valueOrNewKey(value, childPath, key, offset);
        return this.walk(value, childPath, offset);
      }
    }
    if (emptyValue && key && key.range) {
      // `executor: |` — the cursor after the colon, on the key's line, is on the (empty) value.
      const keyEnd = this.offsetsOf(key)[1];
      const lineEnd = this.lineEndOf(keyEnd);
      const between = this.text.slice(keyEnd, offset);
      if (offset > keyEnd && offset <= lineEnd && /^\s*:\s*$/.test(between)) {
        return this.cursor([...path, name], 'value', undefined, offset);
      }
    }
    return undefined;
  }

  /**
   * `a:\n    ra` parses as a: "ra", but where `a` should hold a map, the user is typing a key of it.
   */
  private valueOrNewKey(value: Scalar, path: PathSegment[], key: Node | null, offset: number): CursorLocation {
    const schema = schemaAt(path);
    const onLaterLine =
      key?.range != null && this.positionAt(value.range![0]).line > this.positionAt(key.range[0]).line;
    if (
      onLaterLine &&
      value.type === 'PLAIN' &&
      typeof value.value === 'string' &&
      schema !== undefined &&
      (schema.type === 'object' || schema.type === 'map')
    ) {
      return this.cursor([...path, value.value], 'key', value, offset);
    }
    return this.cursor(path, 'value', value, offset);
  }

  private lineEndOf(offset: number): number {
    const nl = this.text.indexOf('\n', offset);
    return nl < 0 ? this.text.length : nl;
  }

  /** A cursor where no node is: a new key of the block map whose keys are in the cursor's column. */
  private blankPosition(offset: number): CursorLocation {
    const line = this.positionAt(offset).line;
    const lineStart = this.lineStarts[line];
    const before = this.text.slice(lineStart, offset);
    const none = this.cursor([], 'none', undefined, offset);
    if (!/^[ ]*(- )?[ ]*$/.test(before)) return none;
    const contents = this.yaml.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) {
      return before.trim() === '' ? this.cursor([''], 'key', undefined, offset) : none;
    }
    const column = before.length;
    let best: { path: PathSegment[]; start: number } | undefined;
    const visit = (node: unknown, path: PathSegment[]): void => {
      if (isMap(node)) {
        if (!node.flow && node.items.length > 0 && node.range && this.canExtend(node, column, lineStart, offset)) {
          if (!best || node.range[0] >= best.start) best = { path, start: node.range[0] };
        }
        for (const pair of node.items) {
          const name = keyText(pair);
          if (name !== undefined) visit(pair.value, [...path, name]);
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => visit(item, [...path, i]));
      }
    };
    visit(contents, []);
    if (!best) return none;
    return this.cursor([...best.path, ''], 'key', undefined, offset);
  }

  /** Whether a new key typed at `column` on the line at `lineStart` would belong to this block map. */
  private canExtend(map: YAMLMap, column: number, lineStart: number, offset: number): boolean {
    const first = map.items[0]?.key as Node | null;
    if (!first?.range) return false;
    if (this.positionAt(first.range[0]).character !== column) return false;
    if (map.range![0] > offset) return false;
    const end = this.offsetsOf(map)[1];
    if (end >= lineStart) return true;
    // Only blank lines and comments between the map's end and the cursor's line.
    return this.text
      .slice(end, lineStart)
      .split('\n')
      .slice(1)
      .every((l) => /^\s*(#.*)?$/.test(l));
  }
}

/** The text of a pair's key, when it is a scalar. */
export function keyText(pair: Pair): string | undefined {
  const key = pair.key as unknown;
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  return undefined;
}

/** A scalar as written: text as it is, numbers and booleans in their own spelling (`1.50`, `True`); '' for anything else. */
export function scalarSource(node: unknown): string {
  if (isScalar(node) && node.value !== null) return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value));
  return '';
}

/** The node an alias points to (undefined when it points nowhere); any other node as it is. */
export function resolveAlias(doc: Document, node: unknown): unknown {
  if (isAlias(node)) {
    try {
      return node.resolve(doc);
    } catch {
      return undefined;
    }
  }
  return node;
}

function yamlHint(code: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return ' (indent with spaces)';
    case 'BAD_INDENT':
      return ' (check the indentation)';
    default:
      return '';
  }
}
