/**
 * The host terminal as the guest's serial line: raw mode while the guest
 * runs, QEMU's Ctrl-A escapes, and the terminal restored on every way out.
 */

/** Ctrl-A, QEMU's default escape character (-echr 0x01). */
export const escapeCharacter = 0x01;

export type EscapeAction = "quit" | "help";

export interface DecodedInput {
  /** Bytes for the guest. */
  bytes: Uint8Array;
  /** Commands recognised in this chunk, in order. */
  actions: EscapeAction[];
}

/**
 * QEMU's mux escape handling (chardev/char-mux.c): after Ctrl-A, `x` quits,
 * `h` prints help, a second Ctrl-A sends one literal Ctrl-A, anything else
 * is dropped. The state survives across chunks, as keys arrive one by one.
 */
export class EscapeDecoder {
  private pendingEscape = false;

  decode(chunk: Uint8Array): DecodedInput {
    const bytes: number[] = [];
    const actions: EscapeAction[] = [];
    for (const byte of chunk) {
      if (!this.pendingEscape) {
        if (byte === escapeCharacter) this.pendingEscape = true;
        else bytes.push(byte);
        continue;
      }
      this.pendingEscape = false;
      if (byte === escapeCharacter) bytes.push(byte);
      else if (byte === 0x78 || byte === 0x58) actions.push("quit"); // x, X
      else if (byte === 0x68 || byte === 0x48 || byte === 0x3f) actions.push("help"); // h, H, ?
    }
    return { bytes: Uint8Array.from(bytes), actions };
  }
}

export const escapeHelp =
  "\r\nC-a x    exit vmscope\r\nC-a h    print this help\r\nC-a C-a  send C-a to the guest\r\n";

/** The subset of tty.ReadStream this module needs (lets tests pass a fake). */
export interface RawModeStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/**
 * Puts a TTY in raw mode (keys go to the guest, Ctrl-C included) and
 * guarantees it is restored: on normal exit, process.exit, signals and
 * crashes, since the 'exit' event runs on all of them.
 */
export class RawTerminal {
  private active = false;
  private readonly restoreOnExit = (): void => this.restore();

  constructor(private readonly stream: RawModeStream) {}

  get isTerminal(): boolean {
    return this.stream.isTTY === true && typeof this.stream.setRawMode === "function";
  }

  enter(): void {
    if (this.active || !this.isTerminal) return;
    this.stream.setRawMode?.(true);
    this.active = true;
    process.on("exit", this.restoreOnExit);
  }

  restore(): void {
    if (!this.active) return;
    this.active = false;
    process.off("exit", this.restoreOnExit);
    try {
      this.stream.setRawMode?.(false);
    } catch {
      // The terminal may already be gone (hang-up); nothing left to restore.
    }
  }
}
