/**
 * Flattened device tree (Devicetree Specification v0.4, chapter 5: DTB
 * version 17). FdtBuilder writes a blob node by node; parseFdt reads one
 * back (for tests and for a user-supplied .dtb). All fields are big-endian.
 */
import { LoadError } from "../machine/errors";

export const FDT_MAGIC = 0xd00dfeed;
export const FDT_VERSION = 17;
/** Oldest version a v17 blob stays compatible with. */
const FDT_LAST_COMPATIBLE_VERSION = 16;
const FDT_BEGIN_NODE = 0x1;
const FDT_END_NODE = 0x2;
const FDT_PROP = 0x3;
const FDT_NOP = 0x4;
const FDT_END = 0x9;
const HEADER_SIZE = 40;

export interface FdtReservation {
  address: bigint;
  size: bigint;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Growable big-endian byte buffer. */
class ByteWriter {
  private buffer = new Uint8Array(1024);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value >>> 0);
    this.length += 4;
  }
  u64(value: bigint): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt.asUintN(64, value));
    this.length += 8;
  }
  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }
  /** Zero bytes up to the next multiple of 4. */
  pad4(): void {
    const padding = align4(this.length) - this.length;
    this.reserve(padding);
    this.buffer.fill(0, this.length, this.length + padding);
    this.length += padding;
  }
  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Encodes 32-bit cells big-endian. */
export function cells(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new RangeError(`cell value ${v} is not a 32-bit unsigned integer`);
    view.setUint32(i * 4, v);
  });
  return out;
}

/** Splits 64-bit values into (high, low) cell pairs, as #address-cells = 2 wants. */
export function u64Cells(values: readonly bigint[]): number[] {
  return values.flatMap((v) => [Number((v >> 32n) & 0xffff_ffffn), Number(v & 0xffff_ffffn)]);
}

/** Node names: name[@unit-address]; property names: the spec's character set. */
const NODE_NAME = /^[A-Za-z0-9,._+-]+(@[A-Za-z0-9,._+-]+)?$/;
const PROPERTY_NAME = /^[A-Za-z0-9,._+?#-]+$/;

/**
 * Writes a DTB. Nodes open with beginNode and close with endNode; the first
 * node is the root (name ""). A node's properties come before its children.
 */
export class FdtBuilder {
  private readonly structure = new ByteWriter();
  private readonly strings = new ByteWriter();
  private readonly stringOffsets = new Map<string, number>();
  private readonly reservations: FdtReservation[] = [];
  /** Per open node: whether a child has been opened (properties must precede children). */
  private readonly open: { name: string; hasChildren: boolean }[] = [];
  private rootDone = false;
  private nextPhandle = 1;

  constructor(private readonly bootCpuId = 0) {}

  /** Adds a /memreserve/ entry (memory the OS must not use). */
  addReservation(address: bigint, size: bigint): this {
    this.reservations.push({ address, size });
    return this;
  }

  /** A fresh phandle value; set it on the node with `phandle(value)`. */
  allocatePhandle(): number {
    return this.nextPhandle++;
  }

  beginNode(name: string): this {
    if (this.rootDone) throw new Error("FdtBuilder: the root node is already closed");
    if (this.open.length === 0 && name !== "") throw new Error(`FdtBuilder: the first node must be the root (""), not "${name}"`);
    if (this.open.length > 0 && !NODE_NAME.test(name)) throw new Error(`FdtBuilder: bad node name "${name}"`);
    const parent = this.open[this.open.length - 1];
    if (parent) parent.hasChildren = true;
    this.open.push({ name, hasChildren: false });
    this.structure.u32(FDT_BEGIN_NODE);
    this.structure.bytes(encoder.encode(name));
    this.structure.bytes(new Uint8Array(1));
    this.structure.pad4();
    return this;
  }

  endNode(): this {
    if (!this.open.pop()) throw new Error("FdtBuilder: endNode without an open node");
    this.structure.u32(FDT_END_NODE);
    if (this.open.length === 0) this.rootDone = true;
    return this;
  }

  /** A property with raw bytes as its value. */
  bytes(name: string, value: Uint8Array): this {
    const node = this.open[this.open.length - 1];
    if (!node) throw new Error(`FdtBuilder: property "${name}" outside a node`);
    if (node.hasChildren) throw new Error(`FdtBuilder: property "${name}" after a child node of "${node.name}"`);
    if (!PROPERTY_NAME.test(name)) throw new Error(`FdtBuilder: bad property name "${name}"`);
    this.structure.u32(FDT_PROP);
    this.structure.u32(value.length);
    this.structure.u32(this.stringOffset(name));
    this.structure.bytes(value);
    this.structure.pad4();
    return this;
  }

  /** A property with no value (a flag such as interrupt-controller). */
  empty(name: string): this {
    return this.bytes(name, new Uint8Array(0));
  }

  u32(name: string, value: number): this {
    return this.bytes(name, cells([value]));
  }

  /** An array of 32-bit cells (<a b c>). */
  cells(name: string, values: readonly number[]): this {
    return this.bytes(name, cells(values));
  }

  /** A 64-bit value as two cells (high, low). */
  u64(name: string, value: bigint): this {
    return this.cells(name, u64Cells([value]));
  }

  /** 64-bit values, two cells each: reg and ranges with #address-cells = #size-cells = 2. */
  u64s(name: string, values: readonly bigint[]): this {
    return this.cells(name, u64Cells(values));
  }

  string(name: string, value: string): this {
    return this.stringValues(name, [value]);
  }

  /** A string list ("a\0b\0"), as compatible uses. */
  stringList(name: string, values: readonly string[]): this {
    return this.stringValues(name, values);
  }

  phandle(value: number): this {
    return this.u32("phandle", value);
  }

  private stringValues(name: string, values: readonly string[]): this {
    const parts = values.map((v) => {
      if (v.includes("\0")) throw new Error(`FdtBuilder: string in "${name}" contains NUL`);
      return encoder.encode(`${v}\0`);
    });
    const value = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      value.set(p, at);
      at += p.length;
    }
    return this.bytes(name, value);
  }

  /** Property names are stored once in the strings block. */
  private stringOffset(name: string): number {
    let offset = this.stringOffsets.get(name);
    if (offset === undefined) {
      offset = this.strings.length;
      this.stringOffsets.set(name, offset);
      this.strings.bytes(encoder.encode(`${name}\0`));
    }
    return offset;
  }

  /** The blob: header, memory reservation block, structure block, strings block. */
  finish(): Uint8Array {
    if (!this.rootDone) throw new Error(`FdtBuilder: ${this.open.length > 0 ? `node "${this.open[this.open.length - 1]!.name}" is still open` : "no root node"}`);
    const structure = this.structure.result();
    const strings = this.strings.result();
    const reserveOffset = HEADER_SIZE; // 40 is already 8-aligned, as the block needs.
    const reserveSize = (this.reservations.length + 1) * 16;
    const structOffset = reserveOffset + reserveSize;
    const structSize = structure.length + 4; // + FDT_END
    const stringsOffset = structOffset + structSize;
    const totalSize = stringsOffset + strings.length;

    const out = new ByteWriter();
    for (const field of [
      FDT_MAGIC,
      totalSize,
      structOffset,
      stringsOffset,
      reserveOffset,
      FDT_VERSION,
      FDT_LAST_COMPATIBLE_VERSION,
      this.bootCpuId,
      strings.length,
      structSize,
    ]) {
      out.u32(field);
    }
    for (const r of this.reservations) {
      out.u64(r.address);
      out.u64(r.size);
    }
    out.u64(0n);
    out.u64(0n);
    out.bytes(structure);
    out.u32(FDT_END);
    out.bytes(strings);
    return out.result();
  }
}

export interface FdtProperty {
  name: string;
  value: Uint8Array;
}

export interface FdtNode {
  /** Full name with unit address, e.g. "serial@10000000"; "" for the root. */
  name: string;
  properties: FdtProperty[];
  children: FdtNode[];
}

export interface FdtTree {
  version: number;
  bootCpuId: number;
  reservations: FdtReservation[];
  root: FdtNode;
}

/** Reads a DTB (version 16 or 17). Malformed input gives a LoadError naming `fileName`. */
export function parseFdt(bytes: Uint8Array, fileName = "device tree"): FdtTree {
  const fail = (problem: string): never => {
    throw new LoadError(`${fileName}: ${problem}`);
  };
  if (bytes.length < HEADER_SIZE) fail(`too short for a device tree blob (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = (i: number): number => view.getUint32(i * 4);
  if (header(0) !== FDT_MAGIC) fail(`not a device tree blob (magic 0x${header(0).toString(16)}, expected 0xd00dfeed)`);
  const totalSize = header(1);
  const structOffset = header(2);
  const stringsOffset = header(3);
  const reserveOffset = header(4);
  const version = header(5);
  const lastCompatible = header(6);
  if (lastCompatible > FDT_VERSION) fail(`device tree version ${version} is newer than 17 and incompatible with it`);
  if (totalSize > bytes.length) fail(`truncated: header says ${totalSize} bytes, file has ${bytes.length}`);
  const stringsSize = version >= 3 ? header(8) : totalSize - stringsOffset;
  const structSize = version >= 17 ? header(9) : totalSize - structOffset;
  if (structOffset + structSize > totalSize || stringsOffset + stringsSize > totalSize) fail("structure or strings block runs past the end");

  const reservations: FdtReservation[] = [];
  for (let at = reserveOffset; ; at += 16) {
    if (at + 16 > totalSize) fail("memory reservation block is not terminated");
    const address = view.getBigUint64(at);
    const size = view.getBigUint64(at + 8);
    if (address === 0n && size === 0n) break;
    reservations.push({ address, size });
  }

  const stringAt = (offset: number): string => {
    if (offset >= stringsSize) fail(`property name offset ${offset} is outside the strings block`);
    const start = stringsOffset + offset;
    let end = start;
    while (end < stringsOffset + stringsSize && bytes[end] !== 0) end++;
    return decoder.decode(bytes.subarray(start, end));
  };

  const structEnd = structOffset + structSize;
  let at = structOffset;
  const token = (): number => {
    if (at + 4 > structEnd) fail("structure block ends without FDT_END");
    const t = view.getUint32(at);
    at += 4;
    return t;
  };
  const stack: FdtNode[] = [];
  let root: FdtNode | undefined;
  for (;;) {
    const t = token();
    if (t === FDT_NOP) continue;
    if (t === FDT_END) break;
    if (t === FDT_BEGIN_NODE) {
      let end = at;
      while (end < structEnd && bytes[end] !== 0) end++;
      const node: FdtNode = { name: decoder.decode(bytes.subarray(at, end)), properties: [], children: [] };
      at = align4(end + 1);
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else if (root) fail("more than one root node");
      else root = node;
      stack.push(node);
    } else if (t === FDT_END_NODE) {
      if (!stack.pop()) fail("FDT_END_NODE without an open node");
    } else if (t === FDT_PROP) {
      const length = token();
      const nameOffset = token();
      const node = stack[stack.length - 1];
      if (!node) fail("property outside a node");
      if (at + length > structEnd) fail("property value runs past the structure block");
      node!.properties.push({ name: stringAt(nameOffset), value: bytes.slice(at, at + length) });
      at = align4(at + length);
    } else {
      fail(`unknown structure token 0x${t.toString(16)} at offset ${at - 4}`);
    }
  }
  if (stack.length > 0) fail(`node "${stack[stack.length - 1]!.name}" is not closed`);
  if (!root) fail("no root node");
  return { version, bootCpuId: header(7), reservations, root: root! };
}

/** The node at a path such as "/soc/serial@10000000" (names must match exactly). */
export function findNode(root: FdtNode, path: string): FdtNode | undefined {
  let node: FdtNode | undefined = root;
  for (const part of path.split("/").filter((p) => p !== "")) {
    node = node.children.find((c) => c.name === part);
    if (!node) return undefined;
  }
  return node;
}

export function getProperty(node: FdtNode, name: string): Uint8Array | undefined {
  return node.properties.find((p) => p.name === name)?.value;
}

/** A property's value as 32-bit cells. */
export function propertyCells(node: FdtNode, name: string): number[] | undefined {
  const value = getProperty(node, name);
  if (!value) return undefined;
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  return Array.from({ length: Math.floor(value.length / 4) }, (_, i) => view.getUint32(i * 4));
}

/** A property's value as a list of NUL-terminated strings. */
export function propertyStrings(node: FdtNode, name: string): string[] | undefined {
  const value = getProperty(node, name);
  if (!value) return undefined;
  const text = decoder.decode(value);
  return (text.endsWith("\0") ? text.slice(0, -1) : text).split("\0");
}
