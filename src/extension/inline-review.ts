// The last run's figures in the scenario file itself: per-step figures at the end of the step's line, a
// code lens per scenario, thresholds marked passed/failed, and failed thresholds and diagnoses in the
// Problems view. The extension provides these itself (its own CodeLensProvider and DiagnosticCollection)
// rather than handing results to the language server: the run lives here, and this way the server stays
// a pure function of the text. Anchors are recomputed on every edit from the language server's facts of the
// new version (result-lines.ts), so they follow their steps; once the text differs from what ran,
// everything is marked stale.
import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import type { Diagnosis, RunEvent } from '../protocol';
import { config } from './config';
import { editorThresholdActual } from '../format';
import { digestRun, type RunDigest } from './run-file';
import { mapResultsToLines, noResultLines, type BaselineInput, type ResultLines } from './result-lines';
import { baselineFor } from './baseline';
import { regressionText } from '../engine/report/baseline';
import { failureWhat } from '../webview/lifecycle';
import { diagnosisEdits, toRange, type ScenarioServer } from './server-requests';
import { codeWithSamples, plainCode, samplesHover, samplesTargetOf, type SamplesTarget } from './samples';

interface Review {
  uri: vscode.Uri;
  digest: RunDigest;
  runFile: string | undefined;
  /** The text that ran; undefined for a run read back from disk (then stale is decided by time). */
  textAtRun: string | undefined;
  staleFromStart: boolean;
  lines: ResultLines;
  stale: boolean;
  /** Counts layouts asked for: an answer for an older one is dropped. */
  generation: number;
  /** The lines have been laid out on the file at least once. */
  laidOut: boolean;
}

export const RUN_DIAGNOSTIC_SOURCE = 'volley run';

const SEVERITY: Record<Diagnosis['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export class InlineReview implements vscode.CodeLensProvider, vscode.CodeActionProvider, vscode.Disposable {
  private readonly reviews = new Map<string, Review>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('volley-run');
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private baselineError: string | undefined;
  private readonly stepDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorCodeLens.foreground'), fontStyle: 'normal' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly failingDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('editorWarning.foreground') },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly staleDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 2em', color: new vscode.ThemeColor('disabledForeground'), fontStyle: 'italic' },
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly passedDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 1.5em', color: new vscode.ThemeColor('testing.iconPassed') },
  });
  private readonly failedDecoration = vscode.window.createTextEditorDecorationType({
    after: { margin: '0 0 0 1.5em', color: new vscode.ThemeColor('testing.iconFailed') },
  });

  constructor(private readonly server: ScenarioServer) {
    this.disposables.push(
      this.diagnostics,
      this.lensesChanged,
      this.stepDecoration,
      this.failingDecoration,
      this.staleDecoration,
      this.passedDecoration,
      this.failedDecoration,
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.window.onDidChangeVisibleTextEditors(() => this.decorateAll()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('volley.baseline') && !e.affectsConfiguration('volley.baselineMaxRegression')) return;
        for (const review of this.reviews.values()) {
          const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === review.uri.toString());
          if (open) void this.recompute(review, open);
        }
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        // The Problems view keeps the entries; the decorations come back when the file is opened again.
        this.pending.delete(d.uri.toString());
      }),
    );
  }

  /** Shows a run's results in its file. A live run (textAtRun given) is fresh; a run from disk may be stale. */
  show(uri: vscode.Uri, events: readonly RunEvent[], options: { textAtRun?: string; runFile?: string } = {}): void {
    const digest = digestRun(events);
    let staleFromStart = false;
    if (options.textAtRun === undefined && digest.startedAt) {
      try {
        staleFromStart = statSync(uri.fsPath).mtimeMs > Date.parse(digest.startedAt);
      } catch {
        staleFromStart = true;
      }
    }
    const review: Review = {
      uri,
      digest,
      runFile: options.runFile,
      textAtRun: options.textAtRun,
      staleFromStart,
      lines: noResultLines(),
      stale: staleFromStart,
      generation: 0,
      laidOut: false,
    };
    this.reviews.set(uri.toString(), review);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) void this.recompute(review, open);
    else void vscode.workspace.openTextDocument(uri).then((d) => this.recompute(review, d), () => undefined);
  }

  clear(uri: vscode.Uri): void {
    this.reviews.delete(uri.toString());
    this.diagnostics.delete(uri);
    this.decorateAll();
    this.lensesChanged.fire();
  }

  /** For tests and the Testing view: what is shown for a file now (nothing until it is laid out). */
  reviewOf(uri: vscode.Uri): { lines: ResultLines; stale: boolean; digest: RunDigest } | undefined {
    const review = this.reviews.get(uri.toString());
    return review?.laidOut ? { lines: review.lines, stale: review.stale, digest: review.digest } : undefined;
  }

  private schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const review = this.reviews.get(key);
    if (!review) return;
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        if (this.reviews.get(key) === review) void this.recompute(review, document);
      }, 150),
    );
  }

  private async recompute(review: Review, document: vscode.TextDocument): Promise<void> {
    const generation = ++review.generation;
    const text = document.getText();
    // The client sends the server every change before a request, so these facts are of this text.
    const facts = await this.server.fileFacts(document.uri);
    if (this.reviews.get(review.uri.toString()) !== review || review.generation !== generation) return;
    review.lines = facts ? mapResultsToLines(facts, review.digest, this.baseline(review.uri)) : noResultLines();
    review.laidOut = true;
    review.stale = review.staleFromStart || (review.textAtRun !== undefined && review.textAtRun !== text);
    this.publishDiagnostics(review);
    this.decorateAll();
    this.lensesChanged.fire();
  }

  /** The `volley.baseline` run for this file; a setting that cannot be used is said once, not on every edit. */
  private baseline(uri: vscode.Uri): BaselineInput | undefined {
    const found = baselineFor(uri);
    if (found && 'error' in found) {
      if (this.baselineError !== found.error) void vscode.window.showWarningMessage(`Volley: volley.baseline: ${found.error}`);
      this.baselineError = found.error;
      return undefined;
    }
    this.baselineError = undefined;
    return found;
  }

  private publishDiagnostics(review: Review): void {
    const stale = review.stale ? ' (from a run of an earlier version of this file)' : '';
    const list: vscode.Diagnostic[] = [];
    const samples = (about: Parameters<typeof samplesTargetOf>[1]): SamplesTarget | undefined => {
      const step = samplesTargetOf(review.digest.summary, about);
      return step && { ...step, runFile: review.runFile, file: review.uri.fsPath };
    };
    for (const { range: r, result } of review.lines.thresholds) {
      if (result.ok) continue;
      const d = new vscode.Diagnostic(
        toRange(r),
        `Threshold ${result.key}: ${result.source} failed (actual ${editorThresholdActual(result.actual, result.metric)})${result.abortedRun ? ', and ended the run' : ''}${stale}`,
        vscode.DiagnosticSeverity.Error,
      );
      d.source = RUN_DIAGNOSTIC_SOURCE;
      d.code = codeWithSamples('threshold', samples({ threshold: result }));
      list.push(d);
    }
    const setupFailure = review.lines.setupFailure;
    if (setupFailure !== undefined) {
      const { failure } = setupFailure;
      const body = failure.bodyPrefix === undefined ? '' : ` The response began: ${failure.bodyPrefix === '' ? '(empty body)' : failure.bodyPrefix}`;
      const d = new vscode.Diagnostic(toRange(setupFailure.range), `Setup failed here: ${failureWhat(failure)}, so no scenario ran (exit code 107).${body}${stale}`, vscode.DiagnosticSeverity.Error);
      d.source = RUN_DIAGNOSTIC_SOURCE;
      d.code = 'setup-failed';
      list.push(d);
    }
    for (const { range: r, diagnosis } of review.lines.diagnoses) {
      const d = new vscode.Diagnostic(toRange(r), `${diagnosis.title}: ${diagnosis.explanation} Fix: ${diagnosis.fix}${stale}`, SEVERITY[diagnosis.severity] ?? vscode.DiagnosticSeverity.Warning);
      d.source = RUN_DIAGNOSTIC_SOURCE;
      d.code = codeWithSamples(diagnosis.id, samples({ diagnosis }));
      list.push(d);
    }
    for (const { range: r, regression } of review.lines.regressions) {
      const d = new vscode.Diagnostic(toRange(r), `${regressionText(regression)} vs baseline${stale}`, vscode.DiagnosticSeverity.Warning);
      d.source = RUN_DIAGNOSTIC_SOURCE;
      d.code = 'baseline-regression';
      list.push(d);
    }
    this.diagnostics.set(review.uri, list);
  }

  private decorateAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const review = this.reviews.get(editor.document.uri.toString());
      const enabled = config(editor.document.uri).inlineResults;
      if (!review || !enabled) {
        for (const type of [this.stepDecoration, this.failingDecoration, this.staleDecoration, this.passedDecoration, this.failedDecoration]) {
          editor.setDecorations(type, []);
        }
        continue;
      }
      const at = (line: number, contentText: string): vscode.DecorationOptions | undefined => {
        if (line >= editor.document.lineCount) return undefined;
        const end = editor.document.lineAt(line).range.end;
        return { range: new vscode.Range(end, end), renderOptions: { after: { contentText } } };
      };
      const defined = (o: vscode.DecorationOptions | undefined): o is vscode.DecorationOptions => o !== undefined;
      const suffix = review.stale ? ' (stale)' : '';
      // A group's line gets its group_duration figures as a step's line gets its own.
      const anchors = [...review.lines.steps, ...review.lines.groups.map((g) => ({ ...g, failing: false }))];
      const steps = anchors.map((s) => ({ step: s, options: at(s.line, `${s.text}${suffix}`) }));
      for (const { step, options } of steps) {
        if (!step.failing || options === undefined || !('stepIndex' in step)) continue;
        const target = { runFile: review.runFile, file: review.uri.fsPath, scenario: step.scenario, stepIndex: step.stepIndex };
        options.hoverMessage = samplesHover(review.digest.summary, target);
      }
      editor.setDecorations(this.staleDecoration, review.stale ? steps.map((s) => s.options).filter(defined) : []);
      editor.setDecorations(this.stepDecoration, review.stale ? [] : steps.filter((s) => !s.step.failing).map((s) => s.options).filter(defined));
      editor.setDecorations(this.failingDecoration, review.stale ? [] : steps.filter((s) => s.step.failing).map((s) => s.options).filter(defined));
      const mark = (ok: boolean) =>
        review.lines.thresholds
          .filter((t) => t.result.ok === ok)
          .map((t) => at(t.range.end.line, `${ok ? '✓ passed' : '✗ failed'} (${editorThresholdActual(t.result.actual, t.result.metric)})${suffix}`))
          .filter(defined);
      editor.setDecorations(this.passedDecoration, mark(true));
      editor.setDecorations(this.failedDecoration, mark(false));
    }
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const review = this.reviews.get(document.uri.toString());
    if (!review) return [];
    return review.lines.scenarios.map(
      (s) =>
        new vscode.CodeLens(toRange(s.range), {
          title: `$(graph) ${s.text}${review.stale ? ' (stale)' : ''}`,
          tooltip: `Last run of ${s.scenario}${review.digest.startedAt ? `, ${new Date(review.digest.startedAt).toLocaleString()}` : ''}. Click to show the results.`,
          command: 'volley.showResults',
          arguments: review.runFile ? [vscode.Uri.file(review.runFile)] : [],
        }),
    );
  }

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const review = this.reviews.get(document.uri.toString());
    if (!review) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== RUN_DIAGNOSTIC_SOURCE) continue;
      const diagnosis = review.digest.diagnoses.find((x) => x.id === plainCode(d.code));
      const edits = diagnosis ? diagnosisEdits(diagnosis) : [];
      if (!diagnosis || edits.length === 0) continue;
      const prepared = await this.server.prepareEdit(document, edits);
      if (!prepared.ok) continue;
      const action = new vscode.CodeAction(`Apply: ${diagnosis.fix}`, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [d];
      action.isPreferred = true;
      action.edit = prepared.edit;
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
