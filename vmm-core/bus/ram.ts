/**
 * Guest RAM, allocated lazily one 4 KiB page at a time, so a 1 GiB guest
 * that touches 20 MiB costs 20 MiB of host memory, and a page can later be
 * handed back (balloon) by dropping it.
 */
export const pageShift = 12;
export const pageSize = 1 << pageShift;

export class Ram {
  readonly pageCount: number;
  private readonly pages: (DataView | undefined)[];
  private resident = 0;
  /** Called when a page's contents may change behind the hart's back (loads, DMA), so decoded code is dropped. */
  onPageWritten: (pageIndex: number) => void = () => {};
  /** Called after a page was dropped (balloon), so nobody keeps using a stale view of it. */
  onPageDiscarded: (pageIndex: number) => void = () => {};

  constructor(
    readonly base: bigint,
    readonly size: number,
  ) {
    this.pageCount = Math.ceil(size / pageSize);
    this.pages = new Array(this.pageCount).fill(undefined);
  }

  /** The page's view, allocating it on first use. `index` must be in range. */
  page(index: number): DataView {
    let view = this.pages[index];
    if (view === undefined) {
      view = new DataView(new ArrayBuffer(pageSize));
      this.pages[index] = view;
      this.resident++;
    }
    return view;
  }

  /** The page's view when it has been touched, without allocating. */
  existingPage(index: number): DataView | undefined {
    return this.pages[index];
  }

  get residentPages(): number {
    return this.resident;
  }

  /** Copy bytes in at an offset from the RAM base (loader, DMA). */
  writeBytes(offset: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const at = offset + done;
      const index = Math.floor(at / pageSize);
      const inPage = at % pageSize;
      const chunk = Math.min(pageSize - inPage, data.length - done);
      const view = this.page(index);
      new Uint8Array(view.buffer, inPage, chunk).set(data.subarray(done, done + chunk));
      this.onPageWritten(index);
      done += chunk;
    }
  }

  /** Copy bytes out (debugger, DMA); untouched pages read as zero. */
  readBytes(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = offset + done;
      const index = Math.floor(at / pageSize);
      const inPage = at % pageSize;
      const chunk = Math.min(pageSize - inPage, length - done);
      const view = this.pages[index];
      if (view) out.set(new Uint8Array(view.buffer, inPage, chunk), done);
      done += chunk;
    }
    return out;
  }

  /**
   * Gives a page's host memory back (the balloon took it): the view is
   * dropped, so once nothing else holds it the garbage collector frees the
   * 4 KiB. A later access allocates a fresh, zeroed page, as a page
   * QEMU madvise(MADV_DONTNEED)s comes back as zeroes. True when the page
   * was resident.
   */
  discard(index: number): boolean {
    if (index < 0 || index >= this.pageCount) throw new RangeError(`RAM page ${index} is outside 0..${this.pageCount - 1}`);
    const had = this.pages[index] !== undefined;
    if (had) {
      this.pages[index] = undefined;
      this.resident--;
    }
    this.onPageDiscarded(index);
    return had;
  }

  /** Resident pages among `count` pages from `first` (accounting for one part of RAM). */
  residentIn(first: number, count: number): number {
    let resident = 0;
    const end = Math.min(this.pageCount, first + count);
    for (let index = Math.max(0, first); index < end; index++) if (this.pages[index] !== undefined) resident++;
    return resident;
  }

  /** Zero everything (machine reset). */
  clear(): void {
    this.pages.fill(undefined);
    this.resident = 0;
  }
}
