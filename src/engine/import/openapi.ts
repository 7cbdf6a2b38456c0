// OpenAPI 3.0 / 3.1 and Swagger 2.0: a flow per tag, a step per operation. @apidevtools/swagger-parser
// resolves the $refs (across files, never over the network), openapi-sampler makes the values a
// document gives no example for; credentials come from env by the document's security schemes.
import { sample } from 'openapi-sampler';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { didYouMean } from '../scenario/suggest';
import type { ImportContext } from './context';
import { HTTP_METHODS, ImportError, request, type HttpMethod, type ImportedDocument, type ImportedFlow, type ImportedRequest, type MultipartPart, type ParsedJson as Json } from './model';
import { isJsonType } from './request-parts';
import { mergeParameters, parseOpenApiText, resolveOpenApi } from './openapi-document';

export interface OpenApiOptions {
  /** The document's file: $refs to other files are relative to it. */
  file?: string;
  cwd: string;
  /** The directory the scenario is written to; undefined for standard output. */
  outputDir?: string;
  tags: string[];
  operations: string[];
}

const SAMPLE_OPTIONS = { skipNonRequired: true, skipReadOnly: true, quiet: true, maxSampleDepth: 6 } as const;

export async function importOpenApi(text: string, context: ImportContext, options: OpenApiOptions): Promise<ImportedDocument> {
  const where = resolve(options.cwd, options.file ?? 'standard-input.yaml');
  const api = await resolveOpenApi(parseOpenApiText(text), where);
  const swagger2 = api.swagger !== undefined;
  const baseUrl = swagger2 ? swaggerBaseUrl(api, context) : serverBaseUrl(api, context);
  const wanted = selectOperations(api, options);
  const flows = new Map<string, ImportedFlow>();
  for (const { path, method, operation, pathItem } of wanted) {
    const tag = String(operation.tags?.[0] ?? 'default');
    let flow = flows.get(tag);
    if (!flow) flows.set(tag, (flow = { name: tag, items: [] }));
    flow.items.push(operationStep(api, swagger2, path, method, operation, pathItem, context));
  }
  const title = `${swagger2 ? 'Swagger 2.0' : `OpenAPI ${api.openapi}`} document "${api.info?.title ?? 'untitled'}" ${api.info?.version ?? ''}`.trim();
  const openapi = documentReference(options);
  if (openapi === undefined) context.note('No openapi key: the document came from standard input. Add `openapi: PATH` to have the editor and volley validate check the steps against it.');
  return { kind: 'openapi', description: `${title}, ${wanted.length} operation${wanted.length === 1 ? '' : 's'}`, baseUrl, variables: {}, flows: [...flows.values()], openapi };
}

/**
 * The `openapi:` key, so the scenario stays checked against its source: the document relative to the
 * output file; to standard output, the path as given (right when the output is saved in the working
 * directory); none from standard input.
 */
function documentReference(options: OpenApiOptions): string | undefined {
  if (options.file === undefined) return undefined;
  if (options.outputDir === undefined) return options.file;
  const path = relative(options.outputDir, resolve(options.cwd, options.file)).split(sep).join('/');
  return path.startsWith('../') || isAbsolute(path) ? path : `./${path}`;
}

function serverBaseUrl(api: Json, context: ImportContext): string | undefined {
  const server = api.servers?.[0];
  if (!server?.url) {
    context.warn('the document has no servers: baseUrl is http://127.0.0.1:8080; change it to the API\'s address');
    return 'http://127.0.0.1:8080';
  }
  const url = String(server.url).replace(/\{([^}]+)\}/g, (_, name: string) => String(server.variables?.[name]?.default ?? name));
  return absoluteBase(url, context);
}

function swaggerBaseUrl(api: Json, context: ImportContext): string | undefined {
  if (!api.host) return absoluteBase(String(api.basePath ?? ''), context);
  const scheme = api.schemes?.includes('https') ? 'https' : (api.schemes?.[0] ?? 'https');
  return `${scheme}://${api.host}${api.basePath ?? ''}`.replace(/\/$/, '');
}

function absoluteBase(url: string, context: ImportContext): string {
  if (/^https?:\/\//i.test(url)) return url.replace(/\/$/, '');
  context.warn(`the server URL "${url}" has no host: baseUrl is http://127.0.0.1:8080${url}; change it to the API's address`);
  return `http://127.0.0.1:8080${url}`.replace(/\/$/, '');
}

interface Operation {
  path: string;
  method: HttpMethod;
  operation: Json;
  pathItem: Json;
}

function selectOperations(api: Json, options: OpenApiOptions): Operation[] {
  const all: Operation[] = [];
  for (const [path, pathItem] of Object.entries<Json>(api.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem?.[method];
      if (operation) all.push({ path, method, operation, pathItem });
    }
  }
  if (all.length === 0) throw new ImportError('the document has no operations (paths is empty)');
  let wanted = all;
  if (options.operations.length > 0) {
    // An operation without an operationId is named by its method and path: `GET /pets/{id}`.
    const idOf = (o: Operation): string => (o.operation.operationId ? String(o.operation.operationId) : `${o.method.toUpperCase()} ${o.path}`);
    const matches = (o: Operation, id: string): boolean => idOf(o) === id || `${o.method.toUpperCase()} ${o.path}` === id;
    for (const id of options.operations) {
      if (!all.some((o) => matches(o, id))) throw new ImportError(`--operation ${id}: no operation has this operationId (or METHOD /path)${hint(id, all.map(idOf))}`);
    }
    wanted = wanted.filter((o) => options.operations.some((id) => matches(o, id)));
  }
  if (options.tags.length > 0) {
    const tags = [...new Set(all.flatMap((o) => (o.operation.tags ?? []) as string[]))];
    for (const tag of options.tags) if (!tags.includes(tag)) throw new ImportError(`--tag ${tag}: no operation has this tag${hint(tag, tags)}`);
    wanted = wanted.filter((o) => (o.operation.tags ?? []).some((t: string) => options.tags.includes(t)));
  }
  if (wanted.length === 0) throw new ImportError('no operation has both the --tag and the --operation asked for');
  return wanted;
}

function hint(name: string, known: string[]): string {
  const suggestion = didYouMean(name, known);
  return suggestion ? ` (did you mean ${suggestion}?)` : '';
}

function operationStep(api: Json, swagger2: boolean, path: string, method: HttpMethod, operation: Json, pathItem: Json, context: ImportContext): ImportedRequest {
  const step = request(method, path);
  if (operation.operationId) step.name = String(operation.operationId);
  if (operation.deprecated) step.notes.push('deprecated in the document');
  const parameters = mergeParameters(pathItem.parameters, operation.parameters);
  let url = path;
  for (const p of parameters) {
    const value = parameterValue(api, p, swagger2);
    if (p.in === 'path') {
      url = url.split(`{${p.name}}`).join(encodeURIComponent(scalarText(value ?? 1)));
    } else if (p.in === 'query' && (p.required || hasExample(p, swagger2)) && value !== undefined) {
      step.query = { ...step.query, [p.name]: context.namedValue(p.name, scalarText(value), `the query parameter ${p.name}`) };
    } else if (p.in === 'header' && p.required && value !== undefined) {
      step.headers = { ...step.headers, [p.name]: context.headerValue(p.name, scalarText(value)) };
    } else if (p.in === 'cookie' && p.required && value !== undefined) {
      step.cookies = { ...step.cookies, [p.name]: context.namedValue(p.name, scalarText(value), `the cookie ${p.name}`) };
    }
  }
  // Path parameters the document forgot to declare.
  step.url = url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    context.warn(`path parameter {${name}} is not declared: 1 is sent`, undefined, step);
    return '1';
  });
  if (swagger2) swaggerBody(api, operation, parameters, step, context);
  else openApiBody(api, operation, step, context);
  applySecurity(api, swagger2, operation.security ?? api.security, step, context);
  const status = successStatus(operation.responses);
  if (status !== undefined) step.check = { status };
  return step;
}

function hasExample(p: Json, swagger2: boolean): boolean {
  const schema = swagger2 ? p : p.schema;
  return p.example !== undefined || p.examples !== undefined || schema?.example !== undefined || schema?.default !== undefined || p['x-example'] !== undefined;
}

/** A parameter's example, else its schema's example, default or first enum value, else a sampled value. */
function parameterValue(api: Json, p: Json, swagger2: boolean): unknown {
  if (p.example !== undefined) return p.example;
  if (p['x-example'] !== undefined) return p['x-example'];
  const named = firstExample(p.examples);
  if (named !== undefined) return named;
  const schema = swagger2 ? p : (p.schema ?? p.content?.[Object.keys(p.content ?? {})[0]]?.schema);
  if (!schema) return undefined;
  return sampleOf(api, schema, {});
}

function firstExample(examples: Json | undefined): unknown {
  if (!examples || typeof examples !== 'object') return undefined;
  const first = Object.values(examples)[0] as Json | undefined;
  return first && typeof first === 'object' && 'value' in first ? first.value : undefined;
}

function sampleOf(api: Json, schema: Json, options: object): unknown {
  try {
    return sample(schema as never, { ...SAMPLE_OPTIONS, ...options }, api);
  } catch {
    return undefined;
  }
}

function scalarText(value: unknown): string {
  if (Array.isArray(value)) return value.map(scalarText).join(',');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function openApiBody(api: Json, operation: Json, step: ImportedRequest, context: ImportContext): void {
  const content: Json | undefined = operation.requestBody?.content;
  if (!content || Object.keys(content).length === 0) return;
  const types = Object.keys(content);
  const type = types.find((t) => isJsonType(t)) ?? types.find((t) => t === 'application/x-www-form-urlencoded') ?? types.find((t) => t === 'multipart/form-data') ?? types.find((t) => t.startsWith('text/')) ?? types[0];
  const media: Json = content[type] ?? {};
  let value = media.example ?? firstExample(media.examples) ?? media.schema?.example ?? (media.schema ? sampleOf(api, media.schema, {}) : undefined);
  // A file field (format: binary) is sampled as the word "string": marked, so setBody leaves it out with a warning.
  if (value !== null && typeof value === 'object' && (type === 'multipart/form-data' || type === 'application/x-www-form-urlencoded')) {
    const files = Object.entries<Json>(media.schema?.properties ?? {}).filter(([name, p]) => name in value && (p?.format === 'binary' || p?.items?.format === 'binary'));
    if (files.length > 0) value = { ...value, ...Object.fromEntries(files.map(([name]) => [name, { __file: true }])) };
  }
  setBody(step, type, value, context);
}

function swaggerBody(api: Json, operation: Json, parameters: Json[], step: ImportedRequest, context: ImportContext): void {
  const body = parameters.find((p) => p.in === 'body');
  const consumes: string[] = operation.consumes ?? api.consumes ?? ['application/json'];
  if (body?.schema) {
    const value = body.schema.example ?? body['x-example'] ?? sampleOf(api, body.schema, {});
    setBody(step, consumes.find((t) => isJsonType(t)) ?? consumes[0], value, context);
    return;
  }
  const fields = parameters.filter((p) => p.in === 'formData' && p.required);
  if (fields.length === 0) return;
  const values = Object.fromEntries(fields.map((p) => [p.name, p.type === 'file' ? { __file: true } : (parameterValue(api, p, true) ?? '')]));
  setBody(step, consumes.includes('multipart/form-data') || fields.some((p) => p.type === 'file') ? 'multipart/form-data' : 'application/x-www-form-urlencoded', values, context);
}

function setBody(step: ImportedRequest, type: string, value: unknown, context: ImportContext): void {
  if (value === undefined) return;
  if (isJsonType(type)) {
    step.body = { kind: 'json', value: context.jsonValue(value) };
    if (type !== 'application/json') step.headers = { ...step.headers, 'Content-Type': type };
    return;
  }
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    const fields: Record<string, MultipartPart> = {};
    for (const [name, field] of Object.entries(value !== null && typeof value === 'object' ? value : {})) {
      if (isBinary(field)) {
        context.warn(`the file field "${name}" is left out: add it as { file: PATH } beside the scenario`, undefined, step);
        continue;
      }
      fields[name] = context.namedValue(name, scalarText(field), `the form field ${name}`);
    }
    step.body = type === 'multipart/form-data' ? { kind: 'multipart', parts: fields } : { kind: 'form', fields: fields as Record<string, string> };
    return;
  }
  if (typeof value === 'string') {
    step.body = { kind: 'body', text: value };
    step.headers = { ...step.headers, 'Content-Type': type };
    return;
  }
  context.warn(`a ${type} body is not generated: write its body: by hand`, undefined, step);
}

function isBinary(value: unknown): boolean {
  return value !== null && typeof value === 'object' && '__file' in value;
}

/** The documented success: the lowest 2xx status (2XX counts as 200); none when only `default` is documented. */
function successStatus(responses: Json | undefined): number | undefined {
  const codes = Object.keys(responses ?? {})
    .map((code) => (/^2xx$/i.test(code) ? 200 : Number(code)))
    .filter((code) => code >= 200 && code < 300);
  return codes.length > 0 ? Math.min(...codes) : undefined;
}

/** The first security requirement's schemes, as headers, query parameters or cookies read from env. */
function applySecurity(api: Json, swagger2: boolean, requirements: Json[] | undefined, step: ImportedRequest, context: ImportContext): void {
  const requirement = requirements?.find((r) => r && Object.keys(r).length > 0);
  if (!requirement) return;
  const schemes: Json = (swagger2 ? api.securityDefinitions : api.components?.securitySchemes) ?? {};
  for (const name of Object.keys(requirement)) {
    const scheme: Json | undefined = schemes[name];
    if (!scheme) continue;
    const key = `\0security:${name}`;
    const type = String(scheme.type);
    if (type === 'apiKey') {
      const template = context.secretTemplate(key, name, `the API key "${name}" (${scheme.in} ${scheme.name})`);
      if (scheme.in === 'header') step.headers = { ...step.headers, [scheme.name]: template };
      else if (scheme.in === 'query') step.query = { ...step.query, [scheme.name]: template };
      else if (scheme.in === 'cookie') step.cookies = { ...step.cookies, [scheme.name]: template };
    } else if (type === 'basic' || (type === 'http' && String(scheme.scheme).toLowerCase() === 'basic')) {
      const user = context.secretEnv(`${key}:user`, `${name}_USER`, `the user of "${name}"`);
      const password = context.secretEnv(`${key}:password`, `${name}_PASSWORD`, `the password of "${name}"`);
      step.headers = { ...step.headers, Authorization: `Basic {{ base64(env.${user} + ':' + env.${password}) }}` };
    } else if (type === 'http' || type === 'oauth2' || type === 'openIdConnect') {
      const scheme_ = type === 'http' ? String(scheme.scheme) : 'bearer';
      const label = scheme_.toLowerCase() === 'bearer' ? 'Bearer' : scheme_;
      step.headers = { ...step.headers, Authorization: `${label} ${context.secretTemplate(key, `${name}_TOKEN`, `the ${label} token of "${name}"`)}` };
    }
  }
}
