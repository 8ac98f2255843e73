// The hello sample from an empty workspace: Open Sample, the language server's hover, a source
// breakpoint set in the editor, F5 from the copied launch configuration, stop on entry, continue
// to the breakpoint, step over, registers and CSRs in Variables, the guest's console output.
'use strict';
const fs = require('fs');
const path = require('path');

async function waitFor(what, predicate, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The top stack frame's text, e.g. "main hello.c 70:2". */
async function topFrame(workbench) {
  const rows = await workbench.rowTexts(workbench.callStack());
  return rows.find((r) => !/^(Paused|Running|vCPU|hart)/i.test(r) && /\S/.test(r)) ?? '';
}

// A variable with a memoryReference gets VS Code's inline "View Binary Data" action, which opens
// the memory view: a custom editor from ms-vscode.hexeditor. code-server has no hex editor and no
// marketplace here (clicking makes VS Code try to install it from open-vsx.org and fail), so the
// check stops at the action: its presence on sp proves the reference reached VS Code.
async function checkMemoryReference({ workbench, log, shot }) {
  const sp = workbench.variables().filter({ hasText: /^\s*sp\b.*0x/ }).first();
  await sp.hover();
  const action = sp.locator('.action-label[aria-label="View Binary Data"]').first();
  await action.waitFor();
  log('sp has a memory reference: its row offers "View Binary Data"');
  await shot('06-memory-reference.png', { keepMouse: true });
}

async function helloScenario({ workbench, page, server, log, shot, state, timeout }) {
  const ws = server.workspace;

  state.step = 'vmscope: Open Sample… (hello)';
  await workbench.runCommandAndPick('vmscope: Open Sample…', 'hello');
  await waitFor('samples/hello copied with its launch.json', () =>
    fs.existsSync(path.join(ws, 'samples/hello/hello.elf')) && fs.existsSync(path.join(ws, '.vscode/launch.json')), timeout);
  const launch = JSON.parse(fs.readFileSync(path.join(ws, '.vscode/launch.json'), 'utf8'));
  const config = launch.configurations.find((c) => c.type === 'vmscope' && String(c.program).includes('samples/hello/'));
  if (!config) throw new Error(`launch.json has no hello configuration: ${JSON.stringify(launch)}`);
  log(`Open Sample copied samples/hello; launch configuration "${config.name}"`);
  await workbench.waitForReadme('hello');
  await shot('01-open-sample.png');

  state.step = 'language server hover on wfi in start.S';
  await workbench.openFile('samples/hello/start.S');
  await workbench.findInEditor('wfi');
  await workbench.runCommand('Show or Focus Hover');
  const hover = page.locator('.monaco-hover', { hasText: 'trap-and-emulate' }).first();
  await hover.waitFor();
  const hoverText = (await hover.innerText()).replace(/\s+/g, ' ');
  if (!/VM exit wfi/.test(hoverText) || !/hardware-assisted/.test(hoverText)) throw new Error(`hover lacks the mode table: ${hoverText.slice(0, 300)}`);
  log('hover on wfi:', hoverText.slice(0, 160));
  await shot('02-assembly-hover.png');
  await page.keyboard.press('Escape');

  state.step = 'source breakpoint in hello.c (F9)';
  const source = fs.readFileSync(path.join(ws, 'samples/hello/hello.c'), 'utf8').split('\n');
  const breakLine = source.findIndex((l) => l.includes('puts_uart("hart ")')) + 1;
  if (breakLine <= 0) throw new Error('hello.c has no puts_uart("hart ") line');
  await workbench.openFile('samples/hello/hello.c');
  await workbench.gotoLine(breakLine);
  await page.keyboard.press('F9');
  await page.locator('.editor-group-container.active .codicon-debug-breakpoint, .editor-group-container.active .codicon-debug-breakpoint-unverified').first().waitFor();
  log(`breakpoint set at hello.c:${breakLine}`);

  state.step = 'start debugging from the launch configuration';
  await workbench.runCommand('Debug: Start Debugging');
  const toolbar = page.locator('.debug-toolbar');
  await toolbar.waitFor({ state: 'visible' });
  if (!(await page.locator('.debug-variables').isVisible())) await workbench.runCommand('View: Show Run and Debug');

  state.step = 'stopped on entry';
  // The guest starts where the board resets: QEMU virt's reset ROM at 0x1000, then _start.
  const entry = await waitFor('the entry frame (reset ROM or _start)', async () => {
    const frame = await topFrame(workbench);
    return /_start|\b0x0*1000\b/.test(frame) ? frame : undefined;
  }, timeout);
  log('stopped on entry:', entry);
  await shot('03-stopped-on-entry.png');

  state.step = 'continue to the source breakpoint';
  await toolbar.locator('.codicon-debug-continue').click();
  const atBreakpoint = await waitFor(`main at hello.c:${breakLine}`, async () => {
    const frame = await topFrame(workbench);
    return new RegExp(`main.*hello\\.c\\s*${breakLine}\\b`).test(frame) ? frame : undefined;
  }, timeout);
  log('hit breakpoint:', atBreakpoint);

  state.step = 'registers in Variables';
  await workbench.expandView('Variables');
  const registersScope = workbench.variables().filter({ hasText: /^\s*Registers/ }).first();
  await registersScope.waitFor();
  await workbench.expandRow(registersScope);
  await workbench.variables().filter({ hasText: /^\s*pc\b.*0x0*8000/ }).first().waitFor();
  log('Variables at the breakpoint:', JSON.stringify((await workbench.rowTexts(workbench.variables())).slice(0, 6)));

  state.step = "a register's memory reference: View Binary Data";
  await checkMemoryReference({ workbench, log, shot });

  state.step = 'step over (F10)';
  await toolbar.locator('.codicon-debug-step-over').click();
  const stepped = await waitFor('the next line after stepping', async () => {
    const frame = await topFrame(workbench);
    const match = /hello\.c\s*(\d+)/.exec(frame);
    return match && Number(match[1]) > breakLine ? frame : undefined;
  }, timeout);
  log('stepped to:', stepped);
  await shot('04-breakpoint-step.png');

  state.step = 'CSRs scope in Variables';
  await workbench.collapseRow(registersScope); // makes room for the CSRs
  const csrScope = workbench.variables().filter({ hasText: /^\s*CSRs/ }).first();
  await csrScope.waitFor();
  await workbench.expandRow(csrScope);
  const mstatus = workbench.variables().filter({ hasText: /^\s*mstatus\b/ }).first();
  await mstatus.waitFor();
  log('CSRs:', JSON.stringify((await workbench.rowTexts(workbench.variables())).slice(0, 8)));
  await shot('05-variables-csrs.png');

  state.step = "the guest's output in the vmscope console terminal";
  const terminal = page.locator('.terminal-wrapper.active .xterm-rows').first();
  await waitFor('"Hello from a bare RISC-V machine!" in the terminal', async () =>
    /Hello from a bare RISC-V machine!/.test(await terminal.innerText().catch(() => '')), timeout);

  state.step = 'stop debugging';
  await toolbar.locator('.codicon-debug-stop, .codicon-debug-disconnect').first().click();
  await toolbar.waitFor({ state: 'hidden' });
  // The next scenario waits for its own README's tab: none of this one's may linger.
  await workbench.runCommand('View: Close All Editors');
}

module.exports = { helloScenario, waitFor, topFrame };
