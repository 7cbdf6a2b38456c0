// Keeps secrets out of everything a run writes (NDJSON, IPC events, terminal logs): the values of env
// variables a scenario reads or the user passed with -e, and credential header values.
import type { RunEvent } from '../../protocol';

export const REDACTED = '[redacted]';

/**
 * Values shorter than this are not treated as secrets: replacing every "1" or "on" in a log line would
 * garble it, and a value that short protects nothing.
 */
export const MIN_SECRET_LENGTH = 4;

/** `Authorization: Bearer x`, `"cookie":"a=b"`, `proxy-authorization=…`: the value up to a quote or line end. */
const CREDENTIAL_HEADER = /\b((?:proxy-)?authorization|(?:set-)?cookie)(["']?\s*[:=]\s*["']?)([^"'\r\n]+)/gi;

/** A field name that says its value is a credential: `token`, `access_token`, `password`, `apiKey`, `sessionId`, `sid`… */
const CREDENTIAL_NAME = String.raw`[\w.-]*(?:token|secret|pass(?:word|wd|phrase)|api[_-]?key|session|jwt|credential|authorization|cookie)[\w.-]*|sid|pwd`;
const CREDENTIAL_NAME_ONLY = new RegExp(String.raw`^(?:${CREDENTIAL_NAME})$`, 'i');

/** A field, header, capture or cookie name that says its value is a credential (`Authorization`, `token`, `sessionId`, `sid`…). */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME_ONLY.test(name);
}
/** `"name": "value"` in JSON (the value a string); `name=value` in a form body or query. */
const CREDENTIAL_JSON_FIELD = new RegExp(String.raw`("(?:${CREDENTIAL_NAME})"\s*:\s*")((?:[^"\\]|\\.)*)`, 'gi');
const CREDENTIAL_FORM_FIELD = new RegExp(String.raw`((?:^|[?&])(?:${CREDENTIAL_NAME})=)([^&\s]*)`, 'gi');
/** A JSON Web Token, whatever field holds it: header.payload.signature, the first two base64url JSON. */
const JWT = /\beyJ[\w-]{4,}\.eyJ[\w-]{4,}\.[\w-]*/g;

/**
 * A response body as a message may quote it: the values of credential-named fields (JSON or urlencoded)
 * and JWTs replaced. A login response holds the token it issues, which no env secret or capture names yet
 * when the check that failed came before the capture.
 */
export function redactCredentialFields(body: string): string {
  const field = (_m: string, name: string, value: string): string => (value === '' ? `${name}${value}` : `${name}${REDACTED}`);
  return body.replace(CREDENTIAL_JSON_FIELD, field).replace(CREDENTIAL_FORM_FIELD, field).replace(JWT, REDACTED);
}

/**
 * The strings in a captured value (an object's or array's leaves too). Numbers are left out: an id is no
 * secret, and replacing every "1042" in the stream would garble it.
 */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) stringsIn(item, out);
  return out;
}

export class Redactor {
  private secrets: string[] = [];

  constructor(secretValues: Iterable<string | undefined>) {
    this.add(secretValues);
  }

  /** More secret values, from then on (what setup captured, known once it has run). */
  add(secretValues: Iterable<string | undefined>): void {
    const unique = new Set<string>(this.secrets);
    for (const value of secretValues) {
      if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) unique.add(value);
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = [...unique].sort((a, b) => b.length - a.length);
  }

  /** The secret values, longest first (a worker thread's redactor is made of its process's). */
  get values(): readonly string[] {
    return this.secrets;
  }

  get size(): number {
    return this.secrets.length;
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out.replace(CREDENTIAL_HEADER, (_m, name: string, sep: string, value: string) =>
      value.trim() === REDACTED ? `${name}${sep}${value}` : `${name}${sep}${REDACTED}`,
    );
  }

  /** A copy of any JSON-like value with every string (keys too) redacted; numbers and booleans kept. */
  value<T>(input: T): T {
    return this.walk(input) as T;
  }

  /**
   * The event as it may leave the process. Log lines get header redaction too; every other event only
   * loses secret values, and only when one could be present (the common case copies nothing).
   */
  event(event: RunEvent): RunEvent {
    if (event.type === 'log') return { ...event, message: this.text(event.message) };
    if (this.secrets.length === 0) return event;
    return this.value(event);
  }

  private walk(input: unknown): unknown {
    if (typeof input === 'string') return this.text(input);
    if (Array.isArray(input)) return input.map((item) => this.walk(item));
    if (input !== null && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(input)) {
        // Base64 HDR histograms carry no text; a chance match would only corrupt them.
        out[this.text(key)] = key === 'histograms' ? value : this.walk(value);
      }
      return out;
    }
    return input;
  }
}

/** Names of env variables that templates read (`env.NAME`), found in any template source of a plan. */
export function envNamesReadBy(plan: unknown): Set<string> {
  const names = new Set<string>();
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    // A capture's RegExp has a `source` too, but it matches responses; it is not a template. File bytes
    // (multipart parts, data sets) hold no templates, and walking them would visit every byte.
    if (value instanceof RegExp || ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) return;
    const source = (value as { source?: unknown }).source;
    if (typeof source === 'string') {
      for (const match of source.matchAll(/\benv\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)|\benv\s*\[\s*["']([^"']+)["']\s*\]/g)) {
        names.add(match[1] ?? match[2]);
      }
    }
    for (const child of Object.values(value)) visit(child);
  };
  visit(plan);
  return names;
}
