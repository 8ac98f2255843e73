/** The boot benchmark's prompt detection, and one real boot to the prompt on the interpreter. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { BootConsoleWatcher, bootInVmscope } from "./boot";
import { debianFirmware, needTool } from "../test/support/reference";

test("the watcher types one key at the autoboot countdown, then sees the prompt", () => {
  const watcher = new BootConsoleWatcher();
  assert.deepEqual(watcher.feed("U-Boot 2023.01\r\nHit any key to stop "), { typeKey: false });
  // The marker straddles two chunks.
  assert.deepEqual(watcher.feed("auto"), { typeKey: false });
  assert.deepEqual(watcher.feed("boot:  2 "), { typeKey: true });
  assert.equal(watcher.prompted, false);
  assert.deepEqual(watcher.feed("\b\b\b 0 \r\n="), { typeKey: false }, "the key is typed once");
  assert.equal(watcher.prompted, false);
  watcher.feed("> ");
  assert.equal(watcher.prompted, true);
  assert.match(watcher.console, /autoboot:  2 \x08\x08\x08 0 \r\n=> $/);
});

test("once the countdown began, only a '=> ' after it is the prompt; without a countdown any is", () => {
  const bare = new BootConsoleWatcher();
  bare.feed("x => y\r\n");
  assert.equal(bare.prompted, true, "a U-Boot with bootdelay off prints no countdown");
  const after = new BootConsoleWatcher();
  after.feed("=> Hit any key to stop autoboot:  2 ");
  after.feed("  1 ");
  assert.equal(after.prompted, false);
  after.feed("\r\n=> ");
  assert.equal(after.prompted, true);
});

test("OpenSBI + U-Boot boot to the prompt in process (interpreter), the countdown cut short", (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump, debianFirmware.uBootSmode)) return;
  const run = bootInVmscope("interpreter");
  assert.equal(run.failure, undefined);
  assert.equal(run.prompted, true);
  assert.match(run.console, /U-Boot 20\d\d\.\d\d/);
  assert.match(run.console, /autoboot:\s+2 [\s\S]*\r\n=> $/, "the prompt follows the countdown, no distro boot attempted");
  assert.doesNotMatch(run.console, /scanning bus/, "autoboot was stopped");
  assert.ok(run.instructions !== undefined && run.instructions > 1_000_000 && run.instructions < 100_000_000, `instructions: ${run.instructions}`);
});
