// What a person does in the workbench itself (outside a webview), shared by the e2e tests' after-suite phases.
import type { Page } from 'playwright-core';

/** Opens `file` through Quick Open, then runs `command` from the Command Palette, as a person would. */
export async function runFromPalette(page: Page, file: string, command: string): Promise<void> {
  const quickInput = page.locator('.quick-input-widget .quick-input-box input');
  // The row is clicked rather than Enter pressed: which row has focus settles a moment after the typed
  // text, and under load Enter could act on the previous one.
  const row = (text: string) => page.locator('.quick-input-list .monaco-list-row').filter({ hasText: text }).first();
  // Under load the list can keep showing the results of the empty query (seen in CI: the "recently opened"
  // row only, 10 s after the name was typed): type the query again until its row shows, for up to 40 s.
  const pick = async (query: string, text: string): Promise<void> => {
    const deadline = Date.now() + 40_000;
    for (;;) {
      await quickInput.fill(query);
      try {
        await row(text).click({ timeout: 5_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await quickInput.fill('');
      }
    }
  };
  await page.keyboard.press('Control+P');
  await quickInput.waitFor({ state: 'visible', timeout: 10_000 });
  await pick(file, file);
  // Exactly the file's name: the results panel's tab ("Volley: <file>") is active in its own group; the
  // file itself may be the active tab of two groups.
  const exact = new RegExp(`^${file.replaceAll('.', '\\.')}$`);
  await page.locator('.tabs-container .tab.active .label-name').filter({ hasText: exact }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
  // The palette opens reliably once the editor has focus.
  await page.locator('.monaco-workbench .part.editor .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+Shift+P');
  await quickInput.waitFor({ state: 'visible', timeout: 10_000 });
  await pick(`>${command}`, command);
}


/** Where the web workbench keeps its editor tabs (the editor part's memento, per workspace). */
const EDITOR_PART_KEY = 'memento/workbench.parts.editor';

/**
 * Whether the web workbench has stored `text` in its editor part's state (IndexedDB), as it does for a
 * tab's title when it saves its layout: every few seconds while idle, so not necessarily before a page is
 * left. A reload restores only the tabs stored there.
 */
export async function storedTabsInclude(page: Page, text: string): Promise<boolean> {
  // No named helpers inside evaluate: the page has none of the bundler's helpers for them.
  return page.evaluate(
    async ([needle, key]) => {
      const names = (await indexedDB.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('vscode-web-state-db-'));
      for (const name of names) {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(name);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        try {
          if (!db.objectStoreNames.contains('ItemTable')) continue;
          const value = await new Promise<unknown>((resolve, reject) => {
            const get = db.transaction('ItemTable', 'readonly').objectStore('ItemTable').get(key);
            get.onsuccess = () => resolve(get.result);
            get.onerror = () => reject(get.error);
          });
          if (typeof value === 'string' && value.includes(needle)) return true;
        } finally {
          db.close();
        }
      }
      return false;
    },
    [text, EDITOR_PART_KEY] as const,
  );
}

/** Waits until the workbench has stored a tab holding `text` (see storedTabsInclude); false when not within the time. */
export async function waitForStoredTab(page: Page, text: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await storedTabsInclude(page, text)) return true;
    if (Date.now() > deadline) return false;
    await page.waitForTimeout(250);
  }
}
