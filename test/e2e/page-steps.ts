// Page steps (see PageStep in ./run-vscode.ts): what the suite inside the extension host cannot do itself,
// because it concerns what a person sees — the results webview's DOM, its buttons, the workbench's
// notifications. Each returns plain JSON facts; the suite, which knows what it ran, asserts on them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FrameLocator, Page } from 'playwright-core';
import type { PageStep } from './run-vscode';

/** A webview's two frames: VS Code's host iframe, then the extension's own document inside it. */
const WEBVIEW = 'iframe.webview.ready:visible';
const FIND_TIMEOUT_MS = 10_000;

export interface WebviewFacts {
  title: string;
  headings: string[];
  /** The thresholds list: each item's text and class (pass/fail). */
  thresholds: { text: string; className: string }[];
  tables: { caption: string; header: string[]; rows: string[][] }[];
  charts: { caption: string; width: number; height: number; painted: boolean; dashedSwatches: number }[];
  buttons: string[];
  /** The Content-Security-Policy meta tag's content, or null when there is none. */
  csp: string | null;
  /**
   * Every script element: its src, its nonce (the property: browsers hide the attribute once a policy
   * applies), whether it has inline text, and its id (VS Code injects `_vscodeApiScript` itself).
   */
  scripts: { id: string; src: string; nonce: string; inline: boolean }[];
  /** Whether an inline script without the nonce, added now, ran: a policy that works keeps it from running. */
  inlineScriptRan: boolean;
}

interface WebviewArg {
  /** Pick the webview whose h1 contains this (several may be visible); without it exactly one must be. */
  title?: string;
}

/** The one visible webview whose title (h1) matches, waiting a little for it to appear. */
export async function webviewFrame(page: Page, title: string | undefined, timeoutMs = FIND_TIMEOUT_MS): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await page.locator(WEBVIEW).count();
    const frames = Array.from({ length: count }, (_, i) => page.frameLocator(`${WEBVIEW} >> nth=${i}`).frameLocator('#active-frame'));
    const titles = await Promise.all(
      frames.map((f) =>
        f
          .locator('h1')
          .first()
          .textContent({ timeout: 1000 })
          .catch(() => null),
      ),
    );
    const matching = frames.filter((_, i) => titles[i] !== null && (title === undefined || titles[i]!.includes(title)));
    if (matching.length === 1) return matching[0]!;
    if (Date.now() > deadline) {
      throw new Error(`expected one visible webview${title ? ` titled "${title}"` : ''}; found ${matching.length} (titles of the visible ones: ${JSON.stringify(titles)})`);
    }
    await sleep(200);
  }
}

/** The facts of the visible webview titled `title` (see webviewFacts), waiting up to `timeoutMs` for it. */
export async function readWebview(page: Page, title: string | undefined, timeoutMs = FIND_TIMEOUT_MS): Promise<WebviewFacts> {
  const frame = await webviewFrame(page, title, timeoutMs);
  // No named helpers inside: tsx compiles them with a `__name` wrapper that does not exist in the page.
  return frame.locator(':root').evaluate((root): WebviewFacts => {
    const doc = root.ownerDocument;
    const probe = doc.createElement('script');
    probe.textContent = 'window.__volleyInlineProbe = true;';
    doc.head.append(probe);
    const inlineScriptRan = (doc.defaultView as unknown as { __volleyInlineProbe?: boolean }).__volleyInlineProbe === true;
    probe.remove();
    return {
      title: (doc.querySelector('h1')?.textContent ?? '').trim(),
      headings: Array.from(doc.querySelectorAll('h1, h2, h3')).map((h) => (h.textContent ?? '').trim()),
      thresholds: Array.from(doc.querySelectorAll('ul.thresholds > li')).map((li) => ({ text: (li.textContent ?? '').trim(), className: li.className })),
      tables: Array.from(doc.querySelectorAll('table')).map((table) => ({
        caption: (table.querySelector('caption')?.textContent ?? '').trim(),
        header: Array.from(table.querySelectorAll('thead th')).map((th) => (th.textContent ?? '').trim()),
        rows: Array.from(table.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => (td.textContent ?? '').trim())),
      })),
      charts: Array.from(doc.querySelectorAll('figure.chart')).map((figure) => {
        const canvas = figure.querySelector('canvas');
        const context = canvas && canvas.width > 0 && canvas.height > 0 ? canvas.getContext('2d') : null;
        // Painted: some pixel is not fully transparent.
        const pixels = context ? context.getImageData(0, 0, canvas!.width, canvas!.height).data : new Uint8ClampedArray(0);
        let painted = false;
        for (let i = 3; i < pixels.length && !painted; i += 4) painted = pixels[i] !== 0;
        return {
          caption: (figure.querySelector('figcaption')?.textContent ?? '').trim(),
          width: canvas?.width ?? 0,
          height: canvas?.height ?? 0,
          painted,
          dashedSwatches: figure.querySelectorAll('.swatch.dashed').length,
        };
      }),
      buttons: Array.from(doc.querySelectorAll('button')).map((b) => (b.textContent ?? '').trim()),
      csp: doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null,
      scripts: Array.from(doc.querySelectorAll('script')).map((script) => ({
        id: script.id,
        src: script.getAttribute('src') ?? '',
        nonce: script.nonce || script.getAttribute('nonce') || '',
        inline: (script.textContent ?? '').trim() !== '',
      })),
      inlineScriptRan,
    };
  });
}

const webviewFacts: PageStep = (page, arg) => readWebview(page, (arg as WebviewArg | null)?.title);

/** Clicks the first button in the webview whose text starts with `button`, as a person would; returns its text. */
const webviewClick: PageStep = async (page, arg) => {
  const { title, button } = arg as WebviewArg & { button: string };
  const frame = await webviewFrame(page, title);
  const target = frame.locator('button').filter({ hasText: button }).first();
  const label = (await target.textContent({ timeout: FIND_TIMEOUT_MS }))?.trim() ?? '';
  if (!label.startsWith(button)) throw new Error(`the first button containing "${button}" reads "${label}"`);
  await target.click({ timeout: FIND_TIMEOUT_MS });
  return label;
};

/** An element keyboard focus landed on in a webview. */
export interface FocusStop {
  tag: string;
  role: string;
  /** Its accessible name as a screen reader would take it: aria-label, else its text, else its title. */
  name: string;
  /** Whether the focus ring shows (`:focus-visible` matches and the outline is drawn). */
  focusVisible: boolean;
}

export interface KeyboardFacts {
  /** Where each Tab press from the top of the document landed, in order, until focus left the webview. */
  order: FocusStop[];
  /** Every element a person can act on (buttons, links, form fields, anything with a tabindex or an interactive role). */
  interactive: FocusStop[];
  /** The element `press` was pressed on, reached by Tab, when asked. */
  pressedOn?: string;
}

/**
 * Keyboard only, as a person without a mouse: focus the webview's document (a click on its title, which is
 * not interactive), then Tab through it and record where focus lands, until it leaves the webview. With
 * `press: { button, key }`, Tabs again from the top to the first element whose name starts with `button`
 * and presses `key` (Enter, Space) there.
 */
const webviewKeyboard: PageStep = async (page, arg) => {
  const { title, press } = arg as WebviewArg & { press?: { button: string; key: string } };
  const frame = await webviewFrame(page, title);
  const root = frame.locator(':root');
  // No named helpers inside evaluate (see webviewFacts), so the description of an element is inlined twice.
  const focused = () =>
    root.evaluate((r): FocusStop | null => {
      const el = r.ownerDocument.activeElement as HTMLElement | null;
      if (!el || el === r.ownerDocument.body || el === r || !r.ownerDocument.hasFocus()) return null;
      const style = r.ownerDocument.defaultView!.getComputedStyle(el);
      return {
        tag: el.tagName.toLowerCase(),
        role: el.getAttribute('role') ?? '',
        name: (el.getAttribute('aria-label') || (el.textContent ?? '').trim() || el.title || '').trim(),
        focusVisible: el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
      };
    });
  const interactive = await root.evaluate((r): FocusStop[] =>
    Array.from(
      r.ownerDocument.querySelectorAll<HTMLElement>(
        'button, a[href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"]), [role=button], [role=tab], [role=link], [role=checkbox], [role=switch]',
      ),
    ).map((el) => ({
      tag: el.tagName.toLowerCase(),
      role: el.getAttribute('role') ?? '',
      name: (el.getAttribute('aria-label') || (el.textContent ?? '').trim() || el.title || '').trim(),
      focusVisible: false,
    })),
  );
  const fromTop = async () => {
    await frame.locator('h1').first().click({ timeout: FIND_TIMEOUT_MS });
    const start = await focused();
    if (start !== null) throw new Error(`a click on the title put focus on ${JSON.stringify(start)}, not on the document`);
  };
  const limit = interactive.length + 3;
  const order: FocusStop[] = [];
  await fromTop();
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const stop = await focused();
    if (stop === null) break;
    order.push(stop);
  }
  let pressedOn: string | undefined;
  if (press) {
    await fromTop();
    for (let i = 0; i < limit && pressedOn === undefined; i++) {
      await page.keyboard.press('Tab');
      const stop = await focused();
      if (stop === null) break;
      if (stop.name.startsWith(press.button)) {
        await page.keyboard.press(press.key);
        pressedOn = stop.name;
      }
    }
    if (pressedOn === undefined) throw new Error(`Tab never reached a control named "${press.button}…"; it went ${JSON.stringify(order.map((o) => o.name))}`);
  }
  return { order, interactive, pressedOn } satisfies KeyboardFacts;
};

/** The notification toast showing `text` (waited for): its message and its buttons. */
const notification: PageStep = async (page, arg) => {
  const { text } = arg as { text: string };
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: FIND_TIMEOUT_MS });
  return {
    message: ((await toast.locator('.notification-list-item-message').textContent()) ?? '').trim(),
    buttons: (await toast.locator('.monaco-button').allTextContents()).map((b) => b.trim()).filter(Boolean),
  };
};

/**
 * Clicks the button whose text starts with `button` on the toast showing `text`, waiting up to `timeoutMs`
 * (at most 18 s, under the runner's limit per step) for the toast; returns its message and the button's text.
 */
const notificationClick: PageStep = async (page, arg) => {
  const { text, button, timeoutMs } = arg as { text: string; button: string; timeoutMs?: number };
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout: Math.min(timeoutMs ?? FIND_TIMEOUT_MS, 18_000) });
  const message = ((await toast.locator('.notification-list-item-message').textContent()) ?? '').trim();
  const target = toast.locator('.monaco-button').filter({ hasText: button }).first();
  const label = ((await target.textContent({ timeout: FIND_TIMEOUT_MS })) ?? '').trim();
  if (!label.startsWith(button)) throw new Error(`the toast's button containing "${button}" reads "${label}"`);
  await target.click({ timeout: FIND_TIMEOUT_MS });
  return { message, button: label };
};

/**
 * Types `value` into the open input box (the quick input's text field) and presses Enter; returns its title
 * and what it held. With `proposedEndsWith`, first waits until the box holds a value ending so: the simple
 * save dialog shows its folder first and adds the proposed file name a moment later.
 */
const inputBox: PageStep = async (page, arg) => {
  const { value, proposedEndsWith } = arg as { value: string; proposedEndsWith?: string };
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('.quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: FIND_TIMEOUT_MS });
  const title = ((await widget.locator('.quick-input-title').textContent()) ?? '').trim();
  let proposed = await input.inputValue();
  for (const deadline = Date.now() + FIND_TIMEOUT_MS; proposedEndsWith !== undefined && !proposed.endsWith(proposedEndsWith) && Date.now() < deadline; ) {
    await page.waitForTimeout(50);
    proposed = await input.inputValue();
  }
  await input.fill(value);
  await input.press('Enter');
  return { title, proposed };
};

/** Picks the row containing `pick` in the open quick pick, by clicking it; returns it and every row (aria labels). */
const quickPick: PageStep = async (page, arg) => {
  const { pick } = arg as { pick: string };
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ state: 'visible', timeout: FIND_TIMEOUT_MS });
  const items = await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('aria-label') ?? n.textContent ?? ''));
  const row = rows.filter({ hasText: pick }).first();
  if ((await row.count()) === 0) throw new Error(`no row shows "${pick}"; the rows: ${JSON.stringify(items)}`);
  const picked = (await row.getAttribute('aria-label', { timeout: FIND_TIMEOUT_MS })) ?? '';
  await row.click({ timeout: FIND_TIMEOUT_MS });
  return { picked, items };
};

export interface DialogFacts {
  message: string;
  detail: string;
  buttons: string[];
  /** The button clicked, or null when only read. */
  clicked: string | null;
}

/**
 * The workbench's modal dialog showing `text` (waited for): its message, detail and buttons; with
 * `button`, clicks the button whose text starts with it and waits until the dialog is gone. For the node
 * side's own phases only: a workbench running a test suite refuses to show dialogs at all ("DialogService:
 * refused to show dialog in tests"), so no page step could ever find one.
 */
export async function answerDialog(page: Page, text: string, button?: string, timeoutMs = FIND_TIMEOUT_MS): Promise<DialogFacts> {
  const box = page.locator('.monaco-dialog-box').filter({ hasText: text }).first();
  await box.waitFor({ state: 'visible', timeout: timeoutMs });
  const message = ((await box.locator('.dialog-message-text').textContent()) ?? '').trim();
  const detail = ((await box.locator('.dialog-message-detail').textContent().catch(() => '')) ?? '').trim();
  const buttons = (await box.locator('.dialog-buttons .monaco-button').allTextContents()).map((b) => b.trim());
  if (button === undefined) return { message, detail, buttons, clicked: null };
  const target = box.locator('.dialog-buttons .monaco-button').filter({ hasText: button }).first();
  const label = ((await target.textContent({ timeout: FIND_TIMEOUT_MS })) ?? '').trim();
  if (!label.startsWith(button)) throw new Error(`the dialog's button containing "${button}" reads "${label}"`);
  await target.click({ timeout: FIND_TIMEOUT_MS });
  await box.waitFor({ state: 'detached', timeout: FIND_TIMEOUT_MS });
  return { message, detail, buttons, clicked: label };
}

export const PAGE_STEPS: Record<string, PageStep> = { webviewFacts, webviewClick, webviewKeyboard, notification, notificationClick, inputBox, quickPick };
