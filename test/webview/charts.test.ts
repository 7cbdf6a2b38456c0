// The results panel's charts (uPlot) in headless Chromium under the panel's own strict CSP, drawing a real
// run (the engine against the demo server, one step answered 404): one shared cursor (hovering one chart
// puts every chart's legend at that second), a drag zooms every chart and the per-step and per-error tables
// to exactly the seconds selected, a double-click or the Reset zoom button resets, and all of it by
// keyboard too. Screenshots go to the test artefacts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../src/engine/demo/server';
import type { RunEvent } from '../../src/protocol';
import { workspace, type Workspace } from '../cli/helpers';
import { openPanelPage, recordRun, type PanelPage } from './panel-page';

const ARTIFACTS = join(process.env.VOLLEY_E2E_ARTIFACTS_DIR ?? resolve(__dirname, '../../out/test/e2e-artifacts'), 'webview-charts');

let ws: Workspace;
let target: DemoServer;
let panel: PanelPage;
let events: RunEvent[];

before(async () => {
  ws = workspace();
  target = await startDemoServer({ port: 0, latencyMs: 3, seed: 7 });
  ({ events } = await recordRun(
    ws,
    'charts',
    `name: charts
baseUrl: ${target.url}
scenarios:
  browse:
    executor: ramping-arrival-rate
    startRate: 10
    timeUnit: 1s
    stages:
      - { target: 60, duration: 6s }
    preAllocatedVUs: 4
    maxVUs: 12
    flow:
      - name: list products
        get: /products?page=1
      - name: missing product
        get: /products/999999
`,
  ));
  panel = await openPanelPage();
  await panel.send({ type: 'run', events, view: { label: 'charts run', live: false } });
  mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => {
  await panel?.close();
  await target?.close();
  ws?.cleanup();
});

type Aggregate = Extract<RunEvent, { type: 'aggregate' }>;

function secondsOfRun(): number[] {
  return events.filter((e): e is Aggregate => e.type === 'aggregate').map((e) => e.t);
}

/** Requests and 404s per step over the seconds [from, to], from the run file. */
function expectedRange(from: number, to: number): Map<string, { requests: number; notFound: number }> {
  const out = new Map<string, { requests: number; notFound: number }>();
  for (const e of events) {
    if (e.type !== 'aggregate' || e.t < from || e.t > to) continue;
    for (const s of e.scenarios) {
      for (const st of s.steps) {
        const row = out.get(st.step) ?? { requests: 0, notFound: 0 };
        row.requests += st.requests;
        row.notFound += st.statuses['404'] ?? 0;
        out.set(st.step, row);
      }
    }
  }
  return out;
}

interface ChartsFacts {
  legends: string[][];
  headings: string[];
  zoom: string;
  steps: string[][];
  errors: string[][];
  buttons: string[];
}

// A string, not a function: tsx wraps named inner functions in a `__name` helper the page does not have.
const FACTS = `(() => {
  const rows = (caption) => {
    const table = Array.from(document.querySelectorAll('table')).find((t) => t.caption && t.caption.textContent.startsWith(caption));
    return table ? Array.from(table.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent.trim())) : [];
  };
  return {
    legends: Array.from(document.querySelectorAll('figure.chart .legend')).map((ul) => Array.from(ul.querySelectorAll('li')).map((li) => li.textContent.trim())),
    headings: Array.from(document.querySelectorAll('h2')).map((h) => h.textContent.trim()),
    zoom: (document.querySelector('p.zoom')?.textContent ?? '').trim(),
    steps: rows('Per step'),
    errors: rows('Errors by step and class'),
    buttons: Array.from(document.querySelectorAll('button')).map((b) => b.textContent.trim()),
  };
})()`;

function facts(page: Page): Promise<ChartsFacts> {
  return page.evaluate(FACTS) as Promise<ChartsFacts>;
}

/** The plotting area of the chart at `index`, in page coordinates. */
async function plotBox(page: Page, index: number): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.locator('figure.chart .u-over').nth(index).boundingBox();
  assert.ok(box, 'a chart without a plotting area');
  return box;
}

test('seven charts drawn by uPlot under the strict policy, with legends and aria labels', async () => {
  const { page } = panel;
  const charts = await page.evaluate(() =>
    Array.from(document.querySelectorAll('figure.chart')).map((f) => {
      const canvas = f.querySelector('canvas')!;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
      return { caption: f.querySelector('figcaption')?.textContent, uplot: f.querySelector('.uplot') !== null, painted, label: f.querySelector('.plot')?.getAttribute('aria-label') ?? '' };
    }),
  );
  assert.equal(charts.length, 7, JSON.stringify(charts));
  for (const c of charts) {
    assert.ok(c.uplot && c.painted > 100, `chart "${c.caption}" is blank`);
    assert.match(c.label, /, mean over the run: .+\. Arrow keys move the cursor/);
  }
  // uPlot's own stylesheet is in results.css: its cursor lines are positioned, not in the flow.
  assert.equal(await page.locator('.u-cursor-x').first().evaluate((el) => getComputedStyle(el).position), 'absolute');
  assert.deepEqual(panel.problems, []);
  await page.screenshot({ path: join(ARTIFACTS, 'charts-whole-run.png'), fullPage: true });
});

test('hovering one chart moves the cursor on all of them: every legend shows its values at that second', async () => {
  const { page } = panel;
  const box = await plotBox(page, 0);
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.waitForFunction(() => Array.from(document.querySelectorAll('figure.chart .legend-time')).every((li) => li.textContent?.startsWith('at ')));
  const f = await facts(page);
  const times = new Set(f.legends.map((l) => l[0]));
  assert.equal(times.size, 1, `the charts' cursors disagree: ${JSON.stringify(f.legends)}`);
  const second = Number(/^at (\d+) s$/.exec([...times][0]!)?.[1]);
  assert.ok(secondsOfRun().includes(second), `${second} is not a second of the run`);
  // The throughput legend says that second's requests, as the run file has them.
  const at = events.find((e): e is Aggregate => e.type === 'aggregate' && e.t === second)!;
  const requests = at.scenarios.reduce((n, s) => n + s.steps.reduce((m, st) => m + st.requests, 0), 0);
  assert.ok(f.legends[0]!.includes(`requests/s: ${requests}`), JSON.stringify(f.legends[0]));
  // Every cursor line is drawn where the mouse's second is, on every chart.
  const shown = await page.evaluate(() => Array.from(document.querySelectorAll('.u-cursor-x')).map((el) => !el.classList.contains('u-off')));
  assert.ok(shown.length === 7 && shown.every(Boolean), JSON.stringify(shown));
  await page.screenshot({ path: join(ARTIFACTS, 'charts-hover.png'), fullPage: true });
  await page.mouse.move(5, 5);
});

test('a drag zooms every chart to those seconds and the per-step and per-error tables to exactly that range; a double-click resets', async () => {
  const { page } = panel;
  const whole = await facts(page);
  const box = await plotBox(page, 1);
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('p.zoom')?.textContent?.startsWith('Zoomed to '));
  await page.mouse.move(5, 5);
  const zoomed = await facts(page);
  const m = /^Zoomed to seconds (\d+)–(\d+);/.exec(zoomed.zoom);
  assert.ok(m, zoomed.zoom);
  const [from, to] = [Number(m[1]), Number(m[2])];
  const all = secondsOfRun();
  assert.ok(from > all[0]! && to < all[all.length - 1]! && from < to, `${from}–${to} of ${all.join(',')}`);
  assert.ok(zoomed.headings.includes(`Scenarios and steps in seconds ${from}–${to} (zoomed)`), JSON.stringify(zoomed.headings));
  const expected = expectedRange(from, to);
  for (const row of zoomed.steps) {
    const step = row[0]!.replace(/^browse › /, '');
    assert.equal(row[1], String(expected.get(step)?.requests), `requests of ${step} in ${from}–${to}`);
  }
  assert.deepEqual(
    zoomed.errors.filter((r) => r[1] === 'HTTP 404').map((r) => [r[0], r[2]]),
    [['browse › missing product', String(expected.get('missing product')!.notFound)]],
  );
  assert.notDeepEqual(zoomed.steps, whole.steps, 'the tables did not change with the range');
  // Every chart's x axis is the range: its legend's mean is over those seconds.
  assert.ok(zoomed.legends.every((l) => l[0] === `mean, ${from}–${to} s`), JSON.stringify(zoomed.legends.map((l) => l[0])));
  const scales = await page.evaluate(() => Array.from(document.querySelectorAll('figure.chart .u-axis')).length);
  assert.ok(scales >= 14);
  assert.ok(zoomed.buttons.includes('Reset zoom'), JSON.stringify(zoomed.buttons));
  await page.screenshot({ path: join(ARTIFACTS, 'charts-zoomed.png'), fullPage: true });

  const other = await plotBox(page, 4);
  await page.mouse.dblclick(other.x + other.width / 2, other.y + other.height / 2);
  await page.waitForFunction(() => document.querySelector('p.zoom')?.textContent?.startsWith('Drag across'));
  await page.mouse.move(5, 5);
  const reset = await facts(page);
  assert.deepEqual(reset.steps, whole.steps);
  assert.ok(reset.headings.includes('Scenarios and steps'));
  assert.ok(!reset.buttons.includes('Reset zoom'));
  assert.deepEqual(panel.problems, []);
});

test('by keyboard: arrows move the shared cursor a second, Shift+arrows and Enter zoom, Reset zoom and Escape reset', async () => {
  const { page } = panel;
  await page.locator('figure.chart .plot').first().focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  const all = secondsOfRun();
  await page
    .waitForFunction((t) => Array.from(document.querySelectorAll('figure.chart .legend-time')).every((li) => li.textContent === `at ${t} s`), all[1], { timeout: 5000 })
    .catch(async (err: Error) => assert.fail(`${err.message}: ${JSON.stringify((await facts(page)).legends.map((l) => l[0]))}`));
  const label = await page.locator('figure.chart .plot').nth(2).getAttribute('aria-label');
  assert.match(label ?? '', new RegExp(`^Virtual users, at ${all[1]} s: active \\d+`));
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('p.zoom')?.textContent?.startsWith('Zoomed to '));
  assert.match((await facts(page)).zoom, new RegExp(`^Zoomed to seconds ${all[1]}–${all[3]};`));
  // Focus stays on the chart through the re-render.
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'plot');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.querySelector('p.zoom')?.textContent?.startsWith('Drag across'));

  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('p.zoom')?.textContent?.startsWith('Zoomed to '));
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await page.waitForFunction(() => document.querySelector('p.zoom')?.textContent?.startsWith('Drag across'));
  assert.deepEqual(panel.problems, []);
});

test('two runs compared: each chart overlays both (the baseline dashed, on its own seconds) and the cursor still spans every chart', async () => {
  const { page } = panel;
  // The baseline: the same run with one second fewer, so the two runs' seconds differ.
  const baseline = events.filter((e) => !(e.type === 'aggregate' && e.t === secondsOfRun().at(-1)));
  await panel.send({
    type: 'compare',
    runs: [
      { events: baseline, label: 'baseline run', live: false },
      { events, label: 'this run', live: false },
    ],
  });
  const charts = await page.evaluate(() =>
    Array.from(document.querySelectorAll('figure.chart')).map((f) => ({ dashed: f.querySelectorAll('.swatch.dashed').length, solid: f.querySelectorAll('.swatch:not(.dashed)').length })),
  );
  assert.equal(charts.length, 7);
  for (const c of charts) assert.ok(c.dashed > 0 && c.dashed === c.solid, JSON.stringify(charts));
  const box = await plotBox(page, 0);
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.waitForFunction(() => Array.from(document.querySelectorAll('figure.chart .legend-time')).every((li) => li.textContent?.startsWith('at ')));
  const legend = (await facts(page)).legends[0]!;
  assert.ok(legend.some((i) => i.startsWith('requests/s (baseline): ')) && legend.some((i) => i.startsWith('requests/s (this run): ')), JSON.stringify(legend));
  await page.screenshot({ path: join(ARTIFACTS, 'charts-compare.png'), fullPage: true });
  await page.mouse.move(5, 5);
  assert.deepEqual(panel.problems, []);
});
