// What the in-editor tests share: the workspace, polling with a deadline, and screenshots on request.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

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
