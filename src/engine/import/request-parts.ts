// Turning the parts of a recorded request (an absolute URL, header lines, a cookie header, a body with
// its content type) into a step's keys, the same way for every importer that starts from raw requests
// (cURL, HAR, Postman, .http).
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { ImportContext } from './context';
import type { ImportedBody, ImportedRequest } from './model';
import { COOKIE_NAME_PATTERN, HEADER_NAME_PATTERN } from '../scenario/names';

/**
 * Headers a scenario should not send as written: hop-by-hop ones, those the HTTP client computes
 * (Host, Content-Length), and the browser's own (client hints, fetch metadata) that say nothing about
 * the application.
 */
const DROPPED_HEADERS = /^(host|content-length|connection|keep-alive|proxy-connection|te|trailer|transfer-encoding|upgrade|priority|upgrade-insecure-requests|dnt|sec-ch-.*|sec-fetch-.*|sec-gpc|:.*)$/i;

export function isDroppedHeader(name: string): boolean {
  return DROPPED_HEADERS.test(name);
}

/** The origin most URLs share, for baseUrl; undefined when there is no absolute URL. */
export function commonOrigin(urls: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const url of urls) {
    const origin = originOf(url);
    if (origin) counts.set(origin, (counts.get(origin) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [origin, n] of counts) if (best === undefined || n > counts.get(best)!) best = origin;
  return best;
}

export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sets the step's URL relative to baseUrl when it has that origin, and its query as `query:` (secret
 * parameters from env) unless a parameter repeats, which a map cannot say: then the query stays in the URL.
 */
export function setUrl(step: ImportedRequest, url: string, baseUrl: string | undefined, context: ImportContext): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    step.url = url;
    return;
  }
  const base = baseUrl !== undefined && parsed.origin === baseUrl ? '' : parsed.origin;
  const path = parsed.pathname;
  const params = [...parsed.searchParams];
  const names = new Set(params.map(([name]) => name));
  if (params.length > 0 && names.size === params.length) {
    step.url = `${base}${path}`;
    step.query = Object.fromEntries(params.map(([name, value]) => [name, context.namedValue(name, value, `the query parameter ${name}`)]));
  } else {
    step.url = `${base}${path}${parsed.search}`;
    if (params.some(([name]) => /token|key|secret|password|sig/i.test(name))) {
      context.warn('the query repeats a parameter and has a credential in it: it is written as recorded; move it to env by hand', undefined, step);
    }
  }
}

/** `a=1; sid=xyz` → cookies (session cookies from env); false when the text is not a cookie list. */
export function setCookies(step: ImportedRequest, cookieHeader: string, context: ImportContext): boolean {
  const pairs = cookieHeader
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const cookies: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return false;
    const name = pair.slice(0, eq).trim();
    if (!COOKIE_NAME_PATTERN.test(name)) return false;
    cookies[name] = context.namedValue(name, pair.slice(eq + 1).trim(), `the cookie ${name}`);
  }
  step.cookies = { ...step.cookies, ...cookies };
  return true;
}

/** Adds a header (credentials from env), or a warning when its name cannot be a header name. */
export function addHeader(step: ImportedRequest, name: string, value: string, context: ImportContext): void {
  if (isDroppedHeader(name)) return;
  if (!HEADER_NAME_PATTERN.test(name)) {
    context.warn(`header "${name}" is not a valid header name: left out`, undefined, step);
    return;
  }
  if (name.toLowerCase() === 'cookie' && setCookies(step, value, context)) return;
  // The engine decodes gzip, deflate and br; a browser also offers zstd.
  const sent = name.toLowerCase() === 'accept-encoding' ? value.split(',').map((v) => v.trim()).filter((v) => !/^zstd\b/i.test(v)).join(', ') : value;
  step.headers = { ...step.headers, [name]: context.headerValue(name, sent) };
}

export function headerOf(step: ImportedRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(step.headers ?? {})) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function removeHeader(step: ImportedRequest, name: string): void {
  if (!step.headers) return;
  const lower = name.toLowerCase();
  step.headers = Object.fromEntries(Object.entries(step.headers).filter(([key]) => key.toLowerCase() !== lower));
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function isJsonType(contentType: string | undefined): boolean {
  const type = mediaType(contentType);
  return type === 'application/json' || type.endsWith('+json');
}

/**
 * A recorded text body as the format's body key: JSON → `json:` (credential fields from env), a
 * urlencoded form → `form:`, anything else → `body:`. The Content-Type the key implies is dropped;
 * any other stays. `assumeForm`: cURL's -d sends a form when no Content-Type says otherwise.
 */
export function setTextBody(step: ImportedRequest, text: string, context: ImportContext, assumeForm = false): void {
  const contentType = headerOf(step, 'content-type');
  const type = mediaType(contentType);
  let body: ImportedBody = { kind: 'body', text };
  if (isJsonType(contentType) || (type === '' && /^\s*[[{]/.test(text))) {
    try {
      body = { kind: 'json', value: context.jsonValue(JSON.parse(text)) };
      if (type === 'application/json') removeHeader(step, 'content-type');
    } catch {
      context.warn('the body is not valid JSON although its Content-Type says so: sent as text', undefined, step);
    }
  } else if (type === 'application/x-www-form-urlencoded' || (type === '' && assumeForm)) {
    const fields = formFields(text);
    if (fields) {
      body = { kind: 'form', fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, context.namedValue(k, v, `the form field ${k}`)])) };
      removeHeader(step, 'content-type');
    } else if (type === '') {
      step.headers = { ...step.headers, 'Content-Type': 'application/x-www-form-urlencoded' };
    }
  }
  if (body.kind === 'body' && /(password|passwd|token|secret)=/i.test(text)) {
    context.warn('the body may hold a credential that could not be moved to env: check it before sharing the file', undefined, step);
  }
  step.body = body;
}

/** `a=1&b=x+y` as fields, or undefined when a name repeats or a part is not name=value. */
export function formFields(text: string): Record<string, string> | undefined {
  if (text === '' || !/^[^=&]+=[^&]*(&[^=&]+=[^&]*)*$/.test(text)) return undefined;
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    if (Object.hasOwn(fields, name)) return undefined;
    fields[name] = value;
  }
  return fields;
}

/**
 * A file a request uploads, as a multipart `file:` path relative to the output's directory; undefined
 * when it is not there (a scenario's files must exist for it to validate).
 */
export function fileRelativeToOutput(path: string, cwd: string, outputDir: string): string | undefined {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  return existsSync(absolute) ? relative(outputDir, absolute) || '.' : undefined;
}
