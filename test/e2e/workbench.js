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
  // the extension's contributions (e.g. debuggers) are not registered yet; and a webview that
  // takes focus as it opens (a Markdown preview) closes the palette under our hands. Each try is
  // bounded by short timeouts so that a lost palette costs seconds, not the step's timeout.
  async runCommand(label) {
    const { page } = this;
    const t = Date.now();
    const deadline = t + this.timeout;
    const input = page.locator('.quick-input-widget input');
    const item = page.locator('.quick-input-widget .monaco-list-row', {
      has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
    }).first();
    // Not registered (yet): the palette says so, or offers "similar commands" instead.
    const noMatch = page.locator('.quick-input-widget .monaco-list-row, .quick-input-widget .quick-input-message', { hasText: /^\s*No matching commands|similar commands/ });
    let problem = '';
    for (let attempt = 1; ; attempt++) {
      await this.focusWorkbench();
      await page.keyboard.press('F1');
      try {
        problem = 'the command palette does not open';
        await input.waitFor({ state: 'visible', timeout: 5000 });
        await input.fill(`>${label}`, { timeout: 5000 });
        problem = 'the command is not listed';
        // The list fills a moment after typing.
        await item.or(noMatch).first().waitFor({ timeout: 10000 });
        if (!(await item.isVisible())) throw new Error('No matching commands');
        await item.click({ timeout: 5000 });
        if (attempt > 1) this.log(`command "${label}" ran on attempt ${attempt} after ${((Date.now() - t) / 1000).toFixed(1)} s (before: ${problem})`);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`command "${label}": ${problem} (${String(error.message).split('\n')[0]})`);
        if (process.env.E2E_PROFILE) {
          this.log(`command "${label}" attempt ${attempt}: ${problem}; palette shows ${JSON.stringify((await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts().catch(() => [])).slice(0, 3))}, input ${JSON.stringify(await input.inputValue({ timeout: 500 }).catch(() => '?'))}`);
        }
        await page.keyboard.press('Escape');
        await page.waitForTimeout(250);
      }
    }
  }

  // Keyboard focus back to the workbench: a webview (e.g. a Markdown preview) swallows F1. When
  // an iframe holds focus, blur it: keys then reach the workbench's window listeners. Focus
  // elsewhere (an editor) stays, so editor commands run from the palette still apply there.
  // (Clicking the window title instead waited for an actionability that never came in
  // code-server: 60 s lost per palette command.)
  async focusWorkbench() {
    const { page } = this;
    await page.keyboard.press('Escape');
    await page.evaluate(() => { if (document.activeElement && document.activeElement.tagName === 'IFRAME') document.activeElement.blur(); });
  }

  // Picks an item of an open Quick Pick by its label. The list is virtualized (forty launch
  // configurations do not all render): type the label after the pick's prefix ("debug ") first.
  async pick(label, timeout = this.timeout) {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout });
    const prefix = /^[a-z]+ $/.exec(await input.inputValue())?.[0] ?? '';
    await input.fill(prefix + label, { timeout });
    const row = this.page.locator('.quick-input-widget .monaco-list-row', {
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
    }).first();
    await row.waitFor({ timeout });
    await row.click({ timeout });
  }

  // A command that opens a Quick Pick, then its item. A webview that takes focus while it loads
  // (the sample's README preview) closes the pick: run the command again rather than wait out
  // the timeout for an item that is gone.
  async runCommandAndPick(command, label) {
    const deadline = Date.now() + this.timeout;
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(command);
      try {
        await this.pick(label, 10000);
        if (attempt > 1) this.log(`"${label}" picked on attempt ${attempt}`);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`"${command}" never offered "${label}" (${String(error.message).split('\n')[0]})`);
      }
    }
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
    const wanted = this.page.locator('.pane-header[aria-expanded="' + expanded + '"]', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}`, 'i') }).first();
    for (let attempt = 0; attempt < 5; attempt++) {
      if ((await header.getAttribute('aria-expanded')) === String(expanded)) return header;
      await header.click({ position: { x: 12, y: 10 } });
      await wanted.waitFor({ timeout: 2000 }).catch(() => {});
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

  /**
   * The frame of the webview whose page has `selector`. A webview is two iframes deep (the host
   * frame, then the page's #active-frame), and other webviews (a Markdown preview) may be open:
   * look for the content, not a position.
   */
  async webviewFrame(selector, what) {
    const deadline = Date.now() + this.timeout;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        if (await frame.locator(selector).count().catch(() => 0)) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no webview shows ${what} (${selector})`);
      await this.page.waitForTimeout(200);
    }
  }

  // Open Sample shows the sample's README in a Markdown preview, a webview that takes focus once
  // it has rendered (closing any palette opened meanwhile): wait for its heading, which is also
  // the check that the README arrived.
  async waitForReadme(sample) {
    await this.page.locator('.tabs-container .tab', { hasText: 'README.md' }).first().waitFor();
    return this.webviewFrame(`.markdown-body h1:has-text("${sample} —")`, `the README of ${sample}`);
  }

  /** The text of the status bar entry that matches `pattern` (e.g. an extension's item). */
  statusBarItem(pattern) {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: pattern }).first();
  }

  /** Drags the side bar's edge so its views show whole rows (for pictures). */
  async widenSideBar(width) {
    const { page } = this;
    const bar = page.locator('.part.sidebar').first();
    const box = await bar.boundingBox();
    if (!box || box.width >= width) return;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width + 1, y);
    await page.mouse.down();
    await page.mouse.move(box.x + width, y, { steps: 8 });
    await page.mouse.up();
    this.log(`side bar ${Math.round(box.width)} → ${Math.round((await bar.boundingBox()).width)} px wide`);
  }

  variables() {
    return this.page.locator('.debug-variables .monaco-list-row');
  }

  callStack() {
    return this.page.locator('.debug-call-stack .monaco-list-row');
  }
}

module.exports = { Workbench, escapeRegExp };
