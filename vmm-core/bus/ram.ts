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

  /** Zero everything (machine reset). */
  clear(): void {
    this.pages.fill(undefined);
    this.resident = 0;
  }
}
