/**
 * The 32-bit encodings of RV64IMA + Zicsr + Zifencei + the privileged
 * instructions, as data (QEMU's insn32.decode, riscv-opcodes): one row per
 * instruction, name / mask / match / operand format / extension. The
 * decoder and the disassembler both read this table.
 */
import type { Format } from "./decoded";

export interface Encoding {
  name: string;
  mask: number;
  match: number;
  format: Format;
  extension: "I" | "M" | "A" | "Zicsr" | "Zifencei" | "priv" | "H";
}

const R = 0xfe00707f;
const I = 0x0000707f;
const SHIFT64 = 0xfc00707f;
const AMO = 0xf800707f;
const LR = 0xf9f0707f;

function op(name: string, mask: number, match: number, format: Format, extension: Encoding["extension"]): Encoding {
  return { name, mask: mask >>> 0, match: match >>> 0, format, extension };
}

/** funct3 / funct7 / opcode packed into a match value. */
function m(opcode: number, funct3 = 0, funct7 = 0): number {
  return (opcode | (funct3 << 12) | (funct7 << 25)) >>> 0;
}

function amo(name: string, funct5: number, width: number): Encoding {
  return op(name, name.startsWith("lr.") ? LR : AMO, m(0x2f, width) | (funct5 << 27), "amo", "A");
}

export const encodings: readonly Encoding[] = [
  op("lui", 0x7f, 0x37, "U", "I"),
  op("auipc", 0x7f, 0x17, "U", "I"),
  op("jal", 0x7f, 0x6f, "J", "I"),
  op("jalr", I, m(0x67, 0), "I", "I"),
  ...(["beq", "bne", "", "", "blt", "bge", "bltu", "bgeu"] as const).flatMap((name, funct3) =>
    name ? [op(name, I, m(0x63, funct3), "B", "I")] : [],
  ),
  ...(["lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"] as const).map((name, funct3) => op(name, I, m(0x03, funct3), "I", "I")),
  ...(["sb", "sh", "sw", "sd"] as const).map((name, funct3) => op(name, I, m(0x23, funct3), "S", "I")),
  op("addi", I, m(0x13, 0), "I", "I"),
  op("slti", I, m(0x13, 2), "I", "I"),
  op("sltiu", I, m(0x13, 3), "I", "I"),
  op("xori", I, m(0x13, 4), "I", "I"),
  op("ori", I, m(0x13, 6), "I", "I"),
  op("andi", I, m(0x13, 7), "I", "I"),
  op("slli", SHIFT64, m(0x13, 1), "shift", "I"),
  op("srli", SHIFT64, m(0x13, 5), "shift", "I"),
  op("srai", SHIFT64, m(0x13, 5) | (0x10 << 26), "shift", "I"),
  op("addiw", I, m(0x1b, 0), "I", "I"),
  op("slliw", R, m(0x1b, 1), "shift", "I"),
  op("srliw", R, m(0x1b, 5), "shift", "I"),
  op("sraiw", R, m(0x1b, 5, 0x20), "shift", "I"),
  op("add", R, m(0x33, 0), "R", "I"),
  op("sub", R, m(0x33, 0, 0x20), "R", "I"),
  op("sll", R, m(0x33, 1), "R", "I"),
  op("slt", R, m(0x33, 2), "R", "I"),
  op("sltu", R, m(0x33, 3), "R", "I"),
  op("xor", R, m(0x33, 4), "R", "I"),
  op("srl", R, m(0x33, 5), "R", "I"),
  op("sra", R, m(0x33, 5, 0x20), "R", "I"),
  op("or", R, m(0x33, 6), "R", "I"),
  op("and", R, m(0x33, 7), "R", "I"),
  op("addw", R, m(0x3b, 0), "R", "I"),
  op("subw", R, m(0x3b, 0, 0x20), "R", "I"),
  op("sllw", R, m(0x3b, 1), "R", "I"),
  op("srlw", R, m(0x3b, 5), "R", "I"),
  op("sraw", R, m(0x3b, 5, 0x20), "R", "I"),
  op("fence", I, m(0x0f, 0), "fence", "I"),
  op("fence.i", I, m(0x0f, 1), "none", "Zifencei"),
  op("ecall", 0xffffffff, 0x00000073, "none", "I"),
  op("ebreak", 0xffffffff, 0x00100073, "none", "I"),
  ...(["mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"] as const).map((name, funct3) =>
    op(name, R, m(0x33, funct3, 1), "R", "M"),
  ),
  ...(["mulw", "", "", "", "divw", "divuw", "remw", "remuw"] as const).flatMap((name, funct3) =>
    name ? [op(name, R, m(0x3b, funct3, 1), "R", "M")] : [],
  ),
  ...([2, 3] as const).flatMap((width) => {
    const suffix = width === 2 ? ".w" : ".d";
    return [
      amo(`lr${suffix}`, 0x02, width),
      amo(`sc${suffix}`, 0x03, width),
      amo(`amoswap${suffix}`, 0x01, width),
      amo(`amoadd${suffix}`, 0x00, width),
      amo(`amoxor${suffix}`, 0x04, width),
      amo(`amoand${suffix}`, 0x0c, width),
      amo(`amoor${suffix}`, 0x08, width),
      amo(`amomin${suffix}`, 0x10, width),
      amo(`amomax${suffix}`, 0x14, width),
      amo(`amominu${suffix}`, 0x18, width),
      amo(`amomaxu${suffix}`, 0x1c, width),
    ];
  }),
  ...(["", "csrrw", "csrrs", "csrrc"] as const).flatMap((name, funct3) => (name ? [op(name, I, m(0x73, funct3), "csr", "Zicsr")] : [])),
  ...(["", "csrrwi", "csrrsi", "csrrci"] as const).flatMap((name, funct3) =>
    name ? [op(name, I, m(0x73, funct3 + 4), "csri", "Zicsr")] : [],
  ),
  op("sret", 0xffffffff, 0x10200073, "none", "priv"),
  op("mret", 0xffffffff, 0x30200073, "none", "priv"),
  op("wfi", 0xffffffff, 0x10500073, "none", "priv"),
  op("sfence.vma", 0xfe007fff, 0x12000073, "sfence", "priv"),
  op("hfence.vvma", 0xfe007fff, 0x22000073, "sfence", "H"),
  op("hfence.gvma", 0xfe007fff, 0x62000073, "sfence", "H"),
  // Hypervisor loads (rs2 field selects the variant) and stores.
  ...([
    ["hlv.b", 0x30, 0], ["hlv.bu", 0x30, 1], ["hlv.h", 0x32, 0], ["hlv.hu", 0x32, 1], ["hlvx.hu", 0x32, 3],
    ["hlv.w", 0x34, 0], ["hlv.wu", 0x34, 1], ["hlvx.wu", 0x34, 3], ["hlv.d", 0x36, 0],
  ] as const).map(([name, funct7, variant]) => op(name, 0xfff0707f, m(0x73, 4, funct7) | (variant << 20), "hload", "H")),
  ...([["hsv.b", 0x31], ["hsv.h", 0x33], ["hsv.w", 0x35], ["hsv.d", 0x37]] as const).map(([name, funct7]) =>
    op(name, 0xfe007fff, m(0x73, 4, funct7), "hstore", "H"),
  ),
];
