#!/usr/bin/env node
// vmscope end to end in a REAL VS Code: code-server + Debian chromium driven by playwright-core
// (see ../shared/vscode-e2e/ for the recipe). The .vsix is installed into a fresh code-server
// and used as a person would: Open Sample, hover in the guest's assembly, a source breakpoint,
// start from the launch configuration, stop on entry, continue to the breakpoint, step, read
// registers (with their memory references) and CSRs, the custom views, the translation walk and
// exit timeline webviews, the status bar item, and the guest's console.
//
//   bash test/e2e/setup.sh                       # once (cache in .vscode-test-cs/)
//   npm run package && VSIX=vmscope-0.1.0.vsix node test/e2e/e2e.js
//
// Env: VSIX (required), OUT_DIR (screenshots, default ./e2e-out), TIMEOUT_MS per wait (60000),
// E2E_SCENARIOS=hello,paging,console (the default: all, in this order), KEEP_TMP=1 keeps the run folder (code-server log, extension host logs),
// E2E_PROFILE=1 logs every wait slower than 1.5 s with its selector. The log ends with the slowest steps.
// Exit 0 = pass; otherwise "E2E FAIL: <step>: <reason>" and OUT_DIR/failure.png.
'use strict';
const fs = require('fs');
const path = require('path');
const { CodeServer, missingTools, CACHE } = require('./code-server');
const { Workbench } = require('./workbench');
const { helloScenario } = require('./hello-scenario');
const { pagingScenario } = require('./paging-scenario');
const { consoleScenario } = require('./console-scenario');
const { StepClock, profileWaits } = require('./step-clock');

const scenarios = { hello: helloScenario, paging: pagingScenario, console: consoleScenario };

const T0 = Date.now();
const OUT_DIR = path.resolve(process.env.OUT_DIR || 'e2e-out');
const VSIX = process.env.VSIX ? path.resolve(process.env.VSIX) : '';
const STEP_TIMEOUT = Number(process.env.TIMEOUT_MS || 60000);
const log = (...a) => console.log(`[e2e +${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...a);

const state = new StepClock(log);
let server = null;

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`E2E FAIL: interrupted by ${sig} during step "${state.step}"`);
    if (server) server.killNow();
    process.exit(130);
  });
}
process.on('exit', () => { if (server) server.killNow(); });
for (const s of [process.stdout, process.stderr]) s.on('error', () => {});

async function main() {
  state.step = 'preflight';
  const missing = missingTools();
  if (missing.length) throw new Error(`missing ${missing.join(', ')} - run: bash ${path.join(__dirname, 'setup.sh')} ${CACHE}`);
  if (!VSIX || !fs.existsSync(VSIX)) throw new Error(`VSIX=${VSIX || '(unset)'}: build one with npm run package`);
  fs.mkdirSync(OUT_DIR, { recursive: true });

  server = new CodeServer(log);
  state.step = 'install the .vsix';
  server.installVsix(VSIX);
  log('installed', path.basename(VSIX));
  state.step = 'start code-server';
  await server.start();
  state.step = 'open the workbench';
  const page = await server.openPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  if (process.env.E2E_PROFILE) profileWaits(page, log);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const shots = [];
  const shot = async (name, { keepMouse = false } = {}) => {
    const file = path.join(OUT_DIR, name);
    if (!keepMouse) await page.mouse.move(0, 0).catch(() => {});
    await page.screenshot({ path: file }).catch(() => {});
    shots.push(name);
    return file;
  };
  const workbench = new Workbench(page, log, STEP_TIMEOUT);
  try {
    await workbench.waitLoaded();
    log('workbench loaded');
    for (const name of (process.env.E2E_SCENARIOS || Object.keys(scenarios).join(',')).split(',')) {
      if (!scenarios[name]) throw new Error(`no scenario '${name}' (scenarios: ${Object.keys(scenarios).join(', ')})`);
      log(`scenario ${name}`);
      await scenarios[name]({ workbench, page, server, log, shot, state, timeout: STEP_TIMEOUT });
    }
    state.finish();
    log('screenshots:', shots.join(', '));
    for (const line of state.summary()) log(line);
  } catch (e) {
    log('failure screenshot:', await shot('failure.png'));
    if (pageErrors.length) log('page errors:', pageErrors.slice(0, 3).join(' | '));
    throw e;
  }
}

main().then(async () => {
  await server.stop(Boolean(process.env.KEEP_TMP));
  log('E2E PASS');
  process.exit(0);
}, async (e) => {
  const msg = (e && e.message ? e.message : String(e)).split('\n')[0];
  console.error(`E2E FAIL: ${state.step}: ${msg}`);
  if (e && e.stack) console.error(e.stack.split('\n').slice(1, 6).join('\n'));
  if (server) {
    console.error(`logs: ${server.runDir}/code-server.log and ${server.runDir}/data/logs/*/exthost*/ (extension host output)`);
    await server.stop(true);
  }
  console.error(`E2E FAIL: ${state.step}: ${msg}`);
  process.exit(1);
});
