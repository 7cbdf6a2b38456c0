// One step of a flow that sends a request or pauses (a leaf of the flow; ./flow.ts walks the control
// steps around it): its keys, its one request and body, its checks and captures, or its think pause.
import { isMap, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { keyText } from '../document';
import type { RequestStepPlan, ThinkStepPlan } from '../plan';
import { BODY_KEYS, CONTROL_STEP_KEYS, HTTP_METHOD_KEYS, stepSchema, type StringSchema } from '../schema';
import { methodOfKey } from '../step-name';
import { suggest } from '../suggest';
import { checkCaptures, checkChecks } from './checks';
import type { Findings } from './findings';
import { emptyItemRange } from './ranges';
import { deref, describe, entries, isEmpty, readDuration, readScalar, scalarText, unknownKey, valueAt, type Entry } from './read';
import { checkUrl, jsonTemplate, multipartParts, templateMap } from './request';
import { templateEntry, type StepScope } from './templates';

/** A request step whose timeout may still be the file's default. */
export type CheckedStep = (Omit<RequestStepPlan, 'timeoutMs'> & { timeoutMs: number | undefined }) | ThinkStepPlan;

/**
 * What a flow reads outside its scenario: the file's variables, the names `setup:` captures (read-only
 * values for every scenario and for teardown), and whether relative URLs have a base.
 */
export interface FlowContext {
  variables: Readonly<Record<string, string | number | boolean>>;
  setupCaptures: readonly string[];
  baseUrlGiven: boolean;
  /** How long this flow's captures live, for messages: a scenario's, "for the rest of the iteration". */
  captureLifetime?: string;
  /** The file's data sets with their columns when known: a scenario's iterations read them, setup and teardown do not. */
  data?: ReadonlyMap<string, readonly string[] | undefined>;
}

/** Keys only a control step takes (its own key aside): on a request or think step they are an error. */
const CONTROL_ONLY_KEYS: readonly string[] = [...new Set(Object.values(CONTROL_STEP_KEYS).flat())];

/** The names a flow item's `capture:` map gives, valid or not. */
export function captureNames(f: Findings, item: Node | null): string[] {
  if (!isMap(item)) return [];
  const capture = item.items.find((p) => keyText(p) === 'capture');
  const captureMap = capture ? deref(f, capture.value as Node | null) : null;
  if (!isMap(captureMap)) return [];
  const out: string[] = [];
  for (const p of captureMap.items) {
    const key = keyText(p);
    if (key !== undefined) out.push(key);
  }
  return out;
}

/** Where a duplicate step name is reported: the name, else the method's URL. */
export function stepNameNode(item: YAMLMap): Node | undefined {
  const pair = item.items.find((p) => keyText(p) === 'name') ?? item.items.find((p) => methodOfKey(keyText(p)) !== undefined);
  return (pair?.value as Node | null) ?? (pair?.key as Node | undefined) ?? undefined;
}

export function checkStep(
  f: Findings,
  item: Node | null,
  index: number,
  seq: YAMLSeq,
  itemIndex: number,
  scope: StepScope,
  name: string,
  context: FlowContext,
): CheckedStep | undefined {
  const label = `step ${index + 1}`;
  if (!isMap(item)) {
    const at = isEmpty(item) ? emptyItemRange(f.doc, seq, itemIndex) : f.doc.rangeOf(item!);
    f.error('wrong-type', `${label} must be a map such as { get: /path } or { think: 1s }, not ${describe(f, item)}`, at);
    return undefined;
  }
  const range = f.doc.rangeOf(item);
  const stepEntries = entries(f, item);
  const byKey = new Map(stepEntries.map((e) => [e.key, e]));
  const allowed = Object.keys(stepSchema().properties);
  let typoOfAction = false;
  for (const e of stepEntries) {
    if (allowed.includes(e.key)) continue;
    const suggestion = suggest(e.key, allowed);
    if (suggestion !== undefined && (methodOfKey(suggestion) !== undefined || suggestion === 'think' || Object.hasOwn(CONTROL_STEP_KEYS, suggestion))) {
      typoOfAction = true;
    }
    unknownKey(f, e, allowed, label);
  }
  const controlKeys = stepEntries.filter((e) => CONTROL_ONLY_KEYS.includes(e.key));
  for (const e of controlKeys) {
    f.error('control-key-alone', `${e.key} belongs to ${ownersOf(e.key)}, which ${label} is not: add that key or remove ${e.key}`, e.keyNode);
  }
  const methods = stepEntries.filter((e) => methodOfKey(e.key) !== undefined);
  const think = byKey.get('think');
  const nameEntry = byKey.get('name');

  if (think) {
    if (methods.length > 0) {
      f.error(
        'think-and-request',
        `${label} has both think and ${methods[0].key}: a step is a request or a pause, so split it into two steps`,
        think.keyNode,
      );
      return undefined;
    }
    for (const e of stepEntries) {
      if (e.key === 'think' || e.key === 'name' || !allowed.includes(e.key) || CONTROL_ONLY_KEYS.includes(e.key)) continue;
      f.error('think-step-key', `a think step takes only name and think: move ${e.key} to a request step`, e.keyNode);
    }
    const pause = readThink(f, think);
    // A think step with a broken name still pauses under its default name.
    if (nameEntry) explicitName(f, nameEntry);
    if (pause === undefined || stepEntries.some((e) => e.key !== 'think' && e.key !== 'name')) return undefined;
    return { kind: 'think', name, index, range, durationMs: pause.min, maxDurationMs: pause.max };
  }

  if (methods.length === 0) {
    if (!typoOfAction) {
      f.error(
        'missing-request',
        `${label} has no request: add one of ${HTTP_METHOD_KEYS.join(', ')} with a URL (or think: <duration> for a pause, or one of ${Object.keys(CONTROL_STEP_KEYS).join(', ')} around steps)`,
        stepEntries[0]?.keyNode ?? range,
      );
    }
    return undefined;
  }
  for (const extra of methods.slice(1)) {
    f.error(
      'multiple-requests',
      `${label} already sends ${methods[0].key.toUpperCase()}: a step sends one request, so move ${extra.key} to its own step`,
      extra.keyNode,
    );
  }
  const methodEntry = methods[0];
  let ok = methods.length === 1 && controlKeys.length === 0 && !stepEntries.some((e) => !allowed.includes(e.key));
  if (nameEntry && explicitName(f, nameEntry) === undefined) ok = false;

  const url = checkUrl(f, methodEntry, scope, context.baseUrlGiven);
  if (!url) ok = false;

  const headers = templateMap(f, byKey.get('headers'), scope, 'header');
  const query = templateMap(f, byKey.get('query'), scope, 'query');
  const cookies = templateMap(f, byKey.get('cookies'), scope, 'cookie');
  if (!headers || !query || !cookies) ok = false;

  const body = checkBody(f, stepEntries, label, scope);
  if (!body) ok = false;

  let timeoutMs: number | undefined;
  const timeout = byKey.get('timeout');
  if (timeout) {
    timeoutMs = readDuration(f, timeout, stepSchema().properties.timeout as StringSchema);
    if (timeoutMs === undefined) ok = false;
  }

  let once = false;
  const onceEntry = byKey.get('once');
  if (onceEntry) {
    const value = readScalar(f, onceEntry, stepSchema().properties.once);
    if (typeof value === 'boolean') once = value;
    else ok = false;
  }

  const checks = byKey.has('check') ? checkChecks(f, byKey.get('check')!) : [];
  if (!checks) ok = false;
  const captures = byKey.has('capture') ? checkCaptures(f, byKey.get('capture')!, context, context.captureLifetime) : [];
  if (!captures) ok = false;

  if (!ok || !url || !headers || !query || !cookies || !body || !checks || !captures) return undefined;
  return {
    kind: 'request',
    name,
    index,
    range,
    method: methodOfKey(methodEntry.key)!,
    once,
    url,
    query,
    headers,
    cookies,
    body,
    timeoutMs,
    checks,
    captures,
  };
}

/** A request's one body: `json`, `body`, `form` or `multipart` (two of them is an error at the second). */
function checkBody(f: Findings, stepEntries: Entry[], label: string, scope: StepScope): RequestStepPlan['body'] | undefined {
  const given = stepEntries.filter((e) => (BODY_KEYS as readonly string[]).includes(e.key));
  if (given.length === 0) return { kind: 'none' };
  if (given.length > 1) {
    for (const extra of given.slice(1)) {
      f.error(
        'conflicting-bodies',
        `${label} has both ${given[0].key} and ${extra.key}: a request has one body, so remove one of them`,
        extra.keyNode,
      );
    }
    return undefined;
  }
  const entry = given[0];
  switch (entry.key as (typeof BODY_KEYS)[number]) {
    case 'json': {
      const value = jsonTemplate(f, entry.value, scope);
      return value && { kind: 'json', value };
    }
    case 'body': {
      const template = templateEntry(f, entry, scope, 'text (the request body)');
      return template && { kind: 'text', template };
    }
    case 'form': {
      const fields = templateMap(f, entry, scope, 'form');
      return fields && { kind: 'form', fields };
    }
    case 'multipart': {
      const parts = multipartParts(f, entry, scope);
      return parts && { kind: 'multipart', parts };
    }
  }
}

/** `think: 1s`, or `think: { min, max }` with min <= max: the pause's bounds in ms. */
function readThink(f: Findings, think: Entry): { min: number; max: number } | undefined {
  if (!isMap(think.value)) {
    const ms = readDuration(f, think, {});
    return ms === undefined ? undefined : { min: ms, max: ms };
  }
  const bounds = entries(f, think.value);
  const allowed = ['min', 'max'];
  const read: Record<string, number | undefined> = {};
  let ok = true;
  for (const e of bounds) {
    if (!allowed.includes(e.key)) {
      unknownKey(f, e, allowed, 'think');
      ok = false;
    } else {
      read[e.key] = readDuration(f, e, {});
      if (read[e.key] === undefined) ok = false;
    }
  }
  for (const key of allowed) {
    if (bounds.some((e) => e.key === key)) continue;
    f.error('missing-key', `think has no ${key}: write think: { min: 1s, max: 3s }`, think.keyNode);
    ok = false;
  }
  if (!ok) return undefined;
  const min = read.min!;
  const max = read.max!;
  if (min > max) {
    const [minEntry, maxEntry] = allowed.map((key) => bounds.find((e) => e.key === key)!);
    f.error(
      'think-range',
      `think's max (${scalarText(f, maxEntry, '')}) is shorter than its min (${scalarText(f, minEntry, '')}): make max at least min`,
      maxEntry.value!,
    );
    return undefined;
  }
  return { min, max };
}

/** A step's `name:`, when it is a non-empty text (the name itself comes from stepNameOf). */
function explicitName(f: Findings, entry: Entry): string | undefined {
  const text = scalarText(f, entry, 'text');
  if (text === undefined) return undefined;
  if (text.trim() === '') {
    f.error('invalid-value', 'a step name must not be empty: remove name to use the default "METHOD url"', valueAt(entry));
    return undefined;
  }
  return text;
}

/** "repeat or group" for `flow`: the control steps a key belongs to. */
function ownersOf(key: string): string {
  const owners = Object.entries(CONTROL_STEP_KEYS)
    .filter(([, keys]) => (keys as readonly string[]).includes(key))
    .map(([owner]) => owner);
  return owners.length === 1 ? `${owners[0]}` : `${owners.slice(0, -1).join(', ')} or ${owners[owners.length - 1]}`;
}
