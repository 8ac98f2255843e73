/**
 * Call frame information entries (DWARF 5 §6.4.1) from .debug_frame and
 * .eh_frame (LSB 5.0 "Exception Frames"): CIEs with their augmentation
 * ("z", "R", "P", "L", "S"; GCC on RISC-V writes "zR" with
 * DW_EH_PE_pcrel|sdata4 pointers) and the FDEs that point at them.
 */
import { ByteReader } from "./byte-reader";
import { hexOffset } from "./errors";

export interface CommonInformationEntry {
  offset: number;
  codeAlignment: bigint;
  dataAlignment: bigint;
  returnAddressRegister: number;
  /** [start, end) of the initial instructions in the section. */
  initialInstructions: InstructionRange;
  /** DW_EH_PE_* encoding of FDE addresses (.eh_frame "R"); absolute for .debug_frame. */
  pointerEncoding: number;
  addressSize: number;
  signalFrame: boolean;
  /** Augmentation "z…": FDEs carry an augmentation data length. */
  hasAugmentationData: boolean;
  section: FrameSection;
}

export interface InstructionRange {
  start: number;
  end: number;
}

export interface FrameDescriptionEntry {
  offset: number;
  cie: CommonInformationEntry;
  low: bigint;
  /** Exclusive. */
  high: bigint;
  instructions: InstructionRange;
}

/** Where a section's bytes sit in the guest: pc-relative pointers need it. */
export interface FrameSection {
  bytes: Uint8Array;
  name: ".debug_frame" | ".eh_frame";
  address: bigint;
}

const DW_EH_PE = {
  absptr: 0x00,
  uleb128: 0x01,
  udata2: 0x02,
  udata4: 0x03,
  udata8: 0x04,
  sleb128: 0x09,
  sdata2: 0x0a,
  sdata4: 0x0b,
  sdata8: 0x0c,
  pcrel: 0x10,
  textrel: 0x20,
  datarel: 0x30,
  funcrel: 0x40,
  aligned: 0x50,
  indirect: 0x80,
  omit: 0xff,
} as const;

/**
 * Reads an encoded pointer. Only what a linked executable needs: absolute
 * and pc-relative values; text/data/function-relative and indirect
 * pointers have no base here and are refused.
 */
export function readEncodedPointer(r: ByteReader, encoding: number, section: FrameSection, addressSize: number, valueOnly = false): bigint {
  const at = r.offset;
  const fieldAddress = section.address + BigInt(at);
  let value: bigint;
  switch (encoding & 0x0f) {
    case DW_EH_PE.absptr:
      value = r.unsigned(addressSize);
      break;
    case DW_EH_PE.uleb128:
      value = r.uleb();
      break;
    case DW_EH_PE.udata2:
      value = BigInt(r.u16());
      break;
    case DW_EH_PE.udata4:
      value = BigInt(r.u32());
      break;
    case DW_EH_PE.udata8:
      value = r.u64();
      break;
    case DW_EH_PE.sleb128:
      value = r.sleb();
      break;
    case DW_EH_PE.sdata2:
      value = BigInt(r.i16());
      break;
    case DW_EH_PE.sdata4:
      value = BigInt(r.i32());
      break;
    case DW_EH_PE.sdata8:
      value = r.i64();
      break;
    default:
      return r.fail(`unsupported pointer encoding 0x${encoding.toString(16)}`, at);
  }
  if (valueOnly) return value;
  const application = encoding & 0x70;
  if (application === DW_EH_PE.pcrel) value += fieldAddress;
  else if (application !== DW_EH_PE.absptr) r.fail(`unsupported pointer application 0x${application.toString(16)} (only absolute and pc-relative)`, at);
  if (encoding & DW_EH_PE.indirect) r.fail("indirect pointers are not supported", at);
  return BigInt.asUintN(addressSize * 8, value);
}

/** Every FDE of the section, with its CIE, in file order. */
export function readFrameEntries(section: FrameSection, defaultAddressSize = 8): FrameDescriptionEntry[] {
  const isEh = section.name === ".eh_frame";
  const r = new ByteReader(section.bytes, section.name);
  const cies = new Map<number, CommonInformationEntry>();
  const fdes: FrameDescriptionEntry[] = [];

  const cieAt = (offset: number): CommonInformationEntry => {
    let cie = cies.get(offset);
    if (!cie) {
      const saved = r.offset;
      r.offset = offset;
      cie = readCie(r, section, defaultAddressSize);
      r.offset = saved;
      cies.set(offset, cie);
    }
    return cie;
  };

  while (!r.atEnd) {
    const offset = r.offset;
    // .eh_frame ends with a zero terminator; linkers also pad with it.
    if (isEh && r.bytes.length - offset >= 4 && new DataView(r.bytes.buffer, r.bytes.byteOffset + offset, 4).getUint32(0, true) === 0) {
      r.offset += 4;
      continue;
    }
    const { offsetSize, end } = r.initialLength("CIE/FDE");
    const idAt = r.offset;
    const id = offsetSize === 4 ? BigInt(r.u32()) : r.u64();
    const isCie = isEh ? id === 0n : id === (offsetSize === 4 ? 0xffffffffn : 0xffffffffffffffffn);
    if (isCie) {
      cieAt(offset);
    } else {
      // .eh_frame: the id is the distance back to the CIE; .debug_frame: its section offset.
      const cieOffset = isEh ? idAt - Number(id) : Number(id);
      if (cieOffset < 0 || cieOffset >= r.bytes.length) r.fail(`FDE points at CIE offset ${hexOffset(cieOffset)} outside the section`, offset);
      const cie = cieAt(cieOffset);
      const low = readEncodedPointer(r, cie.pointerEncoding, section, cie.addressSize);
      const length = readEncodedPointer(r, cie.pointerEncoding & 0x0f, section, cie.addressSize, true);
      if (cie.hasAugmentationData) r.skip(r.ulebNumber());
      fdes.push({ offset, cie, low, high: low + length, instructions: { start: r.offset, end } });
    }
    r.offset = end;
  }
  return fdes;
}

function readCie(r: ByteReader, section: FrameSection, defaultAddressSize: number): CommonInformationEntry {
  const offset = r.offset;
  const { offsetSize, end } = r.initialLength("CIE");
  r.skip(offsetSize); // CIE id
  const version = r.u8();
  if (version !== 1 && version !== 3 && version !== 4) r.fail(`unsupported CIE version ${version}`, offset);
  const augmentation = r.cString();
  let addressSize = defaultAddressSize;
  if (version >= 4) {
    addressSize = r.u8();
    r.u8(); // segment_selector_size
  }
  if (augmentation !== "" && !augmentation.startsWith("z") && augmentation !== "eh") {
    r.fail(`unsupported CIE augmentation "${augmentation}"`, offset);
  }
  if (augmentation === "eh") r.skip(addressSize); // old GCC: the EH data pointer
  const codeAlignment = r.uleb();
  const dataAlignment = r.sleb();
  const returnAddressRegister = version === 1 ? r.u8() : r.ulebNumber();
  let pointerEncoding = DW_EH_PE.absptr as number;
  let signalFrame = false;
  const hasAugmentationData = augmentation.startsWith("z");
  if (hasAugmentationData) {
    const length = r.ulebNumber();
    const dataEnd = r.offset + length;
    for (const letter of augmentation.slice(1)) {
      if (letter === "R") pointerEncoding = r.u8();
      else if (letter === "P") {
        const encoding = r.u8();
        readEncodedPointer(r, encoding & 0x7f, section, addressSize, true);
      } else if (letter === "L") r.u8();
      else if (letter === "S") signalFrame = true;
      else break; // an unknown letter: the length lets us skip the rest
    }
    r.offset = dataEnd;
  }
  return {
    offset,
    codeAlignment,
    dataAlignment,
    returnAddressRegister,
    initialInstructions: { start: r.offset, end },
    pointerEncoding,
    addressSize,
    signalFrame,
    hasAugmentationData,
    section,
  };
}
