#!/usr/bin/env node
// Launcher for the bundled command line; the bundle is built, not committed.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const bundle = path.join(__dirname, "..", "dist", "cli.js");
if (!fs.existsSync(bundle)) {
  process.stderr.write("vmscope: dist/cli.js is missing: run npm run build\n");
  process.exit(2);
}
require(bundle);
