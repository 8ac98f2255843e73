// Driving VS Code's workbench the way a person does: the command palette, Quick Open, Go to
// Line, the debug views. Selectors are the workbench's own CSS classes (stable across 1.9x).
'use strict';

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

class Workbench {
  constructor(page, log, timeout) {
    this.page = page;
    this.log = log;
    this.timeout = timeout;
  }

  async waitLoaded() {
    const { page } = this;
    await page.locator('.monaco-workbench .part.activitybar, .monaco-workbench .part.sidebar').first().waitFor();
    await page.locator('.monaco-workbench .part.statusbar').first().waitFor();
  }

  // The palette (F1). Retries until the command is listed: right after load, commands gated on
  // the extension's contributions (e.g. debuggers) are not registered yet.
  async runCommand(label) {
    const { page } = this;
    const deadline = Date.now() + this.timeout;
    const input = page.locator('.quick-input-widget input');
    for (let attempt = 1; ; attempt++) {
      await this.focusWorkbench();
      await page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 5000 });
      } catch {
        if (Date.now() > deadline) throw new Error(`the command palette does not open (for "${label}")`);
        continue;
      }
      await input.fill(`>${label}`);
      const item = page.locator('.quick-input-widget .monaco-list-row', {
        has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
      }).first();
      try {
        await item.waitFor({ timeout: 2000 });
        await item.click();
        if (attempt > 1) this.log(`command "${label}" found on attempt ${attempt}`);
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`command "${label}" never appeared in the palette`);
        await page.keyboard.press('Escape');
        await page.waitForTimeout(1000);
      }
    }
  }

  // Keyboard focus back to the workbench: a webview (e.g. a Markdown preview) swallows F1. The
  // window title is inert to clicks.
  async focusWorkbench() {
    const { page } = this;
    await page.keyboard.press('Escape');
    const title = page.locator('.part.titlebar .window-title').first();
    if (await title.isVisible().catch(() => false)) await title.click().catch(() => {});
  }

  /** Picks an item of an open Quick Pick by its label. */
  async pick(label) {
    const row = this.page.locator('.quick-input-widget .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
    }).first();
    await row.waitFor();
    await row.click();
  }

  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor tab. */
  async openFile(relativePath) {
    const { page } = this;
    const name = relativePath.split('/').pop();
    await this.focusWorkbench();
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
    await row.waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  }

  /** Moves the cursor to a line of the active editor (Ctrl+G). */
  async gotoLine(line) {
    const { page } = this;
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}`);
    await page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** Selects the first match of `text` in the active editor (Ctrl+F, Enter, Escape). */
  async findInEditor(text) {
    const { page } = this;
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Control+F');
    const find = page.locator('.editor-group-container.active .find-widget textarea, .editor-group-container.active .find-widget input').first();
    await find.waitFor({ state: 'visible' });
    await find.fill(text);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
  }

  paneHeader(title) {
    return this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}`, 'i') }).first();
  }

  // Clicks a view's header on its twistie (clear of the title actions) until it is in the wanted
  // state: a click during a layout change can be lost.
  async setViewExpanded(title, expanded) {
    const header = this.paneHeader(title);
    await header.waitFor();
    for (let attempt = 0; attempt < 5; attempt++) {
      if ((await header.getAttribute('aria-expanded')) === String(expanded)) return header;
      await header.click({ position: { x: 12, y: 10 } });
      await this.page.waitForTimeout(300);
    }
    if ((await header.getAttribute('aria-expanded')) !== String(expanded)) throw new Error(`view "${title}" does not ${expanded ? 'expand' : 'collapse'}`);
    return header;
  }

  /** Expands a (possibly collapsed) view pane in the side bar by its title. */
  async expandView(title) {
    const header = await this.setViewExpanded(title, true);
    this.log(`expanded view "${title}"`);
    return header;
  }

  /** Collapses a view pane so that others get room. */
  async collapseView(title) {
    if (await this.paneHeader(title).count()) await this.setViewExpanded(title, false);
  }

  /** The rows of a view pane (its body follows the header in the same .pane). */
  viewRows(title) {
    return this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}`, 'i') }) })
      .locator('.monaco-list-row');
  }

  async rowTexts(locator) {
    return (await locator.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** Expands a tree row (click its twistie) unless already expanded. */
  async expandRow(row) {
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }

  /** Collapses a tree row; lists are virtualized, so rows below a long expanded one are not rendered. */
  async collapseRow(row) {
    if ((await row.getAttribute('aria-expanded')) === 'true') await row.click();
  }

  variables() {
    return this.page.locator('.debug-variables .monaco-list-row');
  }

  callStack() {
    return this.page.locator('.debug-call-stack .monaco-list-row');
  }
}

module.exports = { Workbench, escapeRegExp };
