import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { parseElf } from "./elf";
import { readRiscvAttributes } from "./riscv-attributes";
import { needTool } from "../../test/support/reference";

const hello = join(import.meta.dirname, "..", "..", "samples", "hello", "hello.elf");

test("the attributes of a sample agree with readelf -A", (t) => {
  if (!needTool(t, "riscv64-unknown-elf-readelf")) return;
  const listing = execFileSync("riscv64-unknown-elf-readelf", ["-A", hello], { encoding: "utf8" });
  const arch = /Tag_RISCV_arch: "([^"]+)"/.exec(listing)?.[1];
  const major = /Tag_RISCV_priv_spec: (\d+)/.exec(listing)?.[1];
  const minor = /Tag_RISCV_priv_spec_minor: (\d+)/.exec(listing)?.[1];
  assert.ok(arch && major && minor, listing);
  assert.deepEqual(readRiscvAttributes(parseElf(new Uint8Array(readFileSync(hello)), "hello.elf")), { arch, privilegedSpec: `${major}.${minor}` });
});

test("no section or a malformed one gives no attributes", () => {
  const elf = parseElf(new Uint8Array(readFileSync(hello)), "hello.elf");
  assert.deepEqual(readRiscvAttributes(undefined), {});
  const broken = { ...elf, findSection: () => ({ section: elf.findSection(".riscv.attributes")!.section, data: new Uint8Array([0x41, 0xff, 0xff, 0, 0]) }) };
  assert.deepEqual(readRiscvAttributes(broken), {});
});
