/**
 * The host side of a virtio-blk drive: a file read and written with
 * synchronous calls, so a request completes inside the guest's store to
 * QueueNotify and runs stay deterministic. `snapshot` keeps every write in
 * memory (QEMU's -drive snapshot=on); `readonly` refuses writes.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import { UserInputError } from "../../machine/errors";

export const sectorSize = 512;

export interface DriveOptions {
  path: string;
  readonly?: boolean;
  snapshot?: boolean;
}

export interface BlockStorage {
  readonly sectors: bigint;
  readonly readonly: boolean;
  /** Reads whole sectors starting at `sector` into `into`. */
  read(sector: bigint, into: Uint8Array): void;
  write(sector: bigint, data: Uint8Array): void;
  /** Data written so far is on stable storage when this returns. */
  flush(): void;
  /** Snapshot support: which image this is, and what a snapshot-mode drive holds in memory. */
  saveState?(): unknown;
  loadState?(state: unknown): void;
}

/** What a snapshot records of a drive: the file it must find again, unchanged, and the overlay. */
interface DriveState {
  path: string;
  bytes: number;
  mtimeMs: number;
  overlay: Map<bigint, Uint8Array>;
}

export class FileStorage implements BlockStorage {
  readonly sectors: bigint;
  readonly readonly: boolean;
  private readonly snapshot: boolean;
  private fd: number | undefined;
  /** Sectors written in snapshot mode, by sector number. */
  private readonly overlay = new Map<bigint, Uint8Array>();

  private readonly path: string;

  constructor(options: DriveOptions) {
    this.path = resolve(options.path);
    this.readonly = options.readonly === true;
    this.snapshot = options.snapshot === true;
    try {
      this.fd = openSync(options.path, this.readonly || this.snapshot ? "r" : "r+");
      const stat = fstatSync(this.fd);
      if (!stat.isFile()) throw Object.assign(new Error("not a regular file"), { code: "ENOTFILE" });
      this.sectors = BigInt(stat.size) / BigInt(sectorSize);
    } catch (error) {
      if (this.fd !== undefined) closeSync(this.fd);
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such file" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EISDIR" || code === "ENOTFILE" ? "not a regular file" : String((error as Error).message);
      throw new UserInputError(`--drive '${options.path}': cannot open the disk image: ${why}`);
    }
  }

  read(sector: bigint, into: Uint8Array): void {
    let done = 0;
    while (done < into.length) {
      const got = readSync(this.fd!, into, done, into.length - done, Number(sector) * sectorSize + done);
      if (got === 0) break;
      done += got;
    }
    into.fill(0, done);
    for (let i = 0; i < into.length / sectorSize; i++) {
      const saved = this.overlay.get(sector + BigInt(i));
      if (saved) into.set(saved, i * sectorSize);
    }
  }

  write(sector: bigint, data: Uint8Array): void {
    if (this.snapshot) {
      for (let i = 0; i < data.length / sectorSize; i++) this.overlay.set(sector + BigInt(i), data.slice(i * sectorSize, (i + 1) * sectorSize));
      return;
    }
    let done = 0;
    while (done < data.length) done += writeSync(this.fd!, data, done, data.length - done, Number(sector) * sectorSize + done);
  }

  flush(): void {
    if (!this.snapshot && !this.readonly) fsyncSync(this.fd!);
  }

  saveState(): DriveState {
    const stat = fstatSync(this.fd!);
    return { path: this.path, bytes: stat.size, mtimeMs: stat.mtimeMs, overlay: new Map([...this.overlay].map(([sector, data]) => [sector, data.slice()])) };
  }

  /**
   * The drive must be the same file, unchanged since the snapshot was saved
   * (size and modification time): a guest that continues on a disk it did
   * not write would read other data than it did before.
   */
  loadState(state: unknown): void {
    const saved = state as DriveState;
    const stat = fstatSync(this.fd!);
    const name = `--drive '${this.path}'`;
    if (saved.path !== this.path) throw new UserInputError(`snapshot: ${name} is not the drive the snapshot was saved with ('${saved.path}')`);
    // A copy put back with its time (cp -p, utimes) keeps it only to the millisecond or so.
    if (saved.bytes !== stat.size || Math.abs(saved.mtimeMs - stat.mtimeMs) > 2) {
      throw new UserInputError(`snapshot: ${name} changed since the snapshot was saved (size or modification time differ); restore the image the snapshot was taken with`);
    }
    this.overlay.clear();
    for (const [sector, data] of saved.overlay) this.overlay.set(sector, data);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
