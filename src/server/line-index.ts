// The block structure of a scenario file read from its lines: which key or list item starts where,
// and the key path of any column. Built once per document version. It complements the YAML tree:
// a half-typed line (`    ra` above `    flow:`) can make the tree say something odd, but indentation
// still says where the user is, so completion and folding follow the indentation.
import type { PathSegment } from '../engine/scenario';

export interface LineEntry {
  /** Column where the `- ` or the key starts. */
  column: number;
  kind: 'item' | 'key';
  /** The key's text, unquoted. */
  key?: string;
  /** Column just after the key's closing character (before the colon). */
  keyEnd?: number;
  /** Column of the value after `key:`, when the line has one. */
  valueColumn?: number;
}

export interface LineInfo {
  text: string;
  indent: number;
  /** Blank, a comment, or the content of a block scalar: no structure. */
  inert: boolean;
  entries: LineEntry[];
}

export interface Ancestor {
  line: number;
  entry: LineEntry;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"[\]{},&*!|>%@`-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?=[ \t]|$)/;
const BLOCK_SCALAR = /^[|>][0-9+-]*\s*(#.*)?$/;

export class LineIndex {
  readonly lines: LineInfo[];

  constructor(text: string) {
    const raw = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    this.lines = [];
    let blockParent = -1;
    for (const line of raw) {
      const indent = line.length - line.trimStart().length;
      const trimmed = line.trim();
      if (blockParent >= 0 && (trimmed === '' || indent > blockParent)) {
        this.lines.push({ text: line, indent, inert: true, entries: [] });
        continue;
      }
      blockParent = -1;
      if (trimmed === '' || trimmed.startsWith('#')) {
        this.lines.push({ text: line, indent, inert: true, entries: [] });
        continue;
      }
      const entries = parseEntries(line, indent);
      const last = entries[entries.length - 1];
      if (last?.kind === 'key' && last.valueColumn !== undefined && BLOCK_SCALAR.test(line.slice(last.valueColumn))) {
        blockParent = entries[0].column;
      }
      this.lines.push({ text: line, indent, inert: false, entries });
    }
  }

  /**
   * The entries that contain a position at `column` on `line` (a new key or item typed there), innermost
   * last. Entries on `line` itself left of `column` count too (`- na|` is inside the item).
   */
  ancestors(line: number, column: number): Ancestor[] {
    const found: Ancestor[] = [];
    let limit = column;
    const own = this.lines[line];
    if (own && !own.inert) {
      for (let k = own.entries.length - 1; k >= 0; k--) {
        const entry = own.entries[k];
        if (entry.column < limit) {
          found.push({ line, entry });
          limit = entry.column;
        }
      }
    }
    const itemAtLimit = found.length > 0 && found[found.length - 1].entry.kind === 'item';
    let allowSameColumnKey = itemAtLimit || isItemColumn(own, column);
    for (let l = line - 1; l >= 0 && limit > 0; l--) {
      const info = this.lines[l];
      if (info.inert) continue;
      for (let k = info.entries.length - 1; k >= 0; k--) {
        const entry = info.entries[k];
        // `flow:` followed by `- get: /` in the same column: the list belongs to the key.
        const sameColumnParent =
          allowSameColumnKey && entry.kind === 'key' && entry.column === limit && entry.valueColumn === undefined;
        if (entry.column < limit || sameColumnParent) {
          found.push({ line: l, entry });
          limit = entry.column;
          allowSameColumnKey = entry.kind === 'item';
        }
      }
      // A line that starts left of the limit without being a parent ends the search there.
      if (info.indent < limit) limit = info.indent;
    }
    return found.reverse();
  }

  /** The key path of the container a key or item typed at (line, column) belongs to. */
  pathAt(line: number, column: number): PathSegment[] {
    return this.toPath(this.ancestors(line, column));
  }

  toPath(ancestors: readonly Ancestor[]): PathSegment[] {
    const path: PathSegment[] = [];
    for (let i = 0; i < ancestors.length; i++) {
      const { line, entry } = ancestors[i];
      if (entry.kind === 'key') path.push(entry.key ?? '');
      else path.push(this.itemIndex(line, entry.column, i > 0 ? ancestors[i - 1].line : -1));
    }
    return path;
  }

  /** The index of the list item starting at (line, column): the items at that column since the parent. */
  private itemIndex(line: number, column: number, parentLine: number): number {
    let index = 0;
    for (let l = line - 1; l > parentLine; l--) {
      const info = this.lines[l];
      if (info.inert) continue;
      if (info.indent < column) break;
      if (info.entries.some((e) => e.kind === 'item' && e.column === column)) index++;
    }
    return index;
  }

  /** Keys of the block map whose keys sit at `column`, around `line` (the keys already present). */
  siblingKeys(line: number, column: number): Array<{ key: string; line: number; entry: LineEntry }> {
    const out: Array<{ key: string; line: number; entry: LineEntry }> = [];
    const keyAt = (info: LineInfo) => info.entries.find((e) => e.column === column);
    const own = this.lines[line];
    // `- na|`: a new item's map starts on this line, so nothing above belongs to it.
    const startsItem = own?.entries.some((e) => e.kind === 'item' && e.column < column) ?? false;
    for (let l = line - 1; l >= 0 && !startsItem; l--) {
      const info = this.lines[l];
      if (info.inert) continue;
      const entry = keyAt(info);
      // A list written in its key's column (`flow:` then `- get: /`) sits between sibling keys.
      if (entry?.kind === 'item') continue;
      if (entry?.kind === 'key') {
        out.push({ key: entry.key ?? '', line: l, entry });
        // `- get: /` holds the item's first key: the map starts on this line.
        if (info.indent < column) break;
        continue;
      }
      if (info.indent < column) break;
    }
    for (let l = line + 1; l < this.lines.length; l++) {
      const info = this.lines[l];
      if (info.inert) continue;
      if (info.indent < column) break;
      const entry = keyAt(info);
      if (entry?.kind === 'item') continue;
      if (entry?.kind === 'key') out.push({ key: entry.key ?? '', line: l, entry });
    }
    const ownEntry = own?.entries.find((e) => e.column === column && e.kind === 'key');
    if (ownEntry) out.push({ key: ownEntry.key ?? '', line, entry: ownEntry });
    return out;
  }

  /** The last line of the block that starts on `line` (its deeper-indented lines), blank lines excluded. */
  blockEnd(line: number, column: number): number {
    const owner = this.lines[line].entries.find((e) => e.column === column);
    let end = line;
    for (let l = line + 1; l < this.lines.length; l++) {
      const info = this.lines[l];
      // Blank lines and comments end no block but do not extend one either.
      if (info.text.trim() === '' || (info.inert && info.text.trimStart().startsWith('#'))) continue;
      if (info.indent <= column) {
        // A list in the same column as its key still belongs to it.
        const item = info.entries[0];
        if (!(owner?.kind === 'key' && item?.kind === 'item' && item.column === column)) break;
      }
      end = l;
    }
    return end;
  }
}

function isItemColumn(info: LineInfo | undefined, column: number): boolean {
  return info !== undefined && info.entries.some((e) => e.kind === 'item' && e.column === column);
}

function parseEntries(line: string, indent: number): LineEntry[] {
  const entries: LineEntry[] = [];
  let pos = indent;
  while (line[pos] === '-' && (pos + 1 === line.length || line[pos + 1] === ' ' || line[pos + 1] === '\t')) {
    entries.push({ column: pos, kind: 'item' });
    pos++;
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
  }
  if (pos >= line.length) return entries;
  const match = KEY.exec(line.slice(pos));
  if (match) {
    const rawKey = match[1];
    const keyEnd = pos + rawKey.length;
    let valueColumn: number | undefined = pos + match[0].length;
    while (line[valueColumn] === ' ' || line[valueColumn] === '\t') valueColumn++;
    if (valueColumn >= line.length || line[valueColumn] === '#') valueColumn = undefined;
    entries.push({ column: pos, kind: 'key', key: unquote(rawKey.trimEnd()), keyEnd, valueColumn });
  }
  return entries;
}

export function unquote(key: string): string {
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  if (key.length >= 2 && key.startsWith("'") && key.endsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  return key;
}
