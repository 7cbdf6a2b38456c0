// `volley import` in a child process: the bundled dist/engine.js on the editor's own Node, as the CLI
// (the importers and their parsers stay out of dist/extension.js). Its stderr lines
// (`INPUT:LINE:COL: warning: …`, one `… error: …`) are read back into located warnings and an error.
// Nothing here imports vscode, so it is tested with plain Node against the real engine.
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { runEngineCli } from './engine-process';

export type ImportKindName = 'curl' | 'har' | 'openapi' | 'postman' | 'http';

export interface ImportRequest {
  enginePath: string;
  kind: ImportKindName;
  /** The input file; absent: `text` goes to the engine's standard input. */
  inputFile?: string;
  text?: string;
  /** Where the engine writes the scenario (read back into `scenario`); absent: from its stdout. */
  outputFile?: string;
  /** OpenAPI: `--operation` (an operationId or `METHOD /path`). */
  operations?: string[];
  /** .http: `--request` (an @name or the request line's number). */
  requests?: string[];
  /** Postman: `--environment`, an exported environment file. */
  environment?: string;
  cwd?: string;
  execPath?: string;
}

export interface LocatedMessage {
  message: string;
  /** 1-based, in the input. */
  line?: number;
  column?: number;
}

export type ImportResult =
  | { ok: true; scenario: string; warnings: LocatedMessage[]; env: string[] }
  | { ok: false; error: LocatedMessage; warnings: LocatedMessage[] };

/** The arguments of `volley import` for a request. */
export function importArgs(request: ImportRequest): string[] {
  const args = ['import', request.inputFile ?? '-', '--from', request.kind];
  if (request.outputFile) args.push('-o', request.outputFile);
  for (const id of request.operations ?? []) args.push('--operation', id);
  for (const id of request.requests ?? []) args.push('--request', id);
  if (request.environment) args.push('--environment', request.environment);
  return args;
}

/** One stderr line of `volley import` about `label` (the input as it was named), or undefined. */
export function parseImportLine(line: string, label: string): { level: 'warning' | 'error'; at: LocatedMessage } | undefined {
  if (!line.startsWith(`${label}:`)) return undefined;
  const m = /^(?:(\d+):(\d+):)?\s*(warning|error): (.*)$/.exec(line.slice(label.length + 1));
  if (!m) return undefined;
  const at: LocatedMessage = { message: m[4]! };
  if (m[1] !== undefined) {
    at.line = Number(m[1]);
    at.column = Number(m[2]);
  }
  return { level: m[3] as 'warning' | 'error', at };
}

/** An error in the Postman environment file: the message names the file, without a place in the input. */
function environmentLine(line: string, environment: string): { level: 'warning' | 'error'; at: LocatedMessage } | undefined {
  const parsed = parseImportLine(line, environment);
  return parsed && { level: parsed.level, at: { message: `${environment}${parsed.at.line !== undefined ? `:${parsed.at.line}:${parsed.at.column}` : ''}: ${parsed.at.message}` } };
}

/** Every `env.NAME` a scenario's templates read, each once. */
export function envNamesIn(scenario: string): string[] {
  return [...new Set([...scenario.matchAll(/\benv\.([A-Za-z_]\w*)/g)].map((m) => m[1]!))];
}

export async function runImport(request: ImportRequest): Promise<ImportResult> {
  const result = await runEngineCli({
    enginePath: request.enginePath,
    args: importArgs(request),
    cwd: request.cwd,
    execPath: request.execPath,
    stdin: request.inputFile ? '' : (request.text ?? ''),
  });
  if ('startError' in result) return { ok: false, error: { message: `cannot start the engine: ${result.startError.message}` }, warnings: [] };
  const { code, stdout, stderr } = result;
  const label = request.inputFile ?? 'standard input';
  const warnings: LocatedMessage[] = [];
  let error: LocatedMessage | undefined;
  const unread: string[] = [];
  for (const line of stderr.split('\n')) {
    if (line.trim() === '') continue;
    const parsed = parseImportLine(line, label) ?? (request.environment ? environmentLine(line, request.environment) : undefined);
    if (parsed?.level === 'warning') warnings.push(parsed.at);
    else if (parsed) error = parsed.at;
    else if (!line.startsWith('wrote ')) unread.push(line);
  }
  if (code !== 0 || error) return { ok: false, error: error ?? { message: unread.join('\n') || `the import failed (exit ${code})` }, warnings };
  let scenario = stdout;
  if (request.outputFile) {
    try {
      scenario = readFileSync(resolvePath(request.cwd ?? '.', request.outputFile), 'utf8');
    } catch (err) {
      return { ok: false, error: { message: `the import wrote no ${request.outputFile}: ${(err as Error).message}` }, warnings };
    }
  }
  return { ok: true, scenario, warnings, env: envNamesIn(scenario) };
}
