// Entry of the charts suite (out/test/suite-charts.js; ../charts.test.ts runs it in code-server): a real run
// in the results panel, then the mouse on its charts through the runner's page steps (../chart-steps.ts).
// Hovering one chart puts every chart's cursor and legend at the same second, with that second's values from
// the run file; a drag zooms and the per-step and per-error tables show exactly the seconds selected; a
// double-click shows the whole run again. Screenshots of each go to the artefacts.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startDemoServer, type DemoServer } from '../../../src/engine/demo/server';
import type { RunEvent } from '../../../src/protocol';
import type { ChartFacts } from '../chart-steps';
import { runRegistered, test } from './harness';
import { eventually, pageStep, screenshot, volleyApi, writeWorkspaceFile } from './helpers';

const FILE = 'e2e-charts.volley.yaml';

// Six seconds of a rising rate: each second differs, and one step always gets a 404.
const scenario = (baseUrl: string) => `name: e2e-charts
baseUrl: ${baseUrl}
scenarios:
  browse:
    executor: ramping-arrival-rate
    startRate: 10
    timeUnit: 1s
    stages:
      - { target: 40, duration: 6s }
    preAllocatedVUs: 4
    maxVUs: 12
    flow:
      - name: list products
        get: /products?page=1
      - name: missing product
        get: /products/999999
`;

type Aggregate = Extract<RunEvent, { type: 'aggregate' }>;

let target: DemoServer | undefined;
let label = '';
let seconds: Aggregate[] = [];
let wholeSteps: string[][] = [];

/** Requests per step and 404s of `missing product` over the seconds [from, to], from the run file. */
function inRange(from: number, to: number): { requests: Map<string, number>; notFound: number } {
  const requests = new Map<string, number>();
  let notFound = 0;
  for (const a of seconds) {
    if (a.t < from || a.t > to) continue;
    for (const s of a.scenarios) {
      for (const st of s.steps) {
        requests.set(`${s.scenario} › ${st.step}`, (requests.get(`${s.scenario} › ${st.step}`) ?? 0) + st.requests);
        if (st.step === 'missing product') notFound += st.statuses['404'] ?? 0;
      }
    }
  }
  return { requests, notFound };
}

test('hovering one chart moves the cursor on every chart, and each legend shows its values at that second', async () => {
  const volley = await volleyApi();
  target = await startDemoServer({ port: 0, latencyMs: 3, seed: 21 });
  const uri = await writeWorkspaceFile(FILE, scenario(target.url));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
  await vscode.commands.executeCommand('volley.runFile', uri);
  const run = volley.runner.lastRun;
  assert.ok(run && run.uri.toString() === uri.toString(), 'the run did not happen');
  label = run.label;
  await eventually('the panel to show the summary', () => (volley.panels.current?.rendered?.mode === 'summary' ? true : undefined), 60_000);
  const events = readFileSync(run.runFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RunEvent);
  seconds = events.filter((e): e is Aggregate => e.type === 'aggregate');
  assert.ok(seconds.length >= 5, `${seconds.length} seconds`);

  const facts = await pageStep<ChartFacts>('chartHover', { title: label, chart: 0, at: 0.5 });
  assert.equal(facts.legends.length, 7, JSON.stringify(facts.legends));
  const times = new Set(facts.legends.map((l) => l.items[0]));
  assert.equal(times.size, 1, `the charts' cursors are at different seconds: ${JSON.stringify(facts.legends)}`);
  const second = Number(/^at (\d+) s$/.exec([...times][0] ?? '')?.[1]);
  const at = seconds.find((a) => a.t === second);
  assert.ok(at, `the cursor's second ${second} is not one of the run's`);
  assert.ok(facts.cursors.length === 7 && facts.cursors.every(Boolean), `not every chart shows the cursor: ${JSON.stringify(facts.cursors)}`);
  const requests = at.scenarios.reduce((n, s) => n + s.steps.reduce((m, st) => m + st.requests, 0), 0);
  const throughput = facts.legends.find((l) => l.caption.startsWith('Throughput'))!;
  assert.ok(throughput.items.includes(`requests/s: ${requests}`), `${JSON.stringify(throughput.items)} at ${second} s; the run file has ${requests}`);
  const users = facts.legends.find((l) => l.caption === 'Virtual users')!;
  const active = at.scenarios.reduce((n, s) => n + s.vusActive, 0);
  assert.ok(users.items.includes(`active: ${active}`), `${JSON.stringify(users.items)}; the run file has ${active} active`);
  wholeSteps = facts.steps;
  assert.equal(wholeSteps.length, 2, JSON.stringify(facts.steps));
  await screenshot('charts-hover');
}, 90_000);

test('a drag across a chart zooms every chart, and the per-step and per-error tables show exactly those seconds; a double-click resets', async () => {
  assert.ok(label, 'the run did not happen');
  const zoomed = await pageStep<ChartFacts>('chartDrag', { title: label, chart: 1, from: 0.3, to: 0.75 });
  const m = /^Zoomed to seconds (\d+)–(\d+);/.exec(zoomed.zoom);
  assert.ok(m, zoomed.zoom);
  const [from, to] = [Number(m[1]), Number(m[2])];
  assert.ok(from > seconds[0]!.t && to < seconds[seconds.length - 1]!.t, `${from}–${to} of ${seconds.map((s) => s.t).join(',')}`);
  assert.ok(zoomed.headings.includes(`Scenarios and steps in seconds ${from}–${to} (zoomed)`), JSON.stringify(zoomed.headings));
  const expected = inRange(from, to);
  assert.deepEqual(
    zoomed.steps.map((r) => [r[0], r[1]]),
    [...expected.requests].map(([step, n]) => [step, String(n)]),
  );
  assert.deepEqual(zoomed.errors.filter((r) => r[1] === 'HTTP 404').map((r) => [r[0], r[2]]), [['browse › missing product', String(expected.notFound)]]);
  assert.notDeepEqual(zoomed.steps.map((r) => r[1]), wholeSteps.map((r) => r[1]), 'the tables did not change with the range');
  // Every chart is zoomed: away from the cursor, each legend gives the mean over the range.
  assert.ok(zoomed.legends.every((l) => l.items[0] === `mean, ${from}–${to} s`), JSON.stringify(zoomed.legends.map((l) => l.items[0])));
  await screenshot('charts-zoomed');
  assert.equal(await pageStep<string>('webviewScrollTo', { title: label, heading: 'Scenarios and steps in' }), `Scenarios and steps in seconds ${from}–${to} (zoomed)`);
  await screenshot('charts-zoomed-tables');

  const reset = await pageStep<ChartFacts>('chartDoubleClick', { title: label, chart: 3 });
  assert.deepEqual(reset.steps, wholeSteps);
  assert.ok(reset.headings.includes('Scenarios and steps'), JSON.stringify(reset.headings));
  assert.ok(reset.legends.every((l) => l.items[0] === 'mean'), JSON.stringify(reset.legends.map((l) => l.items[0])));
  await screenshot('charts-reset');
  await target?.close();
}, 60_000);

export function run(): Promise<void> {
  return runRegistered();
}
