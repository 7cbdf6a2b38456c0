// A real LSP client for tests: forks the built server over stdio and speaks the protocol to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  ExitNotification,
  CompletionRequest,
  HoverRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  DefinitionRequest,
  ReferencesRequest,
  PrepareRenameRequest,
  RenameRequest,
  CodeActionRequest,
  CodeLensRequest,
  type CodeAction,
  type CodeLens,
  type Command,
  type CompletionItem,
  type Diagnostic,
  type DocumentSymbol,
  type FoldingRange,
  type Hover,
  type Location,
  type Position,
  type PublishDiagnosticsParams,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';

import type { LspRequest } from '../../src/protocol';

export const SERVER = resolve(__dirname, '../../dist/server.js');

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly child: ChildProcess;
  private readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: Array<() => void> = [];

  constructor() {
    this.child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.connection = createProtocolConnection(
      new StreamMessageReader(this.child.stdout!),
      new StreamMessageWriter(this.child.stdin!),
    );
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const list = this.diagnostics.get(params.uri) ?? [];
      list.push(params);
      this.diagnostics.set(params.uri, list);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.connection.listen();
  }

  async initialize(): Promise<void> {
    await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      workspaceFolders: null,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
  }

  async open(uri: string, text: string, version = 1): Promise<void> {
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'volley', version, text },
    });
  }

  async change(uri: string, text: string, version: number): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
  }

  /** Resolves with the first diagnostics published for `uri` at `version` (or any version when omitted). */
  async diagnosticsFor(uri: string, version?: number, timeoutMs = 5000): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.diagnostics.get(uri)?.find((p) => version === undefined || p.version === version);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 50);
      });
    }
  }

  async completion(uri: string, position: Position): Promise<CompletionItem[]> {
    const result = await this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    return Array.isArray(result) ? result : (result?.items ?? []);
  }

  async hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async symbols(uri: string): Promise<DocumentSymbol[]> {
    return ((await this.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) ?? []) as DocumentSymbol[];
  }

  async folding(uri: string): Promise<FoldingRange[]> {
    return (await this.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri } })) ?? [];
  }

  async definition(uri: string, position: Position): Promise<Location[]> {
    const result = await this.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
    if (!result) return [];
    return (Array.isArray(result) ? result : [result]) as Location[];
  }

  async references(uri: string, position: Position, includeDeclaration = true): Promise<Location[]> {
    return (await this.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration } })) ?? [];
  }

  async prepareRename(uri: string, position: Position) {
    return this.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position });
  }

  async rename(uri: string, position: Position, newName: string): Promise<WorkspaceEdit | null> {
    return this.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName });
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[] = []): Promise<Array<CodeAction | Command>> {
    return (await this.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } })) ?? [];
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    return (await this.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }

  /** One of Volley's own requests (LSP_REQUESTS), as the extension sends it. */
  async request<P, R>(request: LspRequest<P, R>, params: P): Promise<R> {
    return this.connection.sendRequest<R>(request.method, params);
  }

  published(uri: string): PublishDiagnosticsParams[] {
    return this.diagnostics.get(uri) ?? [];
  }

  async close(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    await new Promise((done) => this.child.once('exit', done));
    this.connection.dispose();
  }
}

/** A text with one `‸` marking the cursor: the text without it, and the cursor's position. */
export function withCursor(marked: string): { text: string; position: Position } {
  const offset = marked.indexOf('‸');
  if (offset < 0) throw new Error('no ‸ in the text');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, position: positionAt(text, offset) };
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

export function offsetAt(text: string, position: Position): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let l = 0; l < position.line; l++) offset += lines[l].length + 1;
  return offset + position.character;
}

/** The position of the `occurrence`-th `needle` in the text, plus `delta` characters. */
export function find(text: string, needle: string, delta = 0, occurrence = 0): Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" (#${occurrence}) not in the text`);
  }
  return positionAt(text, at + delta);
}

export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  const start = find(text, needle, 0, occurrence);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => offsetAt(text, b.range.start) - offsetAt(text, a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetAt(out, e.range.start)) + e.newText + out.slice(offsetAt(out, e.range.end));
  return out;
}
