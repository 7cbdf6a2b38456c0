// `volley import`'s core: which kind of input this is, the importer for it, and the scenario text.
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ExecutorType } from '../scenario/plan';
import { ImportContext } from './context';
import { importCurl, outputDirOf } from './curl';
import { importHar } from './har';
import { importHttpFile } from './http-file';
import { importOpenApi } from './openapi';
import { importPostman } from './postman';
import { ImportError, type ImportKind, type ImportWarning, type ImportedDocument } from './model';
import { writeScenario } from './scenario-writer';

export { ImportError, IMPORT_KINDS, type ImportKind, type ImportWarning } from './model';

export interface ImportOptions {
  /** Detected from the text when absent. */
  kind?: ImportKind;
  /** The input file (resolved against cwd), or undefined for standard input. */
  inputFile?: string;
  cwd: string;
  /** Where the scenario will be written (files it sends are relative to it); stdout when absent. */
  outputFile?: string;
  executor: ExecutorType;
  /** OpenAPI: only operations with one of these tags. */
  tags: string[];
  /** OpenAPI: only these operationIds. */
  operations: string[];
  /** HAR: keep images, fonts, CSS, JS and media. */
  includeAssets: boolean;
  /** HAR: hosts kept besides the main one. */
  hosts: string[];
  /** .http: only these requests (by @name or line), with those they reference. */
  requests?: string[];
  /** Postman: an exported environment, its text and file name. */
  environment?: { text: string; file: string };
}

export interface ImportOutcome {
  kind: ImportKind;
  scenario: string;
  warnings: ImportWarning[];
  env: string[];
}

export async function importScenario(text: string, options: ImportOptions): Promise<ImportOutcome> {
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const kind = options.kind ?? detectKind(input);
  if (options.environment && kind !== 'postman') throw new ImportError(`--environment is a Postman environment, for a Postman collection; this input is ${kind}`);
  const context = new ImportContext();
  const imported = await importKind(kind, input, context, options);
  const scenario = writeScenario(imported, context, { source: options.inputFile ?? 'standard input', executor: options.executor });
  return { kind, scenario, warnings: context.warnings, env: context.envVariables.map((e) => e.name) };
}

async function importKind(kind: ImportKind, text: string, context: ImportContext, options: ImportOptions): Promise<ImportedDocument> {
  const outputDir = outputDirOf(options.outputFile, options.cwd);
  switch (kind) {
    case 'curl':
      // Files a command reads are where it was saved from: beside the input (the current directory for stdin).
      return importCurl(text, context, { baseDir: options.inputFile ? dirname(resolve(options.cwd, options.inputFile)) : options.cwd, outputDir });
    case 'openapi':
      return importOpenApi(text, context, {
        file: options.inputFile,
        cwd: options.cwd,
        outputDir: options.outputFile === undefined ? undefined : outputDir,
        tags: options.tags,
        operations: options.operations,
      });
    case 'http':
      return importHttpFile(text, context, { requests: options.requests });
    case 'postman':
      return importPostman(text, context, { cwd: options.cwd, outputDir, environment: options.environment });
    case 'har':
      return importHar(text, context, { includeAssets: options.includeAssets, hosts: options.hosts });
  }
}

/** The kind of an input from its content: curl words, a HAR log, an OpenAPI or Postman document, an .http file. */
export function detectKind(text: string): ImportKind {
  const start = text.replace(/^(\s|#[^\n]*\n)*/, '');
  if (/^curl\s/.test(start)) return 'curl';
  let data: unknown;
  try {
    data = /^[[{]/.test(start) ? JSON.parse(text) : parseYaml(text);
  } catch {
    data = undefined;
  }
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const doc = data as Record<string, unknown>;
    const log = doc.log as Record<string, unknown> | undefined;
    if (log && Array.isArray(log.entries)) return 'har';
    if (typeof doc.openapi === 'string' || doc.swagger !== undefined) return 'openapi';
    const info = doc.info as Record<string, unknown> | undefined;
    if (Array.isArray(doc.item) && info && (typeof info._postman_id === 'string' || String(info.schema ?? '').includes('postman'))) return 'postman';
  }
  if (/^(###|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE|CONNECT)\s+\S+|@[\w-]+\s*=)/m.test(text)) return 'http';
  throw new ImportError(
    'cannot tell what this is: not a curl command, a HAR log, an OpenAPI / Swagger document, a Postman collection or an .http file; name it with --from',
    { line: 1, column: 1 },
  );
}
