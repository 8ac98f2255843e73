// The extension's two webviews, checked by their content inside the webview's iframe: the
// address-translation walk (each step with its PTE, for the guest's and the monitor's tables) and
// the exit timeline (chart.js's canvas, its legend = the exit reasons, the summary line).
'use strict';

/** "vmscope: Translate Address…" on `address`: both walks, each read step with a PTE value. */
async function checkTranslationWalk({ workbench, page, log, shot }, address, hostRoot) {
  await workbench.runCommand('vmscope: Translate Address…');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(address);
  await page.keyboard.press('Enter');
  const frame = await workbench.webviewFrame(`section[data-root="${hostRoot}"]`, `the translation walk of ${address}`);
  const walk = {};
  for (const root of ['guest', hostRoot]) {
    const section = frame.locator(`section[data-root="${root}"]`);
    const result = (await section.locator('p.result, p.fault').first().innerText()).replace(/\s+/g, ' ');
    if (!result.startsWith(address)) throw new Error(`the ${root} walk's result does not start at ${address}: ${result}`);
    // The address comes from a mapped range of the guest's tables: the guest walk must end in a page.
    if (root === 'guest' && !/→ 0x[0-9a-f]+/.test(result)) throw new Error(`the guest walk of a mapped address does not translate: ${result}`);
    const steps = await section.locator('table.walk tbody tr').allInnerTexts();
    // Each row: #, stage, level, PTE address, PTE value, note.
    const withPte = steps.map((t) => t.split('\t').map((c) => c.trim())).filter((c) => /^L\d$/.test(c[2]) && /^0x[0-9a-f]+$/i.test(c[3]) && /^0x[0-9a-f]+$/i.test(c[4]));
    if (withPte.length === 0) throw new Error(`the ${root} walk shows no step with its PTE: ${JSON.stringify(steps)}`);
    walk[root] = { result, steps: withPte.length };
    log(`${root} walk: ${result}; first step ${withPte[0].join(' ')}`);
  }
  await shot('08-translation-walk.png');
  return walk;
}

/** "vmscope: Show Exit Timeline": the summary counts exits, the chart's legend names reasons. */
async function checkExitTimeline({ workbench, page, log, shot }, expectedReason) {
  await workbench.runCommand('vmscope: Show Exit Timeline');
  const frame = await workbench.webviewFrame('canvas#timeline', 'the exit timeline');
  const summary = frame.locator('#summary');
  await summary.filter({ hasText: /\d+ exits in the log/ }).waitFor();
  const summaryText = await summary.innerText();
  // The legend is drawn on the canvas: ask chart.js for it, as a person reads it off the picture.
  const legend = await frame.locator('canvas#timeline').evaluate((canvas) => {
    const chart = globalThis.Chart && globalThis.Chart.getChart(canvas);
    return chart ? { items: chart.legend.legendItems.map((i) => i.text), bars: chart.data.labels.length, width: canvas.width } : undefined;
  });
  if (!legend || legend.width === 0) throw new Error('the exit timeline has no chart on its canvas');
  if (!legend.items.includes(expectedReason)) throw new Error(`the timeline's legend lacks "${expectedReason}": ${JSON.stringify(legend.items)}`);
  log(`exit timeline: ${summaryText}; legend ${JSON.stringify(legend.items)}; ${legend.bars} bars`);
  await shot('10-exit-timeline.png');
  return legend;
}

module.exports = { checkTranslationWalk, checkExitTimeline };
