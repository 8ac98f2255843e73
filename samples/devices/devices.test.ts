/**
 * The devices sample: the same text through the emulated UART and through
 * virtio-console, a virtio-blk disk read, written and flushed, and a
 * refused DMA, in every mode, printing expected-output.txt. Plus the crash
 * test: the guest writes A and flushes, writes B without flushing, and the
 * test kills the emulator; the image holds A, and B whole or not at all.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineSampleTests, repositoryRoot, runArguments, samplePaths } from "../testing/sample-harness";
import { debianFirmware, needTool } from "../../test/support/reference";

const scratch = mkdtempSync(join(tmpdir(), "vmscope-devices-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/** A 64 KiB image (128 sectors) whose sector 0 starts with `label`. */
function makeDisk(name: string, label: string): string {
  const image = new Uint8Array(64 * 1024);
  image.set(new TextEncoder().encode(label));
  const path = join(scratch, name);
  writeFileSync(path, image);
  return path;
}

const disk = makeDisk("disk.img", "VMSCOPE-DEVICES-DISK sector zero");

defineSampleTests({
  name: "devices",
  run: { flags: ["--drive", disk, "--stats"] },
  check: (run, mode) => {
    // Flushed means on disk: sector 1 holds the guest's pattern.
    const sector = readFileSync(disk).subarray(512, 1024);
    sector.forEach((byte, i) => assert.equal(byte, (i ^ 0x5a) & 0xff, `sector 1 byte ${i}`));
    if (mode === "none") return;
    // Every device access is an exit named after the device and its register.
    for (const detail of ["uart0.LSR", "uart0.THR", "virtio-console.QueueNotify", "virtio-blk.QueueNotify", "virtio-rng.Status"]) {
      assert.match(run.stderr, new RegExp(`mmio-(read|write) +${detail.replace(".", "\\.")} `), `${detail} in the exit statistics`);
    }
    // The UART costs two exits per byte (LSR, THR); virtio-console one notification for all 4096.
    const count = (detail: string) => Number(new RegExp(`${detail.replace(".", "\\.")} +(\\d+)`).exec(run.stderr)?.[1]);
    assert.equal(count("uart0.THR"), 4096);
    assert.equal(count("uart0.LSR"), 4096);
    assert.equal(count("virtio-console.QueueNotify"), 1);
  },
});

for (const mode of ["none", "trap-and-emulate"] as const) {
  test(`crash test (mode ${mode}): the emulator killed after an unflushed write leaves A and no half-written B`, async (t) => {
    if (mode === "none" && !needTool(t, debianFirmware.openSbiFwJump)) return;
    const image = makeDisk(`crash-${mode}.img`, "VMSCOPE-CRASH test image");
    const before = readFileSync(image);
    const cli = join(repositoryRoot, "bin", "vmscope.js");
    const child = spawn(process.execPath, [cli, ...runArguments(samplePaths("devices").elf, mode, { flags: ["--drive", image] })], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const killed = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the guest never reached the crash point: ${output.slice(-400)}`));
      }, 60_000);
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString("latin1");
        if (output.includes("not flushed; hanging")) {
          child.kill("SIGKILL");
          clearTimeout(timer);
        }
      });
      child.on("exit", (_code, signal) => resolve(String(signal)));
    });
    assert.equal(killed, "SIGKILL", "the emulator was killed, not shut down");
    assert.match(output, /A written to sector 2 \(status 0\), flushed \(status 0\)/);
    const after = readFileSync(image);
    assert.ok(after.subarray(2 * 512, 3 * 512).every((byte) => byte === 0x41), "the flushed sector A is on disk");
    const b = after.subarray(8 * 512, 136 * 512);
    const whole = b.every((byte) => byte === 0x42);
    const absent = b.equals(before.subarray(8 * 512, 136 * 512));
    assert.ok(whole || absent, "B is either whole or absent, never half-written");
    assert.deepEqual(after.subarray(0, 512), before.subarray(0, 512), "nothing else changed");
  });
}
