// Estimate VUs: a short trial run of one arrival-rate scenario through `volley estimate --trial … --json`
// (a child process on the editor's Node), the recommendation shown with its arithmetic, and an offer to
// write it into the scenario. The estimate also goes to the language server, whose hover and quick fix
// use it.
import * as vscode from 'vscode';
import { spawn } from 'node:child_process';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LSP_NOTIFICATIONS } from '../protocol';
import { config } from './config';
import { engineEnv } from './engine-process';
import type { ScenarioServer } from './server-requests';
import { mayRun } from './trust';

/** What `volley estimate --json` prints (issue 5), the fields the editor uses. */
export interface EstimateResult {
  scenario: string;
  rate?: number;
  timeUnit?: string;
  medianIterationMs: number;
  k6Rule?: number;
  recommendedPreAllocatedVUs: number;
  recommendedMaxVUs?: number;
  explanation?: string;
}

export function parseEstimate(stdout: string): EstimateResult | undefined {
  const text = stdout.trim();
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  try {
    const value = JSON.parse(text.slice(start)) as Partial<EstimateResult>;
    if (typeof value.recommendedPreAllocatedVUs !== 'number' || typeof value.medianIterationMs !== 'number') return undefined;
    return value as EstimateResult;
  } catch {
    return undefined;
  }
}

const ARRIVAL_RATE = new Set(['constant-arrival-rate', 'ramping-arrival-rate']);

export class Estimator {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
    private readonly client: () => LanguageClient | undefined,
    private readonly server: ScenarioServer,
  ) {}

  async estimate(uri: vscode.Uri | undefined, scenario: string | undefined): Promise<EstimateResult | undefined> {
    if (!mayRun()) return undefined;
    uri ??= vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showErrorMessage('Volley: open a scenario file to estimate its VUs.');
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.isDirty && !(await document.save())) return undefined;
    if (scenario === undefined) {
      const facts = await this.server.fileFacts(document.uri);
      if (!facts) {
        void vscode.window.showErrorMessage('Volley: the language server could not read the file, so its scenarios are not known.');
        return undefined;
      }
      const candidates = facts.scenarios.filter((s) => s.executor !== undefined && ARRIVAL_RATE.has(s.executor));
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage('Volley: VU estimates are for arrival-rate scenarios, and this file has none.');
        return undefined;
      }
      scenario = candidates.length === 1 ? candidates[0]!.name : await vscode.window.showQuickPick(candidates.map((s) => s.name), { title: 'Estimate VUs for which scenario?' });
      if (!scenario) return undefined;
    }
    const trial = config(uri).estimateTrialDuration;
    const name = scenario;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Volley: estimating VUs for ${name} (a ${trial} trial run)`, cancellable: true },
      (_progress, token) => this.runEstimate(document.uri.fsPath, name, trial, token),
    );
    if (!result.ok) {
      if (result.message) void vscode.window.showErrorMessage(`Volley: ${result.message}`, 'Show Output').then((c) => c && this.output.show(true));
      return undefined;
    }
    const estimate = result.estimate;
    // The trial is stored like any run: the language server re-estimates from it for hover and hints.
    void this.client()?.sendNotification(LSP_NOTIFICATIONS.runsChanged);
    const apply = `Set preAllocatedVUs: ${estimate.recommendedPreAllocatedVUs}${estimate.recommendedMaxVUs !== undefined ? `, maxVUs: ${estimate.recommendedMaxVUs}` : ''}`;
    const choice = await vscode.window.showInformationMessage(
      `Volley: ${name} needs about ${estimate.recommendedPreAllocatedVUs} VUs (median iteration ${Math.round(estimate.medianIterationMs)} ms${estimate.k6Rule !== undefined ? `; k6's rule alone gives ${estimate.k6Rule}` : ''}).`,
      { detail: estimate.explanation },
      apply,
    );
    if (choice === apply) await applyEstimate(this.server, document.uri, name, estimate);
    return estimate;
  }

  private runEstimate(
    file: string,
    scenario: string,
    trial: string,
    token: vscode.CancellationToken,
  ): Promise<{ ok: true; estimate: EstimateResult } | { ok: false; message: string | undefined }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [this.context.asAbsolutePath('dist/engine.js'), 'estimate', file, '--scenario', scenario, '--trial', trial, '--json'], {
        env: { ...engineEnv(process.env), VOLLEY_IPC: '' },
        cwd: vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      // SIGINT is the engine's graceful stop; a trial is short, so a kill follows soon after.
      const cancel = token.onCancellationRequested(() => {
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
      child.once('error', (err) => resolve({ ok: false, message: `cannot start the engine: ${err.message}` }));
      child.once('exit', (code) => {
        cancel.dispose();
        if (stderr.trim()) this.output.info(`estimate ${scenario}: ${stderr.trim()}`);
        if (token.isCancellationRequested) return resolve({ ok: false, message: undefined });
        const estimate = code === 0 ? parseEstimate(stdout) : undefined;
        if (estimate) return resolve({ ok: true, estimate });
        if (/unknown command "estimate"/.test(stderr)) return resolve({ ok: false, message: 'this engine build has no `volley estimate` yet.' });
        const last = stderr.trim().split('\n').filter(Boolean).pop();
        resolve({ ok: false, message: `the estimate failed${last ? `: ${last}` : ` (exit ${code})`}` });
      });
    });
  }
}

/** Writes the recommendation into the scenario (preAllocatedVUs, and maxVUs when there is one), as one edit. */
export async function applyEstimate(server: ScenarioServer, uri: vscode.Uri, scenario: string, estimate: EstimateResult): Promise<boolean> {
  const edits = [{ path: ['scenarios', scenario, 'preAllocatedVUs'], value: estimate.recommendedPreAllocatedVUs }];
  if (estimate.recommendedMaxVUs !== undefined) {
    edits.push({ path: ['scenarios', scenario, 'maxVUs'], value: Math.max(estimate.recommendedMaxVUs, estimate.recommendedPreAllocatedVUs) });
  }
  const prepared = await server.prepareEdit(await vscode.workspace.openTextDocument(uri), edits);
  if (!prepared.ok) {
    void vscode.window.showWarningMessage(`Volley: ${prepared.message}`);
    return false;
  }
  return vscode.workspace.applyEdit(prepared.edit);
}
