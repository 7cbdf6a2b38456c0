// A scenario's `flow:`: its steps in order, each a request or a think pause, with the rules between
// steps (captures are read only after the step that captures them, request step names are unique in a
// flow, a trailing think does nothing under an arrival-rate executor).
import { isMap, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { keyText } from '../document';
import type { ExecutorType, RequestStepPlan, ThinkStepPlan } from '../plan';
import { BODY_KEYS, HTTP_METHOD_KEYS, stepSchema, type StringSchema } from '../schema';
import { methodOfKey, stepNameOf } from '../step-name';
import { suggest } from '../suggest';
import { checkCaptures, checkChecks } from './checks';
import type { Findings } from './findings';
import { emptyItemRange } from './ranges';
import { deref, describe, entries, expectSeq, isEmpty, readDuration, readScalar, scalarText, unknownKey, valueAt, type Entry } from './read';
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

export interface CheckedFlow {
  /** Every step, or none when one of them is broken. */
  steps: CheckedStep[];
  /** The names of all steps, broken ones too: a threshold on them is not a second error. */
  stepNames: string[];
  /** Every name the flow's steps capture, broken steps' too: templates reading them are not a second error. */
  captureNames: string[];
  /** The data sets the flow's templates read. */
  dataSets?: string[];
}

/** `owner` names the flow in messages: `the flow of scenario "browse"`, `setup`. */
export function checkFlow(f: Findings, entry: Entry, owner: string, executor: ExecutorType | undefined, context: FlowContext): CheckedFlow {
  const seq = expectSeq(f, entry, 'a list of steps (each line starting with "- ")');
  if (!seq) return { steps: [], stepNames: [], captureNames: [] };
  if (seq.items.length === 0) {
    f.error('empty-flow', `${owner} is empty: add at least one step, e.g. - get: /`, seq);
    return { steps: [], stepNames: [], captureNames: [] };
  }
  const items = seq.items.map((raw) => deref(f, raw as Node | null));
  const names = items.map((item) => stepNameOf(f.doc, item));
  // First pass: who captures what, so templates can say "captured later" instead of "unknown".
  const capturedBy = new Map<string, Array<{ index: number; name: string }>>();
  items.forEach((item, index) => {
    for (const key of captureNames(f, item)) {
      const list = capturedBy.get(key) ?? [];
      list.push({ index, name: names[index] });
      capturedBy.set(key, list);
    }
  });
  const variableNames = [...Object.keys(context.variables), ...context.setupCaptures];
  const inScope = new Set<string>([...variableNames, ...capturedBy.keys()]);
  const visible = new Set<string>(variableNames);
  const steps: CheckedStep[] = [];
  const stepNames: string[] = [];
  const seen = new Map<string, number>();
  const dataRead = new Set<string>();
  items.forEach((item, index) => {
    const scope: StepScope = { names: inScope, visible, capturedBy, index, data: context.data, dataRead };
    const step = checkStep(f, item, index, seq, scope, names[index], context);
    if (step) {
      // Think steps have no metrics of their own: the same pause twice in a flow is normal.
      const previous = step.kind === 'request' ? seen.get(step.name) : undefined;
      if (previous !== undefined) {
        f.warning(
          'duplicate-step-name',
          `step name "${step.name}" is already used by step ${previous + 1} of this scenario: their metrics and results would mix; give this step its own name`,
          stepNameNode(item as YAMLMap) ?? (item as Node),
        );
      } else if (step.kind === 'request') {
        seen.set(step.name, index);
      }
      steps.push(step);
    }
    if (names[index] !== '') stepNames.push(names[index]);
    // Captures become visible to later steps even when this step has other errors.
    for (const key of captureNames(f, item)) visible.add(key);
  });
  const last = items[items.length - 1];
  if (
    (executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate') &&
    isMap(last) &&
    items.length > 1 &&
    last.items.some((p) => keyText(p) === 'think') &&
    steps.length === items.length
  ) {
    f.warning(
      'trailing-think',
      'a think at the end of the flow only keeps the VU busy: arrival-rate executors start iterations on their schedule, not after a pause; remove it',
      last,
    );
  }
  return { steps: steps.length === items.length ? steps : [], stepNames, captureNames: [...capturedBy.keys()], dataSets: [...dataRead] };
}

/** The names a flow item's `capture:` map gives, valid or not. */
function captureNames(f: Findings, item: Node | null): string[] {
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
function stepNameNode(item: YAMLMap): Node | undefined {
  const pair = item.items.find((p) => keyText(p) === 'name') ?? item.items.find((p) => methodOfKey(keyText(p)) !== undefined);
  return (pair?.value as Node | null) ?? (pair?.key as Node | undefined) ?? undefined;
}

function checkStep(
  f: Findings,
  item: Node | null,
  index: number,
  seq: YAMLSeq,
  scope: StepScope,
  name: string,
  context: FlowContext,
): CheckedStep | undefined {
  const label = `step ${index + 1}`;
  if (!isMap(item)) {
    const at = isEmpty(item) ? emptyItemRange(f.doc, seq, index) : f.doc.rangeOf(item!);
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
    if (suggestion !== undefined && (methodOfKey(suggestion) !== undefined || suggestion === 'think')) typoOfAction = true;
    unknownKey(f, e, allowed, label);
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
      if (e.key === 'think' || e.key === 'name' || !allowed.includes(e.key)) continue;
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
        `${label} has no request: add one of ${HTTP_METHOD_KEYS.join(', ')} with a URL (or think: <duration> for a pause)`,
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
  let ok = methods.length === 1 && !stepEntries.some((e) => !allowed.includes(e.key));
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
