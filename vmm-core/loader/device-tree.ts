/**
 * The device tree handed to the guest in a1: a description of exactly
 * this board, modelled on what QEMU 7.2 generates for `-M virt`
 * (hw/riscv/virt.c), so firmware and kernels built for QEMU find their
 * devices where they expect them. Nodes QEMU has and vmscope does not
 * (PCI, flash, fw-cfg, RTC, PMU, platform bus) are left out.
 */
import { LoadError } from "../machine/errors";
import { irqNumbers, memoryMap, plicSourceCount } from "../machine/memory-map";
import { FdtBuilder } from "./fdt";

export interface BoardDescription {
  memoryBase: bigint;
  memoryBytes: bigint;
  harts: number;
  /** riscv,isa string, e.g. "rv64imac_zicsr_zifencei". */
  isa: string;
  /** e.g. "riscv,sv39". */
  mmuType: string;
  /** Kernel command line (/chosen/bootargs). */
  bootargs?: string;
  timebaseFrequency: number;
  /** How many virtio-mmio slots to list (0 … memoryMap.virtio.count). */
  virtioSlots?: number;
  /**
   * List the sifive_test power device (default true). A guest under the
   * monitor does not get it: its power control is SBI SRST, and the
   * physical board's power switch is not the guest's to touch.
   */
  powerDevice?: boolean;
}

/** Local interrupt causes (mip bits) the CLINT and PLIC drive. */
const IRQ_M_SOFT = 3;
const IRQ_M_TIMER = 7;
const IRQ_S_EXT = 9;
const IRQ_M_EXT = 11;
/** The ns16550a input clock QEMU announces (3.6864 MHz). */
const UART_CLOCK_FREQUENCY = 0x38_4000;
/** sifive_test command values (vmm-core/machine/power.ts decodes them). */
const TEST_FINISHER_PASS = 0x5555;
const TEST_FINISHER_RESET = 0x7777;

function unitAddress(base: bigint): string {
  return base.toString(16);
}

export function buildVirtDeviceTree(board: BoardDescription): Uint8Array {
  const virtioSlots = board.virtioSlots ?? 0;
  if (!Number.isInteger(board.harts) || board.harts < 1) throw new RangeError(`harts must be a positive integer, not ${board.harts}`);
  if (!Number.isInteger(virtioSlots) || virtioSlots < 0 || virtioSlots > memoryMap.virtio.count) {
    throw new RangeError(`virtioSlots must be 0…${memoryMap.virtio.count}, not ${virtioSlots}`);
  }
  const fdt = new FdtBuilder();
  const harts = Array.from({ length: board.harts }, (_, id) => ({ id, cpu: fdt.allocatePhandle(), intc: fdt.allocatePhandle() }));
  const plic = fdt.allocatePhandle();
  const test = fdt.allocatePhandle();
  const serialPath = `/soc/serial@${unitAddress(memoryMap.uart0.base)}`;

  fdt.beginNode("");
  fdt.u32("#address-cells", 2).u32("#size-cells", 2);
  fdt.string("compatible", "riscv-virtio").string("model", "riscv-virtio,qemu");

  fdt.beginNode("chosen");
  if (board.bootargs !== undefined) fdt.string("bootargs", board.bootargs);
  fdt.string("stdout-path", serialPath);
  fdt.endNode();

  fdt.beginNode(`memory@${unitAddress(board.memoryBase)}`);
  fdt.string("device_type", "memory").u64s("reg", [board.memoryBase, board.memoryBytes]);
  fdt.endNode();

  fdt.beginNode("cpus");
  fdt.u32("#address-cells", 1).u32("#size-cells", 0).u32("timebase-frequency", board.timebaseFrequency);
  for (const hart of harts) {
    fdt.beginNode(`cpu@${hart.id}`);
    fdt.phandle(hart.cpu).string("device_type", "cpu").u32("reg", hart.id).string("status", "okay");
    fdt.string("compatible", "riscv").string("riscv,isa", board.isa).string("mmu-type", board.mmuType);
    fdt.beginNode("interrupt-controller");
    // #address-cells = <0> is not in QEMU's tree; it keeps dtc's interrupt_provider check quiet.
    fdt.u32("#address-cells", 0).u32("#interrupt-cells", 1).empty("interrupt-controller");
    fdt.string("compatible", "riscv,cpu-intc").phandle(hart.intc);
    fdt.endNode();
    fdt.endNode();
  }
  fdt.beginNode("cpu-map").beginNode("cluster0");
  for (const hart of harts) fdt.beginNode(`core${hart.id}`).u32("cpu", hart.cpu).endNode();
  fdt.endNode().endNode();
  fdt.endNode(); // cpus

  const powerDevice = board.powerDevice ?? true;
  if (powerDevice) {
    fdt.beginNode("poweroff");
    fdt.u32("value", TEST_FINISHER_PASS).u32("offset", 0).u32("regmap", test).string("compatible", "syscon-poweroff");
    fdt.endNode();
    fdt.beginNode("reboot");
    fdt.u32("value", TEST_FINISHER_RESET).u32("offset", 0).u32("regmap", test).string("compatible", "syscon-reboot");
    fdt.endNode();
  }

  // /soc lists devices in address order.
  fdt.beginNode("soc");
  fdt.u32("#address-cells", 2).u32("#size-cells", 2).string("compatible", "simple-bus").empty("ranges");

  if (powerDevice) {
    fdt.beginNode(`test@${unitAddress(memoryMap.test.base)}`);
    fdt.phandle(test).u64s("reg", [memoryMap.test.base, BigInt(memoryMap.test.size)]);
    fdt.stringList("compatible", ["sifive,test1", "sifive,test0", "syscon"]);
    fdt.endNode();
  }

  fdt.beginNode(`clint@${unitAddress(memoryMap.clint.base)}`);
  fdt.cells("interrupts-extended", harts.flatMap((h) => [h.intc, IRQ_M_SOFT, h.intc, IRQ_M_TIMER]));
  fdt.u64s("reg", [memoryMap.clint.base, BigInt(memoryMap.clint.size)]);
  fdt.stringList("compatible", ["sifive,clint0", "riscv,clint0"]);
  fdt.endNode();

  fdt.beginNode(`plic@${unitAddress(memoryMap.plic.base)}`);
  fdt.phandle(plic);
  // Sources are 1…95; QEMU 7.2 says 96 here, an off-by-one fixed in later QEMU.
  fdt.u32("riscv,ndev", plicSourceCount - 1);
  fdt.u64s("reg", [memoryMap.plic.base, BigInt(memoryMap.plic.size)]);
  // Contexts per hart: M-mode external, then S-mode external.
  fdt.cells("interrupts-extended", harts.flatMap((h) => [h.intc, IRQ_M_EXT, h.intc, IRQ_S_EXT]));
  fdt.empty("interrupt-controller").stringList("compatible", ["sifive,plic-1.0.0", "riscv,plic0"]);
  fdt.u32("#address-cells", 0).u32("#interrupt-cells", 1);
  fdt.endNode();

  fdt.beginNode(`serial@${unitAddress(memoryMap.uart0.base)}`);
  fdt.u32("interrupts", irqNumbers.uart0).u32("interrupt-parent", plic).u32("clock-frequency", UART_CLOCK_FREQUENCY);
  fdt.u64s("reg", [memoryMap.uart0.base, BigInt(memoryMap.uart0.size)]).string("compatible", "ns16550a");
  fdt.endNode();

  // QEMU lists the slots from the highest address down, so drivers number the devices the same way (virtio-blk#0 in the last slot).
  for (let slot = virtioSlots - 1; slot >= 0; slot--) {
    const base = memoryMap.virtio.base + BigInt(slot * memoryMap.virtio.size);
    fdt.beginNode(`virtio_mmio@${unitAddress(base)}`);
    fdt.u32("interrupts", irqNumbers.virtioFirst + slot).u32("interrupt-parent", plic);
    fdt.u64s("reg", [base, BigInt(memoryMap.virtio.size)]).string("compatible", "virtio,mmio");
    fdt.endNode();
  }
  fdt.endNode(); // soc
  fdt.endNode(); // root
  return fdt.finish();
}

const MiB = 1n << 20n;
/** QEMU keeps the tree below 3 GiB so 32-bit guests can reach it too. */
const FDT_LIMIT = 3072n * MiB;
const FDT_ALIGN = 2n * MiB;

/**
 * Where the device tree goes, as QEMU 7.2's riscv_load_fdt (hw/riscv/boot.c)
 * places it: at the end of RAM, or at 3 GiB (absolute) when RAM starts
 * below that and reaches past it, minus its size, aligned down to 2 MiB.
 */
export function fdtLoadAddress(memoryBase: bigint, memoryBytes: bigint, fdtSize: number): bigint {
  const ramEnd = memoryBase + memoryBytes;
  const top = memoryBase < FDT_LIMIT && ramEnd > FDT_LIMIT ? FDT_LIMIT : ramEnd;
  const address = ((top - BigInt(fdtSize)) / FDT_ALIGN) * FDT_ALIGN;
  if (top < BigInt(fdtSize) || address < memoryBase) {
    throw new LoadError(
      `the device tree (${fdtSize} bytes) does not fit in ${memoryBytes / 1024n} KiB of RAM at 2 MiB alignment; give the guest more memory with --memory`,
    );
  }
  return address;
}
