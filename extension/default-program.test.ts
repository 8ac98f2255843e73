import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseProgram } from "./default-program";

test("the single ELF next to the edited file is the program", () => {
  assert.equal(chooseProgram(["hello.c", "start.S", "hello.elf", "Makefile"]), "hello.elf");
  assert.equal(chooseProgram(["KERNEL.ELF"]), "KERNEL.ELF");
});

test("no ELF, or several, means the user must say", () => {
  assert.equal(chooseProgram(["hello.c", "Makefile"]), undefined);
  assert.equal(chooseProgram(["a.elf", "b.elf"]), undefined);
});
