/** Host console I/O, injected so vmm-core never touches process.stdout itself. */
export interface ConsoleIO {
  /** Bytes the guest wrote to its console. */
  write(bytes: Uint8Array): void;
}

/** Bytes queued for the guest's console input, drained by the UART as its FIFO has room. */
export class ConsoleInput {
  private queue: number[] = [];
  private head = 0;

  push(bytes: Uint8Array | string): void {
    const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    for (const b of data) this.queue.push(b);
  }

  /** Puts bytes back at the front of the queue (a receiver reset before the guest read them). */
  unshift(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queue = [...bytes, ...this.queue.slice(this.head)];
    this.head = 0;
  }

  /** Snapshot support: the bytes the guest has not read yet. */
  saveState(): number[] {
    return this.queue.slice(this.head);
  }

  loadState(state: unknown): void {
    this.queue = Array.isArray(state) ? state.map(Number) : [];
    this.head = 0;
  }

  get available(): number {
    return this.queue.length - this.head;
  }

  /** Next byte, or -1 when nothing is queued. */
  take(): number {
    if (this.head >= this.queue.length) return -1;
    const b = this.queue[this.head++];
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return b;
  }
}
