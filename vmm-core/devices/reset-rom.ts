/**
 * QEMU virt's mask ROM at 0x1000 (hw/riscv/boot.c, QEMU 7.2): the 10-word
 * reset vector of riscv_setup_rom_reset_vec, then OpenSBI's
 * fw_dynamic_info at 0x1028 (riscv_rom_copy_firmware_info). Each hart
 * starts here with a0 = mhartid, a1 = fdt address, a2 = &fw_dynamic_info,
 * then jumps to the start address. The words are QEMU's, bit for bit,
 * because the lockstep test compares instructions with QEMU.
 */
import type { AccessSize, Device, DeviceSnapshot } from "../bus/device";

/** Reset vector instructions, encoded as QEMU writes them for RV64. */
export const resetVectorInstructions = [
  { word: 0x0000_0297, text: "auipc t0, 0x0" },
  { word: 0x0282_8613, text: "addi a2, t0, 40" },
  { word: 0xf140_2573, text: "csrr a0, mhartid" },
  { word: 0x0202_b583, text: "ld a1, 32(t0)" },
  { word: 0x0182_b283, text: "ld t0, 24(t0)" },
  { word: 0x0002_8067, text: "jr t0" },
] as const;

/** OpenSBI fw_dynamic_info (include/hw/riscv/boot_opensbi.h). */
export const FW_DYNAMIC_INFO_MAGIC = 0x4942534fn; // "OSBI"
export const FW_DYNAMIC_INFO_VERSION = 2n;
export const FW_DYNAMIC_INFO_NEXT_MODE_S = 1;

/** Offset of fw_dynamic_info inside the ROM: right after the 10-word vector. */
export const dynamicInfoOffset = 0x28;

export interface DynamicInfo {
  nextAddress: bigint;
  nextMode: number;
}

const MASK64 = 0xffff_ffff_ffff_ffffn;

export class ResetRom implements Device {
  readonly name = "mrom";
  readonly kind = "riscv.mrom";
  readonly size = 0xf000;
  private readonly bytes = new Uint8Array(this.size);
  private readonly view = new DataView(this.bytes.buffer);

  constructor(
    readonly startAddress: bigint,
    readonly fdtAddress: bigint,
    readonly dynamicInfo: DynamicInfo,
  ) {
    let at = 0;
    for (const { word } of resetVectorInstructions) {
      this.view.setUint32(at, word, true);
      at += 4;
    }
    this.view.setBigUint64(at, startAddress & MASK64, true); // start: .dword
    this.view.setBigUint64(at + 8, fdtAddress & MASK64, true); // fdt_laddr: .dword
    const info = [
      FW_DYNAMIC_INFO_MAGIC,
      FW_DYNAMIC_INFO_VERSION,
      dynamicInfo.nextAddress & MASK64,
      BigInt(dynamicInfo.nextMode),
      0n, // options
      0n, // boot_hart
    ];
    info.forEach((v, i) => this.view.setBigUint64(dynamicInfoOffset + 8 * i, v, true));
  }

  /** The 32-bit little-endian word at `offset` (for tests and the disassembly view). */
  word(offset: number): number {
    return this.view.getUint32(offset, true);
  }

  read(offset: number, size: AccessSize): bigint {
    if (offset < 0 || offset + size > this.size) return 0n;
    switch (size) {
      case 1:
        return BigInt(this.bytes[offset]);
      case 2:
        return BigInt(this.view.getUint16(offset, true));
      case 4:
        return BigInt(this.view.getUint32(offset, true));
      default:
        return this.view.getBigUint64(offset, true);
    }
  }

  write(_offset: number, _size: AccessSize, _value: bigint): void {
    // Read-only: QEMU's ROM ignores stores.
  }

  reset(): void {
    // Contents are fixed at construction.
  }

  registerName(offset: number, _write: boolean): string {
    if (offset < dynamicInfoOffset - 16) return `reset_vec+0x${offset.toString(16)}`;
    if (offset < dynamicInfoOffset - 8) return "start_addr";
    if (offset < dynamicInfoOffset) return "fdt_addr";
    const field = ["magic", "version", "next_addr", "next_mode", "options", "boot_hart"][(offset - dynamicInfoOffset) >> 3];
    return field ? `fw_dynamic_info.${field}` : `mrom+0x${offset.toString(16)}`;
  }

  snapshot(base: bigint): DeviceSnapshot {
    return {
      name: this.name,
      kind: this.kind,
      base,
      size: this.size,
      registers: [
        { name: "start_addr", offset: 0x18, value: this.startAddress },
        { name: "fdt_addr", offset: 0x20, value: this.fdtAddress },
        { name: "fw_dynamic_info.next_addr", offset: 0x38, value: this.dynamicInfo.nextAddress },
        { name: "fw_dynamic_info.next_mode", offset: 0x40, value: this.dynamicInfo.nextMode },
      ],
      details: { resetVector: resetVectorInstructions.map((i) => i.text) },
    };
  }
}
