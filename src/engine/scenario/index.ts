// The scenario module's public API: what the engine, the CLI and the language server use.
import { readFile } from 'node:fs/promises';
import { compileScenario } from './compile';
import { parseScenarioDocument, type ScenarioDocument } from './document';
import type { Plan, ScenarioDiagnostic } from './plan';
import { readBodyFiles } from './body-files';
import { DataFileReader } from './data-files';
import type { SharedDataTable } from '../data/table';
import type { DataSetPlan } from './plan';
import { checkDocument, sortDiagnostics, validateDocument } from './validate';
import type { OpenApiReference } from '../openapi/reference';

export type { CursorLocation, PathSegment, ScenarioDocument } from './document';
export type { Plan, Range, Position, ScenarioDiagnostic, DiagnosticFix, Severity } from './plan';
export { parseScenarioDocument, validateDocument, compileScenario };
export { nameFromFile } from './compile';
export {
  SCHEMA,
  EXECUTORS,
  EXECUTOR_TYPES,
  HTTP_METHOD_KEYS,
  METRIC_NAMES,
  METRIC_TAGS,
  THRESHOLD_TAGS,
  thresholdTagsDoc,
  docFor,
  docForExecutor,
  executorsTaking,
  keysAt,
  schemaAt,
  scalarSchema,
  scenarioKeysFor,
  requiredScenarioKeysFor,
  toJsonSchema,
  valuesAt,
} from './schema';
export type { KeyInfo, SchemaContext, SchemaNode } from './schema';

export interface LoadResult {
  diagnostics: ScenarioDiagnostic[];
  /** Only when there is no error-severity diagnostic. */
  plan: Plan | undefined;
  /** `openapi:`, when the file has a valid one. */
  openapi?: OpenApiReference;
  /** The file's baseUrl, when valid. */
  baseUrl?: string;
}

export interface LoadOptions {
  /**
   * Read the files `multipart:` parts send, relative to `file` (default true): a run needs them, and one
   * that cannot be read is an error. Off only to check a document's text alone (the JSON Schema's peer).
   */
  readBodyFiles?: boolean;
  /**
   * The data sets' tables as the main thread read them, by set name: a worker thread takes them (shared
   * memory) instead of reading the files again. Only with readBodyFiles.
   */
  dataTables?: Readonly<Record<string, SharedDataTable>>;
}

export function loadScenario(text: string, file: string, options: LoadOptions = {}): LoadResult {
  const doc = parseScenarioDocument(text);
  return loadDocument(doc, file, options);
}

/** For callers that already parsed (the language server keeps the document). */
export function loadDocument(doc: ScenarioDocument, file: string, options: LoadOptions = {}): LoadResult {
  const readFiles = options.readBodyFiles ?? true;
  // Data files are read before the check, so that templates reading a column the file lacks are errors there.
  const dataFiles = readFiles ? new DataFileReader(file, options.dataTables) : undefined;
  const checkedDocument = checkDocument(doc, undefined, dataFiles === undefined ? undefined : { dataColumns: dataFiles.columns });
  const checked = checkedDocument.checked;
  const diagnostics = checkedDocument.diagnostics;
  let data: DataSetPlan[] = [];
  if (dataFiles !== undefined) {
    const unreadable = readBodyFiles(checked, file);
    const dataSets = dataFiles.plans(checked.data ?? [], checked.scenarios.length);
    data = dataSets.plans;
    if (unreadable.length > 0 || dataSets.diagnostics.length > 0) {
      return { diagnostics: sortDiagnostics([...diagnostics, ...unreadable, ...dataSets.diagnostics]), plan: undefined };
    }
  }
  const about = { openapi: checked.openapi, baseUrl: checked.baseUrl };
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics, plan: undefined, ...about };
  try {
    return { diagnostics, plan: compileScenario(checked, file, data), ...about };
  } catch (error) {
    const zero = { line: 0, character: 0 };
    const internal: ScenarioDiagnostic = {
      severity: 'error',
      code: 'internal-error',
      message: `internal error while compiling the file: ${error instanceof Error ? error.message : String(error)}`,
      range: { start: zero, end: zero },
    };
    return { diagnostics: [...diagnostics, internal], plan: undefined };
  }
}

export interface FileLoadOptions {
  /**
   * Check the steps against the `openapi:` document (`volley validate`): its problems and the steps'
   * mismatches are warnings. A run leaves it out: the document describes the API, it is not needed to run.
   */
  openApi?: boolean;
}

export async function loadScenarioFile(path: string, options: FileLoadOptions = {}): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((error as Error).message ?? error);
    const zero = { line: 0, character: 0 };
    return {
      diagnostics: [{ severity: 'error', code: 'unreadable-file', message: `cannot read the file: ${reason}`, range: { start: zero, end: zero } }],
      plan: undefined,
    };
  }
  // A BOM would shift every column by one.
  const doc = parseScenarioDocument(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const loaded = loadDocument(doc, path);
  if (!options.openApi || loaded.openapi === undefined) return loaded;
  // Loaded on use: the OpenAPI parser is not evaluated for files without the key.
  const [{ OpenApiDocuments }, { openApiDiagnostics }, { openApiPath }] = await Promise.all([
    import('../openapi/documents.js'),
    import('../openapi/check.js'),
    import('../openapi/reference.js'),
  ]);
  const outcome = await new OpenApiDocuments().load(openApiPath(path, loaded.openapi.file));
  return { ...loaded, diagnostics: sortDiagnostics([...loaded.diagnostics, ...openApiDiagnostics(doc, loaded.openapi, outcome, loaded.baseUrl)]) };
}

/** `file:line:col: severity: message`, 1-based, as compilers print. */
export function formatDiagnostic(file: string, d: ScenarioDiagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}`;
}
