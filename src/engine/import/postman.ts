// Postman collections v2.1 (and v2.0, the same shape for what is read here): folders as sections,
// collection variables as variables, auth (bearer, basic, API key; inherited from folders and the
// collection) as headers from env, raw / urlencoded / form-data bodies, and the test-script pattern
// `pm.environment.set("x", pm.response.json().a.b)` as a capture. Other script lines stay as comments.
import type { ImportContext } from './context';
import { isSecretName } from './context';
import { HTTP_METHODS, ImportError, request, type HttpMethod, type ImportedDocument, type ImportedRequest, type ImportedSection, type ImportedStep, type MultipartPart, stepsOf, parseJsonInput, type ParsedJson as Json } from './model';
import { addHeader, commonOrigin, fileRelativeToOutput, headerOf, isJsonType, removeHeader, setTextBody } from './request-parts';
import { parseJsonWithTemplates, rewriteTemplates, systemTemplate, undefinedVariable } from './templates';
import { nameProblem } from '../scenario/names';

export interface PostmanOptions {
  cwd: string;
  outputDir: string;
  /** An exported Postman environment (`--environment FILE`): its values override the collection's. */
  environment?: { text: string; file: string };
}

interface PostmanEnvironment {
  name: string;
  values: KeyValue[];
}

interface KeyValue {
  key?: string;
  value?: unknown;
  disabled?: boolean;
  /** Environment values: `enabled: false` is a disabled one. */
  enabled?: boolean;
  type?: string;
  src?: string | string[];
}

export function importPostman(text: string, context: ImportContext, options: PostmanOptions): ImportedDocument {
  const collection = parseJsonInput(text) as Json;
  if (!Array.isArray(collection?.item)) throw new ImportError('not a Postman collection: it has no item list');
  const environment = options.environment && parseEnvironment(options.environment.text, options.environment.file);
  const converter = new PostmanConverter(collection, environment, context, options);
  const items = converter.items(collection.item, collection.auth, []);
  const steps = stepsOf(items).filter((s): s is ImportedRequest => s.kind === 'request');
  if (steps.length === 0) throw new ImportError('the collection has no request');
  const baseUrl = commonOrigin(steps.map((s) => s.url).filter((u) => /^https?:\/\//.test(u)));
  if (baseUrl) for (const step of steps) if (step.url.startsWith(`${baseUrl}/`) || step.url === baseUrl) step.url = step.url.slice(baseUrl.length) || '/';
  const name = String(collection.info?.name ?? 'collection');
  return {
    kind: 'postman',
    description: `Postman collection "${name}", ${steps.length} request${steps.length === 1 ? '' : 's'}${environment ? `, environment "${environment.name}"` : ''}`,
    baseUrl,
    variables: converter.constants(),
    flows: [{ name, items }],
  };
}

/** An exported environment: `{ name, values: [{ key, value, type: "default" | "secret", enabled }] }`. */
function parseEnvironment(text: string, file: string): PostmanEnvironment {
  let data: Json;
  try {
    data = parseJsonInput(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Json;
  } catch (err) {
    throw err instanceof ImportError ? new ImportError(err.message, err.at, file) : err;
  }
  if (!Array.isArray(data?.values)) throw new ImportError('not a Postman environment: it has no values list', undefined, file);
  return { name: String(data.name ?? file), values: data.values as KeyValue[] };
}

/** `pm.environment.set("x", pm.response.json().a.b)` and its kin; `json` is a variable holding pm.response.json(). */
const SET_VARIABLE = /^\s*pm\.(?:environment|collectionVariables|variables|globals)\.set\(\s*["'`]([^"'`]+)["'`]\s*,\s*(.+?)\s*\)\s*;?\s*$/;
const JSON_ALIAS = /^\s*(?:var|let|const)\s+(\w+)\s*=\s*(?:pm\.response\.json\(\)|JSON\.parse\(\s*responseBody\s*\))\s*;?\s*$/;
const STATUS_CHECK = /pm\.response\.to\.have\.status\(\s*(\d{3})\s*\)/;
const HEADER_READ = /^pm\.response\.headers\.get\(\s*["'`]([^"'`]+)["'`]\s*\)$/;

class PostmanConverter {
  private readonly variables = new Map<string, string>();
  private readonly variableNames = new Map<string, string>();
  private readonly captures = new Map<string, string>();
  /** Environment values Postman marks secret: from env, whatever their name. */
  private readonly secretNames = new Set<string>();
  private readonly environmentNames = new Set<string>();

  constructor(
    collection: Json,
    environment: PostmanEnvironment | undefined,
    private readonly context: ImportContext,
    private readonly options: PostmanOptions,
  ) {
    for (const v of (collection.variable ?? []) as KeyValue[]) {
      if (!v.key || v.disabled) continue;
      this.variables.set(v.key, String(v.value ?? ''));
    }
    // Postman resolves an environment's value before the collection's.
    for (const v of environment?.values ?? []) {
      if (!v.key || v.enabled === false || v.disabled) continue;
      this.variables.set(v.key, String(v.value ?? ''));
      this.environmentNames.add(v.key);
      if (v.type === 'secret') this.secretNames.add(v.key);
    }
    for (const [name, value] of this.variables) {
      if (isSecretName(name) || this.secretNames.has(name) || value.includes('{{')) continue;
      const clean = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
      this.variableNames.set(name, nameProblem(clean, 'variable') ? `var_${clean}` : clean);
    }
  }

  constants(): Record<string, string> {
    return Object.fromEntries([...this.variableNames].map(([name, volley]) => [volley, this.variables.get(name)!]));
  }

  items(list: Json[], inheritedAuth: Json | undefined, path: string[]): Array<ImportedStep | ImportedSection> {
    const out: Array<ImportedStep | ImportedSection> = [];
    for (const item of list) {
      if (Array.isArray(item.item)) {
        const steps = this.items(item.item, item.auth ?? inheritedAuth, [...path, String(item.name)]);
        // Sections do not nest in the output: a sub-folder's steps join its folder's, named by their path.
                out.push({ kind: 'folder', name: [...path, String(item.name)].join(' / '), steps: stepsOf(steps) });
        if (item.event) this.context.warn(`the scripts of folder "${item.name}" are not converted`);
      } else if (item.request) {
        out.push(this.step(item, inheritedAuth));
      }
    }
    return out;
  }

  private step(item: Json, inheritedAuth: Json | undefined): ImportedRequest {
    const req: Json = typeof item.request === 'string' ? { url: item.request, method: 'GET' } : item.request;
    const method = String(req.method ?? 'GET').toLowerCase();
    if (!(HTTP_METHODS as readonly string[]).includes(method)) throw new ImportError(`request "${item.name}": ${req.method}: Volley sends GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS`);
    const step = request(method as HttpMethod, '');
    step.name = String(item.name ?? `${method.toUpperCase()} request`);
    step.url = this.url(req.url, step);
    for (const h of (req.header ?? []) as KeyValue[]) {
      if (h.key && !h.disabled) addHeader(step, h.key, this.rewrite(String(h.value ?? ''), step), this.context);
    }
    this.auth(req.auth ?? inheritedAuth, step);
    if (req.body) this.body(req.body, step);
    this.scripts(item.event, step);
    return step;
  }

  private url(url: unknown, step: ImportedRequest): string {
    let raw = typeof url === 'string' ? url : String((url as Json | undefined)?.raw ?? '');
    if (raw === '') throw new ImportError(`request "${step.name}" has no URL`);
    // A URL starting with a variable that holds an origin is written with it, so baseUrl can take it.
    raw = raw.replace(/^\{\{\s*([\w.-]+)\s*\}\}/, (whole, name: string) => {
      const value = this.variables.get(name);
      return value !== undefined && /^https?:\/\//.test(value) ? value : whole;
    });
    const pathVariables = typeof url === 'object' && url !== null ? ((url as Json).variable as KeyValue[] | undefined) : undefined;
    for (const v of pathVariables ?? []) if (v.key) raw = raw.split(`:${v.key}`).join(String(v.value ?? ''));
    const rewritten = this.rewrite(raw, step);
    return /^(https?:\/\/|\/|\{\{)/.test(rewritten) ? rewritten : `http://${rewritten}`;
  }

  private rewrite(text: string, step: ImportedRequest): string {
    return rewriteTemplates(text, (inner) => this.template(inner, step), step);
  }

  private template(inner: string, step: ImportedRequest): string {
    if (inner.startsWith('$')) {
      const helper = systemTemplate(inner.slice(1), '', this.context, undefined, step);
      if (helper !== undefined) return helper;
      this.context.warn(`{{${inner}}} has no Volley helper: left out`, undefined, step);
      return '';
    }
    const capture = this.captures.get(inner);
    if (capture) return `{{ ${capture} }}`;
    const volleyName = this.variableNames.get(inner);
    if (volleyName) return `{{ ${volleyName} }}`;
    const value = this.variables.get(inner);
    if (value !== undefined && !value.includes('{{') && value !== '') return this.context.secretTemplate(value, inner, `the ${this.environmentNames.has(inner) ? 'environment' : 'collection'} variable ${inner}`);
    if (value !== undefined && value.includes('{{')) return this.rewrite(value, step);
    // An environment exported without a value (Postman leaves secrets' values out of shared ones): from env, as it is set when run.
    if (value === '' && this.environmentNames.has(inner)) return this.context.secretTemplate(`\0var:${inner}`, inner, `the environment variable ${inner} (empty in the export)`);
    return undefinedVariable(inner, 'collection', this.context, undefined, step);
  }

  /** Bearer, Basic and API-key auth as headers (or a query parameter) whose credentials come from env. */
  private auth(auth: Json | undefined, step: ImportedRequest): void {
    if (!auth || auth.type === 'noauth') return;
    const params = new Map<string, string>(((auth[auth.type] ?? []) as KeyValue[]).map((p) => [String(p.key), String(p.value ?? '')]));
    const credential = (key: string, envBase: string, what: string): string => {
      const value = params.get(key) ?? '';
      return value.includes('{{') ? this.rewrite(value, step) : this.context.secretTemplate(value, envBase, what);
    };
    if (auth.type === 'bearer') {
      step.headers = { ...step.headers, Authorization: `Bearer ${credential('token', 'BEARER_TOKEN', 'the Bearer token')}` };
    } else if (auth.type === 'basic') {
      const user = params.get('username') ?? '';
      const password = params.get('password') ?? '';
      const template = !user.includes('{{') && !password.includes('{{')
        ? this.context.basicAuth(user, password)
        : `{{ base64(${this.expression(user, step)} + ':' + ${this.expression(password, step)}) }}`;
      step.headers = { ...step.headers, Authorization: `Basic ${template}` };
    } else if (auth.type === 'apikey') {
      const name = params.get('key') ?? 'X-API-Key';
      const value = credential('value', name, `the API key ${name}`);
      if (params.get('in') === 'query') step.query = { ...step.query, [name]: value };
      else step.headers = { ...step.headers, [name]: value };
    } else {
      this.context.warn(`${auth.type} auth is not converted: add its header by hand`, undefined, step);
    }
  }

  /** A value inside a template expression: a literal in quotes, or the expression of its one `{{ }}`. */
  private expression(value: string, step: ImportedRequest): string {
    const rewritten = this.rewrite(value, step);
    const single = /^\{\{ (.+) \}\}$/.exec(rewritten);
    if (single && !single[1].includes('}}')) return single[1];
    return `'${rewritten.replace(/'/g, '')}'`;
  }

  private body(body: Json, step: ImportedRequest): void {
    if (body.disabled) return;
    const fields = (list: KeyValue[] | undefined): KeyValue[] => (list ?? []).filter((f) => f.key && !f.disabled);
    switch (body.mode) {
      case 'raw': {
        const text = this.rewrite(String(body.raw ?? ''), step);
        if (text.trim() === '') return;
        const json = body.options?.raw?.language === 'json' || isJsonType(headerOf(step, 'content-type'));
        const parsed = json ? parseJsonWithTemplates(text) : undefined;
        if (parsed) {
          step.body = { kind: 'json', value: this.context.jsonValue(parsed.value) };
          if (/^application\/json\s*$/i.test(headerOf(step, 'content-type') ?? '')) removeHeader(step, 'content-type');
        } else {
          setTextBody(step, text, this.context);
        }
        return;
      }
      case 'urlencoded': {
        const form: Record<string, string> = {};
        for (const f of fields(body.urlencoded)) form[f.key!] = this.context.namedValue(f.key!, this.rewrite(String(f.value ?? ''), step), `the form field ${f.key}`);
        step.body = { kind: 'form', fields: form };
        removeHeader(step, 'content-type');
        return;
      }
      case 'formdata': {
        const parts: Record<string, MultipartPart> = {};
        for (const f of fields(body.formdata)) {
          if (f.type !== 'file') {
            parts[f.key!] = this.context.namedValue(f.key!, this.rewrite(String(f.value ?? ''), step), `the form field ${f.key}`);
            continue;
          }
          const src = Array.isArray(f.src) ? f.src[0] : f.src;
          const file = src ? fileRelativeToOutput(src, this.options.cwd, this.options.outputDir) : undefined;
          if (file === undefined) this.context.warn(`the file part "${f.key}" (${src ?? 'no file chosen'}) is not here: left out`, undefined, step);
          else parts[f.key!] = { file };
        }
        step.body = { kind: 'multipart', parts };
        removeHeader(step, 'content-type');
        return;
      }
      default:
        this.context.warn(`a ${body.mode} body is not converted: write it by hand`, undefined, step);
    }
  }

  /** Test scripts: variable sets from the response become captures, a status assertion a check; the rest stays as comments. */
  private scripts(events: Json[] | undefined, step: ImportedRequest): void {
    for (const event of events ?? []) {
      const exec = event.script?.exec;
      const lines: string[] = Array.isArray(exec) ? exec.map(String) : typeof exec === 'string' ? exec.split('\n') : [];
      if (lines.every((l) => l.trim() === '')) continue;
      if (event.listen !== 'test') {
        this.context.warn(`the ${event.listen} script is not run by Volley: kept as a comment`, undefined, step);
        step.notes.push(...lines.map((l) => `  ${l}`));
        continue;
      }
      const aliases = new Set<string>();
      const kept: string[] = [];
      for (const line of lines) {
        const alias = JSON_ALIAS.exec(line);
        if (alias) {
          aliases.add(alias[1]);
          continue;
        }
        const set = SET_VARIABLE.exec(line);
        const source = set ? captureSource(set[2], aliases) : undefined;
        if (set && source && !nameProblem(set[1], 'capture')) {
          step.capture = { ...step.capture, [set[1]]: source };
          this.captures.set(set[1], set[1]);
          continue;
        }
        const status = STATUS_CHECK.exec(line);
        if (status) step.check = { status: Number(status[1]) };
        if (line.trim() !== '') kept.push(line);
      }
      const onlyTestFrame = kept.every((l) => /^\s*(pm\.test\(.*function\s*\(\)\s*\{|pm\.test\(.*=>\s*\{|\}\);?|pm\.response\.to\.have\.status\(\d{3}\);?)\s*$/.test(l));
      if (kept.length > 0 && !onlyTestFrame) {
        this.context.warn('test script lines other than variable sets from the response and status checks are not run: kept as comments', undefined, step);
        step.notes.push(...kept.map((l) => `  ${l}`));
      }
    }
  }
}

/** `pm.response.json().a.b` / `jsonData.a[0].b` / `pm.response.headers.get("X")` → a capture source. */
function captureSource(expression: string, aliases: Set<string>): string | undefined {
  const header = HEADER_READ.exec(expression);
  if (header) return `header.${header[1]}`;
  const json = /^(?:pm\.response\.json\(\)|JSON\.parse\(\s*responseBody\s*\)|(\w+))((?:\.\w+|\[\d+\])*)$/.exec(expression);
  if (!json || (json[1] !== undefined && !aliases.has(json[1]))) return undefined;
  const path = json[2].replace(/^\./, '');
  return path === '' ? 'json' : `json.${path}`;
}
