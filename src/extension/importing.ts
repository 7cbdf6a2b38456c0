// The editor's side of `volley import`: New Scenario from cURL / HAR / OpenAPI / Postman / .http file,
// Paste cURL as Step, and the "Load test this" lenses on .http files and OpenAPI documents. The import
// runs in the bundled engine (import-process.ts); where steps go in a file and where an OpenAPI
// document's operations are, the language server says (it holds the YAML parser).
//
// Workspace trust: importing reads files the person picks (or the clipboard) and writes a new scenario
// file; the engine child runs the extension's own code, and an OpenAPI document's `$ref`s are read from
// disk, never fetched. Nothing of the workspace is run and nothing is sent anywhere, so importing is an
// edit and works in an untrusted workspace too; running the result still needs trust (trust.ts).
import * as vscode from 'vscode';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { runImport, type ImportKindName, type ImportRequest, type ImportResult, type LocatedMessage } from './import-process';
import { httpRequestLines, isHttpFile, mayBeOpenApi, requestFileBase } from './import-targets';
import type { OpenApiOperation } from '../protocol';
import type { ScenarioServer } from './server-requests';
import { scenarioFileName } from './template-files';
import { newScenarioPath } from './templates';

interface SourceKind {
  kind: ImportKindName;
  label: string;
  detail: string;
  filters: Record<string, string[]>;
}

export const IMPORT_SOURCES: readonly SourceKind[] = [
  { kind: 'curl', label: 'cURL', detail: 'commands as the browser\'s "Copy as cURL" writes them: from the clipboard, else a file', filters: { 'cURL commands': ['sh', 'txt', 'curl'] } },
  { kind: 'har', label: 'HAR', detail: 'a browser recording (DevTools: "Save all as HAR")', filters: { HAR: ['har', 'json'] } },
  { kind: 'openapi', label: 'OpenAPI / Swagger', detail: 'an OpenAPI 3 or Swagger 2 document, YAML or JSON', filters: { 'OpenAPI / Swagger': ['yaml', 'yml', 'json'] } },
  { kind: 'postman', label: 'Postman collection', detail: 'a collection exported as v2.1', filters: { 'Postman collection': ['json'] } },
  { kind: 'http', label: '.http file', detail: 'REST Client / httpyac requests', filters: { '.http files': ['http', 'rest'] } },
];

const CURL = /^\s*curl\s/;

/** Where an imported input came from, as the messages name it. */
interface Source {
  /** The input file, or undefined for the clipboard. */
  file?: string;
  text?: string;
  label: string;
}

export class Importer implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly operations = new Map<string, { version: number; operations: Promise<OpenApiOperation[] | undefined> }>();
  private readonly closed: vscode.Disposable;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly server: ScenarioServer,
  ) {
    this.closed = vscode.workspace.onDidCloseTextDocument((d) => this.operations.delete(d.uri.toString()));
  }

  dispose(): void {
    this.closed.dispose();
    this.operations.clear();
  }

  /**
   * New Scenario from …: `kind`, `source` (a path, or "clipboard" for cURL) and `fileName` may be given by a
   * caller (the tests); otherwise a quick pick, the clipboard or a file picker, and an input box ask.
   */
  async newScenarioFrom(kindArg?: string, sourceArg?: string, fileNameArg?: string, environmentArg?: string): Promise<vscode.Uri | undefined> {
    let kind = IMPORT_SOURCES.find((s) => s.kind === kindArg);
    if (!kind) {
      const pick = await vscode.window.showQuickPick(
        IMPORT_SOURCES.map((s) => ({ label: s.label, detail: s.detail, source: s })),
        { title: 'New Volley scenario from…', matchOnDetail: true },
      );
      if (!pick) return undefined;
      kind = pick.source;
    }
    const source = await this.pickSource(kind, sourceArg);
    if (!source) return undefined;
    let environment: string | undefined;
    if (kind.kind === 'postman' && source.file) {
      const picked = await pickPostmanEnvironment(source.file, environmentArg);
      if (picked === undefined) return undefined;
      environment = picked || undefined;
    }

    const folder = (source.file && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(source.file))) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      // No folder to write into: the scenario opens unsaved.
      const result = await this.importWithProgress(source, { kind: kind.kind, environment });
      if (!result) return undefined;
      const document = await vscode.workspace.openTextDocument({ language: 'volley', content: result.scenario });
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside });
      return document.uri;
    }
    const dir = source.file && !relative(folder.uri.fsPath, source.file).startsWith('..') ? dirname(source.file) : folder.uri.fsPath;
    const suggested = source.file ? basename(source.file, extname(source.file)).replace(/\.(postman_collection|openapi|swagger)$/, '') : 'curl';
    const target = await newScenarioPath(dir, suggested, fileNameArg);
    if (!target) return undefined;
    return this.importToFile(source, { kind: kind.kind, outputFile: target, environment });
  }

  /** "Load test this" on an .http request or an OpenAPI operation: its scenario beside the source, opened. */
  async loadTestThis(uriArg: unknown, id: unknown, base: unknown): Promise<vscode.Uri | undefined> {
    const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : uriArg instanceof vscode.Uri ? uriArg : undefined;
    if (!uri || typeof id !== 'string' || uri.scheme !== 'file') return undefined;
    const document = await vscode.workspace.openTextDocument(uri);
    // The engine reads the file from disk.
    if (document.isDirty && !(await document.save())) return undefined;
    const http = isHttpFile(uri.fsPath);
    const file = scenarioFileName(typeof base === 'string' ? base : id) ?? 'imported.volley.yaml';
    const target = join(dirname(uri.fsPath), file);
    if (existsSync(target)) {
      const choice = await vscode.window.showWarningMessage(`${file} already exists beside ${basename(uri.fsPath)}.`, { modal: true }, 'Replace', 'Open It');
      if (choice === 'Open It') {
        await vscode.window.showTextDocument(vscode.Uri.file(target), { viewColumn: vscode.ViewColumn.Beside });
        return vscode.Uri.file(target);
      }
      if (choice !== 'Replace') return undefined;
    }
    const source: Source = { file: uri.fsPath, label: basename(uri.fsPath) };
    return this.importToFile(source, http ? { kind: 'http', requests: [id], outputFile: target } : { kind: 'openapi', operations: [id], outputFile: target });
  }

  /** Paste cURL as Step: the clipboard's (or `textArg`'s) curl commands as steps at the cursor, in its flow. */
  async pasteCurlAsStep(textArg?: string): Promise<boolean> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'volley') {
      void vscode.window.showErrorMessage('Volley: open a scenario file (*.volley.yaml) and put the cursor in a flow to paste a cURL command as a step.');
      return false;
    }
    const text = textArg ?? (await vscode.env.clipboard.readText());
    if (!CURL.test(text)) {
      void vscode.window.showErrorMessage('Volley: the clipboard holds no curl command (copy one with the browser\'s "Copy as cURL").');
      return false;
    }
    const document = editor.document;
    const position = editor.selection.active;
    const result = await this.importWithProgress({ text, label: 'the clipboard' }, { kind: 'curl' });
    if (!result) return false;
    const inserted = await this.server.insertSteps(document, { line: position.line, character: position.character }, result.scenario);
    if (!inserted.ok) {
      void vscode.window.showWarningMessage(`Volley: ${inserted.message}`);
      return false;
    }
    if (!(await vscode.workspace.applyEdit(inserted.edit))) return false;
    const steps = `${inserted.steps} step${inserted.steps === 1 ? '' : 's'}`;
    const env = inserted.env.length > 0 ? ` It reads ${inserted.env.map((n) => `env.${n}`).join(', ')}: set ${inserted.env.length === 1 ? 'it' : 'them'} when you run the file (volley run -e NAME=…).` : '';
    const notes = inserted.notes.map((n) => ` Note: ${n}.`).join('');
    this.notify(`Volley: pasted ${steps} from the clipboard.${env}${notes}`, result.warnings.length);
    return true;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.ProviderResult<vscode.CodeLens[]> {
    if (document.uri.scheme !== 'file') return [];
    if (isHttpFile(document.uri.fsPath)) {
      return httpRequestLines(document.getText()).map(
        (r) =>
          new vscode.CodeLens(new vscode.Range(r.line, 0, r.line, 0), {
            title: 'Load test this',
            tooltip: `Create a Volley scenario for ${r.method} ${r.url} beside this file`,
            command: 'volley.loadTestThis',
            arguments: [document.uri.toString(), r.id, requestFileBase(r.method, r.url, r.name)],
          }),
      );
    }
    if (!mayBeOpenApi(document.uri.fsPath, document.getText())) return [];
    // A large document (GitHub's is 13 MB) is parsed once per version, not once per lens request.
    const key = document.uri.toString();
    let cached = this.operations.get(key);
    if (cached?.version !== document.version) {
      cached = { version: document.version, operations: this.server.openApiOperations(document.getText()) };
      this.operations.set(key, cached);
    }
    return cached.operations.then((operations) =>
      (operations ?? []).map((op) => {
        const at = new vscode.Range(op.range.start.line, op.range.start.character, op.range.end.line, op.range.end.character);
        return new vscode.CodeLens(at, {
          title: 'Load test this',
          tooltip: `Create a Volley scenario for ${op.method} ${op.path} beside this document`,
          command: 'volley.loadTestThis',
          arguments: [document.uri.toString(), op.id, op.id.includes(' ') ? requestFileBase(op.method, op.path) : op.id],
        });
      }),
    );
  }

  private async pickSource(kind: SourceKind, sourceArg: string | undefined): Promise<Source | undefined> {
    if (kind.kind === 'curl' && (sourceArg === 'clipboard' || sourceArg === undefined)) {
      const text = await vscode.env.clipboard.readText();
      if (CURL.test(text)) return { text, label: 'the clipboard' };
      if (sourceArg === 'clipboard') {
        void vscode.window.showErrorMessage('Volley: the clipboard holds no curl command (copy one with the browser\'s "Copy as cURL").');
        return undefined;
      }
    }
    if (sourceArg !== undefined) return { file: sourceArg, label: basename(sourceArg) };
    const picked = await vscode.window.showOpenDialog({
      title: `Import ${kind.label}`,
      canSelectMany: false,
      filters: { ...kind.filters, 'All files': ['*'] },
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    const file = picked?.[0]?.fsPath;
    return file ? { file, label: basename(file) } : undefined;
  }

  private async importToFile(source: Source, request: Omit<ImportRequest, 'enginePath'>): Promise<vscode.Uri | undefined> {
    const result = await this.importWithProgress(source, request);
    if (!result) return undefined;
    const uri = vscode.Uri.file(request.outputFile!);
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside });
    const env = result.env.length > 0 ? ` Set ${result.env.join(', ')} when you run it (volley run -e NAME=…).` : '';
    this.notify(`Volley: imported ${source.label} into ${basename(uri.fsPath)}.${env}`, result.warnings.length);
    return uri;
  }

  /** Runs the import; its warnings go to the output, an error to a message with its place. */
  private async importWithProgress(source: Source, request: Omit<ImportRequest, 'enginePath'>): Promise<Extract<ImportResult, { ok: true }> | undefined> {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Volley: importing ${source.label}` }, () =>
      runImport({
        ...request,
        enginePath: this.context.asAbsolutePath('dist/engine.js'),
        // By its name, in its folder: the header comment names the source without this machine's path.
        inputFile: source.file && basename(source.file),
        text: source.text,
        cwd: source.file ? dirname(source.file) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      }),
    );
    for (const w of result.warnings) this.output.warn(`${where(source, w)}: ${w.message}`);
    if (result.ok) return result;
    this.output.error(`${where(source, result.error)}: ${result.error.message}`);
    const open = source.file && result.error.line !== undefined ? 'Go to Error' : undefined;
    const choice = await vscode.window.showErrorMessage(`Volley: cannot import ${where(source, result.error)}: ${result.error.message}`, ...(open ? [open] : []));
    if (choice && source.file && result.error.line !== undefined) {
      const at = new vscode.Position(result.error.line - 1, (result.error.column ?? 1) - 1);
      await vscode.window.showTextDocument(vscode.Uri.file(source.file), { selection: new vscode.Range(at, at) });
    }
    return undefined;
  }

  private notify(message: string, warnings: number): void {
    if (warnings === 0) {
      void vscode.window.showInformationMessage(message);
      return;
    }
    const text = `${message} ${warnings} warning${warnings === 1 ? '' : 's'}: what could not be converted is listed in the Volley output and commented in the file.`;
    void vscode.window.showWarningMessage(text, 'Show Output').then((choice) => choice && this.output.show(true));
  }
}

/**
 * A Postman collection's environment: none, one exported beside it (`*.postman_environment.json`), or
 * one picked. `environmentArg` (the tests): "none" or a path. '' for none, undefined when cancelled.
 */
async function pickPostmanEnvironment(collection: string, environmentArg: string | undefined): Promise<string | undefined> {
  if (environmentArg !== undefined) return environmentArg === 'none' ? '' : environmentArg;
  const dir = dirname(collection);
  let beside: string[] = [];
  try {
    beside = readdirSync(dir).filter((f) => f.endsWith('.postman_environment.json'));
  } catch {
    // An unreadable folder has no environment to offer; a file can still be picked.
  }
  const choose = 'Choose an environment file…';
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'No environment', detail: 'variables the collection does not define are read from env when you run it', value: '' },
      ...beside.map((f) => ({ label: f, detail: 'its values are read; secret ones become {{ env.NAME }}', value: join(dir, f) })),
      { label: choose, detail: 'a Postman environment exported as JSON', value: choose },
    ],
    { title: 'Postman environment for the collection' },
  );
  if (!pick) return undefined;
  if (pick.value !== choose) return pick.value;
  const picked = await vscode.window.showOpenDialog({
    title: 'Postman environment',
    canSelectMany: false,
    filters: { 'Postman environment': ['json'], 'All files': ['*'] },
    defaultUri: vscode.Uri.file(dir),
  });
  return picked?.[0]?.fsPath;
}

function where(source: Source, at: LocatedMessage): string {
  return at.line !== undefined ? `${source.file ?? source.label}:${at.line}:${at.column ?? 1}` : (source.file ?? source.label);
}

/** The documents the lenses are for: .http / .rest files, and YAML / JSON files that may be OpenAPI documents. */
export const IMPORT_LENS_DOCUMENTS: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.{http,rest}' },
  { scheme: 'file', pattern: '**/*.{yaml,yml,json}' },
];
