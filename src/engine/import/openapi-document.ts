// Reading an OpenAPI 3.0 / 3.1 or Swagger 2.0 document: JSON or YAML text (with the place of a syntax error),
// its $refs resolved by @apidevtools/swagger-parser (files only, never the network), its version checked.
// `volley import` and the editor's `openapi:` key (src/engine/openapi) both read documents through here.
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { ImportError, parseJsonInput, type ParsedJson as Json } from './model';

/** JSON or YAML, with the place of a syntax error. */
export function parseOpenApiText(text: string): unknown {
  if (/^\s*\{/.test(text)) return parseJsonInput(text);
  const doc = parseDocument(text, { uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    throw new ImportError(`not valid YAML: ${error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, at ? { line: at.line, column: at.col } : undefined);
  }
  return doc.toJS({ maxAliasCount: -1 });
}

/**
 * The parsed document with its $refs resolved (`where`: its absolute path, which relative $refs are read
 * against). Throws ImportError when a $ref cannot be resolved or the version is not one Volley reads.
 */
export async function resolveOpenApi(parsed: unknown, where: string): Promise<Json> {
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ImportError('not an OpenAPI document: expected a map with `openapi:` or `swagger:` at the top', { line: 1, column: 1 });
  }
  let api: Json;
  try {
    api = (await new SwaggerParser().dereference(where, parsed as never, {
      // Only files: reading a document never reaches out to the network for a $ref.
      resolve: { http: false },
      // A recursive schema keeps its $ref, which the sampler resolves against the document.
      dereference: { circular: 'ignore' },
    })) as Json;
  } catch (err) {
    throw new ImportError(`cannot resolve the document: ${err instanceof Error ? err.message : String(err)}`);
  }
  const swagger2 = api.swagger !== undefined;
  if (swagger2 ? String(api.swagger) !== '2.0' : !/^3\.[01]\./.test(String(api.openapi))) {
    throw new ImportError(`OpenAPI ${api.openapi ?? api.swagger}: Volley reads OpenAPI 3.0 and 3.1 and Swagger 2.0`, { line: 1, column: 1 });
  }
  return api;
}

/** A document file read, parsed and resolved; the problem as ImportError (a missing file too). */
export async function readOpenApiFile(path: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImportError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((err as Error).message));
  }
  return resolveOpenApi(parseOpenApiText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), path);
}

/** An operation's parameters: the path item's, overridden by the operation's of the same name and place. */
export function mergeParameters(pathLevel: Json[] | undefined, operationLevel: Json[] | undefined): Json[] {
  const byKey = new Map<string, Json>();
  for (const p of [...(Array.isArray(pathLevel) ? pathLevel : []), ...(Array.isArray(operationLevel) ? operationLevel : [])]) {
    if (p?.name && p?.in) byKey.set(`${p.in}:${p.name}`, p);
  }
  return [...byKey.values()];
}
