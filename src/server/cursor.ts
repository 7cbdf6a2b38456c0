// Where the cursor is, for completion: typing a key, a value, a list item, a template name or a
// threshold key. Read from the line structure (line-index.ts) and the text of the cursor's line, so it
// works in half-typed documents the YAML tree cannot make sense of.
import type { PathSegment, Position, Range } from '../engine/scenario';
import type { LineIndex } from './line-index';
import { unquote } from './line-index';

export type CursorContext =
  | {
      kind: 'key';
      /** Path of the map the key goes in. */
      container: PathSegment[];
      prefix: string;
      range: Range;
      /** Keys the map already has (other lines, or earlier in a flow map). */
      present: Set<string>;
      /** In a `{ … }` on one line: insert `key: ` only. */
      inFlow: boolean;
      /** The line already has `- ` before the cursor. */
      afterDash: boolean;
      /** Column of the key: line and column of where siblings live (for the scenario's executor). */
      line: number;
      column: number;
    }
  | {
      kind: 'value';
      /** Path of the value: the key's path, or the list's path plus the item index. */
      path: PathSegment[];
      prefix: string;
      range: Range;
      inFlow: boolean;
      line: number;
    }
  | { kind: 'template'; path: PathSegment[]; prefix: string; range: Range; env: boolean }
  | {
      kind: 'threshold-key';
      part: 'metric' | 'tag-name' | 'tag-value';
      metric: string;
      tag: string;
      prefix: string;
      range: Range;
      /** The key started with a quote (so items must not add another). */
      quoted: boolean;
      /** Whether the line has `:` after the cursor (the value is already there). */
      hasValue: boolean;
    }
  | { kind: 'none' };

const IDENT_TAIL = /[A-Za-z0-9_$]*$/;
const IDENT_HEAD = /^[A-Za-z0-9_$]*/;

export function cursorContext(lines: LineIndex, position: Position): CursorContext {
  const info = lines.lines[position.line];
  if (!info) return { kind: 'none' };
  const text = info.text;
  const character = Math.min(position.character, text.length);
  const before = text.slice(0, character);
  const after = text.slice(character);
  const line = position.line;
  const range = (from: number, to: number): Range => ({ start: { line, character: from }, end: { line, character: to } });

  // Inside `{{ … ` on this line.
  const open = before.lastIndexOf('{{');
  if (open >= 0 && before.indexOf('}}', open) < 0) {
    const prefix = IDENT_TAIL.exec(before)![0];
    const tail = IDENT_HEAD.exec(after)![0];
    const start = character - prefix.length;
    const env = before.slice(0, start).endsWith('env.');
    return { kind: 'template', path: lines.pathAt(line, text.length + 1), prefix, range: range(start, character + tail.length), env };
  }
  if (info.inert && before.trim() !== '') return { kind: 'none' };

  // Past the dashes: where a key or a scalar item would start.
  let pos = info.indent;
  let afterDash = false;
  while (pos < character && before[pos] === '-' && (pos + 1 === before.length || before[pos + 1] === ' ')) {
    afterDash = true;
    pos++;
    while (before[pos] === ' ') pos++;
  }
  if (pos > character) pos = character;
  const rest = before.slice(pos);
  const container = lines.pathAt(line, pos);

  if (container.length === 1 && container[0] === 'thresholds' && !afterDash && !/:\s/.test(stripTags(rest))) {
    return thresholdKey(rest, pos, after, range);
  }

  const keyEntry = [...info.entries].reverse().find((e) => e.kind === 'key' && e.column < character && e.keyEnd !== undefined && e.keyEnd < character);
  if (!keyEntry || keyEntry.column < pos) {
    // Typing a key (or a scalar list item) at `pos`.
    if (/:(\s|$)/.test(rest)) return { kind: 'none' };
    const wordEnd = character + (/^[^\s:#]*/.exec(after)?.[0].length ?? 0);
    return {
      kind: 'key',
      container,
      prefix: rest,
      range: range(pos, Math.max(wordEnd, character)),
      present: new Set(lines.siblingKeys(line, pos).map((s) => s.key)),
      inFlow: false,
      afterDash,
      line,
      column: pos,
    };
  }

  // After `key:` — a value, maybe inside a one-line `[ … ]` or `{ … }`.
  const keyPath = [...lines.pathAt(line, keyEntry.column), keyEntry.key ?? ''];
  const valueStart = keyEntry.valueColumn ?? character;
  if (valueStart > character) return { kind: 'value', path: keyPath, prefix: '', range: range(character, character), inFlow: false, line };
  const valueText = before.slice(valueStart);
  if (valueText.startsWith('[') || valueText.startsWith('{')) {
    return flowContext(valueText, valueStart, keyPath, after, line, range);
  }
  const quote = valueText.startsWith('"') || valueText.startsWith("'") ? 1 : 0;
  const end = character + (/^[^#]*?(?=\s*(#|$))/.exec(after)?.[0].replace(/["']$/, '').length ?? 0);
  return {
    kind: 'value',
    path: keyPath,
    prefix: valueText.slice(quote),
    range: range(valueStart + quote, Math.max(end, character)),
    inFlow: false,
    line,
  };
}

/** Tag filters may hold `: ` inside braces; only a colon outside them ends a threshold key. */
function stripTags(text: string): string {
  return text.replace(/\{[^}]*\}?/g, '');
}

function thresholdKey(rest: string, pos: number, after: string, range: (a: number, b: number) => Range): CursorContext {
  const quoted = rest.startsWith('"') || rest.startsWith("'");
  const body = quoted ? rest.slice(1) : rest;
  const start = pos + (quoted ? 1 : 0);
  const hasValue = /^[^:]*?["']?\s*:/.test(after.replace(/\{[^}]*\}/g, ''));
  const brace = body.indexOf('{');
  if (brace < 0) {
    const tail = /^[A-Za-z0-9_]*/.exec(after)![0];
    const end = start + body.length + tail.length;
    return { kind: 'threshold-key', part: 'metric', metric: body, tag: '', prefix: body, range: range(start, end), quoted, hasValue };
  }
  const metric = body.slice(0, brace).trim();
  const inner = body.slice(brace + 1);
  const pieceStart = inner.lastIndexOf(',') + 1;
  const piece = inner.slice(pieceStart);
  const pieceOffset = start + brace + 1 + pieceStart;
  const closing = after.search(/[,}]/);
  const tailLength = closing < 0 ? after.replace(/["']?\s*:.*$/, '').length : closing;
  const colon = piece.indexOf(':');
  if (colon < 0) {
    const lead = piece.length - piece.trimStart().length;
    const tail = /^[A-Za-z]*/.exec(after)![0];
    return {
      kind: 'threshold-key',
      part: 'tag-name',
      metric,
      tag: '',
      prefix: piece.trimStart(),
      range: range(pieceOffset + lead, pieceOffset + piece.length + tail.length),
      quoted,
      hasValue,
    };
  }
  const tag = unquote(piece.slice(0, colon).trim());
  const valueRaw = piece.slice(colon + 1);
  const lead = valueRaw.length - valueRaw.trimStart().length;
  const valueStart = pieceOffset + colon + 1 + lead;
  return {
    kind: 'threshold-key',
    part: 'tag-value',
    metric,
    tag,
    prefix: valueRaw.trimStart(),
    range: range(valueStart, pieceOffset + piece.length + tailLength),
    quoted,
    hasValue,
  };
}

interface FlowFrame {
  type: 'seq' | 'map';
  index: number;
  key: string | undefined;
  afterColon: boolean;
  keys: string[];
  tokenStart: number;
}

/** The innermost `[ … ]` or `{ … }` open at the cursor, on the value text of one line. */
function flowContext(
  valueText: string,
  valueStart: number,
  keyPath: PathSegment[],
  after: string,
  line: number,
  range: (a: number, b: number) => Range,
): CursorContext {
  const stack: FlowFrame[] = [];
  let quote: string | undefined;
  let quoteStart = 0;
  for (let i = 0; i < valueText.length; i++) {
    const c = valueText[i];
    const top = stack[stack.length - 1];
    if (quote) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    const prev = i > 0 ? valueText[i - 1] : ' ';
    const atStart = /[\s,[{:]/.test(prev);
    if ((c === '"' || c === "'") && atStart) {
      quote = c;
      quoteStart = i;
      continue;
    }
    if ((c === '[' || c === '{') && atStart) {
      stack.push({ type: c === '[' ? 'seq' : 'map', index: 0, key: undefined, afterColon: false, keys: [], tokenStart: i + 1 });
    } else if ((c === ']' || c === '}') && top) {
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) parent.tokenStart = i + 1;
    } else if (c === ',' && top) {
      top.index++;
      top.key = undefined;
      top.afterColon = false;
      top.tokenStart = i + 1;
    } else if (c === ':' && top?.type === 'map' && !top.afterColon && (i + 1 === valueText.length || /\s/.test(valueText[i + 1]))) {
      top.key = unquote(valueText.slice(top.tokenStart, i).trim());
      top.keys.push(top.key);
      top.afterColon = true;
      top.tokenStart = i + 1;
    }
  }
  const top = stack[stack.length - 1];
  if (!top) return { kind: 'none' };
  const path = [...keyPath];
  for (const frame of stack.slice(0, -1)) path.push(frame.type === 'seq' ? frame.index : frame.key ?? '');
  let tokenStart = quote ? quoteStart + 1 : top.tokenStart;
  while (tokenStart < valueText.length && valueText[tokenStart] === ' ') tokenStart++;
  const prefix = valueText.slice(tokenStart);
  const cursor = valueStart + valueText.length;
  const tail = quote ? /^[^"']*/.exec(after)![0] : /^[^,\]}:]*/.exec(after)![0].trimEnd();
  const replace = range(valueStart + tokenStart, cursor + tail.length);
  if (top.type === 'seq') {
    return { kind: 'value', path: [...path, top.index], prefix, range: replace, inFlow: true, line };
  }
  if (top.afterColon) {
    return { kind: 'value', path: [...path, top.key ?? ''], prefix, range: replace, inFlow: true, line };
  }
  // Keys later on the line count as present too.
  const laterKeys = [...after.matchAll(/(?:^|[{,]\s*)([A-Za-z_][\w-]*)\s*:\s/g)].map((m) => m[1]);
  return {
    kind: 'key',
    container: path,
    prefix,
    range: replace,
    present: new Set([...top.keys, ...laterKeys]),
    inFlow: true,
    afterDash: false,
    line,
    column: valueStart + tokenStart,
  };
}
