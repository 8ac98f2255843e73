/**
 * Issue 10, acceptance 2: for every sample in every mode it runs in (with
 * its flags: a disk, the balloon, two harts, console input), and for
 * OpenSBI + U-Boot, a snapshot saved mid-run and restored in a fresh
 * machine continues identically (round-trip.ts says what is compared).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { debianFirmware, needTool } from "../support/reference";
import { samplePaths, sampleModes, type SampleMode } from "../../samples/testing/sample-harness";
import type { MachineOptions } from "../../vmm-core/machine/machine";
import { snapshotRoundTrip, type RoundTripSpec } from "./round-trip";

/** samples/minikernel/minikernel.test.ts's input (importing that file would run its tests here too). */
const minikernelInput = "help\nps\nrun hello\nrun count\nrun spin\nrun nosuch\nbogus\nexit\n";
const memory = 128 * 1024 * 1024;
const scratch = mkdtempSync(join(tmpdir(), "vmscope-snapshot-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

function disk(): string {
  const path = join(scratch, `disk-${Math.random().toString(36).slice(2)}.img`);
  const image = new Uint8Array(64 * 1024);
  image.set(new TextEncoder().encode("VMSCOPE-DEVICES-DISK sector zero"));
  writeFileSync(path, image);
  return path;
}

/** Per sample: what samples/NAME/NAME.test.ts gives `vmscope run` besides the images. */
type SampleFlags = Omit<Partial<RoundTripSpec>, "options"> & { options?: Partial<MachineOptions> };
const samples: Record<string, (mode: SampleMode) => SampleFlags> = {
  balloon: () => ({ options: { balloon: 16 } }),
  devices: () => {
    const path = disk();
    return { options: { drives: [{ path }] }, disks: [path] };
  },
  interrupts: () => ({ input: "hello\nvirtual interrupts\nquit\n" }),
  minikernel: () => ({ input: minikernelInput }),
  paging: () => ({}),
  privileged: () => ({}),
  pvkernel: () => ({}),
  "sbi-hello": () => ({}),
  smp: () => ({ options: { harts: 2 } }),
};

function report(name: string, result: ReturnType<typeof snapshotRoundTrip>): void {
  console.log(
    `${name}: ${result.totalInstructions} instructions, restored at ${result.restoredAt} from ${result.snapshotBytes} bytes; ` +
      `${result.consoleAfter} console bytes, ${result.exitsAfter} exits, ${result.pointsCompared} later snapshots identical`,
  );
  assert.ok(result.consoleAfter > 0 || result.exitsAfter > 0, `${name}: nothing happened after the snapshot point, so nothing was compared`);
}

for (const [name, flags] of Object.entries(samples)) {
  for (const mode of sampleModes) {
    test(`snapshot round trip: ${name}.elf in mode ${mode} continues identically after a restore`, (t) => {
      if (mode === "none" && !needTool(t, debianFirmware.openSbiFwJump)) return;
      const { elf } = samplePaths(name);
      const extra = flags(mode);
      const images: MachineOptions =
        mode === "none"
          ? { memory, bios: readFileSync(debianFirmware.openSbiFwJump), biosName: "fw_jump.elf", kernel: readFileSync(elf), kernelName: `${name}.elf` }
          : { memory, mode, kernel: readFileSync(elf), kernelName: `${name}.elf` };
      report(`${name} (${mode})`, snapshotRoundTrip({ ...extra, options: { ...images, ...extra.options } }));
    });
  }
}

test("snapshot round trip: hello.elf on the bare machine", () => {
  const hello = join(import.meta.dirname, "../../samples/hello/hello.elf");
  report("hello", snapshotRoundTrip({ options: { memory, kernel: readFileSync(hello), kernelName: "hello.elf" }, firstPoint: 1_000 }));
});

test("snapshot round trip: OpenSBI + U-Boot restored mid-boot reach the prompt and run the same session", (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump, debianFirmware.uBootSmode)) return;
  const result = snapshotRoundTrip({
    options: { memory, bios: readFileSync(debianFirmware.openSbiFwJump), kernel: readFileSync(debianFirmware.uBootSmode) },
    input: "\nversion\npoweroff\n",
    firstPoint: 1_000_000,
  });
  report("OpenSBI + U-Boot", result);
});

test("snapshot round trip: the translator engine continues identically too (minikernel, every mode)", (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump)) return;
  const kernel = readFileSync(samplePaths("minikernel").elf);
  for (const mode of sampleModes) {
    const images: MachineOptions = mode === "none" ? { memory, bios: readFileSync(debianFirmware.openSbiFwJump), kernel } : { memory, mode, kernel };
    report(`minikernel (${mode}, translator)`, snapshotRoundTrip({ options: { ...images, engine: "translator" }, input: minikernelInput }));
  }
});
