// A request step's `check:` (status, header, bodyContains, json) and `capture:` (names to sources).
import { isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { parseCaptureSource, parseCheckExpectation, parseJsonPath } from '../json-path';
import { HEADER_NAME_PATTERN } from '../names';
import type { CapturePlan, CheckPlan } from '../plan';
import { stepSchema, type ObjectSchema } from '../schema';
import type { Findings } from './findings';
import { innerRange } from './ranges';
import { deref, describe, entries, expectMap, isEmpty, readName, scalarText, unknownKey, type Entry } from './read';

export function checkChecks(f: Findings, entry: Entry): CheckPlan[] | undefined {
  const map = expectMap(f, entry, 'a map of checks: status, header, bodyContains, json');
  if (!map) return undefined;
  const checkSchema = stepSchema().properties.check as ObjectSchema;
  const allowed = Object.keys(checkSchema.properties);
  const out: CheckPlan[] = [];
  let ok = true;
  for (const e of entries(f, map)) {
    switch (e.key) {
      case 'status': {
        const allowedStatuses = readStatuses(f, e);
        if (allowedStatuses) out.push({ kind: 'status', name: `status is ${allowedStatuses.join(' or ')}`, allowed: allowedStatuses });
        else ok = false;
        break;
      }
      case 'header':
        if (!headerChecks(f, e, out)) ok = false;
        break;
      case 'bodyContains': {
        const text = scalarText(f, e, 'the text the body must contain');
        if (text === undefined) ok = false;
        else if (text === '') {
          f.error('invalid-value', 'bodyContains is empty: every body contains "", so write the text to look for', e.value!);
          ok = false;
        } else out.push({ kind: 'bodyContains', name: `body contains ${text}`, text });
        break;
      }
      case 'json':
        if (!jsonChecks(f, e, out)) ok = false;
        break;
      default:
        unknownKey(f, e, allowed, 'check');
        ok = false;
    }
  }
  return ok ? out : undefined;
}

function headerChecks(f: Findings, entry: Entry, out: CheckPlan[]): boolean {
  const headers = expectMap(f, entry, 'a map of header names to expected values');
  if (!headers) return false;
  let ok = true;
  for (const h of entries(f, headers)) {
    if (!HEADER_NAME_PATTERN.test(h.key)) {
      f.error('invalid-header-name', `"${h.key}" is not a valid header name`, h.keyNode);
      ok = false;
      continue;
    }
    const value = scalarText(f, h, "the header's expected value");
    if (value === undefined) ok = false;
    else out.push({ kind: 'header', name: `header ${h.key} is ${value}`, header: h.key.toLowerCase(), equals: value });
  }
  return ok;
}

function jsonChecks(f: Findings, entry: Entry, out: CheckPlan[]): boolean {
  const paths = expectMap(f, entry, 'a map of JSON paths to expected values, e.g. { "items[0].id": "> 0" }');
  if (!paths) return false;
  let ok = true;
  for (const p of entries(f, paths)) {
    const parsed = parseJsonPath(p.key);
    if (!parsed.ok) {
      f.error('invalid-json-path', `JSON path "${p.key}": ${parsed.message}`, innerRange(f.doc, p.keyNode, parsed.offset, parsed.length).range);
      ok = false;
      continue;
    }
    const value = deref(f, p.value);
    if (!isScalar(value)) {
      f.error(
        'invalid-check',
        `the check on ${p.key} must be a value (200, "ok", true, null) or a comparison such as "> 0", not ${describe(f, value)}`,
        isEmpty(value) ? p.keyNode : value!,
      );
      ok = false;
      continue;
    }
    const expectation = parseCheckExpectation(value.value);
    if (!expectation.ok) {
      f.error('invalid-check', `the check on ${p.key}: ${expectation.message}`, value);
      ok = false;
      continue;
    }
    const expectedText = typeof expectation.expected === 'string' ? JSON.stringify(expectation.expected) : String(expectation.expected);
    out.push({
      kind: 'json',
      name: `json ${p.key} ${expectation.op} ${expectedText}`,
      path: parsed.path,
      op: expectation.op,
      expected: expectation.expected,
    });
  }
  return ok;
}

function readStatuses(f: Findings, entry: Entry): number[] | undefined {
  const what = 'a status code such as 200, or a list such as [200, 201]';
  const one = (node: Node | null): number | undefined => {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 100 && node.value <= 599) {
      return node.value;
    }
    if (isScalar(node) && typeof node.value === 'number') {
      f.error('out-of-range', `status ${node.source ?? node.value} is not an HTTP status: use 100 to 599`, node);
    } else {
      f.error('wrong-type', `status must be ${what}, not ${describe(f, node)}`, isEmpty(node) ? entry.keyNode : node!);
    }
    return undefined;
  };
  const value = entry.value;
  if (isSeq(value)) {
    if (value.items.length === 0) {
      f.error('empty-list', 'status is an empty list: list the allowed codes, e.g. [200, 201]', value);
      return undefined;
    }
    const codes = value.items.map((i) => one(deref(f, i as Node | null)));
    return codes.every((c) => c !== undefined) ? (codes as number[]) : undefined;
  }
  const code = one(value);
  return code === undefined ? undefined : [code];
}

/**
 * `capture:`: names later steps read, each with a source in the response. A capture may hide a variable
 * or a capture of `setup:` (`context.setupCaptures`) for as long as it lives: `lifetime` says how long.
 */
export function checkCaptures(
  f: Findings,
  entry: Entry,
  context: { variables: Readonly<Record<string, unknown>>; setupCaptures: readonly string[]; data?: ReadonlyMap<string, unknown> },
  lifetime = 'for the rest of the iteration',
): CapturePlan[] | undefined {
  const map = expectMap(f, entry, 'a map of names to sources such as json.items[0].id');
  if (!map) return undefined;
  const out: CapturePlan[] = [];
  let ok = true;
  for (const e of entries(f, map)) {
    if (!readName(f, e, 'capture')) {
      ok = false;
      continue;
    }
    if (context.data?.has(e.key) === true) {
      f.error('capture-named-like-data-set', `capture ${e.key} has the name of a data set, which templates read instead ({{ ${e.key}.column }}): rename the capture`, e.keyNode);
      ok = false;
    } else if (Object.prototype.hasOwnProperty.call(context.variables, e.key)) {
      f.warning('capture-shadows-variable', `capture ${e.key} hides the variable of the same name ${lifetime}: rename one of them`, e.keyNode);
    } else if (context.setupCaptures.includes(e.key)) {
      f.warning('capture-shadows-setup', `capture ${e.key} hides setup's capture of the same name ${lifetime}: rename one of them`, e.keyNode);
    }
    const text = scalarText(f, e, 'a source: json.PATH, header.NAME, cookie.NAME or regex:PATTERN');
    if (text === undefined) {
      ok = false;
      continue;
    }
    const parsed = parseCaptureSource(text);
    if (!parsed.ok) {
      f.error('invalid-capture', `capture ${e.key}: ${parsed.message}`, innerRange(f.doc, e.value as Scalar, parsed.offset, parsed.length).range);
      ok = false;
      continue;
    }
    out.push({ ...parsed.capture, name: e.key } as CapturePlan);
  }
  return ok ? out : undefined;
}
