// What a request step sends: its URL (relative ones need the file's baseUrl), headers and query
// parameters as templates, and its body: JSON whose strings are templates, form fields, multipart parts.
import { basename } from 'node:path';
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { COOKIE_NAME_PATTERN, HEADER_NAME_PATTERN } from '../names';
import type { JsonTemplate, MultipartPart, Template } from '../plan';
import { stepSchema, type MapSchema, type ObjectSchema } from '../schema';
import type { Findings } from './findings';
import { exactStart } from './ranges';
import { deref, describe, entries, expectMap, isUnquotedTemplate, reportUnquotedTemplate, scalarText, unknownKey, type Entry } from './read';
import { checkTemplate, templateEntry, type StepScope } from './templates';

/** The request URL of a method key: a path after baseUrl, or an absolute http(s) URL. */
export function checkUrl(f: Findings, entry: Entry, scope: StepScope, baseUrlGiven: boolean): Template | undefined {
  const template = templateEntry(f, entry, scope, 'a URL such as /products or http://host/path');
  if (!template) return undefined;
  const node = entry.value as Scalar;
  const source = template.source;
  const open = source.indexOf('{{');
  const prefix = open < 0 ? source : source.slice(0, open);
  if (source.trim() === '') {
    f.error('invalid-url', `${entry.key} has an empty URL: write a path such as /products`, node);
    return undefined;
  }
  if (open === 0) return template; // The whole URL is computed: checked when it is rendered.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(prefix);
  if (scheme) {
    const s = scheme[1].toLowerCase();
    if (s !== 'http' && s !== 'https') {
      f.error('invalid-url', `URL scheme "${scheme[1]}:" is not supported: use http:// or https://`, node);
      return undefined;
    }
    if (template.constant !== undefined) {
      try {
        new URL(source);
      } catch {
        f.error('invalid-url', `"${source}" is not a valid URL`, node);
        return undefined;
      }
    }
    return template;
  }
  if (!prefix.startsWith('/')) {
    const start = exactStart(f.doc, node);
    f.error(
      'invalid-url',
      `URL "${source}" must start with "/" (relative to baseUrl) or with http:// or https://`,
      node,
      start !== undefined ? [{ title: 'Add "/"', range: f.doc.rangeAt(start, start), newText: '/' }] : undefined,
    );
    return undefined;
  }
  if (prefix.startsWith('//')) {
    f.error('invalid-url', `URL "${source}" starts with "//": write a path with one "/" or a full http:// URL`, node);
    return undefined;
  }
  if (!baseUrlGiven) {
    f.error(
      'relative-url-without-base',
      `relative URL "${source}" needs a baseUrl: add baseUrl: http://host:port at the top of the file, or write an absolute URL`,
      node,
    );
    return undefined;
  }
  return template;
}

/** What each name-to-template map of a step holds, and the rule its names follow. */
const TEMPLATE_MAPS: Readonly<Record<'header' | 'query' | 'cookie' | 'form', Readonly<{ what: string; values: string }>>> = {
  header: { what: 'a map of header names to values', values: 'a text (templates allowed)' },
  query: { what: 'a map of query parameters to values', values: 'a text, number or boolean (templates allowed)' },
  cookie: { what: 'a map of cookie names to values', values: 'a text (templates allowed)' },
  form: { what: 'a map of form fields to values', values: 'a text, number or boolean (templates allowed)' },
};

/** `headers:`, `query:`, `cookies:` or `form:`: names to templates. */
export function templateMap(f: Findings, entry: Entry | undefined, scope: StepScope, kind: keyof typeof TEMPLATE_MAPS): Array<[string, Template]> | undefined {
  if (!entry) return [];
  const map = expectMap(f, entry, TEMPLATE_MAPS[kind].what);
  if (!map) return undefined;
  const out: Array<[string, Template]> = [];
  let ok = true;
  for (const e of entries(f, map)) {
    if (kind === 'header' && !HEADER_NAME_PATTERN.test(e.key)) {
      f.error('invalid-header-name', `"${e.key}" is not a valid header name: use letters, digits and - (no spaces or colons)`, e.keyNode);
      ok = false;
      continue;
    }
    if (kind === 'cookie' && !COOKIE_NAME_PATTERN.test(e.key)) {
      f.error('invalid-cookie-name', `"${e.key}" is not a valid cookie name: use letters, digits and - or _ (no spaces, "=", ";" or ",")`, e.keyNode);
      ok = false;
      continue;
    }
    const template = templateEntry(f, e, scope, TEMPLATE_MAPS[kind].values);
    if (template) out.push([e.key, template]);
    else ok = false;
  }
  return ok ? out : undefined;
}

/** A `json:` body: any YAML value, its strings templates. */
export function jsonTemplate(f: Findings, node: Node | null, scope: StepScope): JsonTemplate | undefined {
  const value = deref(f, node);
  if (isScalar(value)) {
    const v = value.value;
    if (typeof v === 'string') return { kind: 'string', template: checkTemplate(f, value, v, scope) };
    if (v === null || typeof v === 'boolean') return { kind: 'value', value: v };
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) {
        f.error('wrong-type', `${describe(f, value)} cannot be sent as JSON: use a finite number`, value);
        return undefined;
      }
      return { kind: 'value', value: v };
    }
    f.error('wrong-type', 'this value cannot be sent as JSON', value);
    return undefined;
  }
  if (isUnquotedTemplate(f, value)) {
    reportUnquotedTemplate(f, value!);
    return undefined;
  }
  if (isSeq(value)) {
    const items: JsonTemplate[] = [];
    let ok = true;
    for (const item of value.items) {
      const t = jsonTemplate(f, item as Node | null, scope);
      if (t) items.push(t);
      else ok = false;
    }
    return ok ? { kind: 'array', items } : undefined;
  }
  if (isMap(value)) {
    const pairs: Array<[string, JsonTemplate]> = [];
    let ok = true;
    for (const e of entries(f, value)) {
      const t = jsonTemplate(f, e.value, scope);
      if (t) pairs.push([e.key, t]);
      else ok = false;
    }
    if (value.items.length !== pairs.length) ok = false;
    return ok ? { kind: 'object', entries: pairs } : undefined;
  }
  if (value === null) return { kind: 'value', value: null };
  f.error('wrong-type', 'this value cannot be sent as JSON', node!);
  return undefined;
}

/** `multipart:`: part names to a text field (a template) or a file part `{ file, contentType, filename }`. */
export function multipartParts(f: Findings, entry: Entry, scope: StepScope): MultipartPart[] | undefined {
  const map = expectMap(f, entry, 'a map of part names to text fields or { file: PATH }');
  if (!map) return undefined;
  const parts: MultipartPart[] = [];
  let ok = true;
  for (const e of entries(f, map)) {
    if (isMap(e.value) && !isUnquotedTemplate(f, e.value)) {
      const part = filePart(f, e);
      if (part) parts.push(part);
      else ok = false;
      continue;
    }
    const value = templateEntry(f, e, scope, 'a text (templates allowed) or { file: PATH }');
    if (value) parts.push({ kind: 'field', name: e.key, value });
    else ok = false;
  }
  return ok && parts.length === map.items.length ? parts : undefined;
}

function filePart(f: Findings, part: Entry): MultipartPart | undefined {
  const schema = ((stepSchema().properties.multipart as MapSchema).values as { variants: readonly ObjectSchema[] }).variants.find(
    (v) => v.type === 'object',
  )!;
  const allowed = Object.keys(schema.properties);
  const given = new Map<string, string>();
  let ok = true;
  const partEntries = entries(f, part.value as YAMLMap);
  for (const e of partEntries) {
    if (!allowed.includes(e.key)) {
      unknownKey(f, e, allowed, `file part "${part.key}"`);
      ok = false;
      continue;
    }
    const text = scalarText(f, e, e.key === 'file' ? 'a path relative to the scenario file' : 'a text');
    if (text === undefined) ok = false;
    else if (text.trim() === '') {
      f.error('invalid-value', `${e.key} of file part "${part.key}" must not be empty`, e.value!);
      ok = false;
    } else given.set(e.key, text);
  }
  const file = partEntries.find((e) => e.key === 'file');
  if (!file) {
    f.error('missing-key', `file part "${part.key}" has no file: add file: PATH (relative to the scenario file)`, part.keyNode);
    return undefined;
  }
  if (!ok) return undefined;
  const path = given.get('file')!;
  return {
    kind: 'file',
    name: part.key,
    path,
    range: f.doc.rangeOf(file.value!),
    filename: given.get('filename') ?? basename(path),
    contentType: given.get('contentType') ?? (schema.properties.contentType.default as string),
    content: undefined,
  };
}
