// `volley report RUN.ndjson --html FILE`: a stored run and a merged run (two segment processes joined by
// `volley merge`) become the same self-contained report `--out html=FILE` writes, opened here in headless
// Chromium with the network off; and every bad input is a clear message with exit code 104.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { volley, workspace, type Workspace } from '../cli/helpers';
import { buildPanelBundle, readOffline } from './offline-page';

let ws: Workspace;
let target: DemoServer;
let scenario: string;

before(async () => {
  ws = workspace();
  buildPanelBundle(ws.dir);
  target = await startDemoServer({ port: 0, latencyMs: 5, seed: 7 });
  scenario = ws.file(
    'report.volley.yaml',
    `name: stored report
baseUrl: ${target.url}
scenarios:
  browse:
    executor: shared-iterations
    vus: 4
    iterations: 40
    maxDuration: 10s
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
});
after(async () => {
  await target.close();
  ws.cleanup();
});

/** The report opened offline: what it shows, and that it asked for nothing but itself. */
async function openReport(path: string): Promise<{ text: string; charts: number; exportButtons: number }> {
  const html = readFileSync(path, 'utf8');
  assert.ok(!/https?:\/\//i.test(html), 'no http(s) reference');
  const { url, facts, requests, errors } = await readOffline(path, (page) =>
    page.evaluate(() => ({
      text: document.body.innerText,
      charts: document.querySelectorAll('canvas').length,
      exportButtons: Array.from(document.querySelectorAll('button')).filter((b) => /export html/i.test(b.textContent ?? '')).length,
    })),
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [url]);
  return facts;
}

describe('volley report --html', () => {
  test('a stored run: the same report as --out html, from the run file', async () => {
    const runFile = join(ws.dir, 'run.ndjson');
    const run = await volley(ws, ['run', scenario, '--quiet', '--no-store', '--out', `ndjson=${runFile}`]);
    assert.equal(run.code, 0, run.stderr);
    const report = join(ws.dir, 'out', 'stored.html');
    const r = await volley(ws, ['report', runFile, '--html', report]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /wrote .*stored\.html/);
    const html = readFileSync(report, 'utf8');
    assert.match(html, /<title>Volley: stored report<\/title>/);
    const facts = await openReport(report);
    assert.match(facts.text, /^stored report\n\ncompleted after [\d.]+ s · thresholds passed/);
    assert.match(facts.text, /list products/);
    assert.match(facts.text, /missing product/);
    assert.match(facts.text, /p\(95\)<5000/);
    assert.ok(facts.charts >= 2);
    assert.equal(facts.exportButtons, 0, 'the report has no Export button of its own');
  });

  test('a merged run: two segment processes, volley merge --out ndjson, then the report', async () => {
    const sequence = '0,1/2,1';
    const parts = ['0:1/2', '1/2:1'].map((segment, i) => ({ segment, file: join(ws.dir, `seg-${i}.ndjson`) }));
    const runs = await Promise.all(
      parts.map((p) => volley(ws, ['run', scenario, '--quiet', '--no-store', '--execution-segment', p.segment, '--execution-segment-sequence', sequence, '--out', `ndjson=${p.file}`])),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const merged = join(ws.dir, 'merged.ndjson');
    const m = await volley(ws, ['merge', ...parts.map((p) => p.file), '--quiet', '--out', `ndjson=${merged}`]);
    assert.equal(m.code, 0, m.stderr);
    const report = join(ws.dir, 'merged.html');
    const r = await volley(ws, ['report', merged, '--html', report]);
    assert.equal(r.code, 0, r.stderr);
    const facts = await openReport(report);
    assert.match(facts.text, /list products/);
    // Both halves' requests are in it: 40 iterations of 2 requests.
    assert.match(facts.text, /\b80\b/);
  });

  test('without a flag it prints the end-of-test summary again, and writes no file', async () => {
    const r = await volley(ws, ['report', join(ws.dir, 'run.ndjson')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /http_req_duration/);
    assert.match(r.stdout, /list products/);
    assert.doesNotMatch(r.stderr, /wrote/);
  });

  test('bad input: a clear message at the file (and line), exit 104', async () => {
    const cases: Array<{ args: string[]; message: RegExp }> = [
      { args: ['report', '--html', 'x.html'], message: /give one run file/ },
      { args: ['report', join(ws.dir, 'nope.ndjson'), '--html', 'x.html'], message: /nope\.ndjson: cannot read: no such file/ },
      { args: ['report', scenario, '--html', 'x.html'], message: /report\.volley\.yaml:1:\d+: not a JSON event/ },
      { args: ['report', ws.file('summary-first.ndjson', '{"type":"summary"}\n'), '--html', 'x.html'], message: /summary-first\.ndjson:1:1: not a run file: it starts with a "summary" event/ },
      { args: ['report', ws.file('empty.ndjson', '\n\n'), '--html', 'x.html'], message: /empty\.ndjson: not a run file: it holds no events/ },
    ];
    const runFile = readFileSync(join(ws.dir, 'run.ndjson'), 'utf8').split('\n');
    runFile.splice(2, 0, '{"type":"aggregate", oops}');
    cases.push({ args: ['report', ws.file('holed.ndjson', runFile.join('\n')), '--html', 'x.html'], message: /holed\.ndjson:3:\d+: not a JSON event/ });
    for (const c of cases) {
      const r = await volley(ws, c.args);
      assert.equal(r.code, 104, `${c.args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, c.message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  test('a killed run (cut last line, no summary) still makes a report, with a note', async () => {
    const lines = readFileSync(join(ws.dir, 'run.ndjson'), 'utf8').split('\n').filter((l) => l !== '' && !/^\{"type":"(summary|end)"/.test(l));
    const killed = ws.file('killed.ndjson', `${lines.join('\n')}\n{"type":"aggre`);
    const report = join(ws.dir, 'killed.html');
    const r = await volley(ws, ['report', killed, '--html', report]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /killed\.ndjson:\d+: the last line is cut/);
    assert.match(r.stderr, /no summary/);
    assert.match(readFileSync(report, 'utf8'), /<title>Volley: stored report<\/title>/);
  });
});
