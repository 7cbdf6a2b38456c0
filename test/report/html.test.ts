// --out html=FILE: the results panel's own code (dist/webview, inlined) renders a stored run in headless
// Chromium (Debian's, via playwright-core) with the network off: charts and tables are drawn, nothing is
// requested, and the file holds no http(s) reference. A screenshot goes to the test artefacts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { volley, workspace, type Workspace } from '../cli/helpers';
import { buildPanelBundle, readOffline } from './offline-page';

const ARTIFACTS = join(process.env.VOLLEY_E2E_ARTIFACTS_DIR ?? resolve(__dirname, '../../out/test/e2e-artifacts'), 'html-report');

let ws: Workspace;
let target: DemoServer;
before(async () => {
  ws = workspace();
  buildPanelBundle(ws.dir);
  target = await startDemoServer({ port: 0, latencyMs: 5, seed: 4 });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

test('the HTML report renders the run offline: header, charts, thresholds, per-step tables; no http(s) in it', async () => {
  const file = ws.file(
    'html.volley.yaml',
    `name: html report
baseUrl: ${target.url}
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 20
    timeUnit: 1s
    duration: 3s
    preAllocatedVUs: 4
    maxVUs: 8
    flow:
      - name: list products
        get: /products?page=1
        check: { status: 200 }
      - name: missing product
        get: /products/999999
thresholds:
  http_req_duration: ["p(95)<5000"]
`,
  );
  const report = join(ws.dir, 'report', 'run.html');
  const r = await volley(ws, ['run', file, '--quiet', '--no-store', '--out', `html=${report}`]);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(report, 'utf8');
  assert.ok(!/https?:\/\//i.test(html), `an http(s) reference: ${/.{40}https?:\/\/.{40}/i.exec(html)?.[0]}`);
  assert.ok(html.includes('content="default-src &#39;none&#39;;'), 'a CSP that forbids the network');

  const { url, facts, requests, errors } = await readOffline(report, async (page) => {
    const read = await page.evaluate(() => ({
      headings: Array.from(document.querySelectorAll('h1, h2, h3')).map((h) => h.textContent?.trim() ?? ''),
      charts: Array.from(document.querySelectorAll('canvas')).map((c) => c.width * c.height),
      text: document.body.innerText,
    }));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    return read;
  });
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [url], 'the report itself, nothing else');
  assert.ok(facts.charts.length >= 2 && facts.charts.every((area) => area > 0), JSON.stringify(facts.charts));
  assert.ok(facts.headings.some((h) => /threshold/i.test(h)), JSON.stringify(facts.headings));
  assert.match(facts.text, /list products/);
  assert.match(facts.text, /missing product/);
  assert.match(facts.text, /p\(95\)<5000/);
  assert.match(facts.text, /^html report\n\ncompleted after [\d.]+ s · thresholds passed/);
});
