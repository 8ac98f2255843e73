import { test } from "node:test";
import assert from "node:assert/strict";
import { csvField, exitsToCsv, exitsToJson, exportExits, formatForPath } from "./exit-export";
import { exitRecord } from "./testing/payloads";

test("CSV: a header, one line per exit, guest text quoted RFC 4180 style", () => {
  const records = [
    exitRecord(7, "csr", { instruction: 0x10002573, disassembly: "csrr a0, sstatus" }),
    exitRecord(6, "mmio", { detail: 'uart "THR", write', instruction: 0x4505 }),
  ];
  const csv = exitsToCsv(records);
  const lines = csv.split("\r\n");
  assert.equal(lines[0], "sequence,vcpu,instret,reason,detail,pc,instruction,disassembly,handling,cost");
  assert.equal(lines[1], '7,0,1070,csr,csrr sstatus,0x8020001c,0x10002573,"csrr a0, sstatus",emulated,40');
  assert.equal(lines[2], '6,0,1060,mmio,"uart ""THR"", write",0x80200018,0x4505,,emulated,40');
  assert.equal(lines[3], "", "ends with a line break");
  assert.equal(lines.length, 4);
});

test("csv fields: line breaks quoted, absent values empty", () => {
  assert.equal(csvField("a\nb"), '"a\nb"');
  assert.equal(csvField(undefined), "");
  assert.equal(csvField(12), "12");
});

test("JSON keeps every field and parses back", () => {
  const records = [exitRecord(1, "ecall", { detail: "sbi putchar </script>" })];
  const parsed = JSON.parse(exitsToJson(records));
  assert.deepEqual(parsed, { exits: records });
});

test("the file name picks the format", () => {
  assert.equal(formatForPath("/tmp/exits.JSON"), "json");
  assert.equal(formatForPath("/tmp/exits.csv"), "csv");
  assert.equal(formatForPath("/tmp/exits"), "csv");
  assert.equal(exportExits([], "csv"), "sequence,vcpu,instret,reason,detail,pc,instruction,disassembly,handling,cost\r\n");
  assert.deepEqual(JSON.parse(exportExits([], "json")), { exits: [] });
});
