import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { debianFirmware, needTool } from "../../test/support/reference";
import { LoadError } from "../machine/errors";
import { memoryMap, timebaseFrequency } from "../machine/memory-map";
import { buildVirtDeviceTree, fdtLoadAddress, type BoardDescription } from "./device-tree";
import { dtc } from "./dtc-reference";
import { findNode, parseFdt, propertyCells, propertyStrings, type FdtNode } from "./fdt";

const QEMU = "qemu-system-riscv64";
const testdata = new URL("./testdata/", import.meta.url);

const oneHart: BoardDescription = {
  memoryBase: memoryMap.dram.base,
  memoryBytes: 128n << 20n,
  harts: 1,
  isa: "rv64imac_zicsr_zifencei",
  mmuType: "riscv,sv39",
  timebaseFrequency,
};
const twoHarts: BoardDescription = {
  ...oneHart,
  memoryBytes: 4n << 30n,
  harts: 2,
  bootargs: "console=ttyS0 earlycon=sbi",
  virtioSlots: 2,
};

/** Every node by its full path ("/" for the root). */
function nodesByPath(root: FdtNode): Map<string, FdtNode> {
  const out = new Map<string, FdtNode>();
  const walk = (node: FdtNode, path: string): void => {
    out.set(path || "/", node);
    for (const child of node.children) walk(child, `${path}/${child.name}`);
  };
  walk(root, "");
  return out;
}

/** Properties whose cells are phandles (every cell, or every other for interrupts-extended). */
const phandleProperties = new Set(["phandle", "regmap", "interrupt-parent", "cpu"]);

/** A property's value with phandles replaced by the paths they point at, so two trees compare. */
function describeProperties(root: FdtNode): Map<string, string> {
  const nodes = nodesByPath(root);
  const pathOf = new Map<number, string>();
  for (const [path, node] of nodes) {
    const phandle = propertyCells(node, "phandle");
    if (phandle) pathOf.set(phandle[0]!, path);
  }
  const out = new Map<string, string>();
  for (const [path, node] of nodes) {
    for (const property of node.properties) {
      let value: string;
      if (phandleProperties.has(property.name)) {
        value = `&${pathOf.get(propertyCells(node, property.name)![0]!)}`;
      } else if (property.name === "interrupts-extended") {
        const cells = propertyCells(node, property.name)!;
        value = cells.map((c, i) => (i % 2 === 0 ? `&${pathOf.get(c)}` : String(c))).join(" ");
      } else {
        value = Array.from(property.value, (b) => b.toString(16).padStart(2, "0")).join("");
      }
      out.set(`${path}:${property.name}`, value);
    }
  }
  return out;
}

describe("buildVirtDeviceTree", () => {
  for (const [file, board] of [
    ["virt-1hart.dts", oneHart],
    ["virt-2harts.dts", twoHarts],
  ] as const) {
    test(`dtc decompiles it to testdata/${file}, without warnings`, (t) => {
      if (!needTool(t, "dtc")) return;
      const blob = buildVirtDeviceTree(board);
      const { text, stderr } = dtc(["-I", "dtb", "-O", "dts"], blob);
      assert.equal(text, readFileSync(new URL(file, testdata), "utf8"));
      assert.equal(stderr, "");
      // Recompiling the source gives the same blob: nothing was lost or reordered.
      assert.deepEqual(dtc(["-I", "dts", "-O", "dtb"], text).output, blob);
    });
  }

  test("parseFdt reads the board back", () => {
    const tree = parseFdt(buildVirtDeviceTree(twoHarts));
    const root = tree.root;
    assert.deepEqual(propertyStrings(root, "compatible"), ["riscv-virtio"]);
    const stdout = propertyStrings(findNode(root, "/chosen")!, "stdout-path")![0]!;
    assert.deepEqual(propertyStrings(findNode(root, stdout)!, "compatible"), ["ns16550a"]);
    assert.deepEqual(propertyStrings(findNode(root, "/chosen")!, "bootargs"), ["console=ttyS0 earlycon=sbi"]);
    assert.deepEqual(propertyCells(findNode(root, "/memory@80000000")!, "reg"), [0, 0x8000_0000, 1, 0]);
    assert.deepEqual(propertyCells(findNode(root, "/cpus")!, "timebase-frequency"), [timebaseFrequency]);
    const cpu1 = findNode(root, "/cpus/cpu@1")!;
    assert.deepEqual(propertyStrings(cpu1, "riscv,isa"), ["rv64imac_zicsr_zifencei"]);
    assert.deepEqual(propertyStrings(cpu1, "mmu-type"), ["riscv,sv39"]);
    const phandles = [...nodesByPath(root).values()].flatMap((n) => propertyCells(n, "phandle") ?? []);
    assert.equal(new Set(phandles).size, phandles.length, "phandles are unique");
    const props = describeProperties(root);
    assert.equal(props.get("/soc/clint@2000000:interrupts-extended"), "&/cpus/cpu@0/interrupt-controller 3 &/cpus/cpu@0/interrupt-controller 7 &/cpus/cpu@1/interrupt-controller 3 &/cpus/cpu@1/interrupt-controller 7");
    assert.equal(props.get("/soc/plic@c000000:interrupts-extended"), "&/cpus/cpu@0/interrupt-controller 11 &/cpus/cpu@0/interrupt-controller 9 &/cpus/cpu@1/interrupt-controller 11 &/cpus/cpu@1/interrupt-controller 9");
    assert.equal(props.get("/poweroff:regmap"), "&/soc/test@100000");
    assert.equal(props.get("/soc/virtio_mmio@10002000:interrupt-parent"), "&/soc/plic@c000000");
    assert.deepEqual(propertyCells(findNode(root, "/soc/virtio_mmio@10002000")!, "interrupts"), [2]);
    assert.equal(findNode(root, "/soc/virtio_mmio@10003000"), undefined);
  });

  test("agrees with QEMU 7.2's own virt tree on every property it emits", (t) => {
    if (!needTool(t, QEMU)) return;
    const dir = mkdtempSync(join(tmpdir(), "vmscope-qemu-dtb-"));
    try {
      const dumped = join(dir, "qemu.dtb");
      const kernel = join(dir, "kernel.bin");
      writeFileSync(kernel, new Uint8Array([0x6f, 0, 0, 0])); // QEMU wants a kernel before it takes -append.
      const run = spawnSync(QEMU, ["-M", `virt,dumpdtb=${dumped}`, "-m", "4G", "-smp", "2", "-bios", "none", "-kernel", kernel, "-nographic", "-append", twoHarts.bootargs!], { encoding: "utf8", timeout: 30_000 });
      assert.equal(run.status, 0, run.stderr);
      const qemu = describeProperties(parseFdt(new Uint8Array(readFileSync(dumped)), "qemu.dtb").root);
      const ours = describeProperties(parseFdt(buildVirtDeviceTree(twoHarts)).root);
      // Deliberate differences: our CPU (no F/D/H, Sv39), PLIC sources 1…95, and a
      // #address-cells on the CPU interrupt controllers that dtc asks for.
      const differs = /^\/cpus\/cpu@\d:(riscv,isa|mmu-type)$|^\/soc\/plic@c000000:riscv,ndev$|^\/cpus\/cpu@\d\/interrupt-controller:#address-cells$/;
      assert.ok(ours.size > 70, `only ${ours.size} properties compared`);
      const mismatches: string[] = [];
      for (const [key, value] of ours) {
        if (differs.test(key)) continue;
        if (qemu.get(key) !== value) mismatches.push(`${key}: ours ${value}, QEMU ${qemu.get(key) ?? "(missing)"}`);
      }
      assert.deepEqual(mismatches, []);
      assert.equal(qemu.get("/soc/plic@c000000:riscv,ndev"), "00000060", "QEMU 7.2 announces 96 sources");
      assert.equal(ours.get("/soc/plic@c000000:riscv,ndev"), "0000005f");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("OpenSBI (Debian's fw_jump.elf) accepts the tree in QEMU", async (t) => {
    if (!needTool(t, QEMU, debianFirmware.openSbiFwJump)) return;
    const dir = mkdtempSync(join(tmpdir(), "vmscope-opensbi-"));
    try {
      const dtb = join(dir, "vmscope.dtb");
      writeFileSync(dtb, buildVirtDeviceTree({ ...twoHarts, memoryBytes: 256n << 20n }));
      const output = await runUntil(QEMU, ["-M", "virt", "-m", "256M", "-smp", "2", "-bios", debianFirmware.openSbiFwJump, "-dtb", dtb, "-nographic", "-monitor", "none", "-serial", "stdio"], /Boot HART ISA/);
      assert.match(output, /Platform Name\s+: riscv-virtio,qemu/);
      assert.match(output, /Platform HART Count\s+: 2/);
      assert.match(output, /Platform Timer Device\s+: aclint-mtimer @ 10000000Hz/);
      assert.match(output, /Platform Console Device\s+: uart8250/);
      assert.match(output, /Platform Shutdown Device\s+: sifive_test/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("refuses impossible boards", () => {
    assert.throws(() => buildVirtDeviceTree({ ...oneHart, harts: 0 }), /harts must be a positive integer/);
    assert.throws(() => buildVirtDeviceTree({ ...oneHart, virtioSlots: 9 }), /virtioSlots must be 0…8/);
  });
});

/** Runs a command until its output matches `done` (or 20 s pass), then stops it. */
function runUntil(command: string, args: string[], done: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not print ${done} within 20 s:\n${output}`));
    }, 20_000);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      if (done.test(output)) {
        clearTimeout(timer);
        child.kill("SIGKILL");
        resolve(output);
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe("fdtLoadAddress", () => {
  test("matches where QEMU 7.2 puts its device tree", async (t) => {
    if (!needTool(t, QEMU)) return;
    for (const [memory, bytes] of [
      ["128M", 128n << 20n],
      ["2G", 2n << 30n],
    ] as const) {
      const roms = await runWithInput(QEMU, ["-M", "virt", "-m", memory, "-bios", "none", "-S", "-nographic", "-serial", "none", "-monitor", "stdio"], "info roms\nquit\n");
      const match = /addr=([0-9a-f]+) size=0x([0-9a-f]+) mem=ram name="fdt"/.exec(roms);
      assert.ok(match, roms);
      assert.equal(fdtLoadAddress(memoryMap.dram.base, bytes, parseInt(match[2]!, 16)), BigInt(`0x${match[1]!}`), memory);
    }
  });

  test("follows riscv_load_fdt's rules", () => {
    const MiB = 1n << 20n;
    // End of RAM, minus the size, 2 MiB-aligned.
    assert.equal(fdtLoadAddress(0x8000_0000n, 128n * MiB, 0x1800), 0x87e0_0000n);
    assert.equal(fdtLoadAddress(0x8000_0000n, 128n * MiB, 0x20_0001), 0x87c0_0000n);
    // RAM that reaches past 3 GiB: capped there.
    assert.equal(fdtLoadAddress(0x8000_0000n, 4096n * MiB, 0x1800), 0xbfe0_0000n);
    // RAM that starts above 3 GiB: the end of RAM.
    assert.equal(fdtLoadAddress(0x1_0000_0000n, 64n * MiB, 0x1800), 0x1_03e0_0000n);
    assert.equal(fdtLoadAddress(0x8000_0000n, 1n * MiB, 0x1800), 0x8000_0000n);
    assert.throws(() => fdtLoadAddress(0x8000_0000n, 1n * MiB, 0x10_0001), (e: unknown) => e instanceof LoadError && /--memory/.test(e.message));
  });
});

/** Runs a command with `input` on stdin and returns everything it printed. */
function runWithInput(command: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not exit within 20 s:\n${output}`));
    }, 20_000);
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(output);
    });
    child.stdin.end(input);
  });
}
