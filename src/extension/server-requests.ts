// The extension's side of Volley's own requests (LSP_REQUESTS in src/protocol.ts): everything the editor
// needs to know of a scenario file comes from the language server, which keeps one parse per version, so
// the extension bundles no YAML parser and never re-parses a file on an edit.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LSP_REQUESTS, type Diagnosis, type FileFacts, type KeyPathEdit, type LspRequest, type OpenApiOperation, type TextPosition, type TextRange } from '../protocol';

/** Sends one declared request, with the types the declaration carries. */
export function ask<P, R>(client: LanguageClient, request: LspRequest<P, R>, params: P): Promise<R> {
  return client.sendRequest<R>(request.method, params);
}

export function toRange(r: TextRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** The edits a diagnosis asks for: all of `edits` when given, else its one `edit`. */
export function diagnosisEdits(d: Pick<Diagnosis, 'edit' | 'edits'>): KeyPathEdit[] {
  return d.edits && d.edits.length > 0 ? d.edits : d.edit ? [d.edit] : [];
}

export type PreparedEdit = { ok: true; edit: vscode.WorkspaceEdit; range: vscode.Range } | { ok: false; message: string };

export type PreparedSteps = { ok: true; edit: vscode.WorkspaceEdit; steps: number; env: string[]; notes: string[] } | { ok: false; message: string };

const NOT_RUNNING = 'the Volley language server is not running (see the Volley output)';

export class ScenarioServer {
  constructor(
    /** The language client once started; undefined when it failed to start. */
    private readonly client: Promise<LanguageClient | undefined>,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** The file's facts (the open version, else the file on disk); undefined when they cannot be had. */
  async fileFacts(uri: vscode.Uri): Promise<FileFacts | undefined> {
    const client = await this.client;
    if (!client) return undefined;
    try {
      return (await ask(client, LSP_REQUESTS.fileFacts, { uri: uri.toString() })) ?? undefined;
    } catch (err) {
      this.output.error(`volley/fileFacts ${uri.toString()}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** The WorkspaceEdit that makes `edits` in the open document, or why it cannot be made. */
  async prepareEdit(document: vscode.TextDocument, edits: KeyPathEdit[]): Promise<PreparedEdit> {
    const client = await this.client;
    if (!client) return { ok: false, message: NOT_RUNNING };
    const version = document.version;
    let result;
    try {
      result = await ask(client, LSP_REQUESTS.keyPathEdits, { uri: document.uri.toString(), edits });
    } catch (err) {
      return { ok: false, message: `the edit could not be prepared: ${(err as Error).message}` };
    }
    if (!result.ok) return result;
    // The edit's range belongs to the text the server saw: never apply it to another.
    if (result.version === null) return { ok: false, message: `the language server does not have ${document.uri.fsPath} open as a Volley scenario, so it cannot edit it` };
    if (result.version !== version || document.version !== version) return { ok: false, message: 'the file changed while the edit was prepared; try again' };
    const range = toRange(result.range);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, range, result.newText);
    return { ok: true, edit, range };
  }

  /** The edit that inserts an imported scenario's steps into the flow at `position`, or why it cannot be made. */
  async insertSteps(document: vscode.TextDocument, position: TextPosition, scenario: string): Promise<PreparedSteps> {
    const client = await this.client;
    if (!client) return { ok: false, message: NOT_RUNNING };
    const version = document.version;
    let result;
    try {
      result = await ask(client, LSP_REQUESTS.insertSteps, { uri: document.uri.toString(), position, scenario });
    } catch (err) {
      return { ok: false, message: `the steps could not be placed: ${(err as Error).message}` };
    }
    if (!result.ok) return result;
    if (result.version === null) return { ok: false, message: `the language server does not have ${document.uri.fsPath} open as a Volley scenario` };
    if (result.version !== version || document.version !== version) return { ok: false, message: 'the file changed while the steps were placed; try again' };
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, toRange(result.range), result.newText);
    return { ok: true, edit, steps: result.steps, env: result.env, notes: result.notes };
  }

  /** The operations of an OpenAPI / Swagger document's text; undefined when it is not one or the server cannot say. */
  async openApiOperations(text: string): Promise<OpenApiOperation[] | undefined> {
    const client = await this.client;
    if (!client) return undefined;
    try {
      return (await ask(client, LSP_REQUESTS.openApiOperations, { text })) ?? undefined;
    } catch (err) {
      this.output.error(`volley/openApiOperations: ${(err as Error).message}`);
      return undefined;
    }
  }
}
