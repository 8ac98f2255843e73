/**
 * The inspection requests over the real protocol on the hello sample
 * (bare machine, M-mode): registers and CSRs with decoded fields,
 * setVariable round trips (WARL included), evaluate, memory reads that
 * match the ELF, unreadable ranges, writes, and bad arguments answered
 * with errors while the adapter keeps serving.
 */
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { parseElf } from "../../vmm-core/loader/elf";
import { failure, launchStopped, scopeVariables, startHarness, topFrameId, type Harness } from "./testing/dap-harness";

const root = resolve(import.meta.dirname, "..", "..");
const hello = join(root, "samples", "hello", "hello.elf");

let harness: Harness;
let frameId: number;

before(async () => {
  harness = await startHarness();
  await launchStopped(harness.client, { program: hello, stopOnEntry: true });
  frameId = await topFrameId(harness.client);
});

after(async () => harness.close());

const readMemory = (client: Harness["client"], args: DebugProtocol.ReadMemoryArguments) =>
  client.customRequest("readMemory", args) as Promise<DebugProtocol.ReadMemoryResponse>;
const writeMemory = (client: Harness["client"], args: DebugProtocol.WriteMemoryArguments) =>
  client.customRequest("writeMemory", args) as Promise<DebugProtocol.WriteMemoryResponse>;
const byName = (variables: DebugProtocol.Variable[]) => new Map(variables.map((v) => [v.name, v]));

test("initialize announces the inspection capabilities", async () => {
  // A second session on the same server only to read the capabilities.
  const other = await startHarness();
  try {
    const response = await other.client.initializeRequest();
    for (const capability of [
      "supportsSetVariable", "supportsEvaluateForHovers", "supportsReadMemoryRequest", "supportsWriteMemoryRequest",
      "supportsDisassembleRequest", "supportsValueFormattingOptions",
    ] as const) {
      assert.equal(response.body?.[capability], true, capability);
    }
  } finally {
    await other.close();
  }
});

test("scopes: Registers, CSRs and Hypervisor on the bare machine (no Machine (real) scope)", async () => {
  const scopes = await harness.client.scopesRequest({ frameId });
  assert.deepEqual(scopes.body.scopes.map((s) => s.name), ["Registers", "CSRs", "Hypervisor"]);
});

test("registers: pc and x1..x31 by ABI name in hex, pointers into RAM carry a memory reference", async () => {
  const machine = harness.machine();
  const hart = machine.harts[0];
  const registers = byName(await scopeVariables(harness.client, frameId, "Registers"));
  assert.equal(registers.size, 32);
  assert.equal(registers.get("pc")?.value, "0x" + hart.pc.toString(16).padStart(16, "0"));
  assert.equal(registers.get("a1")?.value, "0x" + BigInt.asUintN(64, hart.x[11]).toString(16).padStart(16, "0"));
  assert.equal(registers.get("a0")?.memoryReference, undefined, "0 is no pointer");
  // The device tree's address, as the reset ROM passes it in a1: a pointer into RAM.
  hart.x[12] = BigInt.asIntN(64, machine.deviceTreeAddress);
  hart.x[13] = 0x1000_0000n; // the UART: a device, not memory
  const again = byName(await scopeVariables(harness.client, frameId, "Registers"));
  assert.equal(again.get("a2")?.memoryReference, `v:0x${machine.deviceTreeAddress.toString(16)}`);
  assert.equal(again.get("a3")?.memoryReference, undefined);
  hart.x[12] = 0n;
  hart.x[13] = 0n;
});

test("CSRs in M-mode: the M and S sets, mstatus and satp decoded into fields", async () => {
  const csrs = byName(await scopeVariables(harness.client, frameId, "CSRs"));
  for (const name of ["mstatus", "misa", "mtvec", "mepc", "mcause", "sstatus", "satp", "scause", "mhartid"]) assert.ok(csrs.has(name), name);
  const misa = csrs.get("misa")!;
  const fields = byName((await harness.client.variablesRequest({ variablesReference: misa.variablesReference })).body.variables);
  assert.equal(fields.get("MXL")?.value, "0x2 (64)");
  for (const letter of ["I", "M", "A", "C", "S", "U"]) assert.equal(fields.get(letter)?.value, "1", `misa.${letter}`);
  assert.equal(fields.get("F")?.value, "0");
  const mstatus = byName((await harness.client.variablesRequest({ variablesReference: csrs.get("mstatus")!.variablesReference })).body.variables);
  for (const field of ["SIE", "MIE", "SPIE", "MPIE", "SPP", "MPP", "SUM", "MXR", "FS", "TVM", "TSR", "SXL", "UXL"]) assert.ok(mstatus.has(field), field);
  assert.equal(mstatus.get("SXL")?.value, "0x2 (64)");
});

test("setVariable: a register round trip and a CSR write legalized as the guest's own write would be", async () => {
  const client = harness.client;
  const scopes = (await client.scopesRequest({ frameId })).body.scopes;
  const registers = scopes.find((s) => s.name === "Registers")!.variablesReference;
  const csrs = scopes.find((s) => s.name === "CSRs")!.variablesReference;
  const hart = harness.machine().harts[0];
  const invalidated = client.waitForEvent("invalidated");
  const set = await client.setVariableRequest({ variablesReference: registers, name: "t0", value: "0x1234 + 1" });
  assert.equal(set.body.value, "0x0000000000001235");
  assert.equal(hart.x[5], 0x1235n);
  await invalidated;
  const registersNow = byName((await client.variablesRequest({ variablesReference: registers })).body.variables);
  assert.equal(registersNow.get("t0")?.value, "0x0000000000001235");

  // MPP is WARL: the reserved value 2 keeps the previous MPP (0 after reset); MIE is writable.
  const mstatus = await client.setVariableRequest({ variablesReference: csrs, name: "mstatus", value: String((2 << 11) | 8) });
  assert.equal(hart.csr.mstatus & 0x1808, 8, "MIE set, MPP kept");
  assert.match(mstatus.body.value, /^0x0000000a00000008/);
  // satp: an unimplemented mode is ignored (WARL), Sv39 is taken.
  await client.setVariableRequest({ variablesReference: csrs, name: "satp", value: "0x9000000000080000" });
  assert.equal(hart.csr.satp, 0n);
  assert.match(await failure(client.setVariableRequest({ variablesReference: registers, name: "zero", value: "1" })), /hard-wired/);
  assert.match(await failure(client.setVariableRequest({ variablesReference: csrs, name: "mhartid", value: "1" })), /read-only/);
  assert.match(await failure(client.setVariableRequest({ variablesReference: registers, name: "t0", value: "1 +" })), /ends too early/);
  hart.x[5] = 0n;
  hart.setMstatus(0);
});

test("evaluate: registers, CSRs, symbols, memory through casts, arithmetic, decimal formatting", async () => {
  const client = harness.client;
  const machine = harness.machine();
  const hart = machine.harts[0];
  const value = async (expression: string, format?: DebugProtocol.ValueFormat) =>
    (await client.evaluateRequest({ expression, frameId, context: "watch", ...(format ? { format } : {}) })).body;
  assert.equal((await value("pc")).result, "0x" + hart.pc.toString(16).padStart(16, "0"));
  assert.equal((await value("$misa")).result, "0x" + hart.readCsr(0x301)!.toString(16).padStart(16, "0"));
  const main = machine.symbols.find((symbol) => symbol.name === "main")!.value;
  const evaluatedMain = await value("main");
  assert.equal(BigInt(evaluatedMain.result), main);
  assert.equal(evaluatedMain.memoryReference, `v:0x${main.toString(16)}`);
  const word = machine.bus.readPhysical(main, 4)!;
  assert.equal(BigInt((await value("*(u32*)main")).result), word);
  assert.equal(BigInt((await value("*(u32*)(main + 4) + 1")).result), machine.bus.readPhysical(main + 4n, 4)! + 1n);
  assert.equal((await value("6 * 7", { hex: false })).result, "42");
  const hover = await client.evaluateRequest({ expression: "a1", frameId, context: "hover" });
  assert.equal(BigInt(hover.body.result), BigInt.asUintN(64, hart.x[11]));
  assert.match(await failure(client.evaluateRequest({ expression: "no_such_symbol", frameId })), /unknown name 'no_such_symbol'/);
  assert.match(await failure(client.evaluateRequest({ expression: "*(u64*)0x70000000", frameId })), /cannot read 8 bytes/);
});

test("readMemory: the loaded segments read back exactly as the ELF holds them, virtual and physical", async () => {
  const client = harness.client;
  const image = parseElf(readFileSync(hello), "hello.elf");
  for (const segment of image.segments.filter((s) => s.data.length > 0)) {
    for (const prefix of ["p:", "v:", ""]) {
      const reference = `${prefix}0x${segment.physicalAddress.toString(16)}`;
      const read = await readMemory(client, { memoryReference: reference, count: segment.data.length });
      assert.equal(read.body?.address, "0x" + segment.physicalAddress.toString(16));
      assert.equal(read.body?.unreadableBytes ?? 0, 0);
      assert.deepEqual(Buffer.from(read.body!.data!, "base64"), Buffer.from(segment.data), reference);
    }
  }
  const offset = await readMemory(client, { memoryReference: "p:0x80000000", offset: 4, count: 4 });
  assert.equal(offset.body?.address, "0x80000004");
  assert.deepEqual(Buffer.from(offset.body!.data!, "base64"), Buffer.from(image.segments[0].data.subarray(4, 8)));
});

test("readMemory: unmapped ranges and device registers are unreadable bytes, not failures", async () => {
  const client = harness.client;
  const machine = harness.machine();
  const nothing = await readMemory(client, { memoryReference: "p:0x70000000", count: 64 });
  assert.equal(nothing.body?.unreadableBytes, 64);
  assert.equal(nothing.body?.data, undefined);
  // The UART's receive buffer pops when read: the adapter never reads device registers.
  const uart = await readMemory(client, { memoryReference: "p:0x10000000", count: 8 });
  assert.equal(uart.body?.unreadableBytes, 8);
  const ramEnd = 0x8000_0000n + BigInt(machine.ram.size);
  const edge = await readMemory(client, { memoryReference: `p:0x${(ramEnd - 16n).toString(16)}`, count: 32 });
  assert.equal(Buffer.from(edge.body!.data!, "base64").length, 16);
  assert.equal(edge.body?.unreadableBytes, 16);
  // The reset ROM is memory without side effects: readable.
  const rom = await readMemory(client, { memoryReference: "p:0x1000", count: 4 });
  assert.equal(Buffer.from(rom.body!.data!, "base64").readUInt32LE(0), 0x00000297, "auipc t0,0x0");
});

test("writeMemory: RAM changes, decoded code is dropped, devices and ROM are refused", async () => {
  const client = harness.client;
  const machine = harness.machine();
  const scratch = 0x8100_0000n;
  const events: string[] = [];
  const onMemory = () => events.push("memory");
  client.on("memory", onMemory);
  const written = await writeMemory(client, { memoryReference: `v:0x${scratch.toString(16)}`, data: Buffer.from([1, 2, 3, 4]).toString("base64") });
  assert.equal(written.body?.bytesWritten, 4);
  assert.equal(machine.bus.readPhysical(scratch, 4), 0x04030201n);
  const readBack = await readMemory(client, { memoryReference: `p:0x${scratch.toString(16)}`, count: 4 });
  assert.deepEqual([...Buffer.from(readBack.body!.data!, "base64")], [1, 2, 3, 4]);
  // Code written by the debugger runs as written, also after the hart has decoded the old bytes.
  const hart = machine.harts[0];
  const pc = hart.pc;
  const run = async (instruction: number) => {
    const data = Buffer.alloc(4);
    data.writeUInt32LE(instruction);
    await writeMemory(client, { memoryReference: `v:0x${scratch.toString(16)}`, data: data.toString("base64") });
    hart.pc = scratch;
    machine.step(0);
    return hart.x[5];
  };
  assert.equal(await run(0x00100293), 1n, "addi t0,zero,1");
  assert.equal(await run(0x00200293), 2n, "addi t0,zero,2 replaces it");
  hart.pc = pc;
  hart.x[5] = 0n;
  assert.match(await failure(writeMemory(client, { memoryReference: "p:0x10000000", data: "AA==" })), /not RAM/);
  assert.match(await failure(writeMemory(client, { memoryReference: "p:0x1000", data: "AA==" })), /read-only/);
  const ramEnd = 0x8000_0000n + BigInt(machine.ram.size);
  const partial = await writeMemory(client, { memoryReference: `p:0x${(ramEnd - 2n).toString(16)}`, data: Buffer.from([9, 9, 9, 9]).toString("base64"), allowPartial: true });
  assert.equal(partial.body?.bytesWritten, 2);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(events.length >= 2, "a memory event per write");
  client.off("memory", onMemory);
});

test("malformed requests get error responses and the adapter keeps serving", async () => {
  const client = harness.client;
  assert.match(await failure(readMemory(client, { memoryReference: "banana", count: 4 })), /memoryReference 'banana'/);
  assert.match(await failure(readMemory(client, { memoryReference: "0x80000000", count: -1 })), /count/);
  assert.match(await failure(client.variablesRequest({ variablesReference: 987654321 })), /names nothing/);
  assert.match(await failure(client.scopesRequest({ frameId: 987_654 })), /no (frame|hart)/);
  assert.match(await failure(client.disassembleRequest({ memoryReference: "0x80000000", instructionCount: -3 })), /instructionCount/);
  assert.match(await failure(client.customRequest("vmscope/pageTables", { root: "sideways" })), /'root' must be one of/);
  assert.match(await failure(client.customRequest("vmscope/translate", { root: "guest" })), /'address' is missing/);
  assert.match(await failure(client.customRequest("vmscope/traps", { hart: 7 })), /'hart' 7 does not exist/);
  assert.match(await failure(client.customRequest("vmscope/setBalloon", { targetMib: "lots" })), /'targetMib'/);
  assert.match(await failure(client.customRequest("vmscope/consoleInput", { text: 5 })), /'text' must be a string/);
  const still = await readMemory(client, { memoryReference: "p:0x80000000", count: 4 });
  assert.equal(Buffer.from(still.body!.data!, "base64").length, 4, "still serving");
});
