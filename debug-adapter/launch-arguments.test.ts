import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchAttributes, validateLaunchArguments, LaunchAttributeError } from "./launch-arguments";
import { virtualizationModes } from "../vmm-core/machine/machine";

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
