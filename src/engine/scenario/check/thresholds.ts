// `thresholds:`: metric keys with their tag filters (k6's `metric{tag:value}`), and for each a list of
// expressions, plain or as { threshold, abortOnFail, delayAbortEval }. Scenario and step names in the
// filters must name ones the file has.
import { isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import type { MetricType } from '../../metrics/catalogue';
import { keyText } from '../document';
import { tagValueProblem } from '../names';
import type { HttpMethod, ThresholdPlan } from '../plan';
import { HTTP_METHOD_KEYS, METRIC_NAMES, METRIC_TAGS, THRESHOLD_TAGS, thresholdObjectSchema } from '../schema';
import { methodOfKey } from '../step-name';
import { suggest } from '../suggest';
import { aggregationName, aggregationsFor, isAggregationAllowed, metricType, parseMetricKey, parseThresholdExpression, type TagSpan } from '../threshold-expr';
import type { Findings } from './findings';
import { changeFix } from './fixes';
import { firstLine, innerRange } from './ranges';
import { deref, describe, entries, expectMap, isEmpty, missingKey, readScalar, scalarText, unknownKey, type Entry } from './read';

/** The names the file defines, which `scenario:`, `step:` and `group:` tags must use. */
export interface ThresholdContext {
  scenarioNames: readonly string[];
  stepNames: readonly string[];
  /** Group paths: `browse`, `outer::inner`. */
  groupNames: readonly string[];
}

const HTTP_METHODS: readonly HttpMethod[] = HTTP_METHOD_KEYS.map((key) => methodOfKey(key)!);

export function checkThresholds(f: Findings, entry: Entry, context: ThresholdContext): ThresholdPlan[] {
  const out: ThresholdPlan[] = [];
  const map = expectMap(f, entry, 'a map of metric names to lists of expressions');
  if (!map) return out;
  for (const e of entries(f, map)) {
    const parsed = parseMetricKey(e.key);
    if (!parsed.ok) {
      f.error('invalid-threshold-key', `threshold key "${e.key}": ${parsed.message}`, innerRange(f.doc, e.keyNode, parsed.offset, parsed.length).range);
      continue;
    }
    let keyOk = true;
    const type = metricType(parsed.metric);
    if (type === undefined) {
      const suggestion = suggest(parsed.metric, METRIC_NAMES);
      const { range, exact } = innerRange(f.doc, e.keyNode, e.key.indexOf(parsed.metric), parsed.metric.length);
      f.error(
        'unknown-metric',
        suggestion !== undefined
          ? `unknown metric "${parsed.metric}": did you mean "${suggestion}"?`
          : `unknown metric "${parsed.metric}": thresholds apply to ${METRIC_NAMES.join(', ')}`,
        range,
        suggestion !== undefined && exact ? [changeFix(range, suggestion)] : undefined,
      );
      keyOk = false;
    }
    for (const tag of parsed.spans) if (!checkTag(f, e.keyNode, parsed.metric, type, tag, context)) keyOk = false;
    const list = thresholdList(f, e);
    if (!list) continue;
    for (const item of list) {
      const t = checkThresholdItem(f, item, e, parsed.metric, type);
      if (t && keyOk) out.push({ ...t, key: e.key, metric: parsed.metric, tags: parsed.tags });
    }
  }
  return out;
}

/** One tag of a key's filter: a tag Volley records, carried by the metric, with a value it can have. */
function checkTag(f: Findings, keyNode: Scalar, metric: string, type: MetricType | undefined, tag: TagSpan, context: ThresholdContext): boolean {
  const at = (offset: number, length: number) => innerRange(f.doc, keyNode, offset, length);
  if (!(THRESHOLD_TAGS as readonly string[]).includes(tag.key)) {
    const suggestion = suggest(tag.key, THRESHOLD_TAGS);
    const { range, exact } = at(tag.keyOffset, tag.key.length);
    f.error(
      'unknown-threshold-tag',
      `unknown tag "${tag.key}" in a threshold filter: ${suggestion !== undefined ? `did you mean "${suggestion}"?` : `use ${THRESHOLD_TAGS.join(', ')}`}`,
      range,
      suggestion !== undefined && exact ? [changeFix(range, suggestion)] : undefined,
    );
    return false;
  }
  const carried: readonly string[] | undefined = type === undefined ? undefined : METRIC_TAGS[metric as keyof typeof METRIC_TAGS];
  if (carried !== undefined && !carried.includes(tag.key)) {
    f.error(
      'unsupported-threshold-tag',
      `${metric} cannot be filtered by "${tag.key}": its samples carry ${carried.map((t) => `"${t}"`).join(', ')}`,
      at(tag.keyOffset, tag.key.length).range,
    );
    return false;
  }
  const value = tag.value;
  let ok = true;
  const valueProblem = tagValueProblem(tag.key, value);
  if (valueProblem !== undefined) {
    f.error('invalid-value', valueProblem, at(tag.valueOffset, value.length).range);
    ok = false;
  }
  const names =
    tag.key === 'scenario' ? context.scenarioNames : tag.key === 'step' ? context.stepNames : tag.key === 'group' ? context.groupNames : undefined;
  if (names && !names.includes(value)) {
    const suggestion = suggest(value, names) ?? (tag.key === 'group' ? names.find((n) => n.endsWith(`::${value}`)) : undefined);
    const { range, exact } = at(tag.valueOffset, value.length);
    const what = tag.key as 'scenario' | 'step' | 'group';
    f.error(
      `unknown-${what}`,
      suggestion !== undefined
        ? `no ${what} is named "${value}": did you mean "${suggestion}"?`
        : `no ${what} is named "${value}"${names.length > 0 && names.length <= 10 ? `: the ${what}s are ${names.map((n) => `"${n}"`).join(', ')}` : ''}`,
      range,
      suggestion !== undefined && exact ? [changeFix(range, suggestion)] : undefined,
    );
    ok = false;
  }
  if (tag.key === 'method' && !(HTTP_METHODS as readonly string[]).includes(value)) {
    f.error('invalid-value', `method "${value}" is not an HTTP method: use ${HTTP_METHODS.join(', ')}`, at(tag.valueOffset, value.length).range);
    ok = false;
  }
  return ok;
}

function thresholdList(f: Findings, e: Entry): Node[] | undefined {
  const value = e.value;
  if (isSeq(value)) {
    if (value.items.length === 0) {
      f.error('empty-list', `thresholds of ${e.key} is an empty list: add an expression such as p(95)<500`, value);
      return undefined;
    }
    return value.items.map((i) => deref(f, i as Node | null)) as Node[];
  }
  if (isScalar(value) && typeof value.value === 'string') {
    const [start, end] = f.doc.offsetsOf(value);
    f.error('wrong-type', `thresholds of ${e.key} must be a list: write [${value.value}]`, value, [
      { title: 'Make it a list', range: f.doc.rangeAt(start, end), newText: `[${f.doc.text.slice(start, end)}]` },
    ]);
    return undefined;
  }
  if (isEmpty(value)) f.error('missing-value', `${e.key} has no thresholds: add a list such as [p(95)<500]`, e.keyNode);
  else f.error('wrong-type', `thresholds of ${e.key} must be a list of expressions, not ${describe(f, value)}`, value!);
  return undefined;
}

function checkThresholdItem(f: Findings, item: Node | null, owner: Entry, metric: string, type: MetricType | undefined): Omit<ThresholdPlan, 'key' | 'metric' | 'tags'> | undefined {
  let expression: Scalar | undefined;
  let abortOnFail = false;
  let delayAbortEvalMs = 0;
  if (isScalar(item) && typeof item.value === 'string') {
    expression = item;
  } else if (isMap(item)) {
    const props = thresholdObjectSchema().properties;
    let ok = true;
    for (const e of entries(f, item)) {
      if (e.key === 'threshold') {
        if (isScalar(e.value) && typeof e.value.value === 'string') expression = e.value;
        else {
          scalarText(f, e, 'an expression such as p(95)<500');
          if (isScalar(e.value) && e.value.value !== null) {
            f.error('wrong-type', `threshold must be an expression such as p(95)<500, not ${describe(f, e.value)}`, e.value);
          }
          ok = false;
        }
      } else if (Object.hasOwn(props, e.key)) {
        // abortOnFail and delayAbortEval, typed by the description.
        const v = readScalar(f, e, props[e.key]);
        if (v === undefined) ok = false;
        else if (e.key === 'abortOnFail') abortOnFail = v as boolean;
        else delayAbortEvalMs = v as number;
      } else {
        unknownKey(f, e, Object.keys(props), 'a threshold');
        ok = false;
      }
    }
    if (!item.items.some((p) => keyText(p) === 'threshold')) {
      missingKey(f, 'this threshold needs threshold: the expression, e.g. threshold: p(95)<500', firstLine(f.doc, item), item, undefined, 'threshold');
      return undefined;
    }
    if (!ok) return undefined;
  } else {
    const at = isEmpty(item) ? owner.keyNode : item!;
    f.error(
      'wrong-type',
      `a threshold must be an expression such as p(95)<500 or { threshold, abortOnFail, delayAbortEval }, not ${describe(f, item)}`,
      at,
    );
    return undefined;
  }
  if (!expression) return undefined;
  const source = expression.value as string;
  const parsed = parseThresholdExpression(source);
  if (!parsed.ok) {
    f.error('invalid-threshold', `threshold "${source}": ${parsed.message}`, innerRange(f.doc, expression, parsed.offset, parsed.length).range);
    return undefined;
  }
  if (type !== undefined && !isAggregationAllowed(type, parsed.aggregation)) {
    const lead = source.length - source.trimStart().length;
    const word = /^[A-Za-z]+(\s*\([^)]*\))?/.exec(source.slice(lead))?.[0] ?? source;
    f.error(
      'threshold-aggregation',
      `${metric} is a ${type} metric: ${aggregationName(parsed.aggregation)} does not apply; use ${aggregationsFor(type).join(', ')}`,
      innerRange(f.doc, expression, lead, word.length).range,
    );
    return undefined;
  }
  return {
    source,
    aggregation: parsed.aggregation,
    op: parsed.op,
    value: parsed.value,
    abortOnFail,
    delayAbortEvalMs,
    range: f.doc.rangeOf(expression),
  };
}
