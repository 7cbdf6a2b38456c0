// k6 threshold syntax: `p(95)<300` on keys such as `http_req_duration{step:add to cart}`.

import { METRICS, type MetricType } from '../metrics/catalogue';
import type { Aggregation, Comparison } from './plan';
import { IDENTIFIER_PATTERN } from './names';
import { didYouMean } from './suggest';
import { METRIC_TYPE_DESCRIPTIONS, SIMPLE_AGGREGATION_NAMES } from './format/metric-types';

export type ThresholdExprResult =
  | { ok: true; aggregation: Aggregation; op: Comparison; value: number }
  | { ok: false; message: string; offset: number; length: number };

/** A tag of a threshold key's filter, with the offsets of its name and value in the key. */
export interface TagSpan {
  key: string;
  value: string;
  keyOffset: number;
  valueOffset: number;
}

export type MetricKeyResult =
  | { ok: true; metric: string; tags: Record<string, string>; spans: TagSpan[] }
  | { ok: false; message: string; offset: number; length: number };

const SIMPLE_AGGREGATIONS: readonly string[] = SIMPLE_AGGREGATION_NAMES;
const AGGREGATION_WORDS: readonly string[] = [...SIMPLE_AGGREGATION_NAMES, 'p'];
/** Longest first, so `<=` is not read as `<`. */
const OPERATORS: readonly Comparison[] = ['===', '==', '!=', '<=', '>=', '<', '>'];
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

function skipSpaces(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function fail(message: string, offset: number, length: number): { ok: false; message: string; offset: number; length: number } {
  return { ok: false, message, offset, length: Math.max(length, 0) };
}

function readNumber(text: string, i: number): string | undefined {
  NUMBER.lastIndex = i;
  const m = NUMBER.exec(text);
  return m ? m[0] : undefined;
}

function tokenAt(text: string, i: number): string {
  const m = /^(?:[<>=!]+|[^\s<>=!]+)/.exec(text.slice(i));
  return m ? m[0] : text.slice(i, i + 1);
}

export function parseThresholdExpression(text: string): ThresholdExprResult {
  if (typeof text !== 'string') return fail('expected a threshold such as "p(95)<300"', 0, 0);
  let i = skipSpaces(text, 0);
  if (i === text.length) return fail('empty threshold: write one such as "p(95)<300" or "rate<0.01"', 0, text.length);
  const wordMatch = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
  if (!wordMatch) {
    const t = tokenAt(text, i);
    return fail(`expected an aggregation (avg, min, med, max, p(N), count, rate, value), found "${t}"`, i, t.length);
  }
  const word = wordMatch[0];
  const wordStart = i;
  i += word.length;
  let aggregation: Aggregation;
  if (word === 'p') {
    i = skipSpaces(text, i);
    if (text[i] !== '(') return fail('expected "(" after "p", as in p(95)', i, i < text.length ? 1 : 0);
    i = skipSpaces(text, i + 1);
    const n = readNumber(text, i);
    if (n === undefined) {
      const t = /^[^)\s<>=!]*/.exec(text.slice(i))![0];
      return fail('expected a percentile between 0 and 100 inside p(...), as in p(95)', i, t.length || (i < text.length ? 1 : 0));
    }
    const p = Number(n);
    if (!(p >= 0 && p <= 100)) return fail(`percentile ${n} is out of range: it must be between 0 and 100`, i, n.length);
    i = skipSpaces(text, i + n.length);
    if (text[i] !== ')') return fail('expected ")" to close p(', i, i < text.length ? 1 : 0);
    i++;
    aggregation = { kind: 'percentile', p };
  } else if (SIMPLE_AGGREGATIONS.includes(word)) {
    aggregation = { kind: word as (typeof SIMPLE_AGGREGATION_NAMES)[number] };
  } else {
    const percentile = /^p(\d+(?:\.\d+)?)$/.exec(word);
    const suggestion = percentile ? `p(${percentile[1]})` : didYouMean(word, AGGREGATION_WORDS);
    const hint = suggestion !== undefined ? ` — did you mean "${suggestion === 'p' ? 'p(N)' : suggestion}"?` : ' (avg, min, med, max, p(N), count, rate, value)';
    return fail(`unknown aggregation "${word}"${hint}`, wordStart, word.length);
  }
  i = skipSpaces(text, i);
  const op = OPERATORS.find((o) => text.startsWith(o, i));
  if (op === undefined) {
    if (text[i] === '=') return fail('"=" is not a comparison: use "==" (or <, <=, >, >=, !=)', i, 1);
    const t = i < text.length ? tokenAt(text, i) : '';
    return fail(
      i < text.length ? `expected a comparison (<, <=, >, >=, ==, !=), found "${t}"` : 'expected a comparison (<, <=, >, >=, ==, !=) and a value, as in p(95)<300',
      i,
      t.length,
    );
  }
  i = skipSpaces(text, i + op.length);
  const n = readNumber(text, i);
  if (n === undefined) {
    const t = i < text.length ? tokenAt(text, i) : '';
    return fail(i < text.length ? `expected a number after "${op}", found "${t}"` : `expected a number after "${op}"`, i, t.length);
  }
  const value = Number(n);
  const after = i + n.length;
  const end = skipSpaces(text, after);
  if (end < text.length) {
    // `300ms` is a common slip: k6 thresholds compare plain numbers (milliseconds for durations).
    const rest = text.slice(after).trimEnd();
    const unit = /^(ms|s|m|h|us|µs)\b/.exec(rest);
    if (unit && after === end) return fail(`thresholds compare plain numbers: drop the unit "${unit[1]}" (durations are in milliseconds)`, after, unit[1].length);
    return fail(`unexpected "${text.slice(end).trimEnd()}" after the threshold`, end, text.slice(end).trimEnd().length);
  }
  if (!Number.isFinite(value)) return fail(`value ${n} is too large`, i, n.length);
  return { ok: true, aggregation, op, value };
}

function stripQuotes(s: string): string {
  return s.replace(/^["']+|["']+$/g, '');
}

export function parseMetricKey(text: string): MetricKeyResult {
  if (typeof text !== 'string' || text.trim() === '') return fail('empty metric name', 0, typeof text === 'string' ? text.length : 0);
  const open = text.indexOf('{');
  const nameEnd = open < 0 ? text.length : open;
  const rawName = text.slice(0, nameEnd);
  const metric = rawName.trim();
  const nameStart = rawName.length - rawName.trimStart().length;
  if (metric === '') return fail('expected a metric name before "{"', 0, open + 1);
  // k6's metric names are identifiers too.
  if (!IDENTIFIER_PATTERN.test(metric)) {
    const bad = /[^A-Za-z0-9_]/.exec(metric);
    if (metric.includes('}') && open < 0) {
      const at = text.indexOf('}');
      return fail('"}" without a matching "{"', at, 1);
    }
    const at = bad ? nameStart + bad.index : nameStart;
    return fail(`metric names are letters, digits and "_": unexpected "${bad ? bad[0] : metric[0]}"`, at, 1);
  }
  const tags: Record<string, string> = {};
  const spans: TagSpan[] = [];
  if (open < 0) return { ok: true, metric, tags, spans };
  const close = text.indexOf('}', open);
  if (close < 0) return fail('"{" is not closed: add "}"', open, 1);
  const inner = text.slice(open + 1, close);
  if (inner.includes('{')) return fail('unexpected "{" inside the tag filter', open + 1 + inner.indexOf('{'), 1);
  const trailing = text.slice(close + 1);
  if (trailing.trim() !== '') return fail(`unexpected "${trailing.trim()}" after "}"`, close + 1 + (trailing.length - trailing.trimStart().length), trailing.trim().length);
  if (inner.trim() === '') return fail('empty tag filter "{}": write tags as {name:value}', open, close - open + 1);
  let at = open + 1;
  for (const piece of inner.split(',')) {
    const colon = piece.indexOf(':');
    const lead = piece.length - piece.trimStart().length;
    if (colon < 0) {
      return fail(`tag "${piece.trim()}" needs a value: write it as name:value`, at + lead, Math.max(piece.trim().length, 1));
    }
    // k6 trims spaces and quotes around both sides; values may hold ':' and spaces.
    const rawKey = piece.slice(0, colon);
    const rawValue = piece.slice(colon + 1);
    const key = stripQuotes(rawKey.trim()).trim();
    const written = stripQuotes(rawValue.trim());
    // k6 writes a group's tag from the root, `::outer::inner`; Volley's value is `outer::inner`.
    const value = key === 'group' && written.startsWith('::') ? written.slice(2) : written;
    if (key === '') return fail('a tag needs a name before ":"', at + colon, 1);
    if (value === '') return fail(`tag "${key}" has no value after ":"`, at + colon, 1);
    if (Object.hasOwn(tags, key)) return fail(`tag "${key}" is given twice`, at + lead, piece.trim().length);
    tags[key] = value;
    spans.push({ key, value, keyOffset: at + rawKey.indexOf(key), valueOffset: at + colon + 1 + Math.max(0, rawValue.indexOf(value)) });
    at += piece.length + 1;
  }
  return { ok: true, metric, tags, spans };
}

// Computed once: thresholds are evaluated every second of a run.
const AGGREGATIONS_BY_TYPE = new Map<string, readonly string[]>(
  Object.entries(METRIC_TYPE_DESCRIPTIONS).map(([type, described]) => [type, described.aggregations.map((a) => a.name)]),
);

export function aggregationsFor(type: MetricType): readonly string[] {
  return AGGREGATIONS_BY_TYPE.get(type) ?? [];
}

/** Whether k6 allows this aggregation on a metric of this type. */
export function isAggregationAllowed(type: MetricType, aggregation: Aggregation): boolean {
  return aggregationsFor(type).includes(aggregation.kind === 'percentile' ? 'p(N)' : aggregation.kind);
}

/** The type of a metric Volley knows, undefined for any other name. */
export function metricType(metric: string): MetricType | undefined {
  return Object.hasOwn(METRICS, metric) ? METRICS[metric as keyof typeof METRICS] : undefined;
}

export function aggregationName(a: Aggregation): string {
  return a.kind === 'percentile' ? `p(${a.p})` : a.kind;
}

export function compare(actual: number, op: Comparison, expected: number): boolean {
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
    case '===':
      return actual === expected;
    case '!=':
      return actual !== expected;
    default:
      return false;
  }
}
