// .http / .rest files as REST Client and httpyac read them: requests between `###` lines, `# @name`,
// file variables (`@baseUrl = …`), system variables where Volley has a helper, and request references
// (`{{login.response.body.$.token}}`) as a capture on the named request. No library parses this syntax
// on its own (REST Client's and httpyac's parsers live inside their extensions), so it is read here.
import type { ImportContext } from './context';
import { isSecretName } from './context';
import { HTTP_METHODS, ImportError, request, type HttpMethod, type ImportedDocument, type ImportedRequest, type SourceLocation } from './model';
import { addHeader, commonOrigin, headerOf, removeHeader, setTextBody } from './request-parts';
import { parseJsonWithTemplates, rewriteTemplates, systemTemplate, undefinedVariable } from './templates';
import { nameProblem } from '../scenario/names';

interface RawRequest {
  name?: string;
  line: number;
  requestLine: string;
  headers: Array<{ name: string; value: string; line: number }>;
  body: string[];
  bodyLine: number;
  scripts: string[];
  unsupported: string[];
}

const REQUEST_LINE = new RegExp(`^(${HTTP_METHODS.map((m) => m.toUpperCase()).join('|')}|TRACE|CONNECT)\\s+(\\S.*?)(\\s+HTTP/[\\d.]+)?$`);

export interface HttpFileOptions {
  /** Only these requests, by `@name` or by the line of their request line, and the requests they reference. */
  requests?: string[];
}

export function importHttpFile(text: string, context: ImportContext, options: HttpFileOptions = {}): ImportedDocument {
  const parsed = parseHttpFile(text);
  const variables = parsed.variables;
  if (parsed.requests.length === 0) throw new ImportError('no request found: an .http file has lines such as GET https://host/path', { line: 1, column: 1 });
  const requests = options.requests?.length ? selectRequests(parsed.requests, options.requests) : parsed.requests;
  const converter = new HttpConverter(variables, context);
  const steps = requests.map((r) => converter.step(r));
  const origins = steps.map((s) => s.url).filter((u) => /^https?:\/\//.test(u));
  const baseUrl = commonOrigin(origins);
  if (baseUrl) {
    for (const step of steps) if (step.url.startsWith(`${baseUrl}/`) || step.url === baseUrl) step.url = step.url.slice(baseUrl.length) || '/';
  }
  return {
    kind: 'http',
    description: `.http file, ${steps.length} request${steps.length === 1 ? '' : 's'}`,
    baseUrl,
    variables: converter.constants(),
    flows: [{ name: 'requests', items: steps }],
  };
}

/** The wanted requests and, so that their request references still resolve, every request they read from. */
function selectRequests(all: RawRequest[], wanted: string[]): RawRequest[] {
  const keep = new Set<RawRequest>();
  const add = (r: RawRequest): void => {
    if (keep.has(r)) return;
    keep.add(r);
    const text = [r.requestLine, ...r.headers.map((h) => h.value), ...r.body].join('\n');
    for (const m of text.matchAll(/\{\{\s*([\w-]+)\.(?:response|request)\./g)) {
      const source = all.find((o) => o.name === m[1]);
      if (source) add(source);
    }
  };
  for (const id of wanted) {
    const found = all.find((r) => r.name === id || String(r.line) === id);
    if (!found) {
      const names = all.map((r) => r.name ?? `line ${r.line}`).join(', ');
      throw new ImportError(`--request ${id}: no request has this @name or starts on this line (the file has ${names})`);
    }
    add(found);
  }
  return all.filter((r) => keep.has(r));
}

function parseHttpFile(text: string): { variables: Map<string, string>; requests: RawRequest[] } {
  const variables = new Map<string, string>();
  const requests: RawRequest[] = [];
  const lines = text.split(/\r?\n/);
  let current: RawRequest | undefined;
  let pendingName: string | undefined;
  let pendingUnsupported: string[] = [];
  let inBody = false;
  let inScript = false;
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (/^###/.test(line)) {
      current = undefined;
      inBody = false;
      inScript = false;
      pendingName = undefined;
      return;
    }
    if (inScript) {
      current?.scripts.push(line);
      if (/%\}\s*$/.test(line)) inScript = false;
      return;
    }
    if (current && /^\s*[<>]\s*\{%/.test(line)) {
      current.scripts.push(line);
      inScript = !/%\}\s*$/.test(line);
      return;
    }
    const comment = /^\s*(#|\/\/)\s?(.*)$/.exec(line);
    if (comment && !(current && inBody && !/^\s*(#|\/\/)\s*@/.test(line))) {
      const meta = /^@([\w-]+)(?:\s*=?\s*(.*))?$/.exec(comment[2].trim());
      if (meta && meta[1] === 'name') {
        if (current && !inBody) current.name = meta[2]?.trim();
        else pendingName = meta[2]?.trim();
      } else if (meta) {
        pendingUnsupported.push(`@${meta[1]}`);
      }
      return;
    }
    if (!current) {
      const variable = /^@([\w.-]+)\s*=\s*(.*)$/.exec(line.trim());
      if (variable) {
        variables.set(variable[1], variable[2].trim());
        return;
      }
      if (line.trim() === '') return;
      current = { name: pendingName, line: lineNumber, requestLine: line.trim(), headers: [], body: [], bodyLine: lineNumber, scripts: [], unsupported: pendingUnsupported };
      pendingName = undefined;
      pendingUnsupported = [];
      requests.push(current);
      return;
    }
    if (!inBody) {
      if (line.trim() === '') {
        inBody = true;
        current.bodyLine = lineNumber + 1;
        return;
      }
      // REST Client's query on the next lines: ?a=1 / &b=2.
      if (/^\s*[?&]/.test(line) && current.headers.length === 0) {
        current.requestLine += line.trim();
        return;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ImportError(`"${line.trim()}" is not a header (Name: value); leave a blank line before the body`, { line: lineNumber, column: 1 });
      current.headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim(), line: lineNumber });
      return;
    }
    current.body.push(line);
  });
  return { variables, requests };
}

/** File variables, system variables and request references → Volley templates; one per file. */
class HttpConverter {
  private readonly captureNames = new Map<string, string>();
  private readonly takenCaptures = new Set<string>();
  private readonly stepsByName = new Map<string, ImportedRequest>();
  private readonly variableNames = new Map<string, string>();
  private readonly constantValues = new Map<string, string>();
  /** The line being converted, where its warnings point. */
  private here: SourceLocation = { line: 1, column: 1 };

  constructor(
    private readonly variables: Map<string, string>,
    private readonly context: ImportContext,
  ) {
    for (const [name, value] of variables) {
      const expanded = this.expand(value, new Set([name]));
      if (expanded !== undefined && !isSecretName(name)) {
        const volleyName = this.volleyVariableName(name);
        this.variableNames.set(name, volleyName);
        this.constantValues.set(volleyName, expanded);
      }
    }
  }

  constants(): Record<string, string> {
    return Object.fromEntries(this.constantValues);
  }

  /** A variable's value with other file variables put in, or undefined when it reads anything else. */
  private expand(value: string, seen: Set<string>): string | undefined {
    let constant = true;
    const out = value.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) => {
      const inner = this.variables.get(name);
      if (inner === undefined || seen.has(name)) {
        constant = false;
        return whole;
      }
      const expanded = this.expand(inner, new Set([...seen, name]));
      if (expanded === undefined) constant = false;
      return expanded ?? whole;
    });
    return constant && !out.includes('{{') ? out : undefined;
  }

  private volleyVariableName(name: string): string {
    const clean = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
    return nameProblem(clean, 'variable') ? `var_${clean}` : clean;
  }

  step(raw: RawRequest): ImportedRequest {
    const match = REQUEST_LINE.exec(raw.requestLine);
    const methodText = match ? match[1] : 'GET';
    let target = match ? match[2] : raw.requestLine;
    if (!match && !/^(https?:\/\/|\/|\{\{)/.test(target)) throw new ImportError(`"${raw.requestLine}" is not a request line such as GET https://host/path`, { line: raw.line, column: 1 });
    if (methodText === 'TRACE' || methodText === 'CONNECT') throw new ImportError(`${methodText}: Volley sends GET, POST, PUT, PATCH, DELETE, HEAD and OPTIONS`, { line: raw.line, column: 1 });
    const step = request(methodText.toLowerCase() as HttpMethod, '', { line: raw.line, column: 1 });
    if (raw.name) step.name = raw.name;
    for (const setting of raw.unsupported) this.context.warn(`${setting} has no equivalent in a scenario: ignored`, step.at, step);
    // A URL starting with a variable that holds an origin is written with the origin, so baseUrl can take it.
    target = target.replace(/^\{\{\s*([\w.-]+)\s*\}\}/, (whole, name: string) => {
      const value = this.variables.has(name) ? this.expand(this.variables.get(name)!, new Set([name])) : undefined;
      return value !== undefined && /^https?:\/\//.test(value) ? value : whole;
    });
    this.here = { line: raw.line, column: 1 };
    step.url = this.rewrite(target, step);
    if (!/^(https?:\/\/|\/|\{\{)/.test(step.url)) step.url = `http://${step.url}`;
    for (const header of raw.headers) {
      this.here = { line: header.line, column: header.name.length + 3 };
      addHeader(step, header.name, this.rewrite(header.value, step), this.context);
    }
    this.here = { line: raw.bodyLine, column: 1 };
    const body = raw.body.join('\n').replace(/\s+$/, '');
    if (body !== '') this.setBody(step, body);
    if (raw.scripts.length > 0) {
      this.context.warn('a response or pre-request script is not run by Volley: kept below as a comment', step.at, step);
      step.notes.push(...raw.scripts.map((l) => `  ${l}`));
    }
    if (step.name) this.stepsByName.set(step.name, step);
    return step;
  }

  private setBody(step: ImportedRequest, text: string): void {
    if (/^<\s/.test(text)) {
      this.context.warn(`the body is read from a file (${text.split('\n')[0]}): not imported, write it as json: or body:`, step.at, step);
      return;
    }
    const rewritten = this.rewrite(text, step);
    const contentType = headerOf(step, 'content-type') ?? '';
    if ((/json/i.test(contentType) || (contentType === '' && /^\s*[[{]/.test(rewritten))) && rewritten.includes('{{')) {
      const parsed = parseJsonWithTemplates(rewritten);
      if (parsed) {
        step.body = { kind: 'json', value: this.context.jsonValue(parsed.value) };
        if (/^application\/json\s*$/i.test(contentType)) removeHeader(step, 'content-type');
        return;
      }
    }
    setTextBody(step, rewritten, this.context);
  }

  private rewrite(text: string, step: ImportedRequest): string {
    return rewriteTemplates(text, (inner) => this.template(inner, step), step);
  }

  /** One `{{ … }}` of the file as a Volley template. */
  private template(inner: string, step: ImportedRequest): string {
    const system = /^\$(\w+)\s*(.*)$/.exec(inner);
    if (system) {
      const helper = systemTemplate(system[1], system[2].trim(), this.context, this.here, step);
      if (helper !== undefined) return helper;
      this.context.warn(`{{${inner}}} has no Volley helper: left out`, this.here, step);
      return '';
    }
    const reference = /^([\w-]+)\.response\.(body|headers)\.?(.*)$/.exec(inner);
    if (reference) return this.requestReference(reference[1], reference[2], reference[3], step);
    const volleyName = this.variableNames.get(inner);
    if (volleyName) return `{{ ${volleyName} }}`;
    const fileValue = this.variables.get(inner);
    if (fileValue !== undefined && isSecretName(inner) && !fileValue.includes('{{')) {
      return this.context.secretTemplate(fileValue, inner, `the file variable @${inner}`);
    }
    if (fileValue !== undefined) return this.rewrite(fileValue, step);
    return undefinedVariable(inner, 'file', this.context, this.here, step);
  }

  /** `login.response.body.$.token` → a capture `token` on the step named login, read as `{{ token }}`. */
  private requestReference(requestName: string, part: string, path: string, step: ImportedRequest): string {
    const source = part === 'headers' ? `header.${path}` : jsonSource(path);
    const named = this.stepsByName.get(requestName);
    if (!source || !named) {
      const why = !named ? `no earlier request is named ${requestName}` : `"${path}" is not a JSON path Volley can capture`;
      this.context.warn(`{{${requestName}.response.${part}.${path}}}: ${why}; read from env instead`, this.here, step);
      return this.context.secretTemplate(`\0ref:${requestName}.${part}.${path}`, `${requestName}_${path}`, `what ${requestName}.response.${part}.${path} would be`);
    }
    const key = `${requestName}\0${source}`;
    let capture = this.captureNames.get(key);
    if (!capture) {
      const base = captureBase(requestName, path);
      capture = base;
      for (let n = 2; this.takenCaptures.has(capture) || this.constantValues.has(capture); n++) capture = `${base}_${n}`;
      this.takenCaptures.add(capture);
      this.captureNames.set(key, capture);
      named.capture = { ...named.capture, [capture]: source };
    }
    return `{{ ${capture} }}`;
  }
}

/** `$.data.token` / `data.token` / `$` → `json.data.token` / `json`; undefined for what JSONPath has and Volley's paths do not. */
export function jsonSource(path: string): string | undefined {
  const trimmed = path.replace(/^\$\.?/, '');
  if (trimmed === '' || trimmed === '*') return 'json';
  if (/[*?@]|\.\.|\[\s*['"]/.test(trimmed)) return undefined;
  return `json.${trimmed}`;
}

function captureBase(requestName: string, path: string): string {
  const last = path.split(/[.[\]$]+/).filter((p) => p !== '' && !/^\d+$/.test(p)).pop() ?? requestName;
  const clean = last.replace(/[^A-Za-z0-9_]/g, '_');
  const name = /^[A-Za-z_]/.test(clean) ? clean : `${requestName.replace(/[^A-Za-z0-9_]/g, '_')}_${clean}`;
  return nameProblem(name, 'capture') ? `${name}_value` : name;
}
