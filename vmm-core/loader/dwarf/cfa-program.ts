/**
 * Executes call frame instructions (DWARF 5 §6.4.2, DW_CFA_*) into the
 * table row for an address: how to find the CFA and where each register of
 * the caller was saved. DWARF expressions (def_cfa_expression, expression,
 * val_expression) are read past and yield an "expression" rule the
 * unwinder cannot evaluate, so it falls back to frame pointers there.
 */
import { ByteReader } from "./byte-reader";
import { readEncodedPointer, type CommonInformationEntry, type FrameDescriptionEntry, type InstructionRange } from "./frame-entries";

export type RegisterRule =
  | { kind: "undefined" }
  | { kind: "sameValue" }
  /** Saved at CFA + offset. */
  | { kind: "offset"; offset: bigint }
  /** The value is CFA + offset. */
  | { kind: "valOffset"; offset: bigint }
  | { kind: "register"; register: number }
  | { kind: "expression" }
  | { kind: "valExpression" };

export type CfaRule = { kind: "registerOffset"; register: number; offset: bigint } | { kind: "expression" };

export interface FrameRow {
  /** The row applies from here up to the next row's address. */
  address: bigint;
  cfa: CfaRule;
  /** Registers without an entry keep the architecture's default (same value on RISC-V). */
  registers: Map<number, RegisterRule>;
}

const DW_CFA = {
  advance_loc: 0x40,
  offset: 0x80,
  restore: 0xc0,
  nop: 0x00,
  set_loc: 0x01,
  advance_loc1: 0x02,
  advance_loc2: 0x03,
  advance_loc4: 0x04,
  offset_extended: 0x05,
  restore_extended: 0x06,
  undefined: 0x07,
  same_value: 0x08,
  register: 0x09,
  remember_state: 0x0a,
  restore_state: 0x0b,
  def_cfa: 0x0c,
  def_cfa_register: 0x0d,
  def_cfa_offset: 0x0e,
  def_cfa_expression: 0x0f,
  expression: 0x10,
  offset_extended_sf: 0x11,
  def_cfa_sf: 0x12,
  def_cfa_offset_sf: 0x13,
  val_offset: 0x14,
  val_offset_sf: 0x15,
  val_expression: 0x16,
  MIPS_advance_loc8: 0x1d,
  GNU_args_size: 0x2e,
  GNU_negative_offset_extended: 0x2f,
} as const;

interface State {
  cfa: CfaRule;
  registers: Map<number, RegisterRule>;
}

function copy(state: State): State {
  return { cfa: { ...state.cfa }, registers: new Map(state.registers) };
}

/** Every row of the FDE's table, lowest address first. */
export function frameRows(fde: FrameDescriptionEntry): FrameRow[] {
  const rows: FrameRow[] = [];
  run(fde, (row) => rows.push(row));
  return rows;
}

function run(fde: FrameDescriptionEntry, emit: (row: FrameRow) => void): void {
  const cie = fde.cie;
  const state: State = { cfa: { kind: "registerOffset", register: 0, offset: 0n }, registers: new Map() };
  execute(cie, cie.initialInstructions, state, undefined, { location: fde.low }, () => undefined);
  const initial = copy(state);
  const cursor = { location: fde.low };
  execute(cie, fde.instructions, state, initial, cursor, (next) => {
    // A new row starts at `next`: the state so far describes [location, next).
    if (next !== cursor.location) emit({ address: cursor.location, cfa: { ...state.cfa }, registers: new Map(state.registers) });
  });
  emit({ address: cursor.location, cfa: { ...state.cfa }, registers: new Map(state.registers) });
}

/**
 * Runs one instruction stream. `advance(next)` is called before the
 * location moves, so the caller can close the current row. `initial` is
 * the state after the CIE's instructions, which
 * DW_CFA_restore returns to (undefined while running the CIE itself).
 */
function execute(
  cie: CommonInformationEntry,
  range: InstructionRange,
  state: State,
  initial: State | undefined,
  cursor: { location: bigint },
  advance: (next: bigint) => void,
): void {
  const r: ByteReader = new ByteReader(cie.section.bytes, cie.section.name, range.start);
  const stack: State[] = [];
  const factored = (value: bigint): bigint => value * cie.dataAlignment;
  const set = (register: number, rule: RegisterRule): void => {
    state.registers.set(register, rule);
  };
  const restore = (register: number): void => {
    const rule = initial?.registers.get(register);
    if (rule) state.registers.set(register, rule);
    else state.registers.delete(register);
  };
  const moveTo = (next: bigint): void => {
    advance(next);
    cursor.location = next;
  };
  const setCfaOffset = (offset: bigint): void => {
    if (state.cfa.kind === "registerOffset") state.cfa = { ...state.cfa, offset };
  };
  const setCfaRegister = (register: number): void => {
    state.cfa = { kind: "registerOffset", register, offset: state.cfa.kind === "registerOffset" ? state.cfa.offset : 0n };
  };

  while (r.offset < range.end) {
    const at = r.offset;
    const opcode = r.u8();
    const high = opcode & 0xc0;
    const low = opcode & 0x3f;
    if (high === DW_CFA.advance_loc) {
      moveTo(cursor.location + BigInt(low) * cie.codeAlignment);
      continue;
    }
    if (high === DW_CFA.offset) {
      set(low, { kind: "offset", offset: factored(r.uleb()) });
      continue;
    }
    if (high === DW_CFA.restore) {
      restore(low);
      continue;
    }
    switch (opcode) {
      case DW_CFA.nop:
      case DW_CFA.GNU_args_size:
        if (opcode === DW_CFA.GNU_args_size) r.uleb();
        break;
      case DW_CFA.set_loc:
        moveTo(readEncodedPointer(r, cie.pointerEncoding, cie.section, cie.addressSize));
        break;
      case DW_CFA.advance_loc1:
        moveTo(cursor.location + BigInt(r.u8()) * cie.codeAlignment);
        break;
      case DW_CFA.advance_loc2:
        moveTo(cursor.location + BigInt(r.u16()) * cie.codeAlignment);
        break;
      case DW_CFA.advance_loc4:
        moveTo(cursor.location + BigInt(r.u32()) * cie.codeAlignment);
        break;
      case DW_CFA.MIPS_advance_loc8:
        moveTo(cursor.location + r.u64() * cie.codeAlignment);
        break;
      case DW_CFA.offset_extended:
        set(r.ulebNumber(), { kind: "offset", offset: factored(r.uleb()) });
        break;
      case DW_CFA.offset_extended_sf:
        set(r.ulebNumber(), { kind: "offset", offset: factored(r.sleb()) });
        break;
      case DW_CFA.GNU_negative_offset_extended:
        set(r.ulebNumber(), { kind: "offset", offset: -factored(r.uleb()) });
        break;
      case DW_CFA.val_offset:
        set(r.ulebNumber(), { kind: "valOffset", offset: factored(r.uleb()) });
        break;
      case DW_CFA.val_offset_sf:
        set(r.ulebNumber(), { kind: "valOffset", offset: factored(r.sleb()) });
        break;
      case DW_CFA.restore_extended:
        restore(r.ulebNumber());
        break;
      case DW_CFA.undefined:
        set(r.ulebNumber(), { kind: "undefined" });
        break;
      case DW_CFA.same_value:
        set(r.ulebNumber(), { kind: "sameValue" });
        break;
      case DW_CFA.register: {
        const register = r.ulebNumber();
        set(register, { kind: "register", register: r.ulebNumber() });
        break;
      }
      case DW_CFA.remember_state:
        stack.push(copy(state));
        break;
      case DW_CFA.restore_state: {
        const saved = stack.pop();
        if (!saved) r.fail("DW_CFA_restore_state without a remembered state", at);
        // The CFA rule comes back too, as GCC's unwinder and readelf do.
        state.cfa = saved.cfa;
        state.registers = saved.registers;
        break;
      }
      case DW_CFA.def_cfa: {
        const register = r.ulebNumber();
        state.cfa = { kind: "registerOffset", register, offset: r.uleb() };
        break;
      }
      case DW_CFA.def_cfa_sf: {
        const register = r.ulebNumber();
        state.cfa = { kind: "registerOffset", register, offset: factored(r.sleb()) };
        break;
      }
      case DW_CFA.def_cfa_register:
        setCfaRegister(r.ulebNumber());
        break;
      case DW_CFA.def_cfa_offset:
        setCfaOffset(r.uleb());
        break;
      case DW_CFA.def_cfa_offset_sf:
        setCfaOffset(factored(r.sleb()));
        break;
      case DW_CFA.def_cfa_expression:
        r.skip(r.ulebNumber());
        state.cfa = { kind: "expression" };
        break;
      case DW_CFA.expression:
      case DW_CFA.val_expression: {
        const register = r.ulebNumber();
        r.skip(r.ulebNumber());
        set(register, { kind: opcode === DW_CFA.expression ? "expression" : "valExpression" });
        break;
      }
      default:
        r.fail(`unknown call frame instruction 0x${opcode.toString(16)}`, at);
    }
  }
}
