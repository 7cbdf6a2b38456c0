// Page steps of the failure-samples suite (./suite/samples.ts): open a row's samples in the results panel's
// error table; hover a failing step's inline figure in the editor, screenshot the hover and follow its link;
// read which samples lists the panel has open. Each returns plain JSON facts for the suite to assert on.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { webviewFrame } from './page-steps';
import type { PageStep } from './run-vscode';

export interface OpenedSamples {
  /** Each open samples list: its step (data-step), its summary, the samples it lists, the first one's text. */
  lists: Array<{ scenario: string; step: string; summary: string; samples: number; firstSample: string }>;
}

async function openedSamples(page: Page, title: string): Promise<OpenedSamples> {
  const frame = await webviewFrame(page, title);
  return frame.locator(':root').evaluate((root): OpenedSamples => ({
    lists: Array.from(root.ownerDocument.querySelectorAll<HTMLDetailsElement>('details.samples'))
      .filter((d) => d.open)
      .map((d) => ({
        scenario: d.dataset.scenario ?? '',
        step: d.dataset.step ?? '',
        summary: (d.querySelector('summary')?.textContent ?? '').trim(),
        samples: d.querySelectorAll('details.sample').length,
        firstSample: (d.querySelector('details.sample')?.textContent ?? '').trim(),
      })),
  }));
}

export function samplesSteps(artifactsDir: string): Record<string, PageStep> {
  return {
    /** Clicks the samples list of the error table's row for `step`, then its first sample, as a person would. */
    openTableSamples: async (page, arg) => {
      const { title, step } = arg as { title: string; step: string };
      const frame = await webviewFrame(page, title);
      const row = frame.locator('tr').filter({ hasText: step }).filter({ has: frame.locator('details.samples') }).first();
      await row.locator('details.samples > summary').click({ timeout: 10_000 });
      await row.locator('details.sample > summary').first().click({ timeout: 10_000 });
      await row.locator('details.sample').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(artifactsDir, 'samples-error-table.png') });
      return openedSamples(page, title);
    },
    /**
     * Hovers the inline figure at the end of the editor line holding `lineText` (the rightmost painted span
     * of that line: the decoration's text), screenshots the hover, then clicks its link to the samples.
     */
    hoverFailingStep: async (page, arg) => {
      const { lineText, link } = arg as { lineText: string; link: string };
      const line = page.locator('.monaco-editor .view-line').filter({ hasText: lineText }).first();
      await line.waitFor({ state: 'visible', timeout: 10_000 });
      const boxes = await line.locator('span span').evaluateAll((spans) =>
        spans.map((s) => s.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => ({ x: r.x, y: r.y, width: r.width, height: r.height })),
      );
      const figure = boxes.sort((a, b) => b.x + b.width - (a.x + a.width))[0];
      if (figure === undefined) throw new Error(`no painted span on the line "${lineText}"`);
      const hover = page.locator('.monaco-hover').filter({ hasText: 'Latest failure' }).first();
      // The figure's start (a narrow editor clips its end); the hover comes after the mouse rests, so under
      // load the mouse moves away and back until it shows.
      const deadline = Date.now() + 12_000;
      for (let dx = 30; ; dx = dx === 30 ? 60 : 30) {
        await page.mouse.move(figure.x + Math.min(dx, figure.width / 2), figure.y + figure.height / 2, { steps: 4 });
        if (await hover.waitFor({ state: 'visible', timeout: 2_500 }).then(() => true, () => false)) break;
        if (Date.now() > deadline) {
          await page.screenshot({ path: join(artifactsDir, 'samples-no-hover.png') });
          const hovers = await page.locator('.monaco-hover').allTextContents();
          throw new Error(`no hover with the latest failure over the inline figure at ${JSON.stringify(figure)}; hovers: ${JSON.stringify(hovers)}`);
        }
        await page.mouse.move(0, 0);
      }
      const text = ((await hover.textContent()) ?? '').trim();
      await page.screenshot({ path: join(artifactsDir, 'samples-inline-hover.png') });
      await hover.locator('a').filter({ hasText: link }).first().click({ timeout: 10_000 });
      return { text };
    },
    /** Closes every open samples list, as a person would (a click on its summary). */
    closeSamples: async (page, arg) => {
      const { title } = arg as { title: string };
      const frame = await webviewFrame(page, title);
      const open = frame.locator('details.samples[open] > summary');
      while ((await open.count()) > 0) await open.first().click({ timeout: 10_000 });
      return openedSamples(page, title);
    },
    openedSamples: async (page, arg) => {
      const { title, screenshot } = arg as { title: string; screenshot?: string };
      const facts = await openedSamples(page, title);
      if (screenshot !== undefined) await page.screenshot({ path: join(artifactsDir, `${screenshot}.png`) });
      return facts;
    },
  };
}
