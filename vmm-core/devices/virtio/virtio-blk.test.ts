import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RecordingIrqLine } from "../testing/fakes";
import { FakeDriverQueue, FlatGuestMemory, type Buffer } from "./testing/fake-driver";
import { bringUp, writeReg } from "./testing/bring-up";
import { Reg, VirtioMmio, VIRTIO_F_INDIRECT_DESC, VIRTIO_F_VERSION_1 } from "./virtio-mmio";
import { BlkRequest, BlkStatus, VirtioBlk, VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_RO } from "./virtio-blk";
import { FileStorage, type DriveOptions } from "./block-storage";
import { VirtioRng } from "./virtio-rng";
import { UserInputError } from "../../machine/errors";

const ramBase = 0x8000_0000n;
const header = ramBase + 0x1_0000n;
const data = ramBase + 0x2_0000n;
const status = ramBase + 0x3_0000n;

function imageWithPattern(sectors: number): Uint8Array {
  const bytes = new Uint8Array(sectors * 512);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 9)) & 0xff;
  return bytes;
}

function rig(t: { after(fn: () => void): void }, drive: Omit<DriveOptions, "path"> = {}, sectors = 16) {
  const dir = mkdtempSync(join(tmpdir(), "vmscope-blk-"));
  const path = join(dir, "disk.img");
  const original = imageWithPattern(sectors);
  writeFileSync(path, original);
  const storage = new FileStorage({ path, ...drive });
  t.after(() => {
    storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const memory = new FlatGuestMemory(ramBase, 0x10_0000);
  const blk = new VirtioBlk(storage, "vmscope-blk0");
  const transport = new VirtioMmio("virtio7", new RecordingIrqLine(), memory, blk);
  const queue = new FakeDriverQueue(memory, ramBase, 8);
  bringUp(transport, queue, VIRTIO_F_VERSION_1 | VIRTIO_F_INDIRECT_DESC);
  /** Sends one request: header, `length` data bytes (device-writable unless `out`), status. */
  const request = (type: number, sector: bigint, length: number, out?: Uint8Array): number => {
    const view = new DataView(new ArrayBuffer(16));
    view.setUint32(0, type, true);
    view.setBigUint64(8, sector, true);
    memory.write(header, new Uint8Array(view.buffer));
    if (out) memory.write(data, out);
    memory.write(status, Uint8Array.of(0xff));
    const buffers: Buffer[] = [{ address: header, length: 16 }];
    if (length > 0) buffers.push({ address: data, length, write: !out });
    buffers.push({ address: status, length: 1, write: true });
    queue.offer(queue.chain(buffers));
    writeReg(transport, Reg.QueueNotify, 0);
    return memory.read(status, 1)![0];
  };
  return { path, original, memory, transport, queue, request, blk };
}

test("config space holds the capacity in sectors; features offer FLUSH, and RO for a read-only drive", (t) => {
  const { transport } = rig(t, {}, 40);
  assert.equal(transport.read(Reg.Config, 8), 40n);
  assert.equal(transport.read(Reg.Config, 4), 40n);
  assert.equal(transport.read(Reg.Config + 20, 4), 512n, "blk_size");
  assert.equal(transport.deviceFeatures & VIRTIO_BLK_F_FLUSH, VIRTIO_BLK_F_FLUSH);
  assert.equal(transport.deviceFeatures & VIRTIO_BLK_F_RO, 0n);
  const readonly = rig(t, { readonly: true });
  assert.equal(readonly.transport.deviceFeatures & VIRTIO_BLK_F_RO, VIRTIO_BLK_F_RO);
});

test("IN reads sectors from the file into guest memory; the used length counts data and status", (t) => {
  const { original, memory, queue, request } = rig(t);
  assert.equal(request(BlkRequest.IN, 2n, 1024), BlkStatus.OK);
  assert.deepEqual(memory.read(data, 1024), original.slice(1024, 2048));
  assert.equal(queue.usedElement(0).length, 1025);
});

test("IN beyond the capacity, or not a whole number of sectors, is IOERR", (t) => {
  const { request } = rig(t, {}, 4);
  assert.equal(request(BlkRequest.IN, 3n, 1024), BlkStatus.IOERR);
  assert.equal(request(BlkRequest.IN, 0n, 100), BlkStatus.IOERR);
});

test("OUT writes the file; FLUSH completes OK; a later IN sees the data", (t) => {
  const { path, memory, request } = rig(t);
  const sector = new Uint8Array(512).fill(0xa5);
  assert.equal(request(BlkRequest.OUT, 5n, 512, sector), BlkStatus.OK);
  assert.equal(request(BlkRequest.FLUSH, 0n, 0), BlkStatus.OK);
  const onDisk = readFileSync(path);
  assert.deepEqual(new Uint8Array(onDisk.subarray(5 * 512, 6 * 512)), sector);
  assert.equal(request(BlkRequest.IN, 5n, 512), BlkStatus.OK);
  assert.deepEqual(memory.read(data, 512), sector);
});

test("OUT on a read-only drive is refused with IOERR and the file is unchanged", (t) => {
  const { path, original, request } = rig(t, { readonly: true });
  assert.equal(request(BlkRequest.OUT, 0n, 512, new Uint8Array(512).fill(1)), BlkStatus.IOERR);
  assert.deepEqual(new Uint8Array(readFileSync(path)), original);
});

test("snapshot keeps writes in memory: the guest reads them back, the file stays untouched", (t) => {
  const { path, original, memory, request } = rig(t, { snapshot: true });
  const sector = new Uint8Array(512).fill(0x3c);
  assert.equal(request(BlkRequest.OUT, 1n, 512, sector), BlkStatus.OK);
  assert.equal(request(BlkRequest.FLUSH, 0n, 0), BlkStatus.OK);
  assert.equal(request(BlkRequest.IN, 0n, 1536), BlkStatus.OK);
  const back = memory.read(data, 1536)!;
  assert.deepEqual(back.slice(0, 512), original.slice(0, 512));
  assert.deepEqual(back.slice(512, 1024), sector);
  assert.deepEqual(back.slice(1024), original.slice(1024, 1536));
  assert.deepEqual(new Uint8Array(readFileSync(path)), original);
});

test("GET_ID returns the serial, zero-padded to 20 bytes; unknown requests are UNSUPP", (t) => {
  const { memory, request } = rig(t);
  memory.write(data, new Uint8Array(20).fill(0xee));
  assert.equal(request(BlkRequest.GET_ID, 0n, 20), BlkStatus.OK);
  const id = memory.read(data, 20)!;
  assert.equal(new TextDecoder().decode(id.subarray(0, 12)), "vmscope-blk0");
  assert.deepEqual([...id.subarray(12)], new Array(8).fill(0));
  assert.equal(request(99, 0n, 0), BlkStatus.UNSUPP);
});

test("a missing image is a UserInputError naming the file", () => {
  assert.throws(() => new FileStorage({ path: "/nonexistent/vmscope-disk.img" }), (error: unknown) => {
    assert.ok(error instanceof UserInputError);
    assert.match(error.message, /\/nonexistent\/vmscope-disk\.img.*no such file/);
    return true;
  });
  assert.throws(() => new FileStorage({ path: tmpdir() }), /not a regular file/);
});

test("virtio-rng fills the buffers with the seeded stream, the same on every run", () => {
  const fill = () => {
    const memory = new FlatGuestMemory(ramBase, 0x10_0000);
    const transport = new VirtioMmio("virtio6", new RecordingIrqLine(), memory, new VirtioRng());
    const queue = new FakeDriverQueue(memory, ramBase, 8);
    bringUp(transport, queue, VIRTIO_F_VERSION_1);
    queue.offer(queue.chain([{ address: data, length: 64, write: true }]));
    writeReg(transport, Reg.QueueNotify, 0);
    assert.equal(queue.usedElement(0).length, 64);
    return memory.read(data, 64)!;
  };
  const first = fill();
  assert.deepEqual(fill(), first);
  assert.ok(first.some((byte) => byte !== 0));
});
