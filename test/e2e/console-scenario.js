// The minikernel's shell under trap-and-emulate: its prompt appears in the vmscope console
// terminal, keystrokes typed there reach the guest's UART, and its answer comes back.
'use strict';
const { waitFor, topFrame } = require('./hello-scenario');

async function consoleScenario({ workbench, page, log, shot, state, timeout }) {
  state.step = 'vmscope: Open Sample… (minikernel)';
  await workbench.runCommandAndPick('vmscope: Open Sample…', 'minikernel');
  await workbench.waitForReadme('minikernel');

  state.step = 'start minikernel (trap-and-emulate)';
  await workbench.runCommand('Debug: Select and Start Debugging');
  await workbench.pick('minikernel (trap-and-emulate)');
  const toolbar = page.locator('.debug-toolbar');
  await toolbar.waitFor({ state: 'visible' });
  await waitFor('stop on entry', async () => /\S/.test(await topFrame(workbench)), timeout);
  await toolbar.locator('.codicon-debug-continue').click();

  state.step = "the shell's banner in the vmscope console terminal";
  const terminal = page.locator('.terminal-wrapper.active').first();
  const text = async () => (await terminal.locator('.xterm-rows').innerText().catch(() => '')).replace(/\u00a0/g, ' ');
  // The prompt itself shows once a line is typed (the guest's console writes whole lines).
  await waitFor('"shell: commands are help" in the terminal', async () => /shell: commands are help/.test(await text()), timeout);

  state.step = 'status bar item while running: mode, instructions/s, exits/s';
  const status = workbench.statusBarItem(/vmscope/);
  const figures = /vmscope trap-and-emulate · ([\d.]+[kMG]?) instr\/s · ([\d.]+[kMG]?) exits\/s/;
  await status.filter({ hasText: figures }).waitFor();
  const statusText = (await status.innerText()).trim();
  log('status bar while running:', statusText);

  state.step = 'type "help" into the terminal';
  await terminal.locator('.xterm').click();
  await page.keyboard.type('help');
  await page.keyboard.press('Enter');
  await waitFor("the shell's answer to help", async () => /help: this text; ps: list processes/.test(await text()), timeout);
  log('console answered:', (await text()).split('\n').filter((l) => /help/.test(l)).join(' | '));
  await shot('12-console-input.png');

  state.step = 'stop debugging';
  await toolbar.locator('.codicon-debug-stop, .codicon-debug-disconnect').first().click();
  await toolbar.waitFor({ state: 'hidden' });
  // The next scenario waits for its own README's tab: none of this one's may linger.
  await workbench.runCommand('View: Close All Editors');
}

module.exports = { consoleScenario };
