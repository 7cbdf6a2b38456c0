// The estimate in the editor, over the real language-server protocol: the server reads the latest
// stored run of the open file, warns when preAllocatedVUs is below the estimate, explains it in the
// hover, offers the quick fix, and follows a new run. Needs dist/server.js (node scripts/build.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, MarkupContent } from 'vscode-languageserver-protocol';
import type { RunEvent } from '../../src/protocol';
import { estimateVUs, type ArrivalRatePlan } from '../../src/engine/estimate';
import { seededRandom } from '../../src/engine/estimate/simulate';
import { encodeHistogram, newTotalHistogram } from '../../src/engine/metrics/hdr';
import { RunStore } from '../../src/engine/runs';
import { parseScenarioDocument, validateDocument } from '../../src/engine/scenario';
import { TestClient, applyEdits, find, rangeOf } from '../server/lsp-client';

let client: TestClient;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'volley-ls-estimate-'));
  mkdirSync(join(dir, '.git'));
  client = new TestClient();
  await client.initialize();
});
after(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

const TEXT = `name: shop
baseUrl: http://127.0.0.1:9
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 200
    timeUnit: 1s
    duration: 1m
    preAllocatedVUs: 10
    maxVUs: 20
    flow:
      - get: /products
  warmup:
    executor: constant-vus
    vus: 2
    duration: 10s
    flow:
      - get: /health
`;

const PLAN: ArrivalRatePlan = { type: 'constant-arrival-rate', rate: 200, timeUnitMs: 1000, durationMs: 60_000, preAllocatedVUs: 10, maxVUs: 20 };

/** A finished run of `file` in its store, with these iteration durations for browse. */
function storeRun(file: string, samples: number[], at: Date): void {
  const h = newTotalHistogram();
  for (const ms of samples) h.recordValue(Math.round(ms * 1000));
  const events: RunEvent[] = [
    {
      type: 'start',
      v: 1,
      runId: `run-${at.getTime()}`,
      startedAt: at.toISOString(),
      engineVersion: '0.0.0',
      plan: { file, name: 'shop', scenarios: [{ name: 'browse', executor: 'constant-arrival-rate', startTimeMs: 0, durationMs: 60_000, gracefulStopMs: 30_000, maxVUs: 20, steps: [] }], thresholds: [] },
    },
    {
      type: 'summary',
      summary: {
        runId: `run-${at.getTime()}`,
        startedAt: at.toISOString(),
        durationMs: 60_000,
        outcome: 'completed',
        scenarios: [],
        metrics: {},
        thresholds: [],
        diagnoses: [],
        histograms: { 'iteration_duration{scenario=browse}': encodeHistogram(h) },
      },
    },
    { type: 'end', exitCode: 0 },
  ];
  const path = RunStore.for(file, { env: {} }).newRunPath(file, at);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, events.map((e) => JSON.stringify(e) + '\n').join(''));
}

async function latestDiagnostics(uri: string, count: number): Promise<Diagnostic[]> {
  const deadline = Date.now() + 5000;
  while (client.published(uri).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} publications for ${uri}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const all = client.published(uri);
  return all[all.length - 1].diagnostics;
}

test('warning, hover and quick fix from the last stored run; a faster new run clears the warning', async () => {
  const file = join(dir, 'shop.volley.yaml');
  writeFileSync(file, TEXT);
  const random = seededRandom(1);
  const jittery = Array.from({ length: 2000 }, () => 50 + 250 * random());
  storeRun(file, jittery, new Date(Date.UTC(2025, 4, 1, 12, 0, 0)));
  const expected = estimateVUs(PLAN, (() => {
    const h = newTotalHistogram();
    for (const ms of jittery) h.recordValue(Math.round(ms * 1000));
    return h;
  })());

  const uri = pathToFileURL(file).href;
  await client.open(uri, TEXT);
  const diagnostics = await latestDiagnostics(uri, 1);
  const warning = diagnostics.find((d) => d.code === 'preallocated-vus-below-estimate');
  assert.ok(warning, JSON.stringify(diagnostics));
  assert.equal(warning.severity, 2);
  assert.deepEqual(warning.range, rangeOf(TEXT, '10', 0));
  assert.match(
    String(warning.message),
    new RegExp(`^preAllocatedVUs 10 is below the estimate from the last run .*: iterations took \\d+ ms at the median and \\d+ ms at p99; k6's rule gives ${expected.k6Rule}, the measured spread needs ${expected.recommendedPreAllocatedVUs} to keep the chance of a dropped iteration below 0.1%`),
  );
  // Only the arrival-rate scenario is sized.
  assert.equal(diagnostics.filter((d) => d.code === 'preallocated-vus-below-estimate').length, 1);

  const hover = await client.hover(uri, find(TEXT, 'preAllocatedVUs', 2));
  const markdown = (hover?.contents as MarkupContent).value;
  assert.match(markdown, new RegExp(`the estimate with headroom for variance is \\*\\*${expected.recommendedPreAllocatedVUs}\\*\\*`));
  assert.match(markdown, new RegExp(`Recommended maxVUs \\*\\*${expected.recommendedMaxVUs}\\*\\*`));
  assert.match(markdown, /How the estimate adds up/);
  assert.match(markdown, /k6's rule: median × rate = \d+ ms × 200\/s/);

  const actions = (await client.codeActions(uri, warning.range, [warning])) as CodeAction[];
  const fix = actions.find((a) => a.title.startsWith('Set preAllocatedVUs to the estimate'));
  assert.ok(fix?.edit?.changes, JSON.stringify(actions.map((a) => a.title)));
  assert.equal(fix.title, `Set preAllocatedVUs to the estimate (${expected.recommendedPreAllocatedVUs}) and maxVUs to ${expected.recommendedMaxVUs}`);
  assert.equal(fix.kind, 'quickfix');
  assert.equal(fix.isPreferred, true);
  assert.equal(fix.diagnostics?.[0].code, 'preallocated-vus-below-estimate');
  const fixed = applyEdits(TEXT, fix.edit.changes[uri]);
  assert.match(fixed, new RegExp(`preAllocatedVUs: ${expected.recommendedPreAllocatedVUs}\\n    maxVUs: ${expected.recommendedMaxVUs}\\n`));
  assert.deepEqual(validateDocument(parseScenarioDocument(fixed)), []);

  // The fixed text has no warning.
  await client.change(uri, fixed, 2);
  const afterFix = await client.diagnosticsFor(uri, 2);
  assert.equal(afterFix.diagnostics.filter((d) => d.code === 'preallocated-vus-below-estimate').length, 0);

  // Back to 10 VUs, then a new run where iterations take 20–30 ms: 10 VUs suffice, the warning goes.
  await client.change(uri, TEXT, 3);
  const again = await client.diagnosticsFor(uri, 3);
  assert.equal(again.diagnostics.filter((d) => d.code === 'preallocated-vus-below-estimate').length, 1);
  const before = client.published(uri).length;
  storeRun(file, Array.from({ length: 500 }, () => 20 + 10 * random()), new Date(Date.UTC(2025, 4, 1, 13, 0, 0)));
  await client.connection.sendNotification('volley/runsChanged');
  const refreshed = await latestDiagnostics(uri, before + 1);
  assert.deepEqual(refreshed.filter((d) => d.code === 'preallocated-vus-below-estimate'), []);
  const quiet = await client.hover(uri, find(TEXT, 'preAllocatedVUs', 2));
  assert.match((quiet?.contents as MarkupContent).value, /Median iteration 2\d(\.\d+)? ms \(last run/);
});

test('a file without stored runs gets no warning and the hover says how to measure', async () => {
  const sub = join(dir, 'other');
  mkdirSync(sub);
  const file = join(sub, 'fresh.volley.yaml');
  writeFileSync(file, TEXT);
  const uri = pathToFileURL(file).href;
  await client.open(uri, TEXT);
  const published = await client.diagnosticsFor(uri, 1);
  assert.deepEqual(published.diagnostics, []);
  const hover = await client.hover(uri, find(TEXT, 'preAllocatedVUs', 2));
  assert.match((hover?.contents as MarkupContent).value, /No measured iteration duration yet/);
});
