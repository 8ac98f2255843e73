// The paging sample under trap-and-emulate: Open Sample, pick its configuration, a function
// breakpoint (kernel_finish: every process has run), then every custom view must show real data:
// a guest PTE, a shadow PTE, VM exits with their reasons, a device register, the mode.
'use strict';
const { waitFor, topFrame } = require('./hello-scenario');
const { checkTranslationWalk, checkExitTimeline } = require('./webview-checks');

async function pagingScenario({ workbench, page, log, shot, state, timeout }) {
  state.step = 'vmscope: Open Sample… (paging)';
  await workbench.runCommandAndPick('vmscope: Open Sample…', 'paging');
  await workbench.waitForReadme('paging');

  state.step = 'start paging (trap-and-emulate)';
  await workbench.runCommand('Debug: Select and Start Debugging');
  await workbench.pick('paging (trap-and-emulate)');
  const toolbar = page.locator('.debug-toolbar');
  await toolbar.waitFor({ state: 'visible' });
  await waitFor('stop on entry', async () => /\S/.test(await topFrame(workbench)), timeout);

  state.step = 'function breakpoint kernel_finish (once the session says it supports them)';
  await workbench.runCommand('Add Function Breakpoint');
  const input = page.locator('.debug-breakpoints .monaco-inputbox input').first();
  await input.waitFor();
  await input.fill('kernel_finish');
  await page.keyboard.press('Enter');

  await toolbar.locator('.codicon-debug-continue').click();
  const stop = await waitFor('kernel_finish', async () => {
    const frame = await topFrame(workbench);
    return /kernel_finish/.test(frame) ? frame : undefined;
  }, timeout);
  log('stopped at', stop);
  // Room for the custom views below the debug views.
  for (const view of ['Variables', 'Watch', 'Call Stack', 'Breakpoints']) await workbench.collapseView(view);

  state.step = 'status bar item while stopped: the mode';
  const status = workbench.statusBarItem(/vmscope/);
  await status.filter({ hasText: /vmscope trap-and-emulate · stopped/ }).waitFor();
  log('status bar:', (await status.innerText()).trim());

  state.step = 'Hypervisor view: the mode';
  await workbench.expandView('Hypervisor');
  await workbench.viewRows('Hypervisor').filter({ hasText: /Mode: trap-and-emulate/ }).first().waitFor();
  await workbench.collapseView('Hypervisor');

  state.step = 'Guest Page Tables: a PTE';
  await workbench.expandView('Guest Page Tables');
  const guestRoot = workbench.viewRows('Guest Page Tables').filter({ hasText: /Root table @ 0x/ }).first();
  await guestRoot.waitFor();
  await workbench.expandRow(guestRoot);
  const guestPte = workbench.viewRows('Guest Page Tables').filter({ hasText: /L2\[\d+\]/ }).first();
  await guestPte.waitFor();
  log('guest PTE:', (await guestPte.innerText()).replace(/\s+/g, ' '));
  await workbench.expandRow(guestPte);
  const guestNext = workbench.viewRows('Guest Page Tables').filter({ hasText: /L1\[\d+\]/ }).first();
  await guestNext.waitFor();
  log('next level:', (await guestNext.innerText()).replace(/\s+/g, ' '));
  await shot('07-guest-page-tables.png');

  state.step = 'Guest Page Tables: a mapped range';
  await workbench.collapseRow(guestRoot); // the tree is virtualized: room for the ranges below it
  const ranges = workbench.viewRows('Guest Page Tables').filter({ hasText: /^\s*Mapped ranges/ }).first();
  await workbench.expandRow(ranges);
  // A supervisor range (flags RWXUGAD with U clear): the kernel's own pages, which the shadow
  // tables hold too, so both walks end in a translation.
  const range = workbench.viewRows('Guest Page Tables').filter({ hasText: /0x[0-9a-f]+–0x[0-9a-f]+ → 0x[0-9a-f]+\s*[R-][W-][X-]-/ }).first();
  const rangeText = (await range.innerText()).replace(/\s+/g, ' ');
  log('mapped range:', rangeText);
  await workbench.collapseView('Guest Page Tables');

  state.step = 'address-translation walk webview (guest and shadow tables)';
  await checkTranslationWalk({ workbench, page, log, shot }, /0x[0-9a-f]+/.exec(rangeText)[0], 'shadow');

  state.step = 'Shadow / Nested Tables: a shadow PTE';
  await workbench.expandView('Shadow / Nested Tables');
  const shadowRoot = workbench.viewRows('Shadow / Nested Tables').filter({ hasText: /Root table @ 0x/ }).first();
  await shadowRoot.waitFor();
  await workbench.expandRow(shadowRoot);
  const shadowPte = workbench.viewRows('Shadow / Nested Tables').filter({ hasText: /L2\[\d+\]/ }).first();
  await shadowPte.waitFor();
  log('shadow PTE:', (await shadowPte.innerText()).replace(/\s+/g, ' '));
  await workbench.collapseView('Shadow / Nested Tables');

  state.step = 'VM Exits: an exit with its reason';
  await workbench.expandView('VM Exits');
  const exit = workbench.viewRows('VM Exits').filter({ hasText: /#\d+ [a-z][a-z.-]+/ }).first();
  await exit.waitFor();
  log('exit:', (await exit.innerText()).replace(/\s+/g, ' '));
  // The label is "#sequence reason"; the description (detail, pc, vCPU) follows it.
  const exitReason = /#\d+ (\S+)/.exec(await exit.locator('.label-name').innerText())[1];
  await shot('09-vm-exits.png');
  await workbench.collapseView('VM Exits');

  state.step = 'exit timeline webview (chart.js)';
  await checkExitTimeline({ workbench, page, log, shot }, exitReason);

  state.step = 'Devices: a UART register';
  await workbench.expandView('Devices');
  const uart = workbench.viewRows('Devices').filter({ hasText: /uart/i }).first();
  await uart.waitFor();
  await workbench.expandRow(uart);
  const registers = workbench.viewRows('Devices').filter({ hasText: /^\s*registers/i }).first();
  await registers.waitFor();
  await workbench.expandRow(registers);
  const lsr = workbench.viewRows('Devices').filter({ hasText: /LSR/ }).first();
  await lsr.waitFor();
  log('device register:', (await lsr.innerText()).replace(/\s+/g, ' '));
  await shot('11-devices.png');

  state.step = 'paging output in the vmscope console terminal';
  // The hello scenario's console terminal is still open: look in every terminal, not the first.
  const terminals = page.locator('.terminal-wrapper .xterm-rows');
  await waitFor('"process 1 exited" in the terminal', async () => (await terminals.allInnerTexts().catch(() => [])).some((text) => /process 1 exited/.test(text)), timeout);

  // The next scenario reads the Call Stack: leave the debug views as a session starts with them.
  state.step = 'debug views restored for the next scenario';
  await workbench.collapseView('Devices');
  for (const view of ['Variables', 'Call Stack', 'Breakpoints']) await workbench.setViewExpanded(view, true);

  state.step = 'stop debugging';
  await toolbar.locator('.codicon-debug-stop, .codicon-debug-disconnect').first().click();
  await toolbar.waitFor({ state: 'hidden' });
  // The next scenario waits for its own README's tab: none of this one's may linger.
  await workbench.runCommand('View: Close All Editors');
}

module.exports = { pagingScenario };
