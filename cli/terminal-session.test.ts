/**
 * `vmscope run` on a real terminal: a pseudo-terminal (Python's pty module,
 * as Node has none built in) checks raw mode and QEMU's Ctrl-A escapes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { needTool } from "../test/support/reference";
import { echoGuest } from "../test/support/elf-builder";

const root = resolve(import.meta.dirname, "..");

/** Runs the CLI on a pty, types the keys, reports what the terminal saw as JSON. */
const driver = String.raw`
import json, os, pty, select, sys, termios, time
cli, guest = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("node", ["node", cli, "run", guest, "--timeout", "20"])
def read_for(seconds):
    out, end = b"", time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return out
# Wait until the guest runs (raw mode is on), at most 10 s.
deadline = time.time() + 10
while time.time() < deadline and termios.tcgetattr(fd)[3] & termios.ICANON:
    time.sleep(0.05)
raw = not (termios.tcgetattr(fd)[3] & termios.ICANON)
os.write(fd, b"ab\x03\x01\x01c")
echoed = read_for(1.0)
os.write(fd, b"\x01x")
after = read_for(1.5)
_, status = os.waitpid(pid, 0)
print(json.dumps({"raw": raw, "echoed": echoed.decode("latin-1"), "after": after.decode("latin-1"), "status": os.waitstatus_to_exitcode(status)}))
`;

test("raw mode, Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A x quits with status 0", (t) => {
  if (!needTool(t, "python3")) return;
  const guest = join(mkdtempSync(join(tmpdir(), "vmscope-tty-")), "echo.elf");
  writeFileSync(guest, echoGuest());
  const result = spawnSync("python3", ["-c", driver, join(root, "bin", "vmscope.js"), guest], { encoding: "utf8", timeout: 30_000 });
  assert.equal(result.status, 0, result.stderr);
  const seen = JSON.parse(result.stdout) as { raw: boolean; echoed: string; after: string; status: number };
  assert.equal(seen.raw, true, "the terminal is in raw mode while the guest runs");
  // Ctrl-C reaches the guest as a byte (raw mode), the doubled Ctrl-A arrives once.
  assert.equal(seen.echoed, "ab\x03\x01c");
  assert.match(seen.after, /vmscope: terminated/);
  assert.equal(seen.status, 0);
});
