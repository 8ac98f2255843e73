import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { launchAttributes, validateLaunchArguments, LaunchAttributeError } from "./launch-arguments";

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
});

test("defaults fill what is not given", () => {
  assert.deepEqual(validateLaunchArguments({ program: "hello.elf" } as never), {
    program: "hello.elf",
    bios: undefined,
    memory: 128 * 1024 * 1024,
    harts: 1,
    append: undefined,
    stopOnEntry: true,
  });
  const config = validateLaunchArguments({ program: "k", bios: "fw.elf", memory: "1G", harts: 2, stopOnEntry: false } as never);
  assert.equal(config.bios, "fw.elf");
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
