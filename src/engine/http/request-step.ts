// A request step made ready once before the run: what is constant is computed here (origin, path,
// header values, body bytes); per request only the templates are rendered into the VU's Exchange.
import { version as engineVersion } from '../../../package.json';
import type { RequestStepPlan, Template, TemplateContext } from '../scenario/plan';
import type { HttpAgent } from './agent';
import { VUCookieJar } from './cookies';
import type { Exchange } from './exchange';
import { FormBody } from './form-body';
import { compileJsonBody } from './json-body';
import { MultipartBody } from './multipart-body';
import type { Origin } from './origin';

/**
 * Sent unless the step sets its own, as k6 sends `k6/<version> (https://k6.io/)`: some servers reject
 * requests without one. Kept short (the package names no homepage to add), since it is in every request.
 */
export const USER_AGENT = `volley/${engineVersion}`;

/** Where relative step URLs go: `baseUrl` split into its origin and path prefix. */
export interface BaseTarget {
  origin: Origin | undefined;
  /** The base URL's path without its trailing slash ('' for the root). */
  path: string;
}

export function baseTarget(baseUrl: string | undefined, agent: HttpAgent): BaseTarget {
  if (!baseUrl) return { origin: undefined, path: '' };
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return { origin: undefined, path: '' };
  }
  return { origin: agent.origin(url.origin), path: url.pathname.replace(/\/+$/, '') };
}

/** Stands for the jar when `http.cookies` is off: never stored into, so only a step's `cookies:` are sent. */
const NO_JAR = new VUCookieJar();

/** Characters undici refuses in a request target: percent-encode them the way URL does. */
const NEEDS_ENCODING = /[^\x21-\x7e]/;

function encodePath(path: string): string {
  const url = new URL(path, 'http://x');
  return url.pathname + url.search;
}

export class RequestStep {
  /** The response headers are read by a check or a capture (or are needed to decode the body). */
  readonly keepHeaders: boolean;
  /** The response body is read by a check or a capture. */
  readonly keepBody: boolean;
  private readonly url: Template;
  private readonly queryKeys: string[];
  private readonly queryValues: Template[];
  private readonly headerNames: string[];
  private readonly headerValues: Template[];
  private readonly extraHeaders: string[];
  private readonly cookieValues: Template[];
  /** Scratch of fill(): the step's rendered cookies. */
  private readonly cookies: Array<[string, string]>;
  /** Where the step's own `Cookie` header is in `headers` (the jar's cookies join it), or -1. */
  private readonly cookieHeaderAt: number;
  private readonly constantBody: Buffer | null | undefined;
  /** A json, form or multipart body with templates: what writes it per request. */
  private readonly writer: { write(ctx: TemplateContext): string | Buffer } | undefined;
  private readonly text: Template | undefined;
  /** Target of a constant URL without query: resolved once. */
  private constantOrigin: Origin | undefined = undefined;
  private constantPath: string | undefined = undefined;
  /** Scratch of resolve(): the origin of the last rendered URL. */
  private origin: Origin | undefined = undefined;

  constructor(
    readonly plan: RequestStepPlan,
    private readonly base: BaseTarget,
    private readonly agent: HttpAgent,
  ) {
    this.url = plan.url;
    this.queryKeys = plan.query.map(([k]) => encodeURIComponent(k));
    this.queryValues = plan.query.map(([, v]) => v);
    this.headerNames = plan.headers.map(([k]) => k);
    this.headerValues = plan.headers.map(([, v]) => v);
    const given = new Set(plan.headers.map(([k]) => k.toLowerCase()));
    this.cookieValues = plan.cookies.map(([, v]) => v);
    this.cookies = plan.cookies.map(([k]) => [k, '']);
    this.cookieHeaderAt = plan.headers.findIndex(([k]) => k.toLowerCase() === 'cookie');
    this.extraHeaders = [];
    if (!given.has('user-agent')) this.extraHeaders.push('user-agent', USER_AGENT);
    const body = plan.body;
    let contentType: string | undefined;
    let compiled: { constant: string | Buffer | undefined; write(ctx: TemplateContext): string | Buffer } | undefined;
    if (body.kind === 'none') this.constantBody = null;
    else if (body.kind === 'text') {
      this.text = body.template;
      this.constantBody = body.template.constant === undefined ? undefined : Buffer.from(body.template.constant);
    } else if (body.kind === 'json') {
      compiled = compileJsonBody(body.value);
      contentType = 'application/json';
    } else if (body.kind === 'form') {
      compiled = new FormBody(body.fields);
      contentType = 'application/x-www-form-urlencoded';
    } else {
      const multipart = new MultipartBody(body.parts);
      compiled = multipart;
      contentType = multipart.contentType;
    }
    if (compiled) {
      if (compiled.constant === undefined) this.writer = compiled;
      else this.constantBody = Buffer.isBuffer(compiled.constant) ? compiled.constant : Buffer.from(compiled.constant);
    }
    if (contentType !== undefined && !given.has('content-type')) this.extraHeaders.push('content-type', contentType);

    this.keepBody =
      plan.checks.some((c) => c.kind === 'bodyContains' || c.kind === 'json') ||
      plan.captures.some((c) => c.kind === 'json' || c.kind === 'regex');
    // With a jar, every response is searched for Set-Cookie (keeping undici's array costs no copy).
    this.keepHeaders =
      this.keepBody ||
      agent.plan.cookies !== 'off' ||
      plan.checks.some((c) => c.kind === 'header') ||
      plan.captures.some((c) => c.kind === 'header' || c.kind === 'cookie');

    if (plan.url.constant !== undefined && plan.query.length === 0) {
      this.constantPath = this.resolve(plan.url.constant);
      this.constantOrigin = this.origin;
    }
  }

  /**
   * Renders the request into `ex`, with the cookies of `jar` (null: `http.cookies` is off) and the step's.
   * Returns its origin, or undefined when the URL does not make an http(s) request (relative without
   * baseUrl, unknown scheme, malformed).
   */
  fill(ex: Exchange, ctx: TemplateContext, jar: VUCookieJar | null): Origin | undefined {
    let origin: Origin | undefined;
    let path: string | undefined;
    if (this.constantOrigin !== undefined) {
      origin = this.constantOrigin;
      path = this.constantPath;
    } else {
      path = this.resolve(this.url.render(ctx));
      origin = this.origin;
      if (path !== undefined && this.queryKeys.length > 0) path = this.appendQuery(path, ctx);
    }
    if (origin === undefined || path === undefined) return undefined;

    ex.method = this.plan.method;
    ex.path = path;
    ex.timeoutMs = this.plan.timeoutMs > 0 ? this.plan.timeoutMs : this.agent.plan.timeoutMs;
    ex.keepHeaders = this.keepHeaders;
    ex.keepBody = this.keepBody;

    const headers = ex.headers;
    headers.length = 0;
    const names = this.headerNames;
    const values = this.headerValues;
    for (let i = 0; i < names.length; i++) {
      const t = values[i];
      headers.push(names[i], t.constant ?? t.render(ctx));
    }
    const extra = this.extraHeaders;
    for (let i = 0; i < extra.length; i++) headers.push(extra[i]);
    if (this.cookies.length > 0 || (jar !== null && !jar.empty)) this.addCookies(headers, origin.key + path, jar ?? NO_JAR, ctx);

    if (this.constantBody !== undefined) ex.body = this.constantBody;
    else if (this.writer) ex.body = this.writer.write(ctx);
    else ex.body = this.text ? this.text.render(ctx) : null;
    return origin;
  }

  private addCookies(headers: string[], url: string, jar: VUCookieJar, ctx: TemplateContext): void {
    const cookies = this.cookies;
    for (let i = 0; i < cookies.length; i++) {
      const t = this.cookieValues[i];
      cookies[i][1] = t.constant ?? t.render(ctx);
    }
    const value = jar.header(url, cookies);
    if (value === '') return;
    const at = this.cookieHeaderAt;
    // One Cookie header (RFC 6265 5.4): the step's own, then the jar's, as Go's AddCookie appends in k6.
    if (at >= 0) headers[2 * at + 1] += '; ' + value;
    else headers.push('cookie', value);
  }

  /** Splits a rendered URL into origin (in this.origin) and request target; undefined when invalid. */
  private resolve(url: string): string | undefined {
    let path: string;
    const scheme = url.indexOf('://');
    if (scheme > 0 && /^https?$/i.test(url.slice(0, scheme))) {
      let end = scheme + 3;
      while (end < url.length) {
        const c = url.charCodeAt(end);
        if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
        end++;
      }
      this.origin = this.agent.origin(url.slice(0, end));
      path = url.slice(end);
      if (path === '' || path[0] !== '/') path = '/' + path;
    } else if (scheme > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(url.slice(0, scheme))) {
      this.origin = undefined; // another scheme: not HTTP
      return undefined;
    } else {
      this.origin = this.base.origin;
      const c = url[0];
      path = this.base.path + (c === '/' || c === '?' ? url : url === '' ? '' : '/' + url);
      if (path === '' || path[0] !== '/') path = '/' + path;
    }
    const hash = path.indexOf('#');
    if (hash >= 0) path = path.slice(0, hash);
    if (NEEDS_ENCODING.test(path)) {
      try {
        path = encodePath(path);
      } catch {
        return undefined;
      }
    }
    return path;
  }

  private appendQuery(path: string, ctx: TemplateContext): string {
    let out = path;
    let sep = path.includes('?') ? '&' : '?';
    const keys = this.queryKeys;
    const values = this.queryValues;
    for (let i = 0; i < keys.length; i++) {
      const t = values[i];
      out += sep + keys[i] + '=' + encodeURIComponent(t.constant ?? t.render(ctx));
      sep = '&';
    }
    return out;
  }
}
