// The server's answers to Volley's own requests (LSP_REQUESTS in src/protocol.ts): what the extension
// needs of a scenario file, from the same parse every other feature reads. A file that is not open (the
// Testing view lists every scenario of the workspace) is read from disk and parsed once for the answer.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { LSP_REQUESTS, type InsertStepsResult, type KeyPathEditsResult, type LspRequest } from '../protocol';
import { parseScenarioDocument } from '../engine/scenario/document';
import { AnalysedDocument } from './documents';
import { fileFacts } from './file-facts';
import { insertStepsEdit, openApiOperations } from './import-edits';
import { editsAtPaths } from './yaml-edit';

/** A document for a request: the open version (with its number), else the file on disk (version null). */
export type DocumentSource = (uri: string) => { doc: AnalysedDocument; version: number | null } | undefined;

/** Registers the handler of one declared request, with the types the declaration carries. */
function answer<P, R>(connection: Connection, request: LspRequest<P, R>, handler: (params: P) => R): void {
  connection.onRequest(request.method, (params: P): unknown => handler(params));
}

/** The file at a `file:` URI, parsed, when it can be read. */
export function documentOnDisk(uri: string): AnalysedDocument | undefined {
  if (!uri.startsWith('file:')) return undefined;
  let text: string;
  try {
    text = readFileSync(fileURLToPath(uri), 'utf8');
  } catch {
    return undefined;
  }
  return new AnalysedDocument(uri, -1, parseScenarioDocument(text));
}

export function registerRequests(connection: Connection, documentFor: DocumentSource): void {
  answer(connection, LSP_REQUESTS.fileFacts, ({ uri }) => {
    const found = documentFor(uri);
    return found ? fileFacts(found.doc, found.version) : null;
  });
  answer(connection, LSP_REQUESTS.keyPathEdits, ({ uri, edits }): KeyPathEditsResult => {
    const found = documentFor(uri);
    if (!found) return { ok: false, message: `cannot read ${uri}` };
    if (edits.length === 0) return { ok: false, message: 'the fix has no edits' };
    const scenario = found.doc.scenario;
    const change = editsAtPaths(scenario.text, edits);
    if (!change.ok) return change;
    return { ok: true, version: found.version, range: scenario.rangeAt(change.start, change.end), newText: change.newText };
  });
  answer(connection, LSP_REQUESTS.insertSteps, ({ uri, position, scenario }): InsertStepsResult => {
    const found = documentFor(uri);
    if (!found) return { ok: false, message: `cannot read ${uri}` };
    const edit = insertStepsEdit(found.doc.scenario, position, scenario);
    return edit.ok ? { ...edit, version: found.version } : edit;
  });
  answer(connection, LSP_REQUESTS.openApiOperations, ({ text }) => openApiOperations(text));
}
