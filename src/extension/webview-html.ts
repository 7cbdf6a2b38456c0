// The results panel's HTML shell: a strict Content-Security-Policy (nothing inline, one script allowed by
// nonce, styles and images only from the extension's own files), and the two files it loads. Pure, so the
// policy is tested as text.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../html';

/**
 * The webview's own folder (scripts/build.mjs writes it) and the two files of it the shell loads, relative
 * to the extension. The panel may load nothing outside this folder (its only localResourceRoot).
 */
export const WEBVIEW_FILES = {
  root: ['dist', 'webview'],
  script: ['dist', 'webview', 'webview.js'],
  style: ['dist', 'webview', 'results.css'],
} as const;

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

export interface ShellInput {
  /** webview.cspSource */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export { escapeHtml };

export function resultsHtml({ cspSource, nonce, scriptUri, styleUri, title }: ShellInput): string {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(nonce)) throw new Error('the nonce must be at least 16 URL-safe characters');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(styleUri)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="root"></main>
<script nonce="${nonce}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>`;
}
