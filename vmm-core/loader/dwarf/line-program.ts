/**
 * .debug_line (DWARF 4 §6.2 and DWARF 5 §6.2): the header with its
 * directory and file tables (v5: self-describing entry formats, strings via
 * DW_FORM_line_strp/strp, MD5 as DW_FORM_data16) and the state machine
 * that turns the program into rows, grouped by sequence.
 */
import { ByteReader } from "./byte-reader";
import { hexOffset } from "./errors";
import { readForm, type FormContext, type FormValue } from "./forms";
import { joinPath } from "./paths";
import { stringOf, type DebugSections } from "./sections";

/**
 * One sequence's rows, column by column: a big kernel has millions of rows,
 * so addresses are number offsets from the sequence's start (a sequence
 * never spans 2^53 bytes) and nothing is allocated per row.
 */
export interface LineSequence {
  /** The address the offsets count from (the sequence's DW_LNE_set_address). */
  start: bigint;
  /** The address of the end_sequence row: the first address past the sequence. */
  end: bigint;
  offsets: number[];
  /** Indices into the unit's `files`. */
  files: number[];
  lines: number[];
  columns: number[];
  statements: boolean[];
}

export interface LineUnit {
  offset: number;
  /** Offset just past this unit: where the next one starts. */
  end: number;
  version: number;
  /** Full, normalized paths, indexed as the program's DW_LNS_set_file operands are (index 0 is unused in DWARF 4). */
  files: string[];
  sequences: LineSequence[];
}

const DW_LNS = {
  copy: 1,
  advance_pc: 2,
  advance_line: 3,
  set_file: 4,
  set_column: 5,
  negate_stmt: 6,
  set_basic_block: 7,
  const_add_pc: 8,
  fixed_advance_pc: 9,
  set_prologue_end: 10,
  set_epilogue_begin: 11,
  set_isa: 12,
} as const;

const DW_LNE = { end_sequence: 1, set_address: 2, define_file: 3, set_discriminator: 4 } as const;

const DW_LNCT = { path: 1, directory_index: 2 } as const;

interface LineHeader {
  version: number;
  minimumInstructionLength: number;
  maximumOperationsPerInstruction: number;
  defaultIsStatement: boolean;
  lineBase: number;
  lineRange: number;
  opcodeBase: number;
  standardOpcodeLengths: number[];
  addressSize: number;
  files: string[];
  programStart: number;
  end: number;
}

/** Reads the line program at `offset`; `compDir` comes from the unit's DW_AT_comp_dir (DWARF 4 headers do not carry it). */
export function readLineUnit(sections: DebugSections, offset: number, compDir: string, addressSize = 8): LineUnit {
  const r = new ByteReader(sections.line, ".debug_line", offset);
  if (offset >= sections.line.length) r.fail("line program offset (DW_AT_stmt_list) is beyond the section");
  const header = readHeader(r, sections, compDir, addressSize);
  const sequences = runProgram(r, header);
  return { offset, end: header.end, version: header.version, files: header.files, sequences };
}

function readHeader(r: ByteReader, sections: DebugSections, compDir: string, defaultAddressSize: number): LineHeader {
  const unitOffset = r.offset;
  const { offsetSize, end } = r.initialLength("line program");
  const version = r.u16();
  if (version < 2 || version > 5) r.fail(`unsupported line table version ${version}`, unitOffset);
  let addressSize = defaultAddressSize;
  if (version >= 5) {
    addressSize = r.u8();
    r.u8(); // segment_selector_size
  }
  const headerLength = r.offsetField(offsetSize);
  const programStart = r.offset + headerLength;
  const minimumInstructionLength = r.u8();
  const maximumOperationsPerInstruction = version >= 4 ? r.u8() : 1;
  const defaultIsStatement = r.u8() !== 0;
  const lineBase = r.i8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  if (lineRange === 0) r.fail("line_range is 0", unitOffset);
  if (maximumOperationsPerInstruction !== 1) r.fail(`maximum_operations_per_instruction ${maximumOperationsPerInstruction}: VLIW line tables are not supported`, unitOffset);
  const standardOpcodeLengths = [0];
  for (let i = 1; i < opcodeBase; i++) standardOpcodeLengths.push(r.u8());
  const files =
    version >= 5
      ? readV5Tables(r, sections, { addressSize, offsetSize, unitOffset, version })
      : readV4Tables(r, compDir);
  if (programStart > end) r.fail("header_length runs past the end of the line program", unitOffset);
  return {
    version,
    minimumInstructionLength,
    maximumOperationsPerInstruction,
    defaultIsStatement,
    lineBase,
    lineRange,
    opcodeBase,
    standardOpcodeLengths,
    addressSize,
    files,
    programStart,
    end,
  };
}

/** DWARF 2–4: include_directories and file_names as NUL-terminated lists; directory 0 is the compilation directory. */
function readV4Tables(r: ByteReader, compDir: string): string[] {
  const directories = [compDir];
  for (let name = r.cString(); name !== ""; name = r.cString()) directories.push(joinPath(compDir, name));
  const files = [""]; // file numbers start at 1
  for (let name = r.cString(); name !== ""; name = r.cString()) {
    const directory = r.ulebNumber();
    r.uleb(); // modification time
    r.uleb(); // length
    files.push(joinPath(compDir, directories[directory] ?? "", name));
  }
  return files;
}

/** DWARF 5: directory and file tables described by (content type, form) pairs; entry 0 is the compilation directory / primary file. */
function readV5Tables(r: ByteReader, sections: DebugSections, context: FormContext): string[] {
  const entries = (): Map<number, FormValue>[] => {
    const formatCount = r.u8();
    const format: [number, number][] = [];
    for (let i = 0; i < formatCount; i++) format.push([r.ulebNumber(), r.ulebNumber()]);
    const count = r.ulebNumber();
    const list: Map<number, FormValue>[] = [];
    for (let i = 0; i < count; i++) {
      const entry = new Map<number, FormValue>();
      for (const [type, form] of format) entry.set(type, readForm(r, form, context));
      list.push(entry);
    }
    return list;
  };
  const text = (value: FormValue | undefined): string => stringOf(sections, value) ?? "";
  const directoryEntries = entries();
  const compDir = text(directoryEntries[0]?.get(DW_LNCT.path));
  const directories = directoryEntries.map((entry, i) => (i === 0 ? compDir : joinPath(compDir, text(entry.get(DW_LNCT.path)))));
  return entries().map((entry) => {
    const index = entry.get(DW_LNCT.directory_index);
    const directory = index?.kind === "constant" ? directories[Number(index.value)] ?? "" : compDir;
    return joinPath(compDir, directory, text(entry.get(DW_LNCT.path)));
  });
}

function runProgram(r: ByteReader, h: LineHeader): LineSequence[] {
  const sequences: LineSequence[] = [];
  r.offset = h.programStart;
  let sequence = emptySequence();
  let baseSet = false;
  let offset = 0;
  let file = 1;
  let line = 1;
  let column = 0;
  let isStatement = h.defaultIsStatement;
  const reset = (): void => {
    sequence = emptySequence();
    baseSet = false;
    offset = 0;
    file = 1;
    line = 1;
    column = 0;
    isStatement = h.defaultIsStatement;
  };
  const emit = (): void => {
    sequence.offsets.push(offset);
    sequence.files.push(file);
    sequence.lines.push(line);
    sequence.columns.push(column);
    sequence.statements.push(isStatement);
  };
  while (r.offset < h.end) {
    const at = r.offset;
    const opcode = r.u8();
    if (opcode >= h.opcodeBase) {
      const adjusted = opcode - h.opcodeBase;
      offset += Math.floor(adjusted / h.lineRange) * h.minimumInstructionLength;
      line += h.lineBase + (adjusted % h.lineRange);
      emit();
      continue;
    }
    switch (opcode) {
      case 0: {
        const length = r.ulebNumber();
        const end = r.offset + length;
        if (length === 0) r.fail("extended opcode of length 0", at);
        const extended = r.u8();
        if (extended === DW_LNE.end_sequence) {
          sequence.end = sequence.start + BigInt(offset);
          sequences.push(sequence);
          reset();
        } else if (extended === DW_LNE.set_address) {
          const address = r.unsigned(length - 1);
          if (!baseSet && sequence.offsets.length === 0) {
            sequence.start = address;
            offset = 0;
          } else {
            offset = Number(address - sequence.start);
          }
          baseSet = true;
        }
        // define_file (DWARF 2–4), set_discriminator and vendor opcodes: nothing the tables need.
        if (r.offset > end) r.fail(`extended opcode ${extended} is longer than its length ${length}`, at);
        r.offset = end;
        break;
      }
      case DW_LNS.copy:
        emit();
        break;
      case DW_LNS.advance_pc:
        offset += r.ulebNumber() * h.minimumInstructionLength;
        break;
      case DW_LNS.advance_line:
        line += r.slebNumber();
        break;
      case DW_LNS.set_file:
        file = r.ulebNumber();
        break;
      case DW_LNS.set_column:
        column = r.ulebNumber();
        break;
      case DW_LNS.negate_stmt:
        isStatement = !isStatement;
        break;
      case DW_LNS.const_add_pc:
        offset += Math.floor((255 - h.opcodeBase) / h.lineRange) * h.minimumInstructionLength;
        break;
      case DW_LNS.fixed_advance_pc:
        // Not scaled by minimum_instruction_length: the assembler emits it when relaxation makes sizes unknown.
        offset += r.u16();
        break;
      case DW_LNS.set_basic_block:
      case DW_LNS.set_prologue_end:
      case DW_LNS.set_epilogue_begin:
        break;
      default:
        // set_isa and opcodes newer than we know: skip their ULEB128 operands as the header declares.
        for (let i = 0; i < (h.standardOpcodeLengths[opcode] ?? 0); i++) r.uleb();
    }
  }
  if (sequence.offsets.length > 0) r.fail(`line program at ${hexOffset(h.programStart)} ends without DW_LNE_end_sequence`);
  return sequences;
}

function emptySequence(): LineSequence {
  return { start: 0n, end: 0n, offsets: [], files: [], lines: [], columns: [], statements: [] };
}
