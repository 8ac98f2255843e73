/**
 * The board's physical address map, laid out like QEMU's `virt` machine
 * (hw/riscv/virt.c) so guests built for QEMU run unchanged. Every other
 * module (bus wiring, device tree, reset ROM) reads it from here.
 */
export const memoryMap = {
  resetRom: { base: 0x0000_1000n, size: 0xf000 },
  test: { base: 0x0010_0000n, size: 0x1000 },
  clint: { base: 0x0200_0000n, size: 0x1_0000 },
  plic: { base: 0x0c00_0000n, size: 0x60_0000 },
  uart0: { base: 0x1000_0000n, size: 0x100 },
  virtio: { base: 0x1000_1000n, size: 0x1000, count: 8 },
  dram: { base: 0x8000_0000n },
} as const;

/** PLIC interrupt sources, as QEMU wires them. */
export const irqNumbers = {
  /** virtio-mmio slot i uses IRQ virtioFirst + i. */
  virtioFirst: 1,
  uart0: 10,
} as const;

/** Number of PLIC interrupt sources (QEMU virt: VIRT_IRQCHIP_NUM_SOURCES). */
export const plicSourceCount = 96;

/** mtime frequency the device tree announces (QEMU virt: 10 MHz). */
export const timebaseFrequency = 10_000_000;

/** Where `--bios FILE --kernel FILE` puts the kernel (QEMU's fw_jump convention). */
export const kernelLoadAddressWithBios = 0x8020_0000n;
