// --out junit=FILE: the XML a CI test tab reads, validated against Jenkins' junit-10.xsd (test/fixtures, MIT,
// from jenkinsci/xunit-plugin) with libxml2 compiled to WebAssembly (xmllint-wasm: offline, no system xmllint).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import { formatJunit, groupOfKey } from '../../src/engine/report/junit';
import type { RunSummary } from '../../src/protocol';
import { volley, workspace, type Workspace } from '../cli/helpers';

const SCHEMA = readFileSync(join(__dirname, '../fixtures/junit-10.xsd'), 'utf8');

async function assertValid(xml: string): Promise<void> {
  const result = await validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [SCHEMA] });
  assert.ok(result.valid, `not valid against junit-10.xsd:\n${result.rawOutput}\n${xml}`);
}

let ws: Workspace;
let target: DemoServer;
before(async () => {
  ws = workspace();
  // Slow enough that 2 VUs cannot carry 20 iterations/s: the doctor diagnoses insufficient VUs (a warning).
  target = await startDemoServer({ port: 0, latencyMs: 150, seed: 3 });
});
after(async () => {
  await target.close();
  ws.cleanup();
});

test('a run writes JUnit: one suite for the file, a case per threshold (the crossed one failed with its value), a skipped case per warning diagnosis; valid XSD', async () => {
  const file = ws.file(
    'junit.volley.yaml',
    `name: junit
baseUrl: ${target.url}
scenarios:
  browse:
    executor: constant-arrival-rate
    rate: 20
    timeUnit: 1s
    duration: 2s
    preAllocatedVUs: 2
    maxVUs: 2
    gracefulStop: 2s
    flow:
      - name: list products
        get: /products?page=1
thresholds:
  http_req_duration: ["p(95)<5000", "p(95)<1"]
  http_req_failed: ["rate<0.5"]
`,
  );
  const junit = join(ws.dir, 'out', 'junit.xml');
  const ndjson = join(ws.dir, 'junit.ndjson');
  const r = await volley(ws, ['run', file, '--quiet', '--no-store', '--out', `junit=${junit}`, '-o', `ndjson=${ndjson}`]);
  assert.equal(r.code, 99, r.stderr);
  const xml = readFileSync(junit, 'utf8');
  await assertValid(xml);

  const suites = [...xml.matchAll(/<testsuite (.*?)>/g)];
  assert.equal(suites.length, 1);
  assert.match(suites[0][1], new RegExp(`name="${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`));
  const cases = [...xml.matchAll(/<testcase name="([^"]*)" classname="(\w+)"/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(
    cases.filter(([, c]) => c === 'thresholds').map(([n]) => n),
    ['http_req_duration: p(95)&lt;5000', 'http_req_duration: p(95)&lt;1', 'http_req_failed: rate&lt;0.5'],
  );
  const failures = [...xml.matchAll(/<failure type="threshold" message="([^"]*)"/g)].map((m) => m[1]);
  assert.equal(failures.length, 1);
  // The measured p95 in the message is the summary's.
  const summary = readFileSync(ndjson, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'summary').summary as RunSummary;
  const p95 = summary.thresholds.find((t) => t.source === 'p(95)<1')!.actual!;
  assert.match(failures[0], /^p\(95\)&lt;1 crossed: measured [\d.]+(ms|s)$/);
  const shown = Number(/measured ([\d.]+)ms/.exec(failures[0])?.[1]);
  assert.ok(Math.abs(shown - p95) < 0.01 * p95 + 0.01, `${shown} vs ${p95}`);
  assert.match(xml, /<testsuite [^>]*tests="(\d+)" failures="1" errors="0" skipped="(\d+)"/);

  const doctorCases = cases.filter(([, c]) => c === 'doctor');
  const warnings = summary.diagnoses.filter((d) => d.severity !== 'info');
  assert.ok(warnings.some((d) => d.id === 'insufficient-vus'), JSON.stringify(summary.diagnoses.map((d) => d.id)));
  assert.equal(doctorCases.length, warnings.length);
  assert.equal([...xml.matchAll(/<skipped type="insufficient-vus"/g)].length, warnings.filter((d) => d.id === 'insufficient-vus').length);
});

test('JUnit from a summary: a group tag becomes the testcase group; markup and control characters stay valid XML', async () => {
  const summary: RunSummary = {
    runId: 'r1',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1234.5678,
    outcome: 'completed',
    scenarios: [],
    metrics: {},
    thresholds: [
      { key: 'http_req_duration{group:::checkout}', source: 'p(95)<300', metric: 'http_req_duration', ok: false, actual: 412.3, abortedRun: true },
      { key: 'checks', source: 'rate>0.99', metric: 'checks', ok: false, actual: 0.5 },
      { key: 'http_reqs', source: 'count>0', metric: 'http_reqs', ok: true, actual: 10 },
    ],
    diagnoses: [
      { id: 'failures-sut-side', severity: 'error', title: 'a <b> & "c"\u0001', scenario: 's', step: 'x', evidence: { errors: 3 }, explanation: 'e\nf', fix: 'look' },
      { id: 'info-only', severity: 'info', title: 'not listed', evidence: {}, explanation: '', fix: '' },
    ],
  };
  const xml = formatJunit({ file: 'a&b.volley.yaml', summary });
  await assertValid(xml);
  // k6's root-anchored `::checkout` is the group Volley names `checkout` (docs/scenario-format.md, Groups).
  assert.equal(groupOfKey('http_req_duration{group:::checkout}'), 'checkout');
  assert.match(xml, /<testcase name="http_req_duration\{group:::checkout\}: p\(95\)&lt;300" classname="thresholds" group="checkout">/);
  assert.match(xml, /message="p\(95\)&lt;300 crossed: measured 412\.3ms \(abortOnFail ended the run\)"/);
  assert.match(xml, /message="rate&gt;0\.99 crossed: measured 50\.00%"/);
  assert.match(xml, /<testsuite name="a&amp;b.volley.yaml" tests="4" failures="2" errors="0" skipped="1" time="1\.235"/);
  assert.doesNotMatch(xml, /not listed/);
  assert.doesNotMatch(xml, /\u0001/);
  // The validator does reject: a testcase without its required name.
  const broken = await validateXML({ xml: [{ fileName: 'b.xml', contents: xml.replace(/<testcase name="[^"]*"/, '<testcase') }], schema: [SCHEMA] });
  assert.equal(broken.valid, false);
});
