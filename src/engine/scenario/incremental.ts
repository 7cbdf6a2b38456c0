// Incremental parsing for the language server: a 2,000-line file takes the `yaml` package ~50 ms to
// parse, far over a keystroke's budget, but a keystroke changes one scenario. The file is cut into
// blocks of whole lines (each top-level key with its indented lines, and each entry of `scenarios:`),
// each block is parsed on its own and cached by its text, and the blocks' trees are put together into
// the tree a whole-document parse gives: same nodes, values and offsets (test/scenario/incremental.test.ts
// checks it on random edits). A block is parsed where it sits: an entry inside a `_:` map as under
// `scenarios:`, followed by a `_:` key where the next block's first key is, so that the parser ends its
// last node where a whole parse does. A key being typed is a YAML error until its `:`; such errors stay
// with their block (see LOCAL_PROBLEMS), so those keystrokes are incremental too. When a block cannot
// stand alone (other YAML errors, anchors or aliases, tabs, document markers…) the whole document is
// parsed, and `lastParse` says why.
import { LineCounter, Pair, YAMLMap, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node, type YAMLError } from 'yaml';
import {
  PARSE_OPTIONS,
  ParsedScenarioDocument,
  lineStartsOf,
  maskScalarBrackets,
  parseScenarioDocument,
  unmaskScalars,
  type ScenarioDocument,
  type SourceBlock,
} from './document';

/** What the last parse did. */
export type ParseReport =
  | { mode: 'incremental'; blocks: number; parsedBlocks: number }
  | { mode: 'full'; reason: string };

/** A block: lines [line, line + n) of the document, offsets [start, end). */
interface Span {
  start: number;
  end: number;
  line: number;
  /** What follows the block: another key in the block's column, a key at column 0, or nothing. */
  next: 'sibling' | 'outer' | 'end';
}

interface Section extends Span {
  /** For `scenarios:` whose entries are cut into blocks of their own: its header and the entries. */
  entries?: { header: Span; items: Span[]; column: number };
}

/** A block parsed alone, with offsets as if the parser's input started at `base`. */
interface ParsedBlock {
  /** The range of every node of the parse: moving the block moves these. */
  ranges: Array<[number, number, number]>;
  /** The block's YAML errors, their `pos` at the block's offsets (moved with the ranges). */
  errors: YAMLError[];
  /** The block's own key and value. */
  pair: Pair | undefined;
  /** The map whose first item is `pair`: where its container's range starts and ends. */
  container: YAMLMap | undefined;
  base: number;
  /** The parse that last placed the block in a document. */
  placedBy: number;
  /** Why the block cannot stand alone (then `pair` is undefined). */
  unsafe?: string;
}

/** The kind of block, for how it is given to the parser. */
type BlockKind = 'section' | 'header' | 'entry';

/**
 * Keeps the blocks of one document's recent versions; use one parser per document. A block that moved
 * (text added or removed above it) is reused with its offsets moved in place, which is much cheaper than
 * copying its tree: so a document from this parser is current until the parser's next parse. After that
 * its `yaml` is parsed again from its text on first use (see ParsedScenarioDocument), and nodes taken
 * from it before are not to be used.
 */
export class IncrementalParser {
  private cache = new Map<string, ParsedBlock>();
  private generation = 0;
  lastParse: ParseReport = { mode: 'full', reason: 'nothing parsed yet' };

  parse(text: string): ScenarioDocument {
    const generation = ++this.generation;
    const source = typeof text === 'string' ? text : '';
    const lineStarts = lineStartsOf(source);
    const layout = layoutOf(source, lineStarts);
    if (typeof layout === 'string') return this.full(source, layout);
    // They would be read as masked brackets (see maskScalarBrackets).
    if (hasMaskCharacters(source)) return this.full(source, 'the file has U+E000 or U+E001');
    const masked = maskScalarBrackets(source);
    const used = new Map<string, ParsedBlock>();
    const blocks = new Map<Pair, SourceBlock>();
    const errors: YAMLError[] = [];
    let parsedBlocks = 0;
    let count = 0;
    let failure: string | undefined;

    /** The block's pair and its container, at the block's offsets. */
    const blockAt = (span: Span, kind: BlockKind, column = 0): ParsedBlock | undefined => {
      count++;
      // What the parser is given identifies the block: the text as written is that with brackets unmasked.
      const text = (masked ?? source).slice(span.start, span.end);
      const [before, after] = surroundings(kind, span.next, column);
      const key = before + text + after;
      let block = used.get(key) ?? this.cache.get(key);
      if (block?.pair && block.placedBy === generation) {
        // The same text twice in one version (a pasted scenario): the second gets a tree of its own.
        parsedBlocks++;
        block = parseBlock(key, kind, span, masked !== undefined, span.start - before.length);
      } else if (!block) {
        parsedBlocks++;
        block = parseBlock(key, kind, span, masked !== undefined, span.start - before.length);
        used.set(key, block);
      } else {
        used.set(key, block);
      }
      if (!block.pair) {
        failure ??= `line ${span.line + 1}: ${block.unsafe}`;
        return undefined;
      }
      moveBlock(block, span.start - before.length);
      errors.push(...block.errors);
      block.placedBy = generation;
      blocks.set(block.pair, { key, line: span.line });
      return block;
    };

    const sectionPairs: Pair[] = [];
    const sectionMaps: YAMLMap[] = [];
    for (const section of layout) {
      if (!section.entries) {
        const block = blockAt(section, 'section');
        if (!block) break;
        sectionPairs.push(block.pair!);
        sectionMaps.push(block.container!);
        continue;
      }
      const header = blockAt(section.entries.header, 'header');
      const entries: ParsedBlock[] = [];
      for (const span of section.entries.items) {
        const block = blockAt(span, 'entry', section.entries.column);
        if (block) entries.push(block);
      }
      if (failure !== undefined || !header) break;
      const first = entries[0].container!;
      const last = entries[entries.length - 1].container!;
      const value = Object.assign(new YAMLMap(first.schema), first, { items: entries.map((b) => b.pair!), range: containerRange(first, last) });
      sectionPairs.push(Object.assign(new Pair(null), header.pair, { value }));
      // As the section alone would read: the entries' map took the comments after the last entry.
      const end = value.range[2];
      sectionMaps.push(Object.assign(new YAMLMap(header.container!.schema), header.container, { range: [header.container!.range![0], end, end] }));
    }
    if (failure !== undefined) {
      // Keep what is known: the next version may be whole again.
      for (const [key, block] of used) this.cache.set(key, block);
      return this.full(source, failure);
    }
    this.cache = used;

    const root = Object.assign(new YAMLMap(sectionMaps[0].schema), sectionMaps[0], {
      items: sectionPairs,
      range: containerRange(sectionMaps[0], sectionMaps[sectionMaps.length - 1]),
    });
    const yaml = parseDocument('', PARSE_OPTIONS);
    yaml.contents = root as never;
    yaml.errors = errors;
    // Document.range and where comments attach (a comment between blocks ends the block above) differ
    // from a whole parse: nothing reads them.
    yaml.range = [0, root.range![1], source.length];
    const lineCounter = new LineCounter();
    for (const start of lineStarts) lineCounter.addNewLine(start);
    this.lastParse = { mode: 'incremental', blocks: count, parsedBlocks };
    return new ParsedScenarioDocument(source, yaml, lineCounter, lineStarts, blocks, () => this.generation === generation);
  }

  private full(source: string, reason: string): ScenarioDocument {
    this.lastParse = { mode: 'full', reason };
    return parseScenarioDocument(source);
  }
}

function hasMaskCharacters(text: string): boolean {
  return text.includes('\uE000') || text.includes('\uE001');
}

/**
 * The range of a map holding the pairs of several blocks, from the maps that held the first and the last
 * pair, as `yaml` sets it: [first key, end of the last value, end of the comments after it].
 */
function containerRange(first: YAMLMap, last: YAMLMap): [number, number, number] {
  return [first.range![0], last.range![1], last.range![2]];
}

function isEmptyScalar(node: unknown): boolean {
  return node === null || (isScalar(node) && node.value === null && node.range![0] === node.range![1]);
}

/**
 * What the parser is given around a block, so that it reads it as in the whole document: an entry of
 * `scenarios:` inside a map, and after the block a key where the next block's key is.
 */
function surroundings(kind: BlockKind, next: Span['next'], column: number): [string, string] {
  if (kind === 'header') return ['', ''];
  if (kind === 'section') return ['', next === 'end' ? '' : `${SENTINEL}:`];
  return [`${SENTINEL}:\n`, next === 'sibling' ? `${' '.repeat(column)}${SENTINEL}:` : next === 'outer' ? `${SENTINEL}:` : ''];
}

const SENTINEL = '_';

/**
 * The YAML errors of a key or value being typed, whose recovery stays on their own lines: a key without
 * its `:` (read as a key, or with the next line as one key) and a quote not closed yet. Others (a nested
 * map in a compact one, a flow collection not closed, an unexpected token…) can change how a whole parse
 * reads what follows the block: random edits found each of those.
 */
const LOCAL_PROBLEMS = new Set<string>(['MISSING_CHAR', 'MULTILINE_IMPLICIT_KEY']);

function parseBlock(input: string, kind: BlockKind, span: Span, unmask: boolean, base: number): ParsedBlock {
  const unsafe = (why: string): ParsedBlock => ({ ranges: [], errors: [], pair: undefined, container: undefined, base, placedBy: 0, unsafe: why });
  const doc = parseDocument(input, PARSE_OPTIONS);
  if (doc.warnings.length > 0) return unsafe(`YAML warning: ${doc.warnings[0].message.split('\n')[0]}`);
  if (doc.errors.length > 0) {
    const what = `YAML error: ${doc.errors[0].message.split('\n')[0]}`;
    // Only errors of a key or value being typed are known to stay on their lines (LOCAL_PROBLEMS).
    if (doc.errors.some((e) => !LOCAL_PROBLEMS.has(e.code))) return unsafe(`${what} (its recovery may reach past the block)`);
    // Only the key after the block, read back below as the next key of the same map, shows that the
    // parser went on with that map after the error; the last block has none.
    if (kind === 'header' || span.next === 'end') return unsafe(`${what} (nothing after the block shows where it ends)`);
    // A problem past the block's own text involves what follows it, which this parse only imitates.
    if (doc.errors.some((e) => e.pos[1] > span.end - base)) return unsafe(`${what} (it reaches the next block)`);
    // An error in the block's own key line leaves what the block is, a key of which map, to recovery.
    const keyLineEnd = input.indexOf('\n', span.start - base);
    if (doc.errors.some((e) => keyLineEnd < 0 || e.pos[0] <= keyLineEnd)) return unsafe(`${what} (in the block's key line)`);
  }
  const root = doc.contents;
  if (!isBlockMap(root)) return unsafe('not one key of a block map');
  let container: YAMLMap = root;
  const sentinels: Pair[] = [];
  if (kind === 'entry') {
    const inner = root.items[0]?.value;
    if (root.items.length !== (span.next === 'outer' ? 2 : 1) || !isBlockMap(inner)) return unsafe('not one key of a block map');
    if (span.next === 'outer') sentinels.push(root.items[1]);
    container = inner;
  }
  // A sentinel for a key in the block's own column is in the same map as the block's pair.
  const sibling = kind !== 'header' && span.next === 'sibling';
  if (container.items.length !== (sibling ? 2 : 1)) return unsafe('not one key of a block map');
  if (sibling) sentinels.push(container.items[1]);
  const pair = container.items[0];
  if (!isScalar(pair.key)) return unsafe('not one key of a block map');
  // The key after the block must have been read as a key: nothing of the block ran into it.
  if (!sentinels.every((p) => isScalar(p.key) && p.key.value === SENTINEL && isEmptyScalar(p.value))) return unsafe('the block runs into the next one');
  if (kind === 'header' && !isEmptyScalar(pair.value)) return unsafe('scenarios has a value on its own line');
  // An alias may name an anchor of another block, which this block's parse cannot see.
  if (hasAnchorsOrAliases(root)) return unsafe('anchors or aliases');
  if (unmask) unmaskScalars(root);
  const block: ParsedBlock = { ranges: [...rangesOf(root, new Set())], errors: doc.errors, pair, container, base: 0, placedBy: 0 };
  moveBlock(block, base);
  return block;
}

/** Moves a block's node ranges and error positions so that its parser input starts at `base`. */
function moveBlock(block: ParsedBlock, base: number): void {
  const delta = base - block.base;
  if (delta === 0) return;
  for (const range of block.ranges) {
    range[0] += delta;
    range[1] += delta;
    range[2] += delta;
  }
  for (const error of block.errors) {
    error.pos[0] += delta;
    error.pos[1] += delta;
  }
  block.base = base;
}

function isBlockMap(node: unknown): node is YAMLMap {
  return isMap(node) && !node.flow;
}

function hasAnchorsOrAliases(node: unknown): boolean {
  if (isAlias(node)) return true;
  if (isPair(node)) return hasAnchorsOrAliases(node.key) || hasAnchorsOrAliases(node.value);
  if (!node || typeof node !== 'object') return false;
  if ((node as Node).anchor) return true;
  if (isMap(node) || isSeq(node)) return (node.items as unknown[]).some(hasAnchorsOrAliases);
  return false;
}

/** The range arrays of every node of a parsed tree (each once). */
function rangesOf(node: unknown, into: Set<[number, number, number]>): Set<[number, number, number]> {
  if (isPair(node)) {
    rangesOf(node.key, into);
    rangesOf(node.value, into);
    return into;
  }
  if (!node || typeof node !== 'object') return into;
  const range = (node as Node).range;
  if (range) into.add(range);
  if (isMap(node) || isSeq(node)) for (const item of node.items as unknown[]) rangesOf(item, into);
  return into;
}

const SPACE = 32;
const LF = 10;
const CR = 13;
const HASH = 35;

/**
 * The blocks of a file, or why it cannot be cut. A top-level key starts at column 0; the lines up to
 * the next one (indented lines, blank lines, comments) are its block. Under `scenarios:` the entries
 * are cut the same way at their own column.
 */
function layoutOf(text: string, lineStarts: readonly number[]): Section[] | string {
  if (text.includes('\t')) return 'the file has tabs';
  const lines = lineStarts.length;
  const starts: number[] = [];
  for (let l = 0; l < lines; l++) {
    const at = lineStarts[l];
    const c = text.charCodeAt(at);
    if (at >= text.length || c === LF || c === CR || c === HASH) continue;
    if (c === SPACE) {
      if (starts.length === 0 && !isBlankOrComment(text, at)) return `line ${l + 1}: indented content before the first key`;
      continue;
    }
    if (!startsKey(c)) return `line ${l + 1} starts with "${text[at]}"`;
    starts.push(l);
  }
  if (starts.length === 0) return 'no top-level key';
  const end = (l: number) => (l < lines ? lineStarts[l] : text.length);
  const sections: Section[] = [];
  for (let i = 0; i < starts.length; i++) {
    // Comments and blank lines above the first key go with it.
    const first = i === 0 ? 0 : starts[i];
    const last = i + 1 < starts.length ? starts[i + 1] : lines;
    const section: Section = { start: lineStarts[first], end: end(last), line: first, next: i + 1 < starts.length ? 'sibling' : 'end' };
    const entries = scenarioEntries(text, lineStarts, starts[i], last, section);
    if (entries) section.entries = entries;
    sections.push(section);
  }
  return sections;
}

/** The entries of `scenarios:` as blocks, when the section is a plain `scenarios:` line over a block map. */
function scenarioEntries(text: string, lineStarts: readonly number[], keyLine: number, endLine: number, section: Span): Section['entries'] {
  const lineText = (l: number) => text.slice(lineStarts[l], l + 1 < lineStarts.length ? lineStarts[l + 1] : text.length);
  if (!/^scenarios:[ ]*(?: #.*)?\r?\n?$/.test(lineText(keyLine))) return undefined;
  let column = -1;
  const items: number[] = [];
  for (let l = keyLine + 1; l < endLine; l++) {
    const at = lineStarts[l];
    if (isBlankOrComment(text, at)) continue;
    let indent = 0;
    while (text.charCodeAt(at + indent) === SPACE) indent++;
    if (column < 0) column = indent;
    if (indent < column) return undefined;
    if (indent === column) {
      if (!startsKey(text.charCodeAt(at + indent))) return undefined;
      items.push(l);
    }
  }
  if (items.length === 0) return undefined;
  const end = (l: number) => (l < lineStarts.length ? lineStarts[l] : text.length);
  return {
    header: { start: section.start, end: lineStarts[items[0]], line: section.line, next: 'sibling' },
    items: items.map((l, i) => {
      const last = i + 1 === items.length;
      return { start: lineStarts[l], end: end(last ? endLine : items[i + 1]), line: l, next: !last ? 'sibling' : section.next === 'end' ? 'end' : 'outer' };
    }),
    column,
  };
}

function isBlankOrComment(text: string, at: number): boolean {
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === CR) continue;
    return c === LF || c === HASH;
  }
  return true;
}

/**
 * Characters a plain or quoted key may start with. Indicators (`-`, `?`, `[`, `{`, `&`, `*`, `!`, `|`,
 * `>`, `%`, `@`, backtick) and document markers are left to the whole-document parse.
 */
function startsKey(c: number): boolean {
  return !(
    c === 45 || c === 63 || c === 91 || c === 123 || c === 93 || c === 125 || c === 38 || c === 42 || c === 33 ||
    c === 124 || c === 62 || c === 37 || c === 64 || c === 96 || c === 58 || c === 44 || c === 46 || c === 0xfeff
  );
}
