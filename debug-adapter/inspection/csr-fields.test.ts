/**
 * CSR field decoding, value by value against the privileged spec's layouts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeCsr, summarizeCsr } from "./csr-fields";

const fields = (name: string, value: bigint) => new Map((decodeCsr(name, value) ?? []).map((field) => [field.name, field.value]));

test("sstatus: SIE, SPIE, SPP by privilege name, SUM, MXR, UXL", () => {
  const decoded = fields("sstatus", (1n << 1n) | (1n << 5n) | (1n << 8n) | (1n << 18n) | (2n << 32n));
  assert.equal(decoded.get("SIE"), "1");
  assert.equal(decoded.get("SPIE"), "1");
  assert.equal(decoded.get("SPP"), "1 (S)");
  assert.equal(decoded.get("SUM"), "1");
  assert.equal(decoded.get("MXR"), "0");
  assert.equal(decoded.get("FS"), "0x0 (Off)");
  assert.equal(decoded.get("UXL"), "0x2 (64)");
  assert.deepEqual(fields("vsstatus", 2n), fields("sstatus", 2n), "vsstatus decodes as sstatus");
});

test("mstatus: MPP names M, S and U; MPRV, TVM, TW, TSR, MPV", () => {
  assert.equal(fields("mstatus", 3n << 11n).get("MPP"), "0x3 (M)");
  assert.equal(fields("mstatus", 1n << 11n).get("MPP"), "0x1 (S)");
  const decoded = fields("mstatus", (1n << 17n) | (1n << 20n) | (1n << 21n) | (1n << 22n) | (1n << 39n));
  for (const bit of ["MPRV", "TVM", "TW", "TSR", "MPV"]) assert.equal(decoded.get(bit), "1", bit);
});

test("satp: MODE by name, ASID, PPN and the root table address", () => {
  const value = (8n << 60n) | (5n << 44n) | 0x80204n;
  const decoded = fields("satp", value);
  assert.equal(decoded.get("MODE"), "0x8 (Sv39)");
  assert.equal(decoded.get("ASID"), "0x5");
  assert.equal(decoded.get("PPN"), "0x80204");
  assert.equal(decoded.get("root table"), "0x80204000");
  assert.equal(summarizeCsr("satp", value), "Sv39 asid 5 root 0x80204000");
  assert.equal(summarizeCsr("satp", 0n), "Bare");
  assert.equal(fields("hgatp", (8n << 60n) | (1n << 44n)).get("MODE"), "0x8 (Sv39x4)");
});

test("scause: the interrupt bit and the cause by name", () => {
  assert.deepEqual([...fields("scause", 13n)], [["Interrupt", "0"], ["Exception Code", "13 (load page fault)"]]);
  assert.deepEqual([...fields("mcause", (1n << 63n) | 5n)], [["Interrupt", "1"], ["Exception Code", "5 (supervisor timer interrupt)"]]);
  assert.equal(summarizeCsr("vscause", 8n), "environment call from U-mode");
});

test("interrupt and delegation registers: one bit per interrupt or exception, named", () => {
  const sie = fields("sie", (1n << 1n) | (1n << 9n));
  assert.equal(sie.get("SSIE"), "1");
  assert.equal(sie.get("STIE"), "0");
  assert.equal(sie.get("SEIE"), "1");
  assert.equal(fields("mip", 1n << 7n).get("MTIP"), "1");
  assert.equal(fields("mideleg", 1n << 5n).get("STI"), "1");
  const medeleg = fields("medeleg", (1n << 8n) | (1n << 12n));
  assert.equal(medeleg.get("environment call from U-mode"), "1");
  assert.equal(medeleg.get("instruction page fault"), "1");
  assert.equal(medeleg.get("breakpoint"), "0");
  const hstatus = fields("hstatus", (1n << 7n) | (1n << 8n) | (2n << 32n));
  assert.equal(hstatus.get("SPV"), "1");
  assert.equal(hstatus.get("SPVP"), "1 (S)");
  assert.equal(hstatus.get("VSXL"), "0x2 (64)");
  assert.equal(decodeCsr("sscratch", 1n), undefined, "no layout: no fields");
});
