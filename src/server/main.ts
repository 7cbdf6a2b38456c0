// The Volley language server. Runs over IPC from the extension, or standalone over stdio
// (`node dist/server.js --stdio`) for other editors. Every feature reads one parse per document version.
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DocumentCache, type AnalysedDocument } from './documents';
import { DiagnosticsPublisher } from './diagnostics';
import { codeActions } from './code-actions';
import { complete } from './completion';
import { hover } from './hover';
import { documentSymbols } from './symbols';
import { foldingRanges } from './folding';
import { definition, prepareRename, references, rename } from './navigation';
import { codeLenses } from './code-lens';
import { EstimateStore } from './estimates';
import { estimateDiagnostics } from './estimate-hints';
import { RunEstimates } from './run-estimates';
import { documentOnDisk, registerRequests } from './requests';
import { OpenApiSupport, openApiEditorDiagnostics, openApiHover } from './openapi';
import { fileURLToPath } from 'node:url';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const cache = new DocumentCache();
const runEstimates = new RunEstimates();
const estimates = new EstimateStore(runEstimates);
const openApi = new OpenApiSupport(() => diagnostics.republishAll());
const diagnostics = new DiagnosticsPublisher(connection, cache, (doc) => [
  ...doc.fileDiagnostics,
  ...estimateDiagnostics(doc, estimates),
  ...openApiEditorDiagnostics(doc, openApi),
]);

connection.onInitialize((params): InitializeResult => {
  const debounce = (params.initializationOptions as { diagnosticsDebounceMs?: unknown } | undefined)?.diagnosticsDebounceMs;
  if (typeof debounce === 'number' && Number.isFinite(debounce) && debounce >= 0) diagnostics.debounceMs = debounce;
  // The extension may name the run store (a setting); otherwise VOLLEY_RUNS_DIR or .volley/runs.
  const runsDir = (params.initializationOptions as { runsDir?: unknown } | undefined)?.runsDir;
  if (typeof runsDir === 'string' && runsDir !== '') runEstimates.configure({ runsDir });
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [':', ' ', '{'] },
      hoverProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'volley-language-server' },
  };
});

/** The analysed latest version of an open document, or undefined when it is not open. */
function analysed(uri: string): AnalysedDocument | undefined {
  const document = documents.get(uri);
  return document ? cache.get(document) : undefined;
}

documents.onDidChangeContent(({ document }) => diagnostics.schedule(document));
// The extension's file events (JSON and YAML files): an `openapi:` document changed on disk.
connection.onDidChangeWatchedFiles(({ changes }) => {
  for (const change of changes) if (change.uri.startsWith('file:')) openApi.fileChanged(fileURLToPath(change.uri));
});
documents.onDidClose(({ document }) => {
  cache.forget(document.uri);
  diagnostics.clear(document.uri);
});

connection.onCompletion(({ textDocument, position }) => {
  const doc = analysed(textDocument.uri);
  return doc ? complete(doc, position, openApi) : [];
});
connection.onHover(({ textDocument, position }) => {
  const doc = analysed(textDocument.uri);
  return doc ? (openApiHover(doc, position, openApi) ?? hover(doc, position, estimates)) : null;
});
connection.onDocumentSymbol(({ textDocument }) => {
  const doc = analysed(textDocument.uri);
  return doc ? documentSymbols(doc.model) : [];
});
connection.onFoldingRanges(({ textDocument }) => {
  const doc = analysed(textDocument.uri);
  return doc ? foldingRanges(doc.lines) : [];
});
connection.onDefinition(({ textDocument, position }) => {
  const doc = analysed(textDocument.uri);
  return doc ? definition(doc, position) : [];
});
connection.onReferences(({ textDocument, position, context }) => {
  const doc = analysed(textDocument.uri);
  return doc ? references(doc, position, context.includeDeclaration) : [];
});
connection.onPrepareRename(({ textDocument, position }) => {
  const doc = analysed(textDocument.uri);
  return doc ? prepareRename(doc, position) : null;
});
connection.onRenameRequest(({ textDocument, position, newName }) => {
  const doc = analysed(textDocument.uri);
  return doc ? rename(doc, position, newName) : null;
});
connection.onCodeAction((params) => {
  const doc = analysed(params.textDocument.uri);
  return doc ? codeActions(doc, params, estimates) : [];
});
connection.onCodeLens(({ textDocument }) => {
  const doc = analysed(textDocument.uri);
  return doc ? codeLenses(doc) : [];
});
estimates.listen(connection, () => diagnostics.republishAll());
registerRequests(connection, (uri) => {
  const document = documents.get(uri);
  if (document) return { doc: cache.get(document), version: document.version };
  const onDisk = documentOnDisk(uri);
  return onDisk && { doc: onDisk, version: null };
});

documents.listen(connection);
connection.listen();
