import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchAttributes, validateLaunchArguments, LaunchAttributeError } from "./launch-arguments";
import { virtualizationModes } from "../vmm-core/machine/machine";
import type { HypervisorResponse } from "./protocol";
import { custom, failure, launchStopped, startHarness } from "./inspection/testing/dap-harness";

const root = resolve(import.meta.dirname, "..");

interface Manifest {
  contributes: {
    debuggers: { type: string; configurationAttributes: { launch: { properties: Record<string, unknown>; required: string[] } } }[];
  };
}

test("package.json's launch schema lists exactly the adapter's attributes", () => {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;
  const debuggerEntry = manifest.contributes.debuggers.find((d) => d.type === "vmscope");
  assert.ok(debuggerEntry);
  const schema = debuggerEntry.configurationAttributes.launch;
  assert.deepEqual(Object.keys(schema.properties).sort(), [...launchAttributes].sort());
  assert.deepEqual(schema.required, ["program"]);
  const mode = schema.properties.mode as { enum: string[] };
  assert.deepEqual(mode.enum, [...virtualizationModes], "the mode enum lists the machine's modes");
  for (const [name, property] of Object.entries(schema.properties) as [string, { description?: string }][]) {
    assert.ok(property.description && property.description.length > 10, `the schema's '${name}' has a description`);
  }
  assert.deepEqual(schema.properties.balloon, { type: "integer", minimum: 0, description: (schema.properties.balloon as { description: string }).description, default: 0 });
});

test("defaults fill what is not given", () => {
  assert.deepEqual(validateLaunchArguments({ program: "hello.elf" } as never, "/work"), {
    program: "/work/hello.elf",
    bios: undefined,
    mode: "none",
    memory: 128 * 1024 * 1024,
    harts: 1,
    drives: [],
    append: undefined,
    stopOnEntry: true,
    symbolFiles: [],
    balloon: 0,
    cwd: "/work",
  });
  const config = validateLaunchArguments({ program: "k", bios: "fw.elf", memory: "1G", harts: 2, stopOnEntry: false, cwd: "/guests" } as never);
  assert.equal(config.program, "/guests/k", "relative paths are taken against cwd");
  assert.equal(config.bios, "/guests/fw.elf");
  assert.equal(config.memory, 1024 ** 3);
  assert.equal(config.harts, 2);
  assert.equal(config.stopOnEntry, false);
  assert.equal(validateLaunchArguments({ program: "k", bios: "none" } as never).bios, undefined);
});

test("each bad attribute is named in the error", () => {
  const cases: [Record<string, unknown> | undefined, string, RegExp][] = [
    [{}, "program", /'program' is missing/],
    [undefined, "program", /'program' is missing/],
    [{ program: 42 }, "program", /must be a string/],
    [{ program: "k", memory: "lots" }, "memory", /'memory' is invalid: 'lots' is not a size/],
    [{ program: "k", memory: "0" }, "memory", /must not be zero/],
    [{ program: "k", harts: 0 }, "harts", /'harts' must be a whole number/],
    [{ program: "k", harts: "2" }, "harts", /'harts'/],
    [{ program: "k", stopOnEntry: "yes" }, "stopOnEntry", /'stopOnEntry' must be true or false/],
    [{ program: "k", append: 1 }, "append", /'append' must be a string/],
    [{ program: "k", harts: 9 }, "harts", /from 1 to 8/],
    [{ program: "k", mode: "fast" }, "mode", /'mode' must be one of none, trap-and-emulate, hardware-assisted\b.*, got 'fast'/],
    [{ program: "k", mode: "trap-and-emulate", bios: "fw.elf" }, "bios", /cannot be used with mode 'trap-and-emulate'/],
    [{ program: "k", cwd: "relative/dir" }, "cwd", /must be an absolute directory/],
    [{ program: "k", drives: "disk.img" }, "drives", /must be a list/],
    [{ program: "k", drives: ["disk.img,fast"] }, "drives[0]", /unknown option 'fast'/],
    [{ program: "k", drives: [{ path: "" }] }, "drives[0].path", /must name the disk image/],
    [{ program: "k", symbolFiles: [{ file: "x" }] }, "symbolFiles[0]", /must be a file name or/],
    [{ program: "k", symbolFiles: [{ path: "fw.elf", offset: "lots" }] }, "symbolFiles[0].offset", /whole number or a "0x…" string/],
    [{ program: "k", balloon: "16M" }, "balloon", /'balloon' must be a whole number of MiB from 0 to the guest's 128 MiB of memory, got "16M"/],
    [{ program: "k", balloon: -1 }, "balloon", /'balloon' must be a whole number of MiB/],
    [{ program: "k", balloon: 1.5 }, "balloon", /'balloon'/],
    [{ program: "k", memory: "64M", balloon: 65 }, "balloon", /from 0 to the guest's 64 MiB of memory, got 65/],
  ];
  for (const [args, attribute, message] of cases) {
    assert.throws(() => validateLaunchArguments(args as never), (error: unknown) => {
      assert.ok(error instanceof LaunchAttributeError);
      assert.equal(error.attribute, attribute);
      assert.match(error.message, message);
      return true;
    });
  }
});

test("balloon: a target in MiB up to the guest's memory", () => {
  assert.equal(validateLaunchArguments({ program: "k", balloon: 16 } as never).balloon, 16);
  assert.equal(validateLaunchArguments({ program: "k", memory: "64M", balloon: 64 } as never).balloon, 64, "the whole of guest memory is allowed, as the CLI's --balloon");
});

test("drives, symbol files and mode", () => {
  const config = validateLaunchArguments(
    {
      program: "kernel.elf",
      mode: "trap-and-emulate",
      drives: ["disk.img,readonly", { path: "/abs/data.img", snapshot: true }],
      symbolFiles: ["user.elf", { path: "fw.elf", offset: "0x1000" }, { path: "b.elf", offset: -16 }],
      cwd: "/w",
    } as never,
  );
  assert.equal(config.mode, "trap-and-emulate");
  assert.deepEqual(config.drives, [
    { path: "/w/disk.img", readonly: true, snapshot: false },
    { path: "/abs/data.img", readonly: false, snapshot: true },
  ]);
  assert.deepEqual(config.symbolFiles, [
    { path: "/w/user.elf", offset: 0n },
    { path: "/w/fw.elf", offset: 0x1000n },
    { path: "/w/b.elf", offset: -16n },
  ]);
});

test("launch with balloon: the machine powers on with that target (as vmscope run --balloon)", async () => {
  const harness = await startHarness();
  try {
    const program = join(root, "samples", "balloon", "balloon.elf");
    await launchStopped(harness.client, { program, mode: "trap-and-emulate", memory: "128M", balloon: 16, stopOnEntry: true });
    const overview = await custom<HypervisorResponse>(harness.client, "vmscope/hypervisor");
    assert.equal(overview.balloon.present, true);
    assert.equal(overview.balloon.targetPages, 16 * 256, "16 MiB of 4 KiB pages");
    assert.deepEqual(overview.balloon, harness.machine().balloonInfo());
  } finally {
    await harness.close();
  }
});

test("launch with a balloon larger than memory fails naming the attribute", async () => {
  const harness = await startHarness();
  try {
    await harness.client.initializeRequest();
    const message = await failure(harness.client.launch({ program: join(root, "samples", "balloon", "balloon.elf"), mode: "trap-and-emulate", memory: "32M", balloon: 64 } as never));
    assert.match(message, /launch attribute 'balloon' must be a whole number of MiB from 0 to the guest's 32 MiB of memory, got 64/);
  } finally {
    await harness.close();
  }
});
