// `--out html=FILE`: one self-contained file with what the results panel shows after a run, drawn by the
// panel's own code (dist/webview/webview.js and results.css, inlined) from the run's events. Nothing is
// fetched when it is opened: the script, the styles and the data are inline, and the Content-Security-Policy
// allows no network at all (default-src 'none'; no connect-src). The panel's host (acquireVsCodeApi) is
// replaced by a stand-in that hands it the run as its saved state and ignores its messages.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../protocol';
import { escapeHtml } from '../../html';
import { ensureParentDir } from '../output/ensure-dir';

/** The panel's bundle beside the engine's (scripts/build.mjs writes dist/webview next to dist/engine.js). */
export function webviewBundle(engineDir: string = __dirname): { script: string; style: string } {
  const dir = join(engineDir, 'webview');
  try {
    return { script: readFileSync(join(dir, 'webview.js'), 'utf8'), style: readFileSync(join(dir, 'results.css'), 'utf8') };
  } catch {
    throw new Error(`the results panel's files are missing from ${dir} (build with node scripts/build.mjs)`);
  }
}

// VS Code's theme variables the panel's styles read, in a light theme's colours (outside the editor no theme sets them).
const THEME = `:root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;
--vscode-foreground:#1f1f1f;--vscode-editor-background:#ffffff;--vscode-descriptionForeground:#616161;
--vscode-panel-border:#d0d0d0;--vscode-widget-border:#d0d0d0;--vscode-list-hoverBackground:#f0f0f0;
--vscode-button-background:#005fb8;--vscode-button-foreground:#ffffff;--vscode-button-hoverBackground:#0258a8;
--vscode-button-border:transparent;--vscode-focusBorder:#005fb8;--vscode-errorForeground:#c72e0f;
--vscode-charts-green:#388a34;--vscode-charts-red:#c72e0f;--vscode-charts-blue:#1a85ff;--vscode-charts-orange:#d18616;
--vscode-charts-yellow:#bf8803;--vscode-charts-purple:#652d90;--vscode-testing-iconPassed:#388a34;
--vscode-testing-iconFailed:#c72e0f;--vscode-textLink-foreground:#005fb8;--vscode-textPreformat-foreground:#1f1f1f}
body{background:var(--vscode-editor-background);color:var(--vscode-foreground);font-family:var(--vscode-font-family);font-size:var(--vscode-font-size)}`;

/** JSON inside a <script>: no `</script>`, no `<!--`, and no `//` so the data carries no URL-shaped text. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\//g, '\\/').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function formatHtmlReport(input: { events: readonly RunEvent[]; title: string; bundle: { script: string; style: string } }): string {
  const end = input.events.find((e): e is Extract<RunEvent, { type: 'end' }> => e.type === 'end');
  const state = { mode: 'run', report: true, events: input.events, ...(end ? { ended: { exitCode: end.exitCode } } : {}) };
  const host = `window.acquireVsCodeApi=function(){var state=${scriptJson(state)};return{postMessage:function(){},setState:function(){},getState:function(){return state}}};`;
  const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(input.title)}</title>
<style>${THEME}</style>
<style>${input.bundle.style.replace(/<\/style/gi, '<\\/style')}</style>
</head>
<body>
<main id="root"></main>
<script>${host}</script>
<script>${input.bundle.script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}

/** The report's title: the test's name, else its file. */
export function reportTitle(events: readonly RunEvent[]): string {
  const start = events.find((e): e is Extract<RunEvent, { type: 'start' }> => e.type === 'start');
  return `Volley: ${start ? start.plan.name || start.plan.file : 'run'}`;
}

/** Writes the report (and its directory); throws what the file system said. */
export function writeHtmlReport(path: string, events: readonly RunEvent[], title: string): void {
  const html = formatHtmlReport({ events, title, bundle: webviewBundle() });
  ensureParentDir(path);
  writeFileSync(path, html);
}
