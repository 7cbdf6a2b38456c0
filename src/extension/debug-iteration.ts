// "Debug One Iteration": runs `volley debug --json` on a scenario in the engine's child process, shows the
// steps in the results panel, gives each step's line its status, puts a diagnostic on each failed check
// and on each literal a suggestion would replace, and offers each suggestion as a quick fix whose one
// WorkspaceEdit is the engine's (src/engine/debug/capture-edit.ts): the extension never parses YAML.
// Everything shown belongs to the document version that ran; the first edit after clears it.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { EXIT, type DebugReport } from '../protocol';
import type { DebugPosition, DebugStep } from '../engine/debug/report';
import { stepStatus, suggestionTitle } from './debug-iteration-text';
import { config } from './config';
import { runDebug } from './debug-process';
import type { ResultsPanels } from './results-panel';
import type { ScenarioServer } from './server-requests';
import { confirmHosts, mayRun } from './trust';

export const DEBUG_DIAGNOSTIC_SOURCE = 'volley debug';

interface Shown {
  uri: vscode.Uri;
  /** The document version the report belongs to. */
  version: number;
  report: DebugReport;
}

const at = (p: DebugPosition): vscode.Position => new vscode.Position(p.line - 1, p.column - 1);

export class DebugIteration implements vscode.CodeActionProvider, vscode.Disposable {
  private shown: Shown | undefined;
  private running = false;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('volley-debug');
  private readonly okDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('testing.iconPassed') },
  });
  private readonly failedDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('testing.iconFailed') },
  });
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly server: ScenarioServer,
    private readonly panels: ResultsPanels,
  ) {
    this.disposables.push(
      this.diagnostics,
      this.okDecoration,
      this.failedDecoration,
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.shown && e.contentChanges.length > 0 && e.document.uri.toString() === this.shown.uri.toString()) this.clear();
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()),
    );
  }

  /** Runs one iteration of `scenario` (the file's first when undefined); resolves with the report, if one came. */
  async debug(uri: vscode.Uri, scenario: string | undefined): Promise<DebugReport | undefined> {
    if (!mayRun()) return undefined;
    if (this.running) {
      void vscode.window.showInformationMessage('Volley: a debug iteration is already running.');
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Volley: save the scenario to a file first; the engine reads it from disk.');
      return undefined;
    }
    if (document.isDirty && !(await document.save())) {
      void vscode.window.showErrorMessage('Volley: could not save the file, so nothing was run.');
      return undefined;
    }
    if (!(await confirmHosts(document, this.server))) return undefined;
    const file = document.uri.fsPath;
    const version = document.version;
    const settings = config(document.uri);
    this.running = true;
    this.output.info(`debug: one iteration of ${file}${scenario ? ` (scenario ${scenario})` : ''}`);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Volley: debugging one iteration of ${scenario ?? file.split(/[\\/]/).pop()}…` },
        () =>
          runDebug({
            enginePath: this.context.asAbsolutePath('dist/engine.js'),
            file,
            scenario,
            setup: settings.runSetup,
            teardown: settings.runTeardown,
            cwd: vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? dirname(file),
          }),
      );
      if (!result.ok) {
        this.output.error(result.message);
        const invalid = result.exitCode === EXIT.invalidInput;
        void vscode.window.showErrorMessage(invalid ? 'Volley: the file has errors, so nothing was run. See the Problems view.' : `Volley: the debug run failed: ${result.message.split('\n')[0]}`);
        return undefined;
      }
      const report = result.report;
      this.shown = { uri: document.uri, version, report };
      this.panels.runPanelFor(true).showDebug(report);
      this.decorate();
      this.diagnose();
      const failed = report.steps.filter((s) => !s.ok).length;
      const suggestions = report.suggestions.length;
      void vscode.window.setStatusBarMessage(
        `Volley: debug ${report.ok ? 'passed' : `${failed} step${failed === 1 ? '' : 's'} failed`}${suggestions > 0 ? `, ${suggestions} suggestion${suggestions === 1 ? '' : 's'}` : ''}`,
        8000,
      );
      return report;
    } finally {
      this.running = false;
    }
  }

  /** The report shown for this document version, if any. */
  reportFor(document: vscode.TextDocument): DebugReport | undefined {
    const shown = this.shown;
    return shown && shown.uri.toString() === document.uri.toString() && shown.version === document.version ? shown.report : undefined;
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const report = this.reportFor(document);
    if (!report) return [];
    const actions: vscode.CodeAction[] = [];
    for (const s of report.suggestions) {
      const anchors = [...s.literals.map((l) => l.position), s.from.position].map((p) => document.lineAt(p.line - 1).range);
      if (!anchors.some((a) => a.intersection(range) !== undefined)) continue;
      const action = new vscode.CodeAction(suggestionTitle(s), vscode.CodeActionKind.QuickFix);
      const edit = new vscode.WorkspaceEdit();
      for (const e of s.edits) edit.replace(document.uri, new vscode.Range(at(e.range.start), at(e.range.end)), e.newText);
      action.edit = edit;
      action.isPreferred = true;
      action.diagnostics = this.diagnostics.get(document.uri)?.filter((d) => d.code === 'capture-suggestion' && d.message === s.message);
      actions.push(action);
    }
    return actions;
  }

  private diagnose(): void {
    const shown = this.shown;
    if (!shown) return;
    const list: vscode.Diagnostic[] = [];
    const seen = new Set<string>();
    for (const step of shown.report.steps) {
      for (const check of step.checks) {
        if (check.passed) continue;
        const p = check.position ?? step.position;
        const key = `${p.line}:${p.column}:${check.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const d = new vscode.Diagnostic(new vscode.Range(at(p), at(p).translate(0, 1)), `Check "${check.name}" failed in the debug iteration: status ${step.response.status}`, vscode.DiagnosticSeverity.Error);
        d.source = DEBUG_DIAGNOSTIC_SOURCE;
        d.code = 'check-failed';
        list.push(d);
      }
    }
    for (const s of shown.report.suggestions) {
      for (const literal of s.literals) {
        const start = at(literal.position);
        const d = new vscode.Diagnostic(new vscode.Range(start, start.translate(0, s.value?.length ?? 1)), s.message, vscode.DiagnosticSeverity.Warning);
        d.source = DEBUG_DIAGNOSTIC_SOURCE;
        d.code = 'capture-suggestion';
        list.push(d);
      }
    }
    this.diagnostics.set(shown.uri, list);
  }

  private decorate(): void {
    const shown = this.shown;
    for (const editor of vscode.window.visibleTextEditors) {
      if (!shown || editor.document.uri.toString() !== shown.uri.toString() || editor.document.version !== shown.version) {
        if (!shown || editor.document.uri.toString() === shown.uri.toString()) {
          editor.setDecorations(this.okDecoration, []);
          editor.setDecorations(this.failedDecoration, []);
        }
        continue;
      }
      const byLine = new Map<number, DebugStep[]>();
      for (const step of shown.report.steps) byLine.set(step.position.line, [...(byLine.get(step.position.line) ?? []), step]);
      const ok: vscode.DecorationOptions[] = [];
      const failed: vscode.DecorationOptions[] = [];
      for (const [line, runs] of byLine) {
        if (line - 1 >= editor.document.lineCount) continue;
        const end = editor.document.lineAt(line - 1).range.end;
        const option: vscode.DecorationOptions = { range: new vscode.Range(end, end), renderOptions: { after: { contentText: stepStatus(runs) } } };
        (runs.every((s) => s.ok) ? ok : failed).push(option);
      }
      editor.setDecorations(this.okDecoration, ok);
      editor.setDecorations(this.failedDecoration, failed);
    }
  }

  private clear(): void {
    const uri = this.shown?.uri;
    this.shown = undefined;
    if (uri) this.diagnostics.delete(uri);
    this.decorate();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
