// Page steps for the results panel's charts (see PageStep in ./run-vscode.ts): the mouse on a chart as a
// person moves it — hover, drag across, double-click — in the webview's nested frames, then what the panel
// shows: every chart's legend, the zoom line, and the per-step and per-error tables. Plain JSON facts; the
// suite (./suite/charts.ts) knows the run and asserts on them.
import type { FrameLocator, Page } from 'playwright-core';
import { webviewFrame } from './page-steps';
import type { PageStep } from './run-vscode';

const WAIT_MS = 10_000;

export interface ChartFacts {
  /** Per chart: its caption and its legend's items (the first says when: `at 12 s`, `mean`, `latest`). */
  legends: { caption: string; items: string[] }[];
  /** Per chart: whether its cursor line shows. */
  cursors: boolean[];
  /** The line above the charts: how to zoom, or what they are zoomed to. */
  zoom: string;
  headings: string[];
  steps: string[][];
  errors: string[][];
}

interface ChartArg {
  title: string;
  /** The chart (0-based, in the panel's order) the mouse is on. */
  chart: number;
  /** Fractions of the plotting area's width. */
  at?: number;
  from?: number;
  to?: number;
}

async function chartFacts(frame: FrameLocator): Promise<ChartFacts> {
  // No named helpers inside: tsx compiles them with a `__name` wrapper that does not exist in the page (and the
  // panel's policy forbids eval), so the two tables are read by one loop.
  return frame.locator(':root').evaluate((root): ChartFacts => {
    const doc = root.ownerDocument;
    const tables: Record<string, string[][]> = {};
    for (const table of Array.from(doc.querySelectorAll('table'))) {
      const caption = (table.caption?.textContent ?? '').trim();
      const key = caption.startsWith('Per step') ? 'steps' : caption.startsWith('Errors by step and class') ? 'errors' : '';
      if (key) tables[key] = Array.from(table.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim()));
    }
    return {
      legends: Array.from(doc.querySelectorAll('figure.chart')).map((f) => ({
        caption: (f.querySelector('figcaption')?.textContent ?? '').trim(),
        items: Array.from(f.querySelectorAll('.legend li')).map((li) => (li.textContent ?? '').trim()),
      })),
      cursors: Array.from(doc.querySelectorAll('figure.chart .u-cursor-x')).map((el) => !el.classList.contains('u-off')),
      zoom: (doc.querySelector('p.zoom')?.textContent ?? '').trim(),
      headings: Array.from(doc.querySelectorAll('h2')).map((h) => (h.textContent ?? '').trim()),
      steps: tables.steps ?? [],
      errors: tables.errors ?? [],
    };
  });
}

async function plotArea(page: Page, arg: ChartArg): Promise<{ frame: FrameLocator; box: { x: number; y: number; width: number; height: number } }> {
  const frame = await webviewFrame(page, arg.title);
  const over = frame.locator('figure.chart .u-over').nth(arg.chart);
  await over.scrollIntoViewIfNeeded({ timeout: WAIT_MS });
  const box = await over.boundingBox({ timeout: WAIT_MS });
  if (!box) throw new Error(`chart ${arg.chart} has no plotting area on screen`);
  return { frame, box };
}

/** Moves the mouse onto chart `chart` at `at` of its width and leaves it there; the facts once every legend follows. */
const chartHover: PageStep = async (page, a) => {
  const arg = a as ChartArg;
  const { frame, box } = await plotArea(page, arg);
  await page.mouse.move(box.x + box.width * (arg.at ?? 0.5), box.y + box.height / 2, { steps: 4 });
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const facts = await chartFacts(frame);
    if (facts.legends.every((l) => l.items[0]?.startsWith('at ')) || Date.now() > deadline) return facts;
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Drags across chart `chart` from `from` to `to` of its width, then moves the mouse off the charts; the facts once the panel shows the zoom. */
const chartDrag: PageStep = async (page, a) => {
  const arg = a as ChartArg;
  const { frame, box } = await plotArea(page, arg);
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * (arg.from ?? 0.3), y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * (((arg.from ?? 0.3) + (arg.to ?? 0.7)) / 2), y, { steps: 5 });
  await page.mouse.move(box.x + box.width * (arg.to ?? 0.7), y, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(box.x + box.width / 2, box.y - 40);
  await frame.locator('p.zoom', { hasText: 'Zoomed to' }).waitFor({ timeout: WAIT_MS });
  return chartFacts(frame);
};

/** Double-clicks chart `chart`, then moves the mouse off the charts; the facts once the zoom is gone. */
const chartDoubleClick: PageStep = async (page, a) => {
  const arg = a as ChartArg;
  const { frame, box } = await plotArea(page, arg);
  await page.mouse.dblclick(box.x + box.width * (arg.at ?? 0.5), box.y + box.height / 2);
  await page.mouse.move(box.x + box.width / 2, box.y - 40);
  await frame.locator('p.zoom', { hasText: 'Drag across' }).waitFor({ timeout: WAIT_MS });
  return chartFacts(frame);
};

/** Scrolls the panel until the heading starting with `heading` is at the top (for a screenshot of what follows it). */
const webviewScrollTo: PageStep = async (page, a) => {
  const { title, heading } = a as { title: string; heading: string };
  const frame = await webviewFrame(page, title);
  const target = frame.locator('h2').filter({ hasText: heading }).first();
  await target.evaluate((el) => el.scrollIntoView({ block: 'start' }), undefined, { timeout: WAIT_MS });
  return (await target.textContent())?.trim() ?? '';
};

export const CHART_STEPS: Record<string, PageStep> = { chartHover, chartDrag, chartDoubleClick, webviewScrollTo };
