/**
 * The snapshot file: a fixed preamble, then two zlib-deflated sections.
 *
 *   0  8 bytes  magic "VMSCOPE\x1a" (the \x1a stops `type`-style dumps)
 *   8  u32 LE   format version
 *  12  u32 LE   length H of the header section
 *  16  u32 LE   length P of the pages section
 *  20  H bytes  deflate(JSON header: machine options, harts, devices, monitor)
 *  ..  P bytes  deflate(RAM pages: u32 LE page index + 4096 bytes, repeated)
 *
 * zlib's Adler-32 trailer catches corruption inside a section; the lengths
 * catch truncation. RAM goes in its own binary section because base64 in
 * JSON would grow it by a third and deflate worse.
 */
import { deflateSync, inflateSync } from "node:zlib";
import { SnapshotError } from "./snapshot-error";
import { decodeValue, encodeValue, type Encoded } from "./value-codec";

export const snapshotMagic = Uint8Array.from([0x56, 0x4d, 0x53, 0x43, 0x4f, 0x50, 0x45, 0x1a]);
/** Bump on any change to what the header holds or how it is read. */
export const snapshotVersion = 1;
const preambleBytes = 20;
const pageBytes = 4096;

export interface SnapshotPage {
  index: number;
  data: Uint8Array;
}

export interface SnapshotContents {
  header: Record<string, unknown>;
  pages: SnapshotPage[];
}

export function encodeSnapshot(contents: SnapshotContents): Uint8Array {
  const header = deflateSync(Buffer.from(JSON.stringify(encodeValue(contents.header)), "utf8"));
  const raw = Buffer.alloc(contents.pages.length * (4 + pageBytes));
  contents.pages.forEach((page, i) => {
    raw.writeUInt32LE(page.index, i * (4 + pageBytes));
    raw.set(page.data, i * (4 + pageBytes) + 4);
  });
  const pages = deflateSync(raw, { level: 6 });
  const out = Buffer.alloc(preambleBytes + header.length + pages.length);
  out.set(snapshotMagic, 0);
  out.writeUInt32LE(snapshotVersion, 8);
  out.writeUInt32LE(header.length, 12);
  out.writeUInt32LE(pages.length, 16);
  out.set(header, preambleBytes);
  out.set(pages, preambleBytes + header.length);
  return out;
}

export function decodeSnapshot(bytes: Uint8Array): SnapshotContents {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (data.length < preambleBytes || !data.subarray(0, 8).equals(snapshotMagic)) {
    throw new SnapshotError("not a vmscope snapshot (the file does not start with the snapshot magic)");
  }
  const version = data.readUInt32LE(8);
  if (version !== snapshotVersion) {
    throw new SnapshotError(`the file is format version ${version}; this vmscope reads version ${snapshotVersion}: save the snapshot again with this version`);
  }
  const headerLength = data.readUInt32LE(12);
  const pagesLength = data.readUInt32LE(16);
  if (data.length !== preambleBytes + headerLength + pagesLength) {
    throw new SnapshotError(`the file is ${data.length} bytes but its sections need ${preambleBytes + headerLength + pagesLength}: it is truncated or damaged`);
  }
  const header = inflate(data.subarray(preambleBytes, preambleBytes + headerLength), "header");
  const raw = inflate(data.subarray(preambleBytes + headerLength), "RAM");
  if (raw.length % (4 + pageBytes) !== 0) throw new SnapshotError("the RAM section is damaged (not whole pages)");
  const pages: SnapshotPage[] = [];
  for (let at = 0; at < raw.length; at += 4 + pageBytes) pages.push({ index: raw.readUInt32LE(at), data: raw.subarray(at + 4, at + 4 + pageBytes) });
  let parsed: Encoded;
  try {
    parsed = JSON.parse(header.toString("utf8")) as Encoded;
  } catch {
    throw new SnapshotError("the header section is damaged (not JSON)");
  }
  const decoded = decodeValue(parsed);
  if (typeof decoded !== "object" || decoded === null) throw new SnapshotError("the header section is damaged (not an object)");
  return { header: decoded as Record<string, unknown>, pages };
}

function inflate(section: Uint8Array, name: string): Buffer {
  try {
    return inflateSync(section);
  } catch (error) {
    throw new SnapshotError(`the ${name} section is damaged (${(error as Error).message})`);
  }
}
