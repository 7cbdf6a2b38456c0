// The one reader of the extension's settings (`volley.*`, declared in package.json under
// contributes.configuration), as rust-analyzer's client reads its own in config.ts: every setting has one
// getter here with its default, so no other module names a setting's key. Every Volley setting is
// resource-scoped, so it is read for the file it applies to.
import * as vscode from 'vscode';

/** `volley.runs.directory`'s default: the store the CLI finds on its own. */
export const DEFAULT_RUNS_DIR = '.volley/runs';

export class VolleyConfig {
  private readonly settings: vscode.WorkspaceConfiguration;

  /** The settings as they apply to `scope` (a file or a folder; none: the window's). */
  constructor(scope?: vscode.Uri) {
    this.settings = vscode.workspace.getConfiguration('volley', scope);
  }

  /** `volley.runs.directory`, or undefined when it is the default (then the store is found as the CLI does). */
  get runsDirectory(): string | undefined {
    const configured = this.settings.get<string>('runs.directory', DEFAULT_RUNS_DIR);
    return configured && configured !== DEFAULT_RUNS_DIR ? configured : undefined;
  }

  /** `volley.run.confirmRemoteHosts` */
  get confirmRemoteHosts(): boolean {
    return this.settings.get<boolean>('run.confirmRemoteHosts', true);
  }

  /** `volley.run.saveBeforeRun` */
  get saveBeforeRun(): boolean {
    return this.settings.get<boolean>('run.saveBeforeRun', true);
  }

  /** `volley.run.openResults`: whether a run opens the results panel. */
  get openResults(): boolean {
    return this.settings.get<string>('run.openResults', 'always') === 'always';
  }

  /** `volley.run.setup`: false runs without the file's `setup:` (the CLI's --no-setup). */
  get runSetup(): boolean {
    return this.settings.get<boolean>('run.setup', true);
  }

  /** `volley.run.teardown`: false runs without the file's `teardown:` (the CLI's --no-teardown). */
  get runTeardown(): boolean {
    return this.settings.get<boolean>('run.teardown', true);
  }

  /** `volley.estimate.trialDuration`, a k6 duration. */
  get estimateTrialDuration(): string {
    return this.settings.get<string>('estimate.trialDuration', '10s') || '10s';
  }

  /** `volley.baseline`: a run file (workspace-relative or absolute) the inline review compares with; '' for none. */
  get baseline(): string {
    return this.settings.get<string>('baseline', '').trim();
  }

  /** `volley.baselineMaxRegression`: as the CLI's --max-regression (`10%`). */
  get baselineMaxRegression(): string {
    return this.settings.get<string>('baselineMaxRegression', '10%');
  }

  /** `volley.inlineResults.enabled` */
  get inlineResults(): boolean {
    return this.settings.get<boolean>('inlineResults.enabled', true);
  }
}

export function config(scope?: vscode.Uri): VolleyConfig {
  return new VolleyConfig(scope);
}
