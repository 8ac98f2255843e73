// Runs extension/test/suite.cjs inside a real VS Code (Electron), for those
// who can download it: `npm run test:electron`. CI does not run this (no
// Electron download there); vscode-e2e/ drives code-server instead.
import { runTests } from "@vscode/test-electron";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, "extension", "test", "suite.cjs"),
    launchArgs: [root, "--disable-extensions"],
  });
} catch (error) {
  console.error(`test:electron failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
