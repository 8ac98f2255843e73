// The language server's tables cover everything vmm-core decodes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodings } from "../../vmm-core/isa/encoding-table";
import { compressedEncodings } from "../../vmm-core/isa/compressed-table";
import { csrTable } from "../../vmm-core/hart/csr-table";
import { findInstruction, allInstructions } from "./instruction-catalog";
import { findCsr } from "./csr-docs";
import { instructionModeBehaviour, csrModeBehaviour, modes } from "./mode-behaviour";

test("every decoded instruction, compressed form and pseudo-instruction has a description and operands", () => {
  for (const { name } of [...encodings, ...compressedEncodings]) {
    const info = findInstruction(name);
    assert.ok(info, name);
    assert.ok(info.description.length > 10, `${name} has no description`);
  }
  for (const info of allInstructions()) assert.ok(info.description, info.name);
  assert.equal(findInstruction("c.addi4spn")?.base, "addi");
  assert.equal(findInstruction("c.jr")?.base, "jalr");
  assert.equal(findInstruction("amoadd.d.aq")?.name, "amoadd.d");
  assert.equal(findInstruction("add.aq"), undefined);
  assert.equal(findInstruction("lw")?.operands, "rd, offset(rs1)");
});

test("every implemented CSR is known, with its number, and every mode says something", () => {
  for (const row of csrTable) {
    const csr = findCsr(row.name);
    assert.equal(csr?.address, row.address, row.name);
    assert.equal(csr?.implemented, true);
    const behaviour = csrModeBehaviour(row.address, row.name);
    for (const mode of modes) assert.ok(behaviour[mode], `${row.name} ${mode}`);
  }
  assert.equal(findCsr("fflags")?.implemented, false);
  assert.equal(findCsr("nosuchcsr"), undefined);
  assert.match(csrModeBehaviour(0x180, "satp")["hardware-assisted"], /vsatp/);
  assert.match(csrModeBehaviour(0x300, "mstatus")["trap-and-emulate"], /illegal-instruction-injected/);
  assert.match(csrModeBehaviour(0x600, "hstatus")["hardware-assisted"], /virtual-instruction/);
});

test("privileged instructions exit under trap-and-emulate and not under hardware-assisted; ordinary ones never", () => {
  for (const name of ["sret", "sfence.vma", "wfi"]) {
    assert.match(instructionModeBehaviour(name)!["trap-and-emulate"], new RegExp(`VM exit \`${name}\``));
    assert.match(instructionModeBehaviour(name)!["hardware-assisted"], /without exiting/);
  }
  assert.match(instructionModeBehaviour("ecall")!["trap-and-emulate"], /`sbi`/);
  assert.equal(instructionModeBehaviour("add")!["trap-and-emulate"], "runs natively: no VM exit");
  assert.equal(instructionModeBehaviour("csrrw"), undefined);
});
