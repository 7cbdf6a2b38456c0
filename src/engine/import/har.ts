// HAR 1.2 (Chromium's, Firefox's and playwright's exports): the main host's requests without static
// assets (unless asked), pages as sections with think steps for the gaps between them, Cookie headers
// left to the VU's jar, and correlation: a value a response gave (a JSON leaf, a header, a Set-Cookie)
// that a later request sends becomes a capture on the first and `{{ name }}` in the second.
import type { ImportContext } from './context';
import { HTTP_METHODS, ImportError, request, type HttpMethod, type ImportedDocument, type ImportedRequest, type ImportedSection, type ImportedStep, parseJsonInput, type ParsedJson as Json } from './model';
import { addHeader, isDroppedHeader, isJsonType, originOf, removeHeader, setTextBody } from './request-parts';
import { parseJsonWithTemplates } from './templates';
import { nameProblem } from '../scenario/names';
import { scenarioDuration } from '../../format';

export interface HarOptions {
  includeAssets: boolean;
  /** Hosts kept besides the main one (host or host:port). */
  hosts: string[];
}

const ASSET_TYPES = new Set(['image', 'font', 'stylesheet', 'script', 'media', 'manifest', 'texttrack', 'ping', 'websocket']);
const ASSET_MIME = /^(image|font|audio|video)\/|css|javascript|ecmascript|wasm/;
const ASSET_PATH = /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|woff2?|ttf|otf|eot|css|m?js|map|mp4|webm|mp3|ogg|wav)$/i;
/** Response headers whose values say nothing a later request would send back. */
export const UNCORRELATED_HEADERS = /^(date|server|vary|expires|age|via|connection|keep-alive|transfer-encoding|content-(length|type|encoding|language)|cache-control|pragma|last-modified|access-control-.*|strict-transport-security|alt-svc|x-powered-by|set-cookie|report-to|nel)$/i;
/** Browser noise besides request-parts' list, which a recording always has. */
const RECORDED_NOISE = /^(cookie|accept-language|cache-control|pragma|origin|referer)$/i;
/** Gaps between pages shorter than this are not worth a think step. */
const MIN_THINK_MS = 100;
const MAX_THINK_MS = 60_000;

interface Candidate {
  value: string;
  entry: number;
  source: string;
  name: string;
  /** A short id (`c1`), followed only where it is a whole segment of a later URL's path. */
  pathSegment: boolean;
}

/** JSON keys that name an id: `id`, `cartId`, `order_id`. */
const ID_KEY = /^(id|.*[a-z0-9]Id|.*_id|.*ID)$/;

export function importHar(text: string, context: ImportContext, options: HarOptions): ImportedDocument {
  const har = parseJsonInput(text) as Json;
  const entries: Json[] = har?.log?.entries;
  if (!Array.isArray(entries)) throw new ImportError('not a HAR file: it has no log.entries');
  const kept = keptEntries(entries, options, context);
  if (kept.length === 0) throw new ImportError('no request of the main host is left: see --host and --include-assets');
  const mainOrigin = originOf(kept[0].request.url)!;
  const correlator = new Correlator(context);
  const steps: ImportedRequest[] = [];
  kept.forEach((entry, index) => {
    steps.push(correlator.step(entry, mainOrigin));
    correlator.learn(entry, index, steps[index]);
  });
  const pages = new Map<string, Json>(((har.log.pages ?? []) as Json[]).map((p) => [String(p.id), p]));
  return {
    kind: 'har',
    description: `HAR from ${har.log.creator?.name ?? 'a browser'} ${har.log.creator?.version ?? ''}`.trimEnd() + `, ${kept.length} of ${entries.length} requests`,
    baseUrl: mainOrigin,
    variables: {},
    flows: [{ name: 'recording', items: withPages(kept, steps, pages) }],
  };
}

function keptEntries(entries: Json[], options: HarOptions, context: ImportContext): Json[] {
  const sorted = [...entries].sort((a, b) => Date.parse(a.startedDateTime) - Date.parse(b.startedDateTime));
  const http = sorted.filter((e) => originOf(String(e.request?.url ?? '')) !== undefined && (HTTP_METHODS as readonly string[]).includes(String(e.request.method).toLowerCase()));
  const main = http.find((e) => !isAsset(e)) ?? http[0];
  if (!main) return [];
  const hosts = new Set([new URL(main.request.url).host, ...options.hosts]);
  let assets = 0;
  let other = 0;
  const kept = http.filter((e) => {
    const url = new URL(e.request.url);
    if (!hosts.has(url.host) && !hosts.has(url.hostname)) return void other++, false;
    if (!options.includeAssets && isAsset(e)) return void assets++, false;
    return true;
  });
  if (assets > 0) context.warn(`${assets} static asset request(s) left out (images, fonts, CSS, JS, media): --include-assets keeps them`);
  if (other > 0) context.warn(`${other} request(s) to other hosts than ${[...hosts].join(', ')} left out: --host HOST keeps a host`);
  return kept;
}

function isAsset(entry: Json): boolean {
  const type = String(entry._resourceType ?? '').toLowerCase();
  if (ASSET_TYPES.has(type)) return true;
  if (type === 'document' || type === 'fetch' || type === 'xhr') return false;
  const mime = String(entry.response?.content?.mimeType ?? '').toLowerCase();
  return ASSET_MIME.test(mime) || ASSET_PATH.test(new URL(entry.request.url).pathname);
}

/**
 * Steps in page sections, a think step before each page for the time since the previous request ended.
 * A page is a HAR page (Chromium's DevTools export: one per navigation) or, where one HAR page holds
 * several navigations (playwright records one per tab), each navigation, named by its path.
 */
function withPages(entries: Json[], steps: ImportedRequest[], pages: Map<string, Json>): Array<ImportedStep | ImportedSection> {
  const navigationsPerPage = new Map<string, number>();
  for (const entry of entries) if (isNavigation(entry)) navigationsPerPage.set(String(entry.pageref), (navigationsPerPage.get(String(entry.pageref)) ?? 0) + 1);
  const items: Array<ImportedStep | ImportedSection> = [];
  let section: ImportedSection | undefined;
  let sectionPage: string | undefined;
  let lastEnd: number | undefined;
  entries.forEach((entry, i) => {
    const pageref = entry.pageref === undefined ? undefined : String(entry.pageref);
    const page = pageref === undefined ? undefined : pages.get(pageref);
    const several = (navigationsPerPage.get(String(pageref)) ?? 0) > 1;
    const starts = page !== undefined && (sectionPage !== pageref || (several && isNavigation(entry)));
    if (starts) {
      const start = Date.parse(entry.startedDateTime);
      if (lastEnd !== undefined && start - lastEnd >= MIN_THINK_MS) {
        items.push({ kind: 'think', duration: scenarioDuration(Math.min(MAX_THINK_MS, Math.round(start - lastEnd))), notes: [] });
      }
      const name = several && isNavigation(entry) ? new URL(entry.request.url).pathname : pageTitle(page, pageref!);
      section = { kind: 'page', name, steps: [] };
      sectionPage = pageref;
      items.push(section);
    }
    if (section) section.steps.push(steps[i]);
    else items.push(steps[i]);
    lastEnd = Math.max(lastEnd ?? 0, Date.parse(entry.startedDateTime) + Number(entry.time ?? 0));
  });
  return items;
}

/** A top-level document load: Chromium's resource type, else a GET answered with HTML. */
function isNavigation(entry: Json): boolean {
  const type = String(entry._resourceType ?? '').toLowerCase();
  if (type !== '') return type === 'document';
  return String(entry.request.method).toUpperCase() === 'GET' && /^text\/html/i.test(String(entry.response?.content?.mimeType ?? ''));
}

function pageTitle(page: Json, id: string): string {
  return String(page.title || id).replace(/\s+/g, ' ').trim();
}

class Correlator {
  private readonly candidates: Candidate[] = [];
  private readonly seen = new Set<string>();
  private readonly names = new Set<string>();
  private readonly setCookies = new Set<string>();
  private warnedCookies = false;

  constructor(private readonly context: ImportContext) {}

  step(entry: Json, mainOrigin: string): ImportedRequest {
    const req: Json = entry.request;
    const step = request(String(req.method).toLowerCase() as HttpMethod, '');
    const url = new URL(req.url);
    const origin = url.origin === mainOrigin ? '' : url.origin;
    step.url = origin + this.substitute(url.pathname, true);
    const params = [...url.searchParams];
    if (params.length > 0 && new Set(params.map(([n]) => n)).size === params.length) {
      step.query = Object.fromEntries(params.map(([name, value]) => {
        const substituted = this.substitute(value);
        return [name, substituted === value ? this.context.namedValue(name, value, `the query parameter ${name}`) : substituted];
      }));
    } else if (params.length > 0) {
      step.url += this.substitute(url.search);
    }
    for (const header of (req.headers ?? []) as Json[]) {
      const name = String(header.name);
      if (isDroppedHeader(name) || RECORDED_NOISE.test(name)) {
        if (/^cookie$/i.test(name)) this.cookiesFromBefore(String(header.value), step);
        continue;
      }
      addHeader(step, name, this.substitute(String(header.value)), this.context);
    }
    const post = req.postData as Json | undefined;
    if (post && (post.text !== undefined || Array.isArray(post.params))) {
      const text = post.text !== undefined ? String(post.text) : (post.params as Json[]).map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value ?? '')}`).join('&');
      if (post.mimeType && !Object.keys(step.headers ?? {}).some((h) => h.toLowerCase() === 'content-type')) step.headers = { ...step.headers, 'Content-Type': String(post.mimeType ?? '') };
      const substituted = this.substitute(text);
      const json = isJsonType(String(post.mimeType ?? '')) ? parseJsonWithTemplates(substituted) : undefined;
      if (json) {
        step.body = { kind: 'json', value: this.context.jsonValue(json.value) };
        if (/^application\/json\s*$/i.test(String(post.mimeType))) removeHeader(step, 'content-type');
      } else {
        setTextBody(step, substituted, this.context);
      }
    }
    return step;
  }

  /** A Cookie the browser sent that no earlier response set: the run's jar will not have it. */
  private cookiesFromBefore(header: string, step: ImportedRequest): void {
    const unknown = header
      .split(';')
      .map((c) => c.split('=')[0].trim())
      .filter((n) => n !== '' && !this.setCookies.has(n));
    if (unknown.length > 0 && !this.warnedCookies) {
      this.warnedCookies = true;
      this.context.warn(`cookies the browser had before the recording (${unknown.join(', ')}) are not sent: the jar sends what responses set; record from the login on, or add cookies: from env`, undefined, step);
    }
  }

  /** Earlier responses' values in `text` as `{{ name }}`, each adding a capture to its step. */
  private substitute(text: string, isPath = false): string {
    let out = text;
    for (const candidate of this.candidates) {
      if (!out.includes(candidate.value) || (candidate.pathSegment && !isPath)) continue;
      const value = escapeRegExp(candidate.value);
      const pattern = candidate.pathSegment ? new RegExp(`(?<=/)${value}(?=/|$)`, 'g') : new RegExp(`(?<![A-Za-z0-9])${value}(?![A-Za-z0-9])`, 'g');
      if (!pattern.test(out)) continue;
      out = out.replace(pattern, `{{ ${candidate.name} }}`);
      const source = this.stepOf(candidate);
      source.capture = { ...source.capture, [candidate.name]: candidate.source };
    }
    return out;
  }

  private readonly stepsByEntry = new Map<number, ImportedRequest>();

  private stepOf(candidate: Candidate): ImportedRequest {
    return this.stepsByEntry.get(candidate.entry)!;
  }

  /** The values this entry's response gives, longest first so a longer token is replaced before a part of it. */
  learn(entry: Json, index: number, step: ImportedRequest): void {
    this.stepsByEntry.set(index, step);
    const response: Json = entry.response ?? {};
    const found: Candidate[] = [];
    // The body first: a login that gives its token in the JSON and as a cookie is captured from the JSON.
    const content: Json = response.content ?? {};
    if (isJsonType(String(content.mimeType ?? '')) && typeof content.text === 'string') {
      const text = content.encoding === 'base64' ? Buffer.from(content.text, 'base64').toString('utf8') : content.text;
      try {
        walkJson(JSON.parse(text), '', (path, key, value) => this.offer(found, value, index, path === '' ? 'json' : `json.${path}`, key));
      } catch {
        // Not JSON after all: nothing to correlate from its body.
      }
    }
    for (const header of (response.headers ?? []) as Json[]) {
      const name = String(header.name);
      if (/^set-cookie$/i.test(name)) {
        const [pair] = String(header.value).split(';');
        const eq = pair.indexOf('=');
        if (eq <= 0) continue;
        const cookie = pair.slice(0, eq).trim();
        this.setCookies.add(cookie);
        this.offer(found, pair.slice(eq + 1).trim(), index, `cookie.${cookie}`, cookie);
      } else if (!UNCORRELATED_HEADERS.test(name)) {
        this.offer(found, String(header.value), index, `header.${name}`, name);
      }
    }
    for (const cookie of (response.cookies ?? []) as Json[]) if (cookie.name) this.setCookies.add(String(cookie.name));
    found.sort((a, b) => b.value.length - a.value.length);
    this.candidates.push(...found);
    this.candidates.sort((a, b) => b.value.length - a.value.length);
  }

  /** A value worth correlating: long enough and token-like (not a word or a small number a request could hold by chance). */
  private offer(found: Candidate[], value: string, entry: number, source: string, key: string): void {
    if (/\s/.test(value) || !/\d/.test(value) || this.seen.has(value)) return;
    const tokenLike = value.length >= 6 && !(/^\d+(\.\d+)?$/.test(value) && value.length < 8);
    // A short id with a letter and a digit (`c1`, `A7`) under an id-named key: a path segment, never part of a text.
    const pathSegment = !tokenLike && source.startsWith('json.') && ID_KEY.test(key) && value.length >= 2 && /[A-Za-z]/.test(value) && /^[\w.~-]+$/.test(value);
    if (!tokenLike && !pathSegment) return;
    this.seen.add(value);
    const base = key.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'value';
    let name = nameProblem(base, 'capture') ? `${base}_value` : base;
    for (let n = 2; this.names.has(name); n++) name = `${base}_${n}`;
    this.names.add(name);
    found.push({ value, entry, source, name, pathSegment });
  }
}

/** String and number leaves of a JSON value with a path Volley's captures read (`a.b[0].c`). */
export function walkJson(value: unknown, path: string, visit: (path: string, key: string, value: string) => void, key = ''): void {
  if (Array.isArray(value)) {
    value.slice(0, 20).forEach((v, i) => walkJson(v, `${path}[${i}]`, visit, key));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!/^[A-Za-z_$][\w$]*$/.test(k)) continue;
      walkJson(v, path === '' ? k : `${path}.${k}`, visit, k);
    }
  } else if ((typeof value === 'string' || typeof value === 'number') && path !== '') {
    visit(path, key || 'value', String(value));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
