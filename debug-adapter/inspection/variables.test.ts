/**
 * Variables of a caller frame: the registers the unwinder recovered, the
 * rest "<not saved>", all read-only; the innermost frame's are the hart's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Machine } from "../../vmm-core/machine/machine";
import { GuestView } from "./guest-view";
import { VariablesProvider } from "./variables";

const root = resolve(import.meta.dirname, "..", "..");

test("a caller frame's Registers scope shows the unwound registers, read-only", () => {
  const machine = new Machine({ memory: 16 << 20, kernel: readFileSync(join(root, "samples", "hello", "hello.elf")) });
  const view = new GuestView(machine, 0);
  machine.harts[0].x[2] = 0x8000_1000n;
  const caller = { pc: 0x8000_0032n, registers: new Map([[2, 0x8000_1010n], [8, 0x8000_1020n]]) };
  const provider = new VariablesProvider(() => 0n, (index) => (index === 0 ? caller : undefined));
  const innermost = provider.scopes(view);
  const outer = provider.scopes(view, 0);
  assert.notEqual(innermost[0].variablesReference, outer[0].variablesReference);
  const own = new Map(provider.variables(innermost[0].variablesReference, () => view)!.map((v) => [v.name, v]));
  assert.equal(own.get("sp")?.value, "0x0000000080001000");
  const unwound = new Map(provider.variables(outer[0].variablesReference, () => view)!.map((v) => [v.name, v]));
  assert.equal(unwound.get("pc")?.value, "0x0000000080000032");
  assert.equal(unwound.get("sp")?.value, "0x0000000080001010");
  assert.equal(unwound.get("sp")?.memoryReference, "v:0x80001010");
  assert.equal(unwound.get("s0")?.value, "0x0000000080001020");
  assert.equal(unwound.get("a0")?.value, "<not saved>");
  assert.deepEqual(unwound.get("a0")?.presentationHint?.attributes, ["readOnly"]);
  assert.throws(() => provider.setVariable(outer[0].variablesReference, "sp", "1", () => view), /caller frame's registers are read-only/);
  assert.equal(provider.variables(provider.scopes(view, 7)[0].variablesReference, () => view), undefined, "an unknown frame names nothing");
});
