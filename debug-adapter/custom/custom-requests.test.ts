/**
 * The vmscope/* requests over the real protocol on the paging guest in all
 * three modes, stopped at the same point (the first system call, a
 * breakpoint at do_syscall): the trees, walks and records are exactly what
 * vmm-core's own API returns for that machine, and — the runs being
 * deterministic — for an identical machine run to the same breakpoint
 * without the adapter. Also the guest's CSR view per mode and setVariable
 * on a virtual CSR.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { needTool, debianFirmware } from "../../test/support/reference";
import { Access, walkSv39 } from "../../vmm-core/hart/mmu";
import { MachineDebugger } from "../../vmm-core/debug/machine-debugger";
import { walkTree, type PageTableNode } from "../../vmm-core/hypervisor/page-table-tree";
import { Monitor } from "../../vmm-core/hypervisor/monitor";
import { HardwareAssistedMonitor } from "../../vmm-core/hypervisor/hardware-assisted";
import { translateNested } from "../../vmm-core/hypervisor/nested-translate";
import { guestPteMemory, readOnly, hostPteMemory } from "../../vmm-core/hypervisor/shadow/pte-access";
import { Machine, type VirtualizationMode } from "../../vmm-core/machine/machine";
import type { ExitsResponse, ExitStatsResponse, HypervisorResponse, PageTablesResponse, TranslateResponse, TrapsResponse, DevicesResponse } from "../protocol";
import { custom, launchStopped, scopeVariables, startHarness, topFrameId, type Harness } from "../inspection/testing/dap-harness";
import { entryInfo } from "./page-tables";
import { exitInfo } from "./exits";
import { trapInfo } from "./traps";

const root = resolve(import.meta.dirname, "..", "..");
const pagingPath = join(root, "test", "guests", "paging", "paging.elf");
const modes: VirtualizationMode[] = ["none", "trap-and-emulate", "hardware-assisted"];
const hex = (value: bigint) => "0x" + value.toString(16);
const ppn = (value: bigint) => (value & ((1n << 44n) - 1n)) << 12n;

function launchArguments(mode: VirtualizationMode) {
  return { program: pagingPath, mode, stopOnEntry: true, memory: "128M", ...(mode === "none" ? { bios: debianFirmware.openSbiFwJump } : {}) };
}

/** Stops at the first system call: a function breakpoint, then continue. */
async function runToSyscall(harness: Harness): Promise<bigint> {
  const machine = harness.machine();
  const address = machine.symbols.find((symbol) => symbol.name === "do_syscall")!.value;
  const set = await harness.client.setFunctionBreakpointsRequest({ breakpoints: [{ name: "do_syscall" }] });
  assert.equal(set.body.breakpoints[0].verified, true);
  const stopped = harness.client.waitForEvent("stopped");
  await harness.client.continueRequest({ threadId: 1 });
  await stopped;
  assert.equal(machine.harts[0].pc, address, "stopped at do_syscall");
  return address;
}

/** The same guest on a machine of its own, run to the same breakpoint without the adapter. */
function referenceMachine(mode: VirtualizationMode, address: bigint): Machine {
  const machine = new Machine({
    memory: 128 << 20,
    mode,
    kernel: readFileSync(pagingPath),
    kernelName: "paging.elf",
    ...(mode === "none" ? { bios: readFileSync(debianFirmware.openSbiFwJump), biosName: "fw_jump.elf" } : {}),
  });
  const debug = new MachineDebugger(machine);
  debug.setBreakpoints([{ id: 1, address }]);
  for (let i = 0; i < 10_000 && !debug.stopPending; i++) {
    const result = machine.run(100_000);
    if (result.reason === "poweroff") break;
  }
  assert.ok(debug.stopPending, "the reference machine reaches the breakpoint");
  return machine;
}

const strip = (nodes: readonly PageTableNode[], hostOf?: (target: bigint) => bigint | undefined) => nodes.map((node) => entryInfo(node, hostOf));

for (const mode of modes) {
  test(`custom requests in mode ${mode} return vmm-core's own data at the first system call`, async (t) => {
    if (mode === "none" && !needTool(t, debianFirmware.openSbiFwJump)) return;
    const harness = await startHarness();
    try {
      await launchStopped(harness.client, launchArguments(mode));
      const machine = harness.machine();
      assert.equal(machine.mode, mode, "the launch attribute 'mode' reaches the machine");
      const address = await runToSyscall(harness);
      const client = harness.client;
      const hart = machine.harts[0];
      const monitor = machine.monitor;

      // ---- the guest's page tables --------------------------------------
      const guestSatp = monitor instanceof Monitor ? monitor.vcpus[0].csr.satp : monitor instanceof HardwareAssistedMonitor ? hart.h.vsatp : hart.csr.satp;
      const guestReader = monitor ? readOnly(guestPteMemory(machine.bus, monitor.map)) : readOnly(hostPteMemory(machine.bus));
      const guestTree = walkTree(ppn(guestSatp), guestReader);
      const hostOf = monitor ? (target: bigint) => monitor.map.toHost(target) : undefined;
      const guest = await custom<PageTablesResponse>(client, "vmscope/pageTables", { root: "guest", ranges: true });
      assert.equal(guest.available, true);
      assert.equal(guest.register?.value, hex(guestSatp));
      assert.equal(guest.register?.name, mode === "hardware-assisted" ? "vsatp" : "satp");
      assert.deepEqual(guest.entries, strip(guestTree.entries, hostOf));
      assert.deepEqual(guest.ranges, guestTree.ranges.map((r) => ({ va: hex(r.va), vaEnd: hex(r.vaEnd), pa: hex(r.pa), flags: r.flags, leaves: r.leaves })));
      if (monitor) assert.ok(guest.entries.some((e) => e.hostTarget) || guest.entries.some((e) => e.kind === "table"));
      // Lazily, one level down and one more.
      const firstTable = guestTree.entries.find((node) => node.kind === "table" && node.children?.some((child) => child.kind === "table"))!;
      const level1 = await custom<PageTablesResponse>(client, "vmscope/pageTables", { root: "guest", table: hex(firstTable.target), level: 1 });
      assert.deepEqual(level1.entries, strip(firstTable.children!, hostOf));
      const secondTable = firstTable.children!.find((node) => node.kind === "table")!;
      const level0 = await custom<PageTablesResponse>(client, "vmscope/pageTables", { root: "guest", table: hex(secondTable.target), level: 0 });
      assert.deepEqual(level0.entries, strip(secondTable.children!, hostOf));
      if (monitor) assert.ok(level0.entries.every((e) => e.kind !== "leaf" || e.hostTarget === hex(monitor.map.toHost(BigInt(e.target))!)), "guest leaves show where the host keeps them");

      // ---- shadow / nested ------------------------------------------------
      const shadow = await custom<PageTablesResponse>(client, "vmscope/pageTables", { root: "shadow" });
      const nested = await custom<PageTablesResponse>(client, "vmscope/pageTables", { root: "nested", ranges: true });
      if (monitor instanceof Monitor) {
        const tree = monitor.shadow.walkTree(ppn(hart.csr.satp));
        assert.equal(shadow.available, true);
        assert.equal(shadow.rootTable, hex(monitor.shadow.peekRoot(monitor.context(monitor.vcpus[0]))!), "the real satp points at the vCPU's shadow root");
        assert.deepEqual(shadow.entries, strip(tree.entries));
        assert.equal(nested.available, false);
      } else if (monitor instanceof HardwareAssistedMonitor) {
        const tree = monitor.nested.tree(readOnly(hostPteMemory(machine.bus)));
        assert.equal(nested.available, true);
        assert.equal(nested.register?.name, "hgatp");
        assert.deepEqual(nested.entries, strip(tree.entries));
        assert.equal(nested.ranges?.length, tree.ranges.length);
        assert.equal(shadow.available, false);
      } else {
        assert.equal(shadow.available, false);
        assert.match(shadow.reason!, /no shadow page tables/);
        assert.equal(nested.available, false);
      }

      // ---- translate ------------------------------------------------------
      const pc = hart.pc;
      const walked = await custom<TranslateResponse>(client, "vmscope/translate", { address: hex(pc), root: "guest", access: "execute" });
      const direct = walkSv39(pc, Access.Fetch, { root: ppn(guestSatp), privilege: 1, sum: false, mxr: false, updateAccessedDirty: false }, guestReader);
      assert.equal(direct.kind, "ok");
      assert.equal(walked.ok, true);
      assert.equal(walked.physicalAddress, hex((direct as { physicalAddress: bigint }).physicalAddress));
      assert.deepEqual(walked.steps.map((s) => s.pteAddress), direct.steps.map((s) => hex(s.pteAddress)));
      if (monitor) assert.equal(walked.hostPhysicalAddress, hex(monitor.map.toHost(BigInt(walked.physicalAddress!))!));
      if (monitor instanceof Monitor) {
        const through = await custom<TranslateResponse>(client, "vmscope/translate", { address: hex(pc), root: "shadow", access: "execute" });
        const expected = monitor.shadow.translate(monitor.context(monitor.vcpus[0]), pc, Access.Fetch);
        assert.equal(through.verdict, expected.verdict);
        assert.equal(through.verdict, "mapped", "the kernel's code is in the shadow after running it");
        assert.equal(through.physicalAddress, hex(expected.shadow.address!));
        assert.equal(through.steps.filter((s) => s.stage === "shadow").length, expected.shadow.steps.length);
      }
      if (monitor instanceof HardwareAssistedMonitor) {
        const twoDimensional = await custom<TranslateResponse>(client, "vmscope/translate", { address: hex(pc), root: "nested", access: "execute" });
        const expected = translateNested(machine.bus, { vsatp: hart.h.vsatp, hgatp: hart.h.hgatp, privilege: 1, sum: false, mxr: false }, pc, Access.Fetch);
        assert.equal(twoDimensional.physicalAddress, hex(expected.hpa!));
        assert.equal(twoDimensional.references, expected.memoryReferences);
        assert.equal(twoDimensional.steps.length, expected.memoryReferences, "every reference is a step");
        if (expected.guestSteps.length === 3) assert.equal(twoDimensional.references, 15, "Sv39 under Sv39x4 with 4 KiB pages: 15 references");
        t.diagnostic(`2D walk of the pc: ${expected.guestSteps.length} guest levels, ${twoDimensional.references} references`);
        assert.equal(twoDimensional.steps.filter((s) => s.stage === "guest").length, expected.guestSteps.length);
      }

      // ---- exits, statistics, traps ----------------------------------------
      const exits = await custom<ExitsResponse>(client, "vmscope/exits", { since: 0 });
      const stats = await custom<ExitStatsResponse>(client, "vmscope/exitStats");
      const traps = await custom<TrapsResponse>(client, "vmscope/traps", {});
      if (monitor) {
        assert.deepEqual(exits.records, monitor.exits.since(0).map(exitInfo));
        assert.equal(exits.next, monitor.exits.total);
        assert.equal(exits.oldest, monitor.exits.oldestSequence);
        const statistics = monitor.exits.statistics();
        assert.equal(stats.total, statistics.total);
        assert.deepEqual(stats.byReason, statistics.byReason);
        const sbiOnly = await custom<ExitsResponse>(client, "vmscope/exits", { since: 0, reasons: ["sbi"], limit: 3 });
        assert.deepEqual(sbiOnly.records, monitor.exits.since(0, { reasons: ["sbi"], limit: 3 }).map(exitInfo));
        assert.ok(sbiOnly.records.length > 0 && sbiOnly.records.every((r) => r.reason === "sbi"));
      } else {
        assert.deepEqual(exits, { records: [], next: 0, oldest: 0 });
        assert.equal(stats.total, 0);
      }
      assert.equal(stats.instret, hart.instret);
      assert.deepEqual(traps.records, hart.traps.recent().map((record) => trapInfo(record, 0, hart.hypervisorExtension)));
      assert.equal(traps.next, hart.traps.total);
      assert.ok(traps.records.length > 0, "the hart has taken traps by the first system call");
      // The system call that stopped us: an ecall from (virtual) U-mode, taken where each mode takes it.
      const syscall = [...traps.records].reverse().find((record) => record.cause === 8 && !record.interrupt)!;
      assert.ok(syscall, "the system call's trap is in the history");
      assert.equal(syscall.name, "environment call from U-mode");
      const expectedPrivileges = { none: ["U", "S"], "trap-and-emulate": ["U", "M"], "binary-translation": ["U", "M"], "hardware-assisted": ["VU", "VS"] }[mode];
      assert.deepEqual([syscall.from, syscall.to], expectedPrivileges);
      const guestTrapVector = monitor instanceof Monitor ? monitor.vcpus[0].csr.stvec : monitor instanceof HardwareAssistedMonitor ? hart.h.vstvec : hart.csr.stvec;
      assert.equal(syscall.handler, hex(guestTrapVector & ~3n), "the handler entered is the guest kernel's trap vector (the monitor injects it there)");

      // ---- the same run without the adapter ---------------------------------
      const reference = referenceMachine(mode, address);
      assert.equal(reference.harts[0].instret, hart.instret, "deterministic: the same instruction count at the breakpoint");
      if (monitor && reference.monitor) assert.deepEqual(exits.records, reference.monitor.exits.since(0).map(exitInfo), "and the same exit records");
      assert.deepEqual(traps.records, reference.harts[0].traps.recent().map((record) => trapInfo(record, 0, hart.hypervisorExtension)));

      // ---- hypervisor, devices -------------------------------------------
      const overview = await custom<HypervisorResponse>(client, "vmscope/hypervisor");
      assert.equal(overview.mode, mode);
      assert.deepEqual(overview.vcpus[0], {
        id: 0,
        pc: hex(hart.pc),
        virtualPrivilege: "S",
        realPrivilege: { none: "S", "trap-and-emulate": "U", "binary-translation": "U", "hardware-assisted": "VS" }[mode],
        instret: hart.instret,
        waiting: false,
      });
      assert.deepEqual(overview.memory, machine.memoryAccounting());
      assert.deepEqual(overview.balloon, machine.balloonInfo());
      assert.equal(overview.exits, monitor?.exits.total ?? 0);
      const ram = overview.memoryMap.find((region) => region.kind === "ram")!;
      assert.equal(ram.base, "0x80000000");
      assert.equal(ram.size, hex(128n << 20n));
      if (monitor) {
        assert.equal(ram.hostBase, hex(monitor.map.hostRamBase));
        assert.ok(overview.memoryMap.some((region) => region.kind === "monitor" && region.base === hex(monitor.map.monitorRegion.base)));
      }
      t.diagnostic(
        `${mode}: guest tree ${guestTree.tables} tables/${guestTree.leaves} leaves, ${guest.ranges?.length} ranges; shadow ${shadow.entries.length} root entries; ` +
          `nested ${nested.entries.length} root entries; ${exits.records.length} exits, ${traps.records.length} traps; instret ${hart.instret}`,
      );
      const devices = await custom<DevicesResponse>(client, "vmscope/devices");
      assert.deepEqual(devices.devices, machine.deviceSnapshots());
      assert.ok(devices.devices.some((device) => device.name === "uart0"));

      // ---- the CSRs as the guest sees them, and as the machine runs it -----------
      const frameId = await topFrameId(client);
      const csrs = new Map((await scopeVariables(client, frameId, "CSRs")).map((v) => [v.name, v]));
      assert.ok(csrs.get("satp")!.value.startsWith(hex(guestSatp).slice(2).padStart(16, "0").replace(/^/, "0x")), "satp as the guest sees it");
      const satpFields = new Map((await client.variablesRequest({ variablesReference: csrs.get("satp")!.variablesReference })).body.variables.map((v) => [v.name, v.value]));
      assert.equal(satpFields.get("MODE"), "0x8 (Sv39)");
      assert.equal(satpFields.get("root table"), hex(ppn(guestSatp)));
      assert.ok(!csrs.has("mstatus"), "the guest kernel sees no M-mode CSRs");
      const scopes = (await client.scopesRequest({ frameId })).body.scopes.map((s) => s.name);
      if (monitor) {
        assert.deepEqual(scopes, ["Registers", "CSRs", "Machine (real)", "Hypervisor"]);
        const real = new Map((await scopeVariables(client, frameId, "Machine (real)")).map((v) => [v.name, v.value]));
        assert.equal(real.get("privilege"), mode === "trap-and-emulate" ? "U" : "VS");
        if (mode === "trap-and-emulate") assert.match(real.get("satp")!, new RegExp(`root 0x${ppn(hart.csr.satp).toString(16)}`));
        else assert.equal(BigInt(real.get("hgatp")!.split(" ")[0]), hart.h.hgatp);
      }
      // setVariable writes the guest's sscratch: the vCPU's virtual CSR, the VS CSR, or the real one.
      const csrScope = (await client.scopesRequest({ frameId })).body.scopes.find((s) => s.name === "CSRs")!.variablesReference;
      await client.setVariableRequest({ variablesReference: csrScope, name: "sscratch", value: "0x5a5a" });
      const sscratch = monitor instanceof Monitor ? monitor.vcpus[0].csr.sscratch : monitor instanceof HardwareAssistedMonitor ? hart.h.vsscratch : hart.csr.sscratch;
      assert.equal(sscratch, 0x5a5an);
      // Memory through the guest's translation reads the same bytes as through the guest-physical address.
      const virtual = await client.customRequest("readMemory", { memoryReference: `v:${hex(pc)}`, count: 16 }) as DebugProtocol.ReadMemoryResponse;
      const physical = await client.customRequest("readMemory", { memoryReference: `p:${walked.physicalAddress}`, count: 16 }) as DebugProtocol.ReadMemoryResponse;
      assert.equal(virtual.body?.data, physical.body?.data);
      const user = await client.customRequest("readMemory", { memoryReference: "v:0x10000000", count: 8 }) as DebugProtocol.ReadMemoryResponse;
      assert.equal(user.body?.unreadableBytes, 8, "an address the guest does not map is unreadable");

      if (monitor instanceof Monitor) {
        // A debugger write into the guest's page tables drops the shadows built from them; other writes leave them.
        const flushes = monitor.shadow.counters.flushes;
        const pteAddress = level0.entries[0].pteAddress;
        const pte = Buffer.alloc(8);
        pte.writeBigUInt64LE(BigInt(level0.entries[0].pte));
        const dataPage = `p:${hex(BigInt(walked.physicalAddress!) & ~0xfffn)}`;
        const code = (await client.customRequest("readMemory", { memoryReference: dataPage, count: 4 })) as DebugProtocol.ReadMemoryResponse;
        await client.customRequest("writeMemory", { memoryReference: dataPage, data: code.body!.data! });
        assert.equal(monitor.shadow.counters.flushes, flushes, "a write to code leaves the shadows");
        await client.customRequest("writeMemory", { memoryReference: `p:${pteAddress}`, data: pte.toString("base64") });
        assert.equal(monitor.shadow.counters.flushes, flushes + 1, "a write to a guest table drops the shadows");
        const after = await custom<TranslateResponse>(client, "vmscope/translate", { address: hex(pc), root: "shadow", access: "execute" });
        assert.equal(after.verdict, "hidden-fault", "the next access refills the shadow");
      }
    } finally {
      await harness.close();
    }
  });
}
