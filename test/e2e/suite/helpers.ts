// What the in-editor tests share: the workspace, polling with a deadline, and screenshots on request.
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import type { VolleyApi } from '../../../src/extension/main';

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e workspace folder is not open');
  return folder.uri;
}

export async function writeWorkspaceFile(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  return uri;
}

/** Polls until `probe` returns something other than undefined; the error names what never happened. */
export async function eventually<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function volleyDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'volley');
}

/** The server's errors on a file, as `LINE:COL message`. */
export function volleyErrors(uri: vscode.Uri): string[] {
  return volleyDiagnostics(uri)
    .filter((d) => d.severity === vscode.DiagnosticSeverity.Error)
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
}

/**
 * Asks the runner for a screenshot of the workbench as it is now, and waits until it is written, so the
 * editor does not change under it. Never fails a test: screenshots are for people, not assertions.
 */
export async function screenshot(name: string, timeoutMs = 10_000): Promise<string | undefined> {
  const dir = process.env.VOLLEY_E2E_ARTIFACTS;
  if (!dir) return undefined;
  const file = join(dir, `${name}.png`);
  // Keep in step with SCREENSHOT_REQUEST in ../run-vscode.ts.
  console.log(`[volley-e2e] screenshot ${name}`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file) && Date.now() < deadline) await sleep(100);
  return existsSync(file) ? file : undefined;
}

let stepCount = 0;

/**
 * Asks the runner to run one of its page steps (RunOptions.pageSteps in ../run-vscode.ts) with the
 * workbench's page — look at a webview's DOM, click a button in it, read a notification — and waits for
 * its answer. Throws the step's own error, so a failed look fails the test that asked for it.
 */
export async function pageStep<T = unknown>(name: string, arg?: unknown, timeoutMs = 30_000): Promise<T> {
  const channel = process.env.VOLLEY_E2E_CHANNEL;
  if (!channel) throw new Error('no runner channel (VOLLEY_E2E_CHANNEL): this suite must run under test/e2e/run-vscode.ts');
  const id = `${process.pid}-${++stepCount}`;
  const file = join(channel, `${id}.json`);
  // Keep in step with STEP_REQUEST in ../run-vscode.ts.
  console.log(`[volley-e2e] step ${JSON.stringify({ id, name, arg: arg ?? null })}`);
  await eventually(`the runner's answer to page step ${name}`, () => (existsSync(file) ? true : undefined), timeoutMs);
  const answer = JSON.parse(readFileSync(file, 'utf8')) as { ok: true; value: T } | { ok: false; error: string };
  if (!answer.ok) throw new Error(answer.error);
  return answer.value;
}

export const EXTENSION_ID = 'volley.volley';

/** The extension's API, activating it when it is not yet. */
export async function volleyApi(): Promise<VolleyApi> {
  const extension = vscode.extensions.getExtension<VolleyApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not loaded`);
  return extension.isActive ? extension.exports : extension.activate();
}

/** The titles of a file's code lenses once the server's Run lens is among them (it has read the file). */
export async function waitForRunLenses(uri: vscode.Uri): Promise<string[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.map((l) => l.command?.title ?? '').filter(Boolean);
    if (titles.some((t) => t.includes('Run'))) return titles;
    if (Date.now() > deadline) throw new Error(`no run lens on ${uri.fsPath} after 15 s: ${JSON.stringify(titles)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
