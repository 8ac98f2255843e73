/**
 * mcycle / minstret over the hart's running counts: a write sets an offset,
 * and mcountinhibit freezes the visible value until the inhibit is lifted.
 */
export class Counter {
  private offset = 0n;
  private frozen: bigint | undefined;

  /** Visible value for the hart's raw count. */
  read(raw: number): bigint {
    return this.frozen ?? BigInt.asUintN(64, BigInt(raw) + this.offset);
  }

  /**
   * A CSR write. `retiring` is true when the writing instruction itself
   * still counts afterwards (minstret), so the read-back equals the value.
   */
  write(raw: number, value: bigint, retiring: boolean): void {
    const wanted = BigInt.asUintN(64, value);
    if (this.frozen !== undefined) this.frozen = wanted;
    else this.offset = wanted - BigInt(raw) - (retiring ? 1n : 0n);
  }

  /** Snapshot support: the offset and the frozen value are the counter's whole state. */
  saveState(): { offset: bigint; frozen: bigint | undefined } {
    return { offset: this.offset, frozen: this.frozen };
  }

  loadState(state: { offset: bigint; frozen: bigint | undefined }): void {
    this.offset = state.offset;
    this.frozen = state.frozen;
  }

  inhibit(raw: number, on: boolean): void {
    if (on && this.frozen === undefined) this.frozen = this.read(raw);
    else if (!on && this.frozen !== undefined) {
      this.offset = this.frozen - BigInt(raw);
      this.frozen = undefined;
    }
  }
}
