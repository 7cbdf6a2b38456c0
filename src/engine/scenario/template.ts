// `{{ expr }}` templates: parsed once into a tree of closures, rendered per request. The expression
// language is deliberately small and never reaches JavaScript evaluation, prototypes or functions of
// the values it reads, so workspace content cannot run code.

import { randomBytes, randomInt as cryptoRandomInt, randomUUID } from 'node:crypto';
import type { Template, TemplateContext } from './plan';
import { didYouMean } from './suggest';
import { TEMPLATE_BUILTIN_NAMES, TEMPLATE_HELPER_DESCRIPTIONS, type HelperDescription, type HelperName } from './format/builtins';

export interface TemplateScope {
  /** Names a template may read, besides the built-ins vu, iteration, scenario, env.NAME and helpers. */
  names: ReadonlySet<string>;
  /** Data sets (`data:`) by name, with their columns when the file's header was read; `{{ users.email }}`. */
  data?: ReadonlyMap<string, readonly string[] | undefined>;
}

export interface TemplateProblem {
  offset: number;
  length: number;
  message: string;
  code: string;
  suggestion?: string;
}

/** A name read by the template, with its offset in the source (for go-to-definition/rename later). */
export interface TemplateReference {
  name: string;
  offset: number;
  length: number;
  kind: 'variable' | 'builtin' | 'env' | 'helper' | 'data' | 'column';
  /** For a `column`: the data set it belongs to. */
  dataSet?: string;
}

export interface CompiledTemplate {
  template: Template;
  problems: TemplateProblem[];
  references: TemplateReference[];
}

export const TEMPLATE_BUILTINS: readonly string[] = TEMPLATE_BUILTIN_NAMES;

type Evaluator = (ctx: TemplateContext) => unknown;

interface HelperDef extends HelperDescription {
  fn: (args: unknown[]) => unknown;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Keeps a typo like randomString(1e9) from exhausting the generator's memory. */
const MAX_RANDOM_STRING = 1_000_000;

function randomIntInclusive(a: unknown, b: unknown): number | undefined {
  let min = Math.ceil(toNumber(a));
  let max = Math.floor(toNumber(b));
  if (!Number.isFinite(min) || !Number.isFinite(max)) return undefined;
  if (min > max) [min, max] = [max, min];
  const span = max - min + 1;
  // crypto.randomInt needs safe integers and a range below 2^48.
  if (span <= 0) return min;
  if (span < 2 ** 48 && Number.isSafeInteger(min) && Number.isSafeInteger(max + 1)) {
    return cryptoRandomInt(min, max + 1);
  }
  return min + Math.floor(Math.random() * span);
}

function randomAlphanumeric(n: unknown): string | undefined {
  const count = Math.floor(toNumber(n));
  if (!Number.isFinite(count) || count < 0) return undefined;
  const length = Math.min(count, MAX_RANDOM_STRING);
  const bytes = randomBytes(length);
  let out = '';
  // 62 does not divide 256; the slight bias is irrelevant for test data.
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[bytes[i] % 62];
  return out;
}

function lengthOf(x: unknown): number | undefined {
  if (x === undefined || x === null) return 0;
  if (typeof x === 'string' || Array.isArray(x)) return x.length;
  if (typeof x === 'object') return Object.keys(x).length;
  return undefined;
}

// The helpers' names, signatures, docs and arity are described in format/builtins.ts; here, what each does.
const HELPER_FUNCTIONS: Record<HelperName, (args: unknown[]) => unknown> = {
  randomInt: (a) => randomIntInclusive(a[0], a[1]),
  randomString: (a) => randomAlphanumeric(a[0]),
  uuid: () => randomUUID(),
  now: () => Date.now(),
  isoTime: () => new Date().toISOString(),
  lower: (a) => toText(a[0]).toLowerCase(),
  upper: (a) => toText(a[0]).toUpperCase(),
  base64: (a) => Buffer.from(toText(a[0]), 'utf8').toString('base64'),
  urlencode: (a) => encodeURIComponent(toText(a[0])),
  json: (a) => JSON.stringify(a[0]),
  length: (a) => lengthOf(a[0]),
  pick: (a) => a[Math.floor(Math.random() * a.length)],
};

const HELPERS: readonly HelperDef[] = TEMPLATE_HELPER_DESCRIPTIONS.map((h) => ({ ...h, fn: HELPER_FUNCTIONS[h.name] }));

const HELPER_BY_NAME = new Map(HELPERS.map((h) => [h.name, h]));
const HELPER_NAMES = HELPERS.map((h) => h.name);

export const TEMPLATE_HELPERS: readonly HelperDescription[] = TEMPLATE_HELPER_DESCRIPTIONS;

// ---------------------------------------------------------------------------------------------
// Value semantics. Own rules rather than JS coercion: JS would call valueOf/toString on captured
// objects, and a JSON response can define keys with those names.

/** How a value appears in rendered text: undefined/null → '', objects → JSON, the rest → String(). */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return '';
    }
  }
  if (typeof value === 'function' || typeof value === 'symbol') return '';
  return String(value);
}

function toNumber(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return value;
    case 'string':
      return Number(value);
    case 'boolean':
      return value ? 1 : 0;
    case 'bigint':
      return Number(value);
    default:
      return value === null ? 0 : NaN;
  }
}

function isPrimitive(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function');
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (isPrimitive(a) && isPrimitive(b)) {
    // Loose on primitives so a captured "7" equals 7; never on objects, where JS would call into them.
    return a == b;
  }
  return a === b;
}

function lessThan(a: unknown, b: unknown, orEqual: boolean): boolean {
  if (typeof a === 'string' && typeof b === 'string') return orEqual ? a <= b : a < b;
  const x = toNumber(a);
  const y = toNumber(b);
  return orEqual ? x <= y : x < y;
}

/** Member access limited to data: own keys of plain values, array/string indexes and `length`. */
export function memberOf(target: unknown, key: unknown): unknown {
  if (target === undefined || target === null) return undefined;
  if (typeof key === 'number' || (typeof key === 'string' && /^-?\d+$/.test(key))) {
    const k = typeof key === 'number' ? key : Number(key);
    if (Array.isArray(target) || typeof target === 'string') {
      if (!Number.isInteger(k)) return undefined;
      const i = k < 0 ? target.length + k : k;
      return i >= 0 && i < target.length ? target[i] : undefined;
    }
  }
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  const name = String(key);
  if (Array.isArray(target) || typeof target === 'string') return name === 'length' ? target.length : undefined;
  if (typeof target === 'object' && Object.hasOwn(target, name)) {
    const v = (target as Record<string, unknown>)[name];
    return typeof v === 'function' ? undefined : v;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Lexer

type TokenKind = 'number' | 'string' | 'ident' | 'punct' | 'end';

interface Token {
  kind: TokenKind;
  /** Offset in the template source. */
  offset: number;
  length: number;
  /** Punctuation text, identifier name, or decoded string. */
  text: string;
  value?: number;
}

class SyntaxProblem {
  constructor(
    readonly offset: number,
    readonly length: number,
    readonly message: string,
  ) {}
}

const PUNCTUATION = ['===', '!==', '==', '!=', '<=', '>=', '&&', '||', '.', '[', ']', '(', ')', ',', '?', ':', '+', '-', '*', '/', '%', '!', '<', '>'];

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}

/** Tokenises source[start, end); offsets stay in source coordinates. */
function tokenize(source: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = source[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if ((c >= '0' && c <= '9') || (c === '.' && i + 1 < end && source[i + 1] >= '0' && source[i + 1] <= '9')) {
      const m = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
      m.lastIndex = i;
      const found = m.exec(source)!;
      let text = found[0];
      if (i + text.length > end) text = text.slice(0, end - i);
      const after = i + text.length;
      if (after < end && isIdentPart(source[after])) {
        let j = after;
        while (j < end && isIdentPart(source[j])) j++;
        throw new SyntaxProblem(i, j - i, `"${source.slice(i, j)}" is not a number`);
      }
      tokens.push({ kind: 'number', offset: i, length: text.length, text, value: Number(text) });
      i = after;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      let closed = false;
      while (j < end) {
        const d = source[j];
        if (d === c) {
          closed = true;
          j++;
          break;
        }
        if (d === '\\') {
          if (j + 1 >= end) break;
          const e = source[j + 1];
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', v: '\v' };
          if (e === 'u') {
            const hex = /^[0-9a-fA-F]{4}/.exec(source.slice(j + 2, Math.min(j + 6, end)));
            if (!hex) throw new SyntaxProblem(j, 2, 'bad \\u escape: expected four hex digits');
            text += String.fromCharCode(parseInt(hex[0], 16));
            j += 6;
            continue;
          }
          text += Object.hasOwn(simple, e) ? simple[e] : e;
          j += 2;
          continue;
        }
        text += d;
        j++;
      }
      if (!closed) throw new SyntaxProblem(i, j - i, `unterminated string: add the closing ${c}`);
      tokens.push({ kind: 'string', offset: i, length: j - i, text });
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < end && isIdentPart(source[j])) j++;
      tokens.push({ kind: 'ident', offset: i, length: j - i, text: source.slice(i, j) });
      i = j;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i) && i + p.length <= end);
    if (punct !== undefined) {
      tokens.push({ kind: 'punct', offset: i, length: punct.length, text: punct });
      i += punct.length;
      continue;
    }
    if (c === '=') throw new SyntaxProblem(i, 1, 'unexpected "=": use "==" to compare (templates cannot assign)');
    if (c === '&') throw new SyntaxProblem(i, 1, 'unexpected "&": did you mean "&&"?');
    if (c === '|') throw new SyntaxProblem(i, 1, 'unexpected "|": did you mean "||"?');
    const cp = source.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    throw new SyntaxProblem(i, ch.length, `unexpected character "${ch}"`);
  }
  // The end token stands for the closing `}}`, so "ends too early" points at something visible.
  tokens.push({ kind: 'end', offset: end, length: 2, text: '' });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Parser: precedence climbing straight into evaluator closures.

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '===': 3,
  '!==': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

const RESERVED_LITERALS: Record<string, unknown> = { true: true, false: false, null: null };

interface ParseState {
  tokens: Token[];
  pos: number;
  scope: TemplateScope;
  problems: TemplateProblem[];
  references: TemplateReference[];
  readsEnv: boolean;
}

const UNDEFINED: Evaluator = () => undefined;

function constantEvaluator(value: unknown): Evaluator {
  return () => value;
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'end of expression';
  if (token.kind === 'string') return 'string';
  return `"${token.text}"`;
}

function peek(st: ParseState): Token {
  return st.tokens[st.pos];
}

function next(st: ParseState): Token {
  const t = st.tokens[st.pos];
  if (t.kind !== 'end') st.pos++;
  return t;
}

function isPunct(t: Token, text: string): boolean {
  return t.kind === 'punct' && t.text === text;
}

function expect(st: ParseState, text: string, context: string): Token {
  const t = peek(st);
  if (!isPunct(t, text)) throw new SyntaxProblem(t.offset, t.length, `expected "${text}" ${context}, found ${describe(t)}`);
  return next(st);
}

function parseExpression(st: ParseState): Evaluator {
  const condition = parseBinary(st, 1);
  if (!isPunct(peek(st), '?')) return condition;
  next(st);
  const whenTrue = parseExpression(st);
  expect(st, ':', 'in "cond ? a : b"');
  const whenFalse = parseExpression(st);
  return (ctx) => (condition(ctx) ? whenTrue(ctx) : whenFalse(ctx));
}

function parseBinary(st: ParseState, minPrecedence: number): Evaluator {
  let left = parseUnary(st);
  for (;;) {
    const t = peek(st);
    const precedence = t.kind === 'punct' ? BINARY_PRECEDENCE[t.text] : undefined;
    if (precedence === undefined || precedence < minPrecedence) return left;
    next(st);
    const right = parseBinary(st, precedence + 1);
    left = binary(t.text, left, right);
  }
}

function binary(op: string, l: Evaluator, r: Evaluator): Evaluator {
  switch (op) {
    case '||':
      return (ctx) => l(ctx) || r(ctx);
    case '&&':
      return (ctx) => l(ctx) && r(ctx);
    case '==':
      return (ctx) => looseEquals(l(ctx), r(ctx));
    case '!=':
      return (ctx) => !looseEquals(l(ctx), r(ctx));
    case '===':
      return (ctx) => l(ctx) === r(ctx);
    case '!==':
      return (ctx) => l(ctx) !== r(ctx);
    case '<':
      return (ctx) => lessThan(l(ctx), r(ctx), false);
    case '<=':
      return (ctx) => lessThan(l(ctx), r(ctx), true);
    case '>':
      return (ctx) => lessThan(r(ctx), l(ctx), false);
    case '>=':
      return (ctx) => lessThan(r(ctx), l(ctx), true);
    case '+':
      return (ctx) => {
        const a = l(ctx);
        const b = r(ctx);
        if (typeof a === 'string' || typeof b === 'string') return toText(a) + toText(b);
        return toNumber(a) + toNumber(b);
      };
    case '-':
      return (ctx) => toNumber(l(ctx)) - toNumber(r(ctx));
    case '*':
      return (ctx) => toNumber(l(ctx)) * toNumber(r(ctx));
    case '/':
      return (ctx) => toNumber(l(ctx)) / toNumber(r(ctx));
    default: // '%'
      return (ctx) => toNumber(l(ctx)) % toNumber(r(ctx));
  }
}

function parseUnary(st: ParseState): Evaluator {
  const t = peek(st);
  if (isPunct(t, '-')) {
    next(st);
    const operand = parseUnary(st);
    return (ctx) => -toNumber(operand(ctx));
  }
  if (isPunct(t, '+')) {
    next(st);
    const operand = parseUnary(st);
    return (ctx) => toNumber(operand(ctx));
  }
  if (isPunct(t, '!')) {
    next(st);
    const operand = parseUnary(st);
    return (ctx) => !operand(ctx);
  }
  return parsePostfix(st, parsePrimary(st));
}

function parsePostfix(st: ParseState, target: Evaluator): Evaluator {
  let current = target;
  for (;;) {
    const t = peek(st);
    if (isPunct(t, '.')) {
      next(st);
      const name = next(st);
      if (name.kind !== 'ident') throw new SyntaxProblem(name.offset, name.length, `expected a property name after ".", found ${describe(name)}`);
      const obj = current;
      const key = name.text;
      current = (ctx) => memberOf(obj(ctx), key);
    } else if (isPunct(t, '[')) {
      next(st);
      const index = parseExpression(st);
      expect(st, ']', 'to close "["');
      const obj = current;
      current = (ctx) => memberOf(obj(ctx), index(ctx));
    } else if (isPunct(t, '(')) {
      throw new SyntaxProblem(t.offset, t.length, 'only helpers can be called, e.g. lower(name)');
    } else {
      return current;
    }
  }
}

function parsePrimary(st: ParseState): Evaluator {
  const t = next(st);
  switch (t.kind) {
    case 'number':
      return constantEvaluator(t.value);
    case 'string':
      return constantEvaluator(t.text);
    case 'ident':
      return parseIdentifier(st, t);
    case 'punct':
      if (t.text === '(') {
        const inner = parseExpression(st);
        expect(st, ')', 'to close "("');
        return inner;
      }
      throw new SyntaxProblem(t.offset, t.length, `unexpected ${describe(t)}`);
    default:
      throw new SyntaxProblem(t.offset, t.length, 'expression ends too early');
  }
}

function parseIdentifier(st: ParseState, t: Token): Evaluator {
  const name = t.text;
  if (Object.hasOwn(RESERVED_LITERALS, name)) return constantEvaluator(RESERVED_LITERALS[name]);
  if (isPunct(peek(st), '(')) return parseCall(st, t);
  if (name === 'env') return parseEnv(st, t);
  if (name === 'vu' || name === 'iteration' || name === 'scenario') {
    st.references.push({ name, offset: t.offset, length: t.length, kind: 'builtin' });
    if (name === 'vu') return (ctx) => ctx.vu;
    if (name === 'iteration') return (ctx) => ctx.iteration;
    return (ctx) => ctx.scenario;
  }
  if (st.scope.data?.has(name) === true) return parseDataRead(st, t, st.scope.data.get(name));
  if (st.scope.names.has(name)) {
    st.references.push({ name, offset: t.offset, length: t.length, kind: 'variable' });
    return (ctx) => {
      const vars = ctx.vars;
      if (!Object.hasOwn(vars, name)) return undefined;
      const v = vars[name];
      return typeof v === 'function' ? undefined : v;
    };
  }
  if (HELPER_BY_NAME.has(name)) {
    st.references.push({ name, offset: t.offset, length: t.length, kind: 'helper' });
    st.problems.push({
      offset: t.offset,
      length: t.length,
      code: 'helper-not-called',
      message: `"${name}" is a helper: call it as ${HELPER_BY_NAME.get(name)!.signature}`,
      suggestion: `${name}()`,
    });
    return UNDEFINED;
  }
  // Still a reference: a rename or "define this variable" fix needs to find it.
  st.references.push({ name, offset: t.offset, length: t.length, kind: 'variable' });
  const suggestion = didYouMean(name, [...st.scope.names, ...TEMPLATE_BUILTINS]);
  st.problems.push({
    offset: t.offset,
    length: t.length,
    code: 'unknown-name',
    message: suggestion !== undefined ? `unknown name "${name}" — did you mean "${suggestion}"?` : `unknown name "${name}": not a variable, capture or built-in (vu, iteration, scenario, env.NAME)`,
    ...(suggestion !== undefined ? { suggestion } : {}),
  });
  return UNDEFINED;
}

/** `set.column` or `set['column']`: a column of the row the iteration holds. */
function parseDataRead(st: ParseState, setToken: Token, columns: readonly string[] | undefined): Evaluator {
  const set = setToken.text;
  st.references.push({ name: set, offset: setToken.offset, length: setToken.length, kind: 'data' });
  const example = `${set}.${columns?.[0] ?? 'column'}`;
  let columnToken: Token | undefined;
  const t = peek(st);
  if (isPunct(t, '.')) {
    next(st);
    const n = next(st);
    if (n.kind !== 'ident') throw new SyntaxProblem(n.offset, n.length, `expected a column name after "${set}.", found ${describe(n)}`);
    columnToken = n;
  } else if (isPunct(t, '[')) {
    next(st);
    const n = next(st);
    if (n.kind !== 'string') throw new SyntaxProblem(n.offset, n.length, `read a column by its name: ${example} or ${set}['a column']`);
    expect(st, ']', 'to close "["');
    // The reference covers the quoted text, not the quotes.
    columnToken = { ...n, offset: n.offset + 1, length: Math.max(0, n.length - 2) };
  }
  if (columnToken === undefined) {
    st.problems.push({
      offset: setToken.offset,
      length: setToken.length,
      code: 'data-set-without-column',
      message: `"${set}" is a data set: read one column of the iteration's row, e.g. {{ ${example} }}`,
    });
    return UNDEFINED;
  }
  const column = columnToken.text;
  st.references.push({ name: column, offset: columnToken.offset, length: columnToken.length, kind: 'column', dataSet: set });
  if (columns !== undefined && !columns.includes(column)) {
    const suggestion = didYouMean(column, columns);
    st.problems.push({
      offset: columnToken.offset,
      length: columnToken.length,
      code: 'unknown-column',
      message: `data set "${set}" has no column "${column}"${suggestion !== undefined ? ` — did you mean "${suggestion}"?` : ''} (its columns: ${columns.join(', ')})`,
      ...(suggestion !== undefined ? { suggestion } : {}),
    });
  }
  return parsePostfix(st, (ctx) => ctx.data?.[set]?.field(column));
}

function parseEnv(st: ParseState, envToken: Token): Evaluator {
  const t = peek(st);
  let nameToken: Token | undefined;
  let envName: string | undefined;
  if (isPunct(t, '.')) {
    next(st);
    const n = next(st);
    if (n.kind !== 'ident') throw new SyntaxProblem(n.offset, n.length, `expected a variable name after "env.", found ${describe(n)}`);
    nameToken = n;
    envName = n.text;
  } else if (isPunct(t, '[')) {
    next(st);
    const n = peek(st);
    if (n.kind === 'string' && isPunct(st.tokens[st.pos + 1], ']')) {
      next(st);
      next(st);
      // The reference covers the quoted text, not the quotes.
      nameToken = { ...n, offset: n.offset + 1, length: Math.max(0, n.length - 2) };
      envName = n.text;
    } else {
      // Keep parsing to report syntax errors inside, but the dynamic read itself is refused.
      parseExpression(st);
      const close = expect(st, ']', 'to close "["');
      st.problems.push({
        offset: envToken.offset,
        length: close.offset + close.length - envToken.offset,
        code: 'env-access',
        message: "environment variables are read by name only: env.NAME or env['NAME']",
      });
      st.readsEnv = true;
      return parsePostfix(st, UNDEFINED);
    }
  }
  if (nameToken === undefined || envName === undefined) {
    st.problems.push({
      offset: envToken.offset,
      length: envToken.length,
      code: 'env-access',
      message: "read one environment variable by name: env.NAME or env['NAME']",
      suggestion: 'env.NAME',
    });
    return UNDEFINED;
  }
  st.readsEnv = true;
  st.references.push({ name: envName, offset: nameToken.offset, length: nameToken.length, kind: 'env' });
  const key = envName;
  const read: Evaluator = (ctx) => {
    const env = ctx.env;
    return Object.hasOwn(env, key) ? env[key] : undefined;
  };
  return parsePostfix(st, read);
}

function parseCall(st: ParseState, nameToken: Token): Evaluator {
  next(st); // '('
  const name = nameToken.text;
  const helper = HELPER_BY_NAME.get(name);
  if (helper !== undefined) st.references.push({ name, offset: nameToken.offset, length: nameToken.length, kind: 'helper' });
  const args: Evaluator[] = [];
  if (!isPunct(peek(st), ')')) {
    for (;;) {
      args.push(parseExpression(st));
      if (isPunct(peek(st), ',')) {
        next(st);
        continue;
      }
      break;
    }
  }
  const close = expect(st, ')', 'to close the argument list');
  if (helper === undefined) {
    const suggestion = didYouMean(name, HELPER_NAMES);
    st.problems.push({
      offset: nameToken.offset,
      length: nameToken.length,
      code: 'unknown-helper',
      message:
        suggestion !== undefined
          ? `unknown helper "${name}" — did you mean "${suggestion}"?`
          : `unknown helper "${name}": helpers are ${HELPER_NAMES.join(', ')}`,
      ...(suggestion !== undefined ? { suggestion } : {}),
    });
    return parsePostfix(st, UNDEFINED);
  }
  if (args.length < helper.minArgs || args.length > helper.maxArgs) {
    const expected =
      helper.maxArgs === Infinity
        ? `at least ${helper.minArgs} argument${helper.minArgs === 1 ? '' : 's'}`
        : `${helper.minArgs} argument${helper.minArgs === 1 ? '' : 's'}`;
    st.problems.push({
      offset: nameToken.offset,
      length: close.offset + close.length - nameToken.offset,
      code: 'helper-arity',
      message: `${helper.signature} takes ${expected}, got ${args.length}`,
    });
    return parsePostfix(st, UNDEFINED);
  }
  const fn = helper.fn;
  const call: Evaluator =
    args.length === 0
      ? () => safeCall(fn, [])
      : args.length === 1
        ? (ctx) => safeCall(fn, [args[0](ctx)])
        : (ctx) => {
            const values = new Array<unknown>(args.length);
            for (let i = 0; i < args.length; i++) values[i] = args[i](ctx);
            return safeCall(fn, values);
          };
  return parsePostfix(st, call);
}

function safeCall(fn: (args: unknown[]) => unknown, args: unknown[]): unknown {
  try {
    return fn(args);
  } catch {
    // e.g. encodeURIComponent on a lone surrogate, JSON.stringify on a BigInt.
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Template splitting and assembly

type Part = string | Evaluator;

/** Where the `}}` closing the `{{` at `open` is, skipping quoted strings; -1 when there is none. */
function findClose(source: string, from: number): number {
  let i = from;
  let quote: string | undefined;
  while (i < source.length) {
    const c = source[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '}' && source[i + 1] === '}') {
      return i;
    }
    i++;
  }
  // An unterminated string swallowed the `}}`: close at the first one so the string gets the blame.
  return source.indexOf('}}', from);
}

function compileExpression(source: string, start: number, end: number, st: Omit<ParseState, 'tokens' | 'pos'>): Evaluator {
  try {
    const tokens = tokenize(source, start, end);
    const state: ParseState = { ...st, tokens, pos: 0 };
    const evaluator = parseExpression(state);
    const rest = peek(state);
    if (rest.kind !== 'end') throw new SyntaxProblem(rest.offset, rest.length, `unexpected ${describe(rest)} after the expression`);
    st.readsEnv = st.readsEnv || state.readsEnv;
    return guard(evaluator);
  } catch (e) {
    if (e instanceof SyntaxProblem) {
      st.problems.push({ offset: e.offset, length: e.length, code: 'template-syntax', message: e.message });
      return UNDEFINED;
    }
    // A parser bug must still not crash a language server or a run.
    st.problems.push({ offset: start, length: end - start, code: 'template-syntax', message: 'could not parse this expression' });
    return UNDEFINED;
  }
}

/** Evaluation never throws: a failure renders as undefined. */
function guard(evaluator: Evaluator): Evaluator {
  return (ctx) => {
    try {
      return evaluator(ctx);
    } catch {
      return undefined;
    }
  };
}

export function compileTemplate(source: string, scope: TemplateScope): CompiledTemplate {
  const text = typeof source === 'string' ? source : '';
  const problems: TemplateProblem[] = [];
  const references: TemplateReference[] = [];
  const state = { scope, problems, references, readsEnv: false };
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, open);
    const close = findClose(text, open + 2);
    if (close < 0) {
      problems.push({ offset: open, length: 2, code: 'unclosed-template', message: '"{{" is not closed: add "}}"' });
      literal += text.slice(open);
      break;
    }
    if (literal) parts.push(literal);
    literal = '';
    if (text.slice(open + 2, close).trim() === '') {
      problems.push({ offset: open, length: close + 2 - open, code: 'empty-template', message: 'empty "{{ }}": write an expression inside, e.g. {{ vu }}' });
      parts.push(UNDEFINED);
    } else {
      parts.push(compileExpression(text, open + 2, close, state));
    }
    i = close + 2;
  }
  if (literal) parts.push(literal);
  const single = parts.length === 1 && typeof parts[0] !== 'string' && text.startsWith('{{') && text.endsWith('}}');
  return { template: assemble(text, parts, state.readsEnv, single), problems, references };
}

function assemble(source: string, parts: Part[], secret: boolean, singleExpression: boolean): Template {
  const evaluators = parts.filter((p): p is Evaluator => typeof p !== 'string');
  if (evaluators.length === 0) {
    const constant = source;
    return { source, constant, secret, render: () => constant, renderValue: () => constant };
  }
  if (parts.length === 1) {
    const only = evaluators[0];
    const render = (ctx: TemplateContext): string => toText(only(ctx));
    return { source, constant: undefined, secret, render, renderValue: singleExpression ? only : render };
  }
  const frozen = parts.slice();
  const render = (ctx: TemplateContext): string => {
    let out = '';
    for (let k = 0; k < frozen.length; k++) {
      const p = frozen[k];
      out += typeof p === 'string' ? p : toText(p(ctx));
    }
    return out;
  };
  return { source, constant: undefined, secret, render, renderValue: render };
}

/** True when `name` can be written bare in a template (variables and captures need this). */
export function isTemplateIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !Object.hasOwn(RESERVED_LITERALS, name);
}
