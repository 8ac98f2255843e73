#!/usr/bin/env node
// The screenshots in the sample walkthroughs (samples/NAME/README.md), taken in a real VS Code
// (code-server + chromium, the harness of e2e.js) with the packaged .vsix installed. For each
// sample: Open Sample, start the launch configuration its README walks through, stop where the
// README says (a breakpoint in the source's gutter, F9, so no launch.json edits), open the
// view the README points at, and save docs/images/samples/NAME.jpg. A script, not a test: CI does
// not run it; run it after a change that alters what the views show, then look at every image.
//
//   bash test/e2e/setup.sh                                  # once
//   node scripts/build.mjs && node test/e2e/screenshots.js [sample...]   # default: every sample
//
// Env: VSIX (a packaged .vsix; default: package the current dist/ with vsce into a temp folder),
// OUT_DIR (default docs/images/samples), TIMEOUT_MS per wait (default 120000: the machine is often
// loaded), KEEP_TMP=1 keeps code-server's run folder.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { CodeServer, missingTools, CACHE } = require('./code-server');
const { Workbench } = require('./workbench');
const { waitFor, topFrame } = require('./hello-scenario');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT_DIR = path.resolve(process.env.OUT_DIR || path.join(ROOT, 'docs/images/samples'));
const TIMEOUT = Number(process.env.TIMEOUT_MS || 120000);
const T0 = Date.now();
const log = (...a) => console.log(`[shots +${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...a);

// What each README's "In VS Code" section walks through. breakpoints: [file in samples/,
// function]: F9 on the function's first line, since many of these functions are static and
// inlined (no symbol for a function breakpoint), as a reader would; functionBreakpoints: names
// (Breakpoints view "+") of functions that exist out of line; hits: stops to continue through;
// steps: step-overs after that; before/after: extra steps of the walkthrough (at the stop on
// entry, at the breakpoint); keep: debug views left
// open; views: [view title, rows to expand in order (regexps)]; anyThread: the stop may be on
// any vCPU's thread.
const SAMPLES = {
  hello: {
    config: 'hello (bare machine)', breakpoints: [['hello/hello.c', 'puts_uart']],
    views: [['Devices', [/^\s*uart0/, /^\s*registers/]]],
  },
  'sbi-hello': {
    // sbi_call is inlined into every caller (its out-of-line copy never runs): the exception
    // breakpoint stops right after the monitor has served a call, its exit on top of VM Exits.
    config: 'sbi-hello (trap-and-emulate)', breakpoints: [], exceptionFilters: ['SBI calls (ecall)'], hits: 2,
    keep: ['Variables'], views: [['VM Exits', []]],
  },
  // One steady round of the workload (the first two also fill the shadow tables of the two
  // address spaces the rounds switch between): the loop's first statement, hit four times.
  privileged: {
    config: 'privileged (trap-and-emulate)', breakpoints: [['privileged/workload.c', 'run_workload', 'int next = round & 1;']], hits: 4,
    views: [['VM Exits', []]],
  },
  pvkernel: {
    config: 'pvkernel (trap-and-emulate)', breakpoints: [['pvkernel/pv-workload.c', 'run_pv_workload', 'int next = round & 1;']], hits: 4,
    views: [['VM Exits', []]],
  },
  paging: {
    config: 'paging (trap-and-emulate)', breakpoints: [['paging/paging.c', 'page_fault']],
    views: [['Guest Page Tables', [/Root table @ 0x/]], ['Shadow / Nested Tables', [/Root table @ 0x/]]],
  },
  interrupts: {
    config: 'interrupts (trap-and-emulate)', breakpoints: [['interrupts/interrupts.c', 'timer_interrupt'], ['interrupts/interrupts.c', 'external_interrupt']], hits: 2,
    views: [['VM Exits', []], ['Devices', [/^\s*plic/]]],
  },
  devices: {
    config: 'devices (trap-and-emulate)', breakpoints: [['devices/devices.c', 'through_uart']], steps: 2,
    views: [['VM Exits', []], ['Devices', [/^\s*uart0/, /^\s*registers/]]],
  },
  balloon: {
    // As the README's "Where to break": in follow(), before send_pfns(INFLATE, …), then step
    // over it. The host asks for 16 MiB while the guest is stopped on entry, so that the first
    // follow() inflates.
    config: 'balloon (trap-and-emulate)', breakpoints: [['balloon/balloon.c', 'follow', 'send_pfns(INFLATE']], steps: 2,
    async before({ workbench, page }) {
      await workbench.runCommand('vmscope: Set Balloon Target');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill('16');
      await page.keyboard.press('Enter');
      await input.waitFor({ state: 'hidden' });
    },
    // Row texts run label and description together ("Memory32.1 MiB resident…"): no \b after the label.
    views: [['Hypervisor', [/^\s*Memory(?!\s*map)/, /^\s*Balloon/]], ['Devices', []]],
  },
  smp: {
    config: 'smp (trap-and-emulate)', breakpoints: [['smp/smp.c', 'second_main']], anyThread: true,
    keep: ['Call Stack'], views: [['Hypervisor', [/^\s*vCPUs/]]],
  },
  minikernel: {
    config: 'minikernel (trap-and-emulate)', breakpoints: [], terminal: true,
    // The shell's banner first, then the breakpoint, then a command typed into the console.
    async after({ workbench, page, toolbar }) {
      await toolbar.locator('.codicon-debug-continue').click();
      const terminal = page.locator('.terminal-wrapper.active').first();
      await waitFor("the shell's banner", async () => /shell: commands are help/.test(await terminal.locator('.xterm-rows').innerText().catch(() => '')), TIMEOUT);
      await addFunctionBreakpoint(workbench, page, 'syscall_dispatch');
      await terminal.locator('.xterm').click();
      await page.keyboard.type('run hello');
      await page.keyboard.press('Enter');
      await waitFor('syscall_dispatch', async () => /syscall_dispatch/.test(await topFrame(workbench)), TIMEOUT);
    },
    keep: ['Variables'], views: [['VM Exits', []]],
  },
};

/**
 * F9 on the first statement of `fn` in samples/<file>, or on its first line holding `statement`;
 * returns what the top frame shows there.
 */
async function sourceBreakpoint(workbench, page, ws, file, fn, statement) {
  const lines = fs.readFileSync(path.join(ws, 'samples', file), 'utf8').split('\n');
  const header = lines.findIndex((l) => new RegExp(`^[a-z].*\\b${fn}\\(`).test(l) && !/;\s*$/.test(l));
  if (header < 0) throw new Error(`no function ${fn} in samples/${file}`);
  let line = lines.findIndex((l, i) => i > header && l.trim() === '{');
  while (!/\S/.test(lines[line]) || lines[line].trim() === '{') line++;
  if (statement) line = lines.findIndex((l, i) => i > header && l.includes(statement));
  if (line < 0) throw new Error(`no "${statement}" in ${fn} of samples/${file}`);
  await workbench.openFile(`samples/${file}`);
  await workbench.gotoLine(line + 1);
  await page.keyboard.press('F9');
  await page.locator('.editor-group-container.active .codicon-debug-breakpoint, .editor-group-container.active .codicon-debug-breakpoint-unverified').first().waitFor();
  log(`breakpoint at ${file}:${line + 1} (${fn})`);
  return `\\b${fn}\\b|${path.basename(file).replace('.', '\\.')}\\s*${line + 1}\\b`;
}

async function addFunctionBreakpoint(workbench, page, name) {
  await workbench.runCommand('Add Function Breakpoint');
  const input = page.locator('.debug-breakpoints .monaco-inputbox input').first();
  await input.waitFor();
  await input.fill(name);
  await page.keyboard.press('Enter');
  await page.locator('.debug-breakpoints .monaco-list-row', { hasText: name }).first().waitFor();
}

// The frame a stop is about: the top one, or with several vCPUs (anyThread) any thread's frame
// (the Call Stack lists hart 0's frames first, whichever hart stopped).
async function stopFrame(workbench, frame, anyThread) {
  if (!anyThread) return topFrame(workbench);
  return (await workbench.rowTexts(workbench.callStack())).find((row) => frame.test(row)) ?? '';
}

async function continueTo(workbench, toolbar, frame, what, anyThread = false) {
  await toolbar.locator('.codicon-debug-continue').click();
  // The call stack says Running in between; wait for that first so the old frame does not count.
  await waitFor(`running after continue (${what})`, async () => !frame.test(await stopFrame(workbench, frame, anyThread)) || /Running/i.test((await workbench.rowTexts(workbench.callStack())).join(' ')), 5000).catch(() => {});
  return waitFor(what, async () => { const f = await stopFrame(workbench, frame, anyThread); return frame.test(f) ? f : undefined; }, TIMEOUT);
}

async function stepAndWait(workbench, toolbar, kind) {
  const before = await topFrame(workbench);
  await toolbar.locator(`.codicon-debug-${kind}`).click();
  await waitFor(`${kind} to stop`, async () => { const f = await topFrame(workbench); return f && f !== before ? f : undefined; }, 20000)
    .catch(() => log(`${kind}: frame unchanged (${before})`));
}

/** Ticks or clears an exception filter in the Breakpoints view (VS Code's own checkbox widget, role=checkbox). */
async function setExceptionFilter(page, label, on) {
  const box = page.locator('.debug-breakpoints .monaco-list-row', { hasText: label }).first().locator('[role=checkbox], input[type=checkbox]').first();
  const ticked = async () => {
    const aria = await box.getAttribute('aria-checked');
    return aria === null ? box.isChecked() : aria === 'true';
  };
  if ((await ticked()) !== on) await box.click();
  await waitFor(`exception filter "${label}" ${on ? 'ticked' : 'cleared'}`, async () => (await ticked()) === on, 10000);
}

/** The next sample must not stop at this one's breakpoints (common/ is shared), function ones included. */
async function clearBreakpoints(workbench, page, spec) {
  if ((spec.exceptionFilters || []).length) {
    await workbench.expandView('Breakpoints');
    for (const label of spec.exceptionFilters) await setExceptionFilter(page, label, false);
  }
  // VS Code lists the command only while there are breakpoints.
  if (spec.breakpoints.length || (spec.functionBreakpoints || []).length) await workbench.runCommand('Remove All Breakpoints');
}

async function shootSample(name, spec, { workbench, page, server }) {
  const ws = server.workspace;
  log(`${name}: Open Sample`);
  await workbench.runCommandAndPick('vmscope: Open Sample…', name);
  await workbench.waitForReadme(name);
  await waitFor(`samples/${name} copied`, () => fs.existsSync(path.join(ws, '.vscode/launch.json'))
    && JSON.parse(fs.readFileSync(path.join(ws, '.vscode/launch.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')).configurations.some((c) => c.name === spec.config), TIMEOUT);

  log(`${name}: breakpoints`);
  const stops = [];
  for (const [file, fn, statement] of spec.breakpoints) stops.push(await sourceBreakpoint(workbench, page, ws, file, fn, statement));
  log(`${name}: start ${spec.config}`);
  await workbench.runCommandAndPick('Debug: Select and Start Debugging', spec.config);
  const toolbar = page.locator('.debug-toolbar');
  await toolbar.waitFor({ state: 'visible', timeout: TIMEOUT });
  await workbench.expandView('Call Stack'); // the previous sample's picture may have collapsed it; topFrame reads it
  await waitFor('stop on entry', async () => /\S/.test(await topFrame(workbench)), TIMEOUT);
  // Function breakpoints once the session runs: VS Code offers them for a debugger that says it supports them.
  for (const fn of spec.functionBreakpoints || []) {
    await addFunctionBreakpoint(workbench, page, fn);
    stops.push(`\\b${fn}\\b`);
  }
  for (const label of spec.exceptionFilters || []) {
    await setExceptionFilter(page, label, true);
    stops.push('\\S'); // any stop
  }
  const stopAt = new RegExp(stops.join('|'));
  if (spec.before) await spec.before({ workbench, page, toolbar });
  if (stops.length) {
    for (let hit = 1; hit <= (spec.hits || 1); hit++) log(`${name}: stopped at`, await continueTo(workbench, toolbar, stopAt, `${stopAt} (hit ${hit})`, spec.anyThread));
  }
  for (let i = 0; i < (spec.steps || 0); i++) await stepAndWait(workbench, toolbar, 'step-over');
  if (spec.after) await spec.after({ workbench, page, toolbar, stopAt });
  log(`${name}: top frame`, await topFrame(workbench), '; opening the views');

  for (const view of ['Variables', 'Watch', 'Call Stack', 'Breakpoints', 'Guest Page Tables', 'Shadow / Nested Tables', 'VM Exits', 'Devices', 'Hypervisor']) {
    if (!(spec.keep || []).includes(view)) await workbench.collapseView(view);
  }
  for (const view of spec.keep || []) await workbench.expandView(view);
  for (const [view, rows] of spec.views) {
    await workbench.expandView(view);
    for (const pattern of rows) {
      const row = workbench.viewRows(view).filter({ hasText: pattern }).first();
      await row.waitFor({ timeout: TIMEOUT });
      await workbench.expandRow(row);
    }
    await workbench.viewRows(view).first().waitFor({ timeout: TIMEOUT });
  }
  await page.mouse.move(0, 0).catch(() => {}); // first, so that no row's tooltip is in the picture
  await page.waitForTimeout(2500); // the views' refresh after the stop, and the terminal's last lines
  const file = path.join(OUT_DIR, `${name}.jpg`);
  await page.screenshot({ path: file, type: 'jpeg', quality: 62 }); // the walkthroughs' pictures stay under 200 KB
  log(`${name}: ${path.relative(ROOT, file)} (${Math.round(fs.statSync(file).size / 1024)} KiB)`);

  await toolbar.locator('.codicon-debug-stop, .codicon-debug-disconnect').first().click();
  await toolbar.waitFor({ state: 'hidden', timeout: TIMEOUT });
}

async function packagedVsix() {
  if (process.env.VSIX) return path.resolve(process.env.VSIX);
  // package-vsix.ts is TypeScript: run it through tsx, as the tests do.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-shots-vsix-'));
  const script = `const m = await import(${JSON.stringify(path.join(__dirname, 'package-vsix.ts'))}); console.log((m.packageVsix ?? m.default.packageVsix)(${JSON.stringify(dir)}));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  return out.trim().split('\n').pop();
}

async function main() {
  const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SAMPLES);
  const unknown = names.filter((n) => !SAMPLES[n]);
  if (unknown.length) throw new Error(`no sample ${unknown.join(', ')} (samples: ${Object.keys(SAMPLES).join(', ')})`);
  const missing = missingTools();
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run bash ${path.join(__dirname, 'setup.sh')} ${CACHE}`);
  if (!fs.existsSync('/tmp/disk.img')) fs.writeFileSync('/tmp/disk.img', Buffer.alloc(64 * 1024)); // devices' launch configuration
  const vsix = await packagedVsix();
  fs.mkdirSync(OUT_DIR, { recursive: true });

  const server = new CodeServer(log);
  const stop = () => server.killNow();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { stop(); fs.rmSync(server.runDir, { recursive: true, force: true }); process.exit(130); });
  process.on('exit', stop);
  const failed = [];
  try {
    server.installVsix(vsix);
    await server.start();
    const page = await server.openPage();
    page.setDefaultTimeout(TIMEOUT);
    // A picture of the page now and then, for watching a slow run: /tmp/vmscope-shot-live.png.
    setInterval(() => { page.screenshot({ path: path.join(os.tmpdir(), 'vmscope-shot-live.png') }).catch(() => {}); }, 15000).unref();
    const workbench = new Workbench(page, log, TIMEOUT);
    await workbench.waitLoaded();
    await workbench.widenSideBar(560);
    for (const name of names) {
      log(`sample ${name}`);
      try {
        await shootSample(name, SAMPLES[name], { workbench, page, server });
      } catch (e) {
        failed.push(name);
        log(`${name} FAILED: ${String(e && e.message).split('\n')[0]}`);
        await page.screenshot({ path: path.join(os.tmpdir(), `vmscope-shot-failure-${name}.png`) }).catch(() => {});
        const toolbar = page.locator('.debug-toolbar');
        if (await toolbar.isVisible().catch(() => false)) {
          await toolbar.locator('.codicon-debug-stop, .codicon-debug-disconnect').first().click().catch(() => {});
          await toolbar.waitFor({ state: 'hidden', timeout: 30000 }).catch(() => {});
        }
      }
      await clearBreakpoints(workbench, page, SAMPLES[name]).catch((e) => log(`clearing breakpoints: ${e.message}`));
    }
  } finally {
    await server.stop(Boolean(process.env.KEEP_TMP));
    if (!process.env.VSIX) fs.rmSync(path.dirname(vsix), { recursive: true, force: true });
  }
  if (failed.length) throw new Error(`no screenshot for ${failed.join(', ')} (failure pictures in ${os.tmpdir()}/vmscope-shot-failure-*.png)`);
}

main().then(() => process.exit(0), (e) => {
  console.error(`screenshots: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
