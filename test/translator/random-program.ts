/**
 * Random bare-machine guests for the engine differential test: a loop over
 * a body of random valid instructions drawn from the decoder's encoding
 * tables (RV64IMAC, a few CSRs, ECALL/EBREAK), stores that patch later
 * instructions of the body (self-modifying code, with or without
 * FENCE.I), and an M-mode handler that skips whatever traps. The guest
 * itself is deterministic, so both engines must end in the same state.
 */
import { encodings, type Encoding } from "../../vmm-core/isa/encoding-table";
import { compressedEncodings } from "../../vmm-core/isa/compressed-table";
import { buildElf } from "../support/elf-builder";

/** One random choice: what kind of instruction, and the bits to fill it with. */
export interface Gene {
  kind: number;
  bits: number;
  extra: number;
}

const base = 0x8000_0000;
const dataOffset = 0x10_0000;
/** Registers the body never writes: x2/x4 handler scratch, x3 loop counter, x8 data pointer, x9 code pointer. */
const reserved = new Set([2, 3, 4, 8, 9]);
const free = Array.from({ length: 32 }, (_, i) => i).filter((i) => i !== 0 && !reserved.has(i));

const r = (funct7: number, rs2: number, rs1: number, funct3: number, rd: number, opcode: number): number =>
  ((funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
const i = (imm: number, rs1: number, funct3: number, rd: number, opcode: number): number =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode) >>> 0;
const s = (imm: number, rs2: number, rs1: number, funct3: number): number =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 0x1f) << 7) | 0x23) >>> 0;
const b = (offset: number, rs2: number, rs1: number, funct3: number): number =>
  ((((offset >> 12) & 1) << 31) | (((offset >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) |
    (((offset >> 1) & 0xf) << 8) | (((offset >> 11) & 1) << 7) | 0x63) >>> 0;
const j = (offset: number, rd: number): number =>
  ((((offset >> 20) & 1) << 31) | (((offset >> 1) & 0x3ff) << 21) | (((offset >> 11) & 1) << 20) | (((offset >> 12) & 0xff) << 12) | (rd << 7) | 0x6f) >>> 0;
const u = (imm20: number, rd: number, opcode: number): number => (((imm20 & 0xfffff) << 12) | (rd << 7) | opcode) >>> 0;
const csrr = (rd: number, csr: number): number => i(csr, 0, 2, rd, 0x73);
const csrw = (csr: number, rs1: number): number => i(csr, rs1, 1, 0, 0x73);
const mret = 0x30200073;
const fenceI = 0x0000100f;

/** auipc + addi: rd = the address `target`, from the instruction at `at` (both offsets from the image start). */
const la = (rd: number, target: number, at: number): number[] => {
  const offset = target - at;
  return [u((offset + 0x800) >> 12, rd, 0x17), i(offset & 0xfff, rd, 0, rd, 0x13)];
};
const setField = (raw: number, shift: number, value: number): number => ((raw & ~(0x1f << shift)) | (value << shift)) >>> 0;
const pick = <T>(list: readonly T[], n: number): T => list[Math.abs(n) % list.length];

/** Computational and memory rows of the tables (no system, CSR, fence or hypervisor rows: those come from chosen patterns). */
const computational = encodings.filter((e) => ["R", "I", "shift", "U"].includes(e.format) && ["I", "M"].includes(e.extension) && e.name !== "jalr");
const memory = encodings.filter((e) => /^(l[bhwd]u?|s[bhwd])$/.test(e.name));
const immediateRows = encodings.filter((e) => e.format === "I" && e.extension === "I" && (e.match & 0x7f) === 0x13);
const atomics = encodings.filter((e) => e.format === "amo");

/** A random valid instance of a row: random bits outside its mask, rd forced to a free register. */
function instance(encoding: Encoding, bits: number, rd: number): number {
  let raw = ((bits & ~encoding.mask) | encoding.match) >>> 0;
  if (encoding.format !== "S") raw = setField(raw, 7, rd);
  return raw;
}

/** A random compressed instruction whose expansion writes no reserved register (or undefined to retry). */
function compressed(bits: number): number | undefined {
  for (let attempt = 0; attempt < 8; attempt++) {
    const half = (bits >>> (attempt * 3)) & 0xffff;
    const candidate = (half ^ (attempt * 0x1357)) & 0xffff;
    if ((candidate & 3) === 3) continue;
    const row = compressedEncodings.find((e) => (candidate & e.mask) === e.match);
    const expansion = row?.expand(candidate);
    if (!expansion || ["jal", "jalr", "beq", "bne", "ebreak"].includes(expansion.base)) continue;
    if (reserved.has(expansion.rd) && !/^s[bhwd]$/.test(expansion.base)) continue;
    return candidate;
  }
  return undefined;
}

/**
 * Body instructions as 16- or 32-bit parcels. `slot` is the instruction's
 * index, `count` the body length: branches and jumps only go forward
 * inside the body, so every pass ends at the loop's back edge.
 */
function bodyInstruction(gene: Gene, slot: number, count: number, wordOf: (slot: number) => number): { raw: number; length: 2 | 4 }[] {
  const rd = pick(free, gene.extra);
  const rs = (n: number) => (n >>> 0) % 32;
  const forward = 4 * (1 + ((gene.extra >>> 8) % Math.max(1, Math.min(12, count - slot))));
  switch (gene.kind % 12) {
    case 0:
    case 1:
    case 2:
      return [{ raw: instance(pick(computational, gene.bits >>> 20), gene.bits, rd), length: 4 }];
    case 3: {
      // A load or store near the data pointer; now and then through any register (faults, devices).
      const row = pick(memory, gene.extra >>> 4);
      let raw = instance(row, gene.bits, rd);
      if ((gene.extra & 0xf00) !== 0) raw = setField(raw, 15, 8);
      return [{ raw, length: 4 }];
    }
    case 4: {
      // AMOs and LR/SC at the aligned data pointer.
      const raw = setField(instance(pick(atomics, gene.bits >>> 3), gene.bits, rd), 15, 8);
      return [{ raw, length: 4 }];
    }
    case 5:
      return [{ raw: b(forward, rs(gene.bits >>> 5), rs(gene.bits), pick([0, 1, 4, 5, 6, 7], gene.bits >>> 10)), length: 4 }];
    case 6:
      return [{ raw: j(forward, pick([0, rd], gene.bits)), length: 4 }];
    case 7: {
      const half = compressed(gene.bits);
      return half === undefined ? [{ raw: 0x13, length: 4 }] : [{ raw: half, length: 2 }];
    }
    case 8:
      // Counters and scratch: instret and cycle read mid-block must be exact; mscratch written and read.
      return [{ raw: (gene.bits & 1) === 0 ? csrr(rd, pick([0xb02, 0xb00, 0xc00, 0xc02, 0xc01, 0x340, 0x344], gene.bits >>> 1)) : csrw(0x340, rs(gene.bits >>> 3)), length: 4 }];
    case 9:
      // ECALL, EBREAK or an illegal word: traps the handler skips.
      return [{ raw: pick([0x00000073, 0x00100073, 0xffffffff, 0x00000000], gene.bits), length: 4 }];
    case 10: {
      // Self-modifying code: patch a later slot of the body (x9 points at the body) with a random computational instruction.
      // An I-type instruction whose immediate is xored with the loop counter: each pass writes different code.
      const patch = instance(pick(immediateRows, gene.bits >>> 20), gene.bits, rd);
      // The word just after this patch sequence, or a few slots on: usually in the block being run.
      const target = (gene.extra & 2) === 0 ? wordOf(slot) + 5 + (gene.extra & 1 ? 0 : 1) : wordOf(Math.min(count, slot + 1 + ((gene.extra >>> 12) % 8)));
      // Never the loop's back edge (its counter must keep counting).
      const words = [
        u((patch + 0x800) >>> 12, 7, 0x37), // lui x7
        i(patch & 0xfff, 7, 0, 7, 0x13), // addi x7, x7
        i(20, 3, 1, 6, 0x13), // slli x6, x3, 20
        r(0, 6, 7, 4, 7, 0x33), // xor x7, x7, x6
        s(Math.min(target, wordOf(count) - 1) * 4, 7, 9, 2), // sw x7, target(x9)
      ];
      if ((gene.extra & 1) === 0) words.push(fenceI);
      return words.map((raw) => ({ raw, length: 4 as const }));
    }
    default:
      // JALR over one instruction: auipc rd, 0; jalr x0, 12(rd).
      return [{ raw: u(0, rd, 0x17), length: 4 }, { raw: i(12, rd, 0, 0, 0x67), length: 4 }, { raw: 0x13, length: 4 }];
  }
}

export interface RandomProgram {
  elf: Uint8Array;
  /** Instructions in the body (each pass). */
  bodyLength: number;
}

/** The guest: setup, `iterations` passes over the body, power-off; the trap handler after it. */
export function randomProgram(genes: readonly Gene[], seeds: readonly number[], iterations: number): RandomProgram {
  // Each body slot is padded to 16 bytes (4 words) so branch offsets and patch targets stay word-aligned slots.
  const parcels: number[][] = [];
  // Word index of each slot in the body (sizes do not depend on the positions: a first pass finds them).
  const starts: number[] = [0];
  genes.forEach((gene, slot) => starts.push(starts[slot] + bodyInstruction(gene, slot, genes.length, () => 0).length));
  const wordOf = (slot: number) => starts[Math.min(slot, genes.length)];
  genes.forEach((gene, slot) => {
    const words: number[] = [];
    for (const { raw, length } of bodyInstruction(gene, slot, genes.length, wordOf)) {
      if (length === 2) words.push(raw, 0x0001); // c.nop after a compressed instruction keeps 4-byte slots
      else words.push(raw & 0xffff, raw >>> 16);
    }
    parcels.push(words);
  });
  // Flatten to 32-bit words in 16-bit parcels; slots are addressed by word index in branches (4 bytes each).
  const halves = parcels.flat();
  const setup: number[] = [];
  const setupLength = 8 + 2 * (free.length);
  const bodyStart = setupLength * 4;
  const bodyBytes = halves.length * 2;
  const tail = bodyStart + bodyBytes;
  const handlerAt = tail + 7 * 4;
  const pc = (index: number) => index * 4;
  // mtvec = handler; x8 = data + 2048; x9 = body; x3 = iterations.
  setup.push(...la(5, handlerAt, pc(0)), csrw(0x305, 5));
  setup.push(...la(8, dataOffset + 2048, pc(3)));
  setup.push(...la(9, bodyStart, pc(5)));
  setup.push(i(iterations, 0, 0, 3, 0x13));
  free.forEach((reg, n) => {
    const value = seeds[n % seeds.length] | 0;
    setup.push(u((value + 0x800) >>> 12, reg, 0x37), i(value & 0xfff, reg, 0, reg, 0x13));
  });
  const after = [
    i(-1, 3, 0, 3, 0x13), // addi x3, x3, -1
    b(bodyStart - (tail + 4), 0, 3, 1), // bne x3, x0, body
    u(0x100, 5, 0x37), // lui x5, 0x100 (sifive_test)
    u(5, 6, 0x37), // lui x6, 5
    i(0x555, 6, 0, 6, 0x13), // addi x6, x6, 0x555 → 0x5555
    s(0, 6, 5, 2), // sw x6, 0(x5)
    j(0, 0), // spin
  ];
  const recover = 7 * 4;
  const handler = [
    csrr(4, 0x342), // mcause
    i(2, 4, 3, 2, 0x13), // sltiu x2, x4, 2: a fetch problem (misaligned, access fault)
    b(recover - 8, 0, 2, 1), // bne x2, x0, recover
    csrr(4, 0x341),
    i(4, 4, 0, 4, 0x13), // mepc + 4
    csrw(0x341, 4),
    mret,
    // recover: resume at the loop's back edge.
    ...la(4, tail, handlerAt + recover),
    csrw(0x341, 4),
    mret,
  ];
  const words = [...setup];
  for (let k = 0; k < halves.length; k += 2) words.push((halves[k] | (halves[k + 1] << 16)) >>> 0);
  words.push(...after, ...handler);
  const bytes = new Uint8Array(words.length * 4);
  const view = new DataView(bytes.buffer);
  words.forEach((word, k) => view.setUint32(k * 4, word >>> 0, true));
  const address = BigInt(base);
  return { elf: buildElf({ entry: address, segments: [{ address, data: bytes }] }), bodyLength: halves.length / 2 };
}
