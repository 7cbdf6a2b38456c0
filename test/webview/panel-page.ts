// The results panel's own bundle (built here as scripts/build.mjs builds dist/webview) in headless Chromium
// (Debian's, via playwright-core), under the panel's real Content-Security-Policy (src/extension/webview-html.ts:
// styles only from its origin, scripts only by nonce), served from 127.0.0.1. The host VS Code gives a webview
// (acquireVsCodeApi) is a stand-in script carrying the nonce: it records what the panel posts and times
// setState's serialisation, as the real host serialises the state it is given.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { newNonce, resultsHtml } from '../../src/extension/webview-html';
import type { RunEvent, ToWebview } from '../../src/protocol';
import { readNdjson, volley, type Workspace } from '../cli/helpers';

const root = resolve(__dirname, '../..');

/** VS Code's theme variables the panel reads, in a dark theme's colours. */
const THEME = `:root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-foreground:#cccccc;
--vscode-editor-background:#1f1f1f;--vscode-descriptionForeground:#9d9d9d;--vscode-charts-lines:rgba(204,204,204,0.25);
--vscode-charts-blue:#3794ff;--vscode-charts-green:#89d185;--vscode-charts-red:#f14c4c;--vscode-charts-yellow:#cca700;
--vscode-charts-orange:#d18616;--vscode-charts-purple:#b180d7;--vscode-charts-foreground:#cccccc;--vscode-focusBorder:#0078d4;
--vscode-button-background:#0078d4;--vscode-button-foreground:#ffffff}`;

export interface PanelPage {
  page: Page;
  /** Every Content-Security-Policy violation and page error so far. */
  problems: string[];
  /** Posts a message to the panel as the extension does, and waits for the render it causes. */
  send(message: ToWebview): Promise<void>;
  close(): Promise<void>;
}

export async function openPanelPage(options: { width?: number } = {}): Promise<PanelPage> {
  const dir = mkdtempSync(join(tmpdir(), 'volley-panel-'));
  buildSync({
    entryPoints: { webview: join(root, 'src/webview/main.ts'), results: join(root, 'src/webview/results.css') },
    outdir: dir,
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    minify: process.env.PANEL_MINIFY !== "0",
    logLevel: 'error',
  });
  const nonce = newNonce();
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/webview.js' || path === '/results.css' || path === '/theme.css') {
      res.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/css' });
      res.end(path === '/theme.css' ? THEME : readFileSync(join(dir, path.slice(1))));
      return;
    }
    const shell = resultsHtml({ cspSource: origin, nonce, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/results.css`, title: 'Volley' });
    const host = `<link rel="stylesheet" href="${origin}/theme.css">
<script nonce="${nonce}">
window.__posted = []; window.__saves = [];
window.acquireVsCodeApi = function () {
  var saved;
  return {
    postMessage: function (m) { window.__posted.push(m); },
    setState: function (s) { var t = performance.now(); saved = JSON.stringify(s); window.__saves.push(performance.now() - t); },
    getState: function () { return saved === undefined ? undefined : JSON.parse(saved); },
  };
};
</script>`;
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(shell.replace('<title>', `${host}\n<title>`));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: options.width ?? 1200, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
    const b = browser;
    return {
      page,
      problems,
      async send(message) {
        const before = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.filter((m) => m.type === 'rendered').length);
        await page.evaluate((m) => window.postMessage(m, '*'), message);
        await page.waitForFunction((n) => (window as unknown as { __posted: Array<{ type: string }> }).__posted.filter((m) => m.type === 'rendered').length > n, before);
      },
      async close() {
        await b.close();
        server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Runs `yaml` with the engine (built from the sources) and returns the run file's path and events. */
export async function recordRun(ws: Workspace, name: string, yaml: string): Promise<{ file: string; events: RunEvent[] }> {
  const file = join(ws.dir, `${name}.ndjson`);
  const r = await volley(ws, ['run', ws.file(`${name}.volley.yaml`, yaml), '--quiet', '--no-store', '--out', `ndjson=${file}`]);
  if (r.code !== 0 && r.code !== 99) throw new Error(`the run ended with ${r.code}: ${r.stderr}`);
  return { file, events: readNdjson(file) as unknown as RunEvent[] };
}
