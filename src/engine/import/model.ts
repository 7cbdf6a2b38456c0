// What every importer produces: flows of request steps in the scenario format's terms, before they are
// written out. Importers fill it; scenario-writer.ts turns it into the YAML text.
import { parseDocument } from 'yaml';

export type ImportKind = 'curl' | 'har' | 'openapi' | 'postman' | 'http';

export const IMPORT_KINDS: readonly ImportKind[] = ['curl', 'har', 'openapi', 'postman', 'http'];

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';

export const HTTP_METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** A parsed HAR, OpenAPI document or Postman collection: read field by field, each checked where it is used. */
export type ParsedJson = Record<string, any>;

/** A place in the input, 1-based, for warnings and errors. */
export interface SourceLocation {
  line: number;
  column: number;
}

export type MultipartPart = string | { file: string; contentType?: string; filename?: string };

export type ImportedBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'body'; text: string }
  | { kind: 'form'; fields: Record<string, string> }
  | { kind: 'multipart'; parts: Record<string, MultipartPart> };

export interface ImportedRequest {
  kind: 'request';
  name?: string;
  method: HttpMethod;
  /** Relative to baseUrl (starting with /) or absolute; may hold templates. */
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  cookies?: Record<string, string>;
  body?: ImportedBody;
  check?: { status: number | number[] };
  capture?: Record<string, string>;
  /** Written as comments above the step: warnings, scripts that were not converted. */
  notes: string[];
  /** Where the step came from in the input. */
  at?: SourceLocation;
}

export interface ImportedThink {
  kind: 'think';
  /** A duration in the format's syntax: `1s500ms`. */
  duration: string;
  notes: string[];
}

export type ImportedStep = ImportedRequest | ImportedThink;

/** A HAR page or a Postman folder: steps that belong together. */
export interface ImportedSection {
  kind: 'page' | 'folder';
  name: string;
  steps: ImportedStep[];
}

export interface ImportedFlow {
  /** Becomes the scenario's name (made valid by the writer). */
  name: string;
  /** Steps, and sections of steps, in order. */
  items: Array<ImportedStep | ImportedSection>;
}

export interface ImportedDocument {
  kind: ImportKind;
  /** Shown in the header comment: `curl commands`, `OpenAPI 3.0.3 document "Petstore" 1.0.0`. */
  description: string;
  baseUrl?: string;
  variables: Record<string, string | number | boolean>;
  flows: ImportedFlow[];
  /** cURL's -k: the run must accept any certificate. */
  insecureTls?: boolean;
  /** OpenAPI: the `openapi:` key, the source document relative to the scenario file. */
  openapi?: string;
}

export interface ImportWarning {
  message: string;
  at?: SourceLocation;
}

export function request(method: HttpMethod, url: string, at?: SourceLocation): ImportedRequest {
  return { kind: 'request', method, url, notes: [], at };
}

/** Input that cannot be imported: printed as FILE:LINE:COL: error: MESSAGE, never with a stack. */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly at?: SourceLocation,
    /** The file the error is in when it is not the main input (a Postman environment). */
    readonly file?: string,
  ) {
    super(message);
  }
}

export function isSection(item: ImportedStep | ImportedSection): item is ImportedSection {
  return item.kind === 'page' || item.kind === 'folder';
}

/** A flow's steps with its sections' steps in their place. */
export function stepsOf(items: ReadonlyArray<ImportedStep | ImportedSection>): ImportedStep[] {
  return items.flatMap((item) => (isSection(item) ? item.steps : [item]));
}

/** A JSON input, or an ImportError at the line and column of its syntax error. */
export function parseJsonInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message);
    let at: SourceLocation | undefined;
    if (position) {
      const before = text.slice(0, Number(position[1])).split('\n');
      at = { line: before.length, column: before[before.length - 1].length + 1 };
    } else {
      // V8 gives no position for some errors (`[,]`, a short input): YAML's parser, which reads JSON, locates it.
      const where = parseDocument(text).errors[0]?.linePos?.[0];
      if (where) at = { line: where.line, column: where.col };
    }
    throw new ImportError(`not valid JSON: ${message.replace(/\s*\n\s*/g, ' ')}`, at);
  }
}
