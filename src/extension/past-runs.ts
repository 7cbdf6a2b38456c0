// Runs kept on disk: pick one to open, pick two to compare, read one back for the panel and the review.
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { RunView } from '../protocol';
import { parseRunFile } from './run-file';
import { listRuns, type StoredRun } from './run-store';
import { runsDirFor } from './runner';

export function runLabel(file: string, startedAt: string | undefined, scenarios?: readonly string[]): string {
  const time = startedAt ? new Date(startedAt).toLocaleString() : 'unknown time';
  const which = scenarios && scenarios.length > 0 ? ` › ${scenarios.join(', ')}` : '';
  return `${basename(file)}${which} · ${time}`;
}

/** Reads a run file; a file that is not a run gives a message instead. */
export function readRunView(path: string): { ok: true; view: RunView } | { ok: false; message: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, message: `cannot read ${path}: ${(err as Error).message}` };
  }
  const { events, skipped } = parseRunFile(text);
  const start = events.find((e) => e.type === 'start');
  if (!start || start.type !== 'start') {
    const why = skipped[0] ? ` (line ${skipped[0].line}: ${skipped[0].reason})` : '';
    return { ok: false, message: `${basename(path)} is not a Volley run file: it has no start event${why}` };
  }
  return { ok: true, view: { events, label: runLabel(start.plan.file, start.startedAt, start.plan.scenarios.map((s) => s.name)), runFile: path, live: false } };
}

function allRuns(context: vscode.ExtensionContext): StoredRun[] {
  const dirs = new Set<string>();
  // runsDirFor takes a file and looks from its directory up: name one inside the folder, not the folder.
  for (const folder of vscode.workspace.workspaceFolders ?? []) dirs.add(runsDirFor(vscode.Uri.joinPath(folder.uri, 'any.volley.yaml'), context.globalStorageUri));
  if (dirs.size === 0) dirs.add(runsDirFor(context.globalStorageUri, context.globalStorageUri));
  return [...dirs].flatMap((d) => listRuns(d)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

interface RunPick extends vscode.QuickPickItem {
  path?: string;
}

const BROWSE = '$(folder-opened) Browse for a run file…';

export async function pickRuns(context: vscode.ExtensionContext, count: 1 | 2, title: string): Promise<string[] | undefined> {
  const runs = allRuns(context);
  const items: RunPick[] = runs.map((r) => ({
    label: `${basename(r.file)}${r.scenarios.length ? ` › ${r.scenarios.join(', ')}` : ''}`,
    description: new Date(r.startedAt).toLocaleString(),
    detail: vscode.workspace.asRelativePath(r.path),
    path: r.path,
  }));
  if (count === 1) {
    items.push({ label: BROWSE });
    const pick = await vscode.window.showQuickPick(items, { title, matchOnDetail: true });
    if (!pick) return undefined;
    if (pick.path) return [pick.path];
  } else if (items.length >= 2) {
    const picks = await vscode.window.showQuickPick(items, { title: `${title} (pick two: the first is the baseline)`, canPickMany: true, matchOnDetail: true });
    if (!picks) return undefined;
    if (picks.length === 2) return picks.map((p) => p.path!);
    void vscode.window.showWarningMessage(`Volley: pick exactly two runs to compare (you picked ${picks.length}).`);
    return undefined;
  }
  const chosen = await vscode.window.showOpenDialog({
    title,
    canSelectMany: count === 2,
    filters: { 'Volley runs': ['ndjson'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  if (!chosen || chosen.length !== count) return undefined;
  return chosen.map((u) => u.fsPath);
}
