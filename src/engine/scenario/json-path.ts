// Paths into JSON responses, for checks (`json: { "items[0].id": "> 0" }`) and captures
// (`json.items[0].id`, `header.X-Token`, `regex:session=(\w+)`).

import type { Comparison, JsonPath } from './plan';
import { COOKIE_NAME_PATTERN, HEADER_NAME_PATTERN } from './names';
import { didYouMean } from './suggest';

export type JsonPathResult = { ok: true; path: JsonPath } | { ok: false; message: string; offset: number; length: number };

export type CaptureSource =
  | { kind: 'json'; path: JsonPath }
  | { kind: 'header'; header: string }
  | { kind: 'cookie'; cookie: string }
  | { kind: 'regex'; regex: RegExp };

export type CaptureSourceResult =
  | { ok: true; capture: CaptureSource }
  | { ok: false; message: string; offset: number; length: number };

export type CheckExpectationResult = { ok: true; op: Comparison; expected: unknown } | { ok: false; message: string };

type Failure = { ok: false; message: string; offset: number; length: number };

function fail(message: string, offset: number, length: number): Failure {
  return { ok: false, message, offset, length: Math.max(0, length) };
}

/** Characters that end a dotted name: the path's own syntax, quotes and whitespace. */
function isNameChar(c: string): boolean {
  return c !== '.' && c !== '[' && c !== ']' && c !== '"' && c !== "'" && !/\s/.test(c);
}

/**
 * `items[0].id`, `data.users[2]['first name']`, `""` (the whole document); a leading `$` or `$.` is allowed.
 * `base` shifts reported offsets, for paths that sit inside a longer text.
 */
export function parseJsonPath(text: string, base = 0): JsonPathResult {
  if (typeof text !== 'string') return fail('expected a path such as items[0].id', base, 0);
  const path: Array<string | number> = [];
  let i = 0;
  if (text === '$') return { ok: true, path };
  if (text.startsWith('$.') || text.startsWith('$[')) i = text[1] === '.' ? 2 : 1;
  if (text.startsWith('$.') && i === text.length) return fail('expected a name after "$."', base + 1, 1);
  let expectName = i === 0 || text[i - 1] === '.'; // at the start a name or "[" may come
  let first = true;
  while (i < text.length) {
    const c = text[i];
    if (c === '[') {
      const close = findBracketEnd(text, i);
      if (close.error) return fail(close.error, base + close.offset, close.length);
      path.push(close.segment!);
      i = close.end!;
      expectName = false;
      first = false;
      continue;
    }
    if (c === '.') {
      if (first && path.length === 0 && i === 0) return fail('a path starts with a name or "[", not "." (write items[0], or $.items[0])', base, 1);
      if (expectName) return fail('empty name between dots', base + i, 1);
      expectName = true;
      i++;
      if (i === text.length) return fail('expected a name after "."', base + i - 1, 1);
      continue;
    }
    if (!isNameChar(c)) {
      if (c === ']') return fail('"]" without a matching "["', base + i, 1);
      return fail(`unexpected "${c}" in a path: quote names with spaces or quotes as ['a name']`, base + i, 1);
    }
    if (!expectName) {
      return fail(`expected "." or "[" after a path segment, found "${c}"`, base + i, 1);
    }
    let j = i;
    while (j < text.length && isNameChar(text[j])) j++;
    path.push(text.slice(i, j));
    i = j;
    expectName = false;
    first = false;
  }
  return { ok: true, path };
}

interface BracketResult {
  error?: string;
  offset: number;
  length: number;
  segment?: string | number;
  end?: number;
}

function findBracketEnd(text: string, open: number): BracketResult {
  let i = open + 1;
  const quote = text[i];
  if (quote === '"' || quote === "'") {
    let name = '';
    i++;
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\' && i + 1 < text.length) {
        name += text[i + 1];
        i += 2;
        continue;
      }
      name += text[i];
      i++;
    }
    if (i >= text.length) return { error: `unterminated name: add the closing ${quote}`, offset: open + 1, length: text.length - open - 1 };
    i++;
    if (text[i] !== ']') {
      return { error: 'expected "]" after the quoted name', offset: i, length: i < text.length ? 1 : 0 };
    }
    return { offset: open, length: 0, segment: name, end: i + 1 };
  }
  const close = text.indexOf(']', i);
  if (close < 0) return { error: '"[" is not closed: add "]"', offset: open, length: 1 };
  const inner = text.slice(i, close);
  if (!/^\s*-?\d+\s*$/.test(inner)) {
    const trimmed = inner.trim();
    const message =
      trimmed === ''
        ? 'empty "[]": write an index such as [0] or a quoted name such as [\'id\']'
        : trimmed === '*'
          ? 'wildcards are not supported: pick one element, e.g. [0]'
          : `"${trimmed}" is not an index: write a whole number such as [0] or quote a name as ['${trimmed.replace(/'/g, "\\'")}']`;
    return { error: message, offset: i, length: Math.max(inner.length, 0) || 1 };
  }
  const n = Number(inner.trim());
  if (!Number.isSafeInteger(n)) return { error: `index ${inner.trim()} is too large`, offset: i, length: inner.length };
  return { offset: open, length: 0, segment: n, end: close + 1 };
}

/** The value at `path`; undefined when any step is missing. Negative indexes count from the end. */
export function evalJsonPath(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (let k = 0; k < path.length; k++) {
    if (current === null || typeof current !== 'object') return undefined;
    const segment = path[k];
    if (Array.isArray(current)) {
      let index: number;
      if (typeof segment === 'number') index = segment;
      else if (/^-?\d+$/.test(segment)) index = Number(segment);
      else if (segment === 'length') {
        current = current.length;
        continue;
      } else return undefined;
      if (index < 0) index += current.length;
      current = index >= 0 && index < current.length ? current[index] : undefined;
      continue;
    }
    const key = String(segment);
    // Own keys only: a response must not reach Object.prototype through "constructor" or "__proto__".
    current = Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
  }
  return current;
}

const CAPTURE_KINDS = ['json', 'header', 'cookie', 'regex'];

/** Where a `header.`/`cookie.` name (after the 7-character prefix) breaks the token rule both follow. */
function tokenFailure(name: string, pattern: RegExp, what: string): Failure | undefined {
  if (pattern.test(name)) return undefined;
  const bad = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/.exec(name)!;
  return fail(`${what} names cannot contain "${bad[0]}"`, 7 + bad.index, 1);
}

export function parseCaptureSource(text: string): CaptureSourceResult {
  if (typeof text !== 'string' || text.trim() === '') {
    return fail('expected a capture source: json.PATH, header.NAME, cookie.NAME or regex:PATTERN', 0, typeof text === 'string' ? text.length : 0);
  }
  if (text === 'json' || text.startsWith('json.') || text.startsWith('json[')) {
    if (text === 'json.') return fail('expected a path after "json.", e.g. json.items[0].id', 4, 1);
    const rest = text.startsWith('json.') ? text.slice(5) : text.slice(4);
    const parsed = parseJsonPath(rest, text.length - rest.length);
    if (!parsed.ok) return parsed;
    return { ok: true, capture: { kind: 'json', path: parsed.path } };
  }
  if (text.startsWith('header.')) {
    const name = text.slice(7);
    if (name === '') return fail('expected a header name after "header.", e.g. header.X-Token', 6, 1);
    const bad = tokenFailure(name, HEADER_NAME_PATTERN, 'header');
    if (bad) return bad;
    return { ok: true, capture: { kind: 'header', header: name.toLowerCase() } };
  }
  if (text.startsWith('cookie.')) {
    const name = text.slice(7);
    if (name === '') return fail('expected a cookie name after "cookie.", e.g. cookie.sid', 6, 1);
    const bad = tokenFailure(name, COOKIE_NAME_PATTERN, 'cookie');
    if (bad) return bad;
    return { ok: true, capture: { kind: 'cookie', cookie: name } };
  }
  if (text.startsWith('regex:')) {
    const pattern = text.slice(6);
    if (pattern === '') return fail('expected a pattern after "regex:", e.g. regex:session=(\\w+)', 5, 1);
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch (e) {
      const reason = e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : 'invalid';
      return fail(`invalid regular expression: ${reason}`, 6, pattern.length);
    }
    // An empty alternative makes the pattern match "", which reveals its number of groups.
    const groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
    if (groups > 1) {
      return fail(`the pattern has ${groups} capture groups; keep at most one (the value) and make the others non-capturing: (?:...)`, 6, pattern.length);
    }
    return { ok: true, capture: { kind: 'regex', regex } };
  }
  const prefix = /^[A-Za-z_]*/.exec(text)![0];
  const suggestion = prefix ? didYouMean(prefix, CAPTURE_KINDS) : undefined;
  const hint = suggestion !== undefined ? ` — did you mean "${suggestion}"?` : '';
  return fail(`unknown capture source "${prefix || text}"${hint}: use json.PATH, header.NAME, cookie.NAME or regex:PATTERN`, 0, prefix.length || text.length);
}

/** The captured value of a regex source: group 1 when the pattern has one, else the whole match. */
export function regexCaptureValue(regex: RegExp, text: string): string | undefined {
  const m = regex.exec(text);
  if (m === null) return undefined;
  return m.length > 1 ? m[1] : m[0];
}

const CHECK_OPERATORS: ReadonlyArray<[string, Comparison]> = [
  ['===', '==='],
  ['!==', '!='],
  ['==', '=='],
  ['!=', '!='],
  ['<=', '<='],
  ['>=', '>='],
  ['<', '<'],
  ['>', '>'],
];

/** A literal in a check expectation: number, quoted string, true, false or null. */
function parseLiteral(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trim();
  if (t === 'true') return { ok: true, value: true };
  if (t === 'false') return { ok: true, value: false };
  if (t === 'null') return { ok: true, value: null };
  if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) return { ok: true, value: Number(t) };
  const q = t[0];
  if ((q === '"' || q === "'") && t.length >= 2 && t[t.length - 1] === q) {
    let out = '';
    for (let i = 1; i < t.length - 1; i++) {
      const c = t[i];
      if (c === '\\' && i + 1 < t.length - 1) {
        out += t[++i];
        continue;
      }
      if (c === q) return { ok: false };
      out += c;
    }
    return { ok: true, value: out };
  }
  return { ok: false };
}

export function parseCheckExpectation(value: unknown): CheckExpectationResult {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') {
    if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, message: 'expected a finite number' };
    return { ok: true, op: '==', expected: value };
  }
  if (typeof value !== 'string') {
    return { ok: false, message: 'expected a value to compare with, such as 200, "ok", true, or a comparison such as "> 0"' };
  }
  const s = value.trimStart();
  const found = CHECK_OPERATORS.find(([text]) => s.startsWith(text));
  if (found === undefined) return { ok: true, op: '==', expected: value };
  const [text, op] = found;
  const rest = s.slice(text.length).trim();
  if (rest === '') return { ok: false, message: `expected a value after "${text}", e.g. "${text} 0"` };
  const literal = parseLiteral(rest);
  if (!literal.ok) {
    return {
      ok: false,
      message: `expected a number, a quoted string, true, false or null after "${text}", found "${rest}" (quote text: ${text} '${rest.replace(/'/g, "\\'")}')`,
    };
  }
  if ((op === '<' || op === '<=' || op === '>' || op === '>=') && typeof literal.value !== 'number' && typeof literal.value !== 'string') {
    return { ok: false, message: `"${text}" compares numbers or text, not ${String(literal.value)}` };
  }
  return { ok: true, op, expected: literal.value };
}

function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/**
 * How a json check compares the value found with the expected one. `==` forgives a number sent as
 * text ("5" == 5) and compares objects structurally; `===` wants the same JSON type; ordering compares
 * numbers, or text with text; a missing value never passes except `!=`.
 */
export function compareValues(actual: unknown, op: Comparison, expected: unknown): boolean {
  switch (op) {
    case '===':
      return jsonEquals(actual, expected);
    case '==':
    case '!=': {
      let equal = jsonEquals(actual, expected);
      if (!equal) {
        const x = asNumber(actual);
        const y = asNumber(expected);
        equal = x !== undefined && y !== undefined && typeof actual !== typeof expected && x === y;
      }
      return op === '==' ? equal : !equal;
    }
    default: {
      let x: number | string | undefined;
      let y: number | string | undefined;
      if (typeof actual === 'string' && typeof expected === 'string') {
        x = actual;
        y = expected;
      } else {
        x = asNumber(actual);
        y = asNumber(expected);
      }
      if (x === undefined || y === undefined) return false;
      if (op === '<') return x < y;
      if (op === '<=') return x <= y;
      if (op === '>') return x > y;
      return x >= y;
    }
  }
}
