// An OpenAPI document's operations as the editor asks about them: by method and a step's path (its
// `{{ }}` segments match path parameters), with what completion, hover and the checks read — summary,
// parameters, the JSON request body's schema, the documented statuses. Built once per document version.
import type { ParsedJson as Json } from '../import/model';
import { mergeParameters } from '../import/openapi-document';
import { isJsonType } from '../import/request-parts';

export const OPENAPI_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

export interface OpenApiParameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  type?: string;
}

export interface OpenApiOperation {
  /** Upper case: GET. */
  method: string;
  /** As the document writes it: /products/{id}. */
  path: string;
  operationId?: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  parameters: OpenApiParameter[];
  /** The JSON request body's schema (dereferenced), when the operation takes one. */
  bodySchema?: Json;
  bodyRequired: boolean;
  /** The documented response codes: 200, 2XX, default. */
  statuses: string[];
  /** Each segment: a literal, or null for a parameter. */
  segments: Array<string | null>;
}

/** `/products/{id}` → `/products/${1:id}`: the path as an LSP snippet, its parameters as placeholders. */
export function pathSnippet(path: string): string {
  let n = 0;
  return path.replace(/[$\\]/g, (c) => `\\${c}`).replace(/\{([^}]+)\}/g, (_, name: string) => `\${${++n}:${name.replace(/}/g, '\\}')}}`);
}

export class OpenApiIndex {
  readonly operations: OpenApiOperation[] = [];
  /** By segment count: a path only ever matches operations of its length. */
  private readonly byLength = new Map<number, OpenApiOperation[]>();
  /** The servers' (or Swagger basePath's) paths: a step's full path may start with one of these. */
  readonly basePaths: string[];
  readonly title: string;

  constructor(api: Json) {
    const swagger2 = api.swagger !== undefined;
    this.title = `${api.info?.title ?? 'untitled'}${api.info?.version ? ` ${api.info.version}` : ''}`;
    this.basePaths = swagger2 ? [trimSlash(String(api.basePath ?? ''))] : (api.servers ?? []).map((s: Json) => serverPath(String(s?.url ?? '')));
    for (const [path, item] of Object.entries<Json>(api.paths ?? {})) {
      if (!item || typeof item !== 'object') continue;
      for (const method of OPENAPI_METHODS) {
        const operation: Json | undefined = item[method];
        if (!operation || typeof operation !== 'object') continue;
        const merged = mergeParameters(item.parameters, operation.parameters);
        const body = swagger2 ? swaggerBody(merged) : openApiBody(operation);
        this.operations.push({
          method: method.toUpperCase(),
          path,
          operationId: typeof operation.operationId === 'string' ? operation.operationId : undefined,
          summary: typeof operation.summary === 'string' ? operation.summary : undefined,
          description: typeof operation.description === 'string' ? operation.description : undefined,
          deprecated: operation.deprecated === true,
          parameters: merged.filter((p) => p.in !== 'body').map((p) => ({
            name: String(p.name),
            in: String(p.in),
            required: p.required === true,
            description: typeof p.description === 'string' ? p.description : undefined,
            type: typeof (p.schema?.type ?? p.type) === 'string' ? String(p.schema?.type ?? p.type) : undefined,
          })),
          bodySchema: body?.schema,
          bodyRequired: body?.required ?? false,
          statuses: Object.keys(operation.responses ?? {}),
          segments: splitPath(path).map((s) => (/^\{[^}]+\}$/.test(s) ? null : s)),
        });
      }
    }
    for (const operation of this.operations) {
      const list = this.byLength.get(operation.segments.length);
      if (list) list.push(operation);
      else this.byLength.set(operation.segments.length, [operation]);
    }
  }

  /**
   * The operation a step's method and URL call, and the methods the document has on that path (none when
   * no path matches).
   * The URL is relative to baseUrl, whose path (`basePath`) is tried in front of it as well.
   */
  match(method: string, url: string, basePath = ''): { operation?: OpenApiOperation; methods: string[] } | undefined {
    const segments = stepSegments(url);
    if (segments === undefined) return undefined;
    // The path as written (an absolute URL's carries its base) and after baseUrl's path, each with a server's path taken off.
    const candidates: string[][] = [];
    for (const full of [segments, [...splitPath(basePath), ...segments]]) {
      for (const server of new Set(['', ...this.basePaths])) {
        const prefix = splitPath(server);
        if (prefix.length > full.length || !prefix.every((s, i) => s === full[i])) continue;
        const candidate = full.slice(prefix.length);
        if (!candidates.some((c) => c.join('/') === candidate.join('/'))) candidates.push(candidate);
      }
    }
    let best: { operation: OpenApiOperation; score: number } | undefined;
    const methods = new Set<string>();
    for (const candidate of candidates) {
      for (const operation of this.byLength.get(candidate.length) ?? []) {
        const score = matchScore(operation.segments, candidate);
        if (score < 0) continue;
        methods.add(operation.method);
        if (operation.method === method.toUpperCase() && (best === undefined || score > best.score)) best = { operation, score };
      }
    }
    return { operation: best?.operation, methods: [...methods] };
  }

  /** Whether the operation documents `status` (an exact code, its class such as 2XX, or `default`). */
  static documents(operation: OpenApiOperation, status: number): boolean {
    return operation.statuses.some((s) => s === 'default' || s === String(status) || s.toUpperCase() === `${Math.floor(status / 100)}XX`);
  }
}

/** The literal segments that matched, or -1: a parameter matches any segment, a `{{ }}` segment any parameter or literal. */
function matchScore(pattern: Array<string | null>, segments: string[]): number {
  if (pattern.length !== segments.length) return -1;
  let score = 0;
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i];
    const got = segments[i];
    if (got.includes('{{')) continue;
    if (want === null) continue;
    if (want !== got && want !== safeDecode(got)) return -1;
    score++;
  }
  return score;
}

/** A step's URL as path segments: its path when absolute, without the query; undefined when a template makes the path unknown. */
function stepSegments(url: string): string[] | undefined {
  let path = url.trim();
  if (/^https?:\/\//i.test(path)) path = path.replace(/^https?:\/\/[^/]*/i, '');
  else if (!path.startsWith('/')) return undefined;
  path = path.replace(/[?#].*$/, '');
  // A template holding a slash would split wrongly: such a path is not checked.
  const templates = path.match(/\{\{[^]*?\}\}/g) ?? [];
  if (templates.some((t) => t.includes('/'))) return undefined;
  return splitPath(path);
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, '');
}

function serverPath(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/\{[^}]*\}/g, '');
  return trimSlash(path);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function openApiBody(operation: Json): { schema?: Json; required: boolean } | undefined {
  const content: Json | undefined = operation.requestBody?.content;
  if (!content || typeof content !== 'object') return undefined;
  const type = Object.keys(content).find((t) => isJsonType(t) || t === '*/*');
  if (type === undefined) return undefined;
  return { schema: content[type]?.schema, required: operation.requestBody?.required === true };
}

function swaggerBody(parameters: Json[]): { schema?: Json; required: boolean } | undefined {
  const body = parameters.find((p) => p.in === 'body');
  return body ? { schema: body.schema, required: body.required === true } : undefined;
}
