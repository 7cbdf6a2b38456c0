// Shared by the HTML report tests: the panel's bundle built beside a test's engine (as scripts/build.mjs
// lays out dist/), and a report opened in headless Chromium (Debian's) with the network off.
import { resolve, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';
import { chromium, type Page } from 'playwright-core';

export function buildPanelBundle(engineDir: string): void {
  buildSync({
    entryPoints: { webview: resolve(__dirname, '../../src/webview/main.ts'), results: resolve(__dirname, '../../src/webview/results.css') },
    outdir: join(engineDir, 'webview'),
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    logLevel: 'error',
  });
}

/** Opens the report offline, waits until its charts and tables are drawn, and reads it with `read`. */
export async function readOffline<T>(path: string, read: (page: Page) => Promise<T>): Promise<{ url: string; facts: T; requests: string[]; errors: string[] }> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const url = pathToFileURL(path).href;
    await page.goto(url);
    await page.waitForFunction(() => document.querySelectorAll('canvas').length > 0 && document.querySelectorAll('table').length > 0, undefined, { timeout: 15_000 });
    return { url, facts: await read(page), requests, errors };
  } finally {
    await browser.close();
  }
}
