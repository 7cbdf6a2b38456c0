// Runs a scenario file from the editor: checks (trust, remote hosts, a saved file), forks the engine,
// writes the run to the run store, reports progress (a cancellable notification and the status bar),
// and tells the panel and the inline review about every event. One run at a time: two load tests on one
// machine would measure each other.
import * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import { EXIT, type RunEvent } from '../protocol';
import { config } from './config';
import { EngineProcess, type EngineExit } from './engine-process';
import { liveFigures, statusBarText } from './figures';
// The store's light parts only: its index (../engine/runs) would bring the estimator and the HDR codec.
import { newRunPath, resolveRunsDir } from '../engine/runs/location';
import { newRunId } from './run-store';
import type { ScenarioServer } from './server-requests';
import { confirmHosts, mayRun } from './trust';

export interface ActiveRun {
  runId: string;
  uri: vscode.Uri;
  scenarios: string[];
  runFile: string;
  /** The file's text when the run started: the inline review is stale once it differs. */
  textAtRun: string;
  label: string;
  events: RunEvent[];
  readonly process: EngineProcess;
}

export interface RunOutcome {
  run: ActiveRun;
  exit: EngineExit;
  /** The run's exit code by k6's rules (the `end` event's, else the process's). */
  exitCode: number | undefined;
}

export interface RunRequest {
  uri: vscode.Uri;
  scenarios?: string[];
  /** A caller's cancellation (the Testing view's), on top of the notification's own. */
  token?: vscode.CancellationToken;
}

/**
 * The run directory for a file, the same one the CLI picks (src/engine/runs: `.volley/runs` in the nearest
 * folder with `.volley` or `.git`, else beside the file), unless `volley.runs.directory` names another,
 * relative to the workspace folder.
 */
export function runsDirFor(uri: vscode.Uri, fallback: vscode.Uri): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  const file = uri.scheme === 'file' ? uri.fsPath : join(fallback.fsPath, 'untitled');
  const cwd = folder ?? dirname(file);
  return resolveRunsDir(file, { runsDir: config(uri).runsDirectory, cwd, env: {} });
}

export class Runner implements vscode.Disposable {
  private active: ActiveRun | undefined;
  private readonly statusBar: vscode.StatusBarItem;
  private readonly started = new vscode.EventEmitter<ActiveRun>();
  private readonly evented = new vscode.EventEmitter<{ run: ActiveRun; event: RunEvent }>();
  private readonly ended = new vscode.EventEmitter<RunOutcome>();
  readonly onDidStart = this.started.event;
  readonly onDidEvent = this.evented.event;
  readonly onDidEnd = this.ended.event;
  /** The last run that ended, for Show results after the fact. */
  lastRun: ActiveRun | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly server: ScenarioServer,
  ) {
    this.statusBar = vscode.window.createStatusBarItem('volley.run', vscode.StatusBarAlignment.Left, 10);
    this.statusBar.name = 'Volley run';
    this.statusBar.command = 'volley.showResults';
  }

  get current(): ActiveRun | undefined {
    return this.active;
  }

  /** Resolves when the run has ended (or at once, undefined, when it did not start). */
  async run(request: RunRequest): Promise<RunOutcome | undefined> {
    if (!mayRun()) return undefined;
    if (this.active) {
      const choice = await vscode.window.showWarningMessage(`Volley: ${this.active.label} is still running.`, 'Stop It', 'Show Results');
      if (choice === 'Stop It') this.stop();
      else if (choice === 'Show Results') void vscode.commands.executeCommand('volley.showResults');
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(request.uri);
    if (document.uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Volley: save the scenario to a file first; the engine reads it from disk.');
      return undefined;
    }
    if (document.isDirty) {
      if (!config(document.uri).saveBeforeRun) {
        void vscode.window.showWarningMessage('Volley: the file has unsaved changes; the run uses the saved file.');
      } else if (!(await document.save())) {
        void vscode.window.showErrorMessage('Volley: could not save the file, so nothing was run.');
        return undefined;
      }
    }
    if (!(await confirmHosts(document, this.server))) return undefined;
    if (request.token?.isCancellationRequested) return undefined;

    const scenarios = request.scenarios ?? [];
    const file = document.uri.fsPath;
    const runId = newRunId(file, scenarios);
    const runFile = newRunPath(runsDirFor(document.uri, this.context.globalStorageUri), file);
    const name = file.split(/[\\/]/).pop() ?? file;
    const label = scenarios.length > 0 ? `${name} › ${scenarios.join(', ')}` : name;
    const events: RunEvent[] = [];
    this.output.info(`run ${runId}: ${file}${scenarios.length ? ` (scenarios ${scenarios.join(', ')})` : ''} → ${runFile}`);
    let run!: ActiveRun;
    const settings = config(document.uri);
    const process = new EngineProcess({
      enginePath: this.context.asAbsolutePath('dist/engine.js'),
      command: { type: 'run', file, scenarios, out: runFile, runId, setup: settings.runSetup, teardown: settings.runTeardown },
      cwd: vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? dirname(file),
      onEvent: (event) => {
        events.push(event);
        this.onEvent(run, event);
      },
      onOutput: (text) => this.output.error(text.trimEnd()),
    });
    run = { runId, uri: document.uri, scenarios, runFile, textAtRun: document.getText(), label, events, process };
    this.active = run;
    void vscode.commands.executeCommand('setContext', 'volley.running', true);
    this.showStatus('$(loading~spin) Volley: starting…', `Running ${label}. Click to show the results.`);
    this.started.fire(run);

    const cancel = request.token?.onCancellationRequested(() => this.stop());
    const exit = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Volley: ${label}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => this.stop());
        const planned = new Promise<number>((resolve) => {
          const listener = this.onDidEvent(({ run: r, event }) => {
            if (r !== run || event.type !== 'start') return;
            listener.dispose();
            resolve(Math.max(1, ...event.plan.scenarios.map((s) => (s.startTimeMs + s.durationMs) / 1000)));
          });
          void process.exited.then(() => listener.dispose());
        });
        let reported = 0;
        const listener = this.onDidEvent(({ run: r, event }) => {
          if (r !== run || event.type !== 'aggregate') return;
          void planned.then((total) => {
            const percent = Math.min(100, (100 * event.t) / total);
            progress.report({ message: statusBarText(liveFigures(event.scenarios), event.t).replace('$(pulse) ', ''), increment: percent - reported });
            reported = percent;
          });
        });
        try {
          return await process.exited;
        } finally {
          listener.dispose();
        }
      },
    );
    cancel?.dispose();
    this.active = undefined;
    this.lastRun = run;
    void vscode.commands.executeCommand('setContext', 'volley.running', false);
    const exitCode = exit.endExitCode ?? exit.code;
    this.finishStatus(run, exitCode, exit);
    const outcome: RunOutcome = { run, exit, exitCode };
    this.ended.fire(outcome);
    return outcome;
  }

  /** The first Stop is graceful (iterations finish within gracefulStop); a second one stops at once. */
  stop(): void {
    const run = this.active;
    if (!run) {
      void vscode.window.showInformationMessage('Volley: no run is under way.');
      return;
    }
    const kind = run.process.stop();
    if (kind === 'graceful') {
      this.showStatus('$(loading~spin) Volley: stopping…', 'Stopping gracefully; Stop again to stop at once.');
      void vscode.window.setStatusBarMessage('Volley: stopping gracefully — Stop again to stop at once', 5000);
    } else if (kind === 'hard') {
      this.showStatus('$(loading~spin) Volley: stopping now…', 'Stopping at once.');
    }
  }

  private onEvent(run: ActiveRun, event: RunEvent): void {
    if (event.type === 'aggregate') {
      this.showStatus(statusBarText(liveFigures(event.scenarios), event.t), `Running ${run.label}. Click to show the results; Stop from the editor title.`);
    } else if (event.type === 'log' && event.level !== 'debug') {
      const line = `[${run.runId}] ${event.message}`;
      if (event.level === 'error') this.output.error(line);
      else if (event.level === 'warn') this.output.warn(line);
      else this.output.info(line);
    }
    this.evented.fire({ run, event });
  }

  private finishStatus(run: ActiveRun, exitCode: number | undefined, exit: EngineExit): void {
    const summary = run.events.find((e) => e.type === 'summary');
    const failed = summary?.type === 'summary' ? summary.summary.thresholds.filter((t) => !t.ok).length : 0;
    let text: string;
    let message: string;
    let level: 'info' | 'warn' | 'error' = 'info';
    if (exitCode === EXIT.ok) {
      text = '$(pass) Volley: passed';
      message = `Volley: ${run.label} passed${summary?.type === 'summary' && summary.summary.thresholds.length ? ` all ${summary.summary.thresholds.length} thresholds` : ''}.`;
    } else if (exitCode === EXIT.thresholdsFailed) {
      text = `$(error) Volley: ${failed} threshold${failed === 1 ? '' : 's'} failed`;
      message = `Volley: ${run.label}: ${failed} threshold${failed === 1 ? '' : 's'} failed.`;
      level = 'warn';
    } else if (exitCode === EXIT.externalAbort || exit.killed) {
      text = '$(debug-stop) Volley: stopped';
      message = `Volley: ${run.label} was stopped${exit.killed ? ' (the engine was killed)' : ''}.`;
    } else if (exitCode === EXIT.scriptException) {
      text = '$(error) Volley: setup failed';
      message = `Volley: a setup step of ${run.label} failed, so no scenario ran (teardown did). See the Volley output.`;
      level = 'error';
    } else if (exitCode === EXIT.invalidInput) {
      text = '$(error) Volley: not run';
      message = `Volley: ${run.label} has errors, so nothing was run. See the Problems view.`;
      level = 'error';
    } else {
      text = '$(error) Volley: engine failed';
      message = `Volley: the engine failed (${exit.signal ?? `exit ${exitCode ?? 'unknown'}`}). See the Volley output.`;
      level = 'error';
    }
    this.showStatus(text, `${message} Click to show the results.`);
    this.output.info(`run ${run.runId} ended: exit ${exitCode ?? exit.signal ?? 'unknown'}`);
    const show = level === 'info' ? vscode.window.showInformationMessage : level === 'warn' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
    const actions = exitCode === EXIT.invalidInput ? ['Show Problems'] : ['Show Results'];
    if (level === 'error' && exitCode !== EXIT.invalidInput) actions.push('Show Output');
    void show(message, ...actions).then((choice) => {
      if (choice === 'Show Results') void vscode.commands.executeCommand('volley.showResults');
      else if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
      else if (choice === 'Show Output') this.output.show(true);
    });
  }

  private showStatus(text: string, tooltip: string): void {
    this.statusBar.text = text;
    this.statusBar.tooltip = tooltip;
    this.statusBar.show();
  }

  /** Whatever happens to the editor, no engine process outlives it. */
  async shutdown(): Promise<void> {
    const run = this.active;
    if (run) await run.process.shutdown(1000);
  }

  dispose(): void {
    this.active?.process.kill();
    this.statusBar.dispose();
    this.started.dispose();
    this.evented.dispose();
    this.ended.dispose();
  }
}
