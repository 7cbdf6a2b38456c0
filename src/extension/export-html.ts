// "Export HTML Report": the run the panel shows, saved where the user picks, as the same self-contained file
// `volley run --out html=FILE` and `volley report --html` write (src/engine/report/html.ts, with the panel's own
// bundle from dist/webview).
import * as vscode from 'vscode';
import { basename, join } from 'node:path';
import type { RunEvent } from '../protocol';
import { formatHtmlReport, reportTitle, webviewBundle } from '../engine/report/html';

/** `checkout-2026-01-05T10-00-00.html`: the run file's name, else the test's name and start time. */
export function defaultReportName(events: readonly RunEvent[], runFile: string | undefined): string {
  if (runFile) return basename(runFile).replace(/\.ndjson$/i, '') + '.html';
  const start = events.find((e): e is Extract<RunEvent, { type: 'start' }> => e.type === 'start');
  const name = (start?.plan.name || basename(start?.plan.file ?? 'run')).replace(/\.volley\.ya?ml$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  const at = start?.startedAt ? `-${start.startedAt.replace(/\.\d+Z$/, '').replace(/:/g, '-')}` : '';
  return `${name || 'run'}${at}.html`;
}

export async function exportHtmlReport(extensionUri: vscode.Uri, events: readonly RunEvent[], runFile: string | undefined): Promise<void> {
  if (!events.some((e) => e.type === 'start')) {
    void vscode.window.showWarningMessage('Volley: no run to export: run a scenario or open a past run first.');
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = defaultReportName(events, runFile);
  const target = await vscode.window.showSaveDialog({
    title: 'Export HTML Report',
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : vscode.Uri.file(name),
    filters: { 'HTML report': ['html'] },
  });
  if (!target) return;
  try {
    const html = formatHtmlReport({ events, title: reportTitle(events), bundle: webviewBundle(join(extensionUri.fsPath, 'dist')) });
    await vscode.workspace.fs.writeFile(target, Buffer.from(html, 'utf8'));
  } catch (err) {
    void vscode.window.showErrorMessage(`Volley: cannot write ${target.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  void vscode.window.showInformationMessage(`Volley: report written to ${target.fsPath}`);
}
