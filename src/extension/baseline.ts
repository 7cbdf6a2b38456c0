// The `volley.baseline` setting: the run file the inline review compares each run with, read once per file
// change (its time and size), and the limit of the gate (`volley.baselineMaxRegression`, read as the CLI's
// --max-regression). The comparison itself is src/compare.ts, the code of `volley compare`.
import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseMaxRegression, readBaselineSummary } from '../engine/report/baseline';
import type { RunSummary } from '../protocol';
import { config } from './config';
import type { BaselineInput } from './result-lines';

const cache = new Map<string, { stamp: string; read: { summary: RunSummary } | { error: string } }>();

function resolveBaseline(uri: vscode.Uri, setting: string): string {
  if (isAbsolute(setting)) return setting;
  const folder = vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0];
  return folder ? join(folder.uri.fsPath, setting) : setting;
}

/** undefined when no baseline is set; an error naming the file when it cannot be used. */
export function baselineFor(uri: vscode.Uri): BaselineInput | { error: string } | undefined {
  const settings = config(uri);
  if (settings.baseline === '') return undefined;
  const path = resolveBaseline(uri, settings.baseline);
  let stamp = 'missing';
  try {
    const stat = statSync(path);
    stamp = `${stat.mtimeMs}:${stat.size}`;
  } catch {
    // readBaselineSummary says why.
  }
  let entry = cache.get(path);
  if (!entry || entry.stamp !== stamp) {
    entry = { stamp, read: readBaselineSummary(path) };
    cache.set(path, entry);
  }
  if ('error' in entry.read) return { error: entry.read.error };
  const limit = parseMaxRegression(settings.baselineMaxRegression);
  if (limit === undefined) return { error: `volley.baselineMaxRegression "${settings.baselineMaxRegression}": give a percentage, e.g. 10%` };
  return { summary: entry.read.summary, maxRegression: limit };
}
