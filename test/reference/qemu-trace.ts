/**
 * QEMU as a lockstep reference, fast: `-singlestep -d in_asm,cpu,nochain,int`
 * makes every translation block one instruction and logs the hart's state
 * before each one (riscv_cpu_dump_state), so the log is the state after
 * every instruction, streamed through a named pipe and parsed here. QEMU
 * blocks on the full pipe, so it never runs far ahead of the reader.
 *
 * Each state is the one *before* an instruction; a trap shows up as the next
 * state starting at the handler (the faulting instruction was entered, the
 * trap was taken, nothing retired), like QEMU's gdbstub step.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, type ReadStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The hart's state before one instruction, as QEMU logged it. */
export interface TraceState {
  /** 0-based index: state before the (index+1)-th instruction. */
  index: number;
  pc: bigint;
  /** x0..x31, unsigned. */
  x: bigint[];
  /** CSRs QEMU prints (mstatus, mip, mie, mideleg, medeleg, mtvec, stvec, mepc, sepc, mcause, scause, mtval, stval, mscratch, sscratch, satp …), unsigned. */
  csrs: Map<string, bigint>;
  /** Trap lines QEMU logged (`-d int`) between the previous state and this one. */
  traps: string[];
}

/** One instruction as QEMU translated it (`-d in_asm`). */
export interface TracedInstruction {
  /** Raw encoding (16 or 32 bits). */
  word: number;
  /** Bytes: 2 for compressed, 4 otherwise. */
  length: number;
  /** QEMU's disassembly. */
  text: string;
}

const hexValue = (s: string): bigint => BigInt(`0x${s}`);

/** Eight lower-case hex digits at `at` as an unsigned 32-bit number. */
function hexWord(text: string, at: number): number {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    const c = text.charCodeAt(at + i);
    v = v * 16 + (c <= 0x39 ? c - 0x30 : c - 0x57);
  }
  return v;
}

/** Width of one " %-8s %016lx" item in riscv_cpu_dump_state. */
const ITEM = 26;

/**
 * Incremental parser of the log text. Feed it chunks; it returns complete
 * states. Kept separate from the process handling so it can be tested on
 * recorded text. The dump has fixed-width fields; a value is converted to a
 * bigint only when its text differs from the previous state's, since most
 * registers do not change from one instruction to the next.
 */
export class CpuLogParser {
  private pending = "";
  private traps: string[] = [];
  private count = 0;
  /** Last translation seen for each pc (virtual address as QEMU logged it). */
  readonly instructions = new Map<bigint, TracedInstruction>();
  private readonly xHi = new Array<number>(32).fill(0);
  private readonly xLo = new Array<number>(32).fill(0);
  private readonly xValue: bigint[] = new Array<bigint>(32).fill(0n);
  private readonly csrText = new Map<string, string>();
  private csrs = new Map<string, bigint>();

  feed(chunk: string): TraceState[] {
    const text = this.pending + chunk;
    const out: TraceState[] = [];
    let at = 0;
    for (;;) {
      if (text.startsWith(" pc ", at)) {
        const last = text.indexOf("x31/", at);
        const end = last < 0 ? -1 : text.indexOf("\n", last);
        if (end < 0) break;
        out.push(this.state(text, at, end));
        at = end + 1;
        continue;
      }
      const end = text.indexOf("\n", at);
      if (end < 0) break;
      this.otherLine(text.slice(at, end));
      at = end + 1;
    }
    this.pending = text.slice(at);
    return out;
  }

  /** One riscv_cpu_dump_state block: " pc …", CSR lines, then x0..x31 four a line. */
  private state(text: string, start: number, end: number): TraceState {
    let at = text.indexOf("\n", start);
    const pc = hexValue(text.slice(start + 4, at).trim());
    let csrs = this.csrs;
    let copied = false;
    const x = new Array<bigint>(32);
    at++;
    let n = 0;
    while (at < end) {
      let nl = text.indexOf("\n", at);
      if (nl < 0 || nl > end) nl = end;
      if (text.charCodeAt(at + 1) === 0x78 /* x */) {
        // Registers come in order, four a line: x0..x3, x4..x7 …
        for (let item = at; item + ITEM <= nl; item += ITEM, n++) {
          const hi = hexWord(text, item + 10);
          const lo = hexWord(text, item + 18);
          if (hi !== this.xHi[n] || lo !== this.xLo[n]) {
            this.xHi[n] = hi;
            this.xLo[n] = lo;
            this.xValue[n] = (BigInt(hi) << 32n) | BigInt(lo);
          }
          x[n] = this.xValue[n];
        }
      } else if (nl - at === ITEM && text.charCodeAt(at + 9) === 0x20) {
        const name = text.slice(at + 1, at + 9).trimEnd();
        const hex = text.slice(at + 10, nl);
        if (this.csrText.get(name) !== hex) {
          this.csrText.set(name, hex);
          // States share the map until a CSR changes, then get a fresh copy.
          if (!copied) {
            csrs = new Map(csrs);
            copied = true;
          }
          csrs.set(name, hexValue(hex));
        }
      }
      at = nl + 1;
    }
    if (n !== 32) throw new Error(`QEMU state dump at pc ${pc.toString(16)} has ${n} registers, expected 32`);
    this.csrs = csrs;
    const traps = this.traps;
    this.traps = [];
    return { index: this.count++, pc, x, csrs, traps };
  }

  private otherLine(line: string): void {
    if (line.startsWith("0x")) {
      // "0x0000000080000000:  00000297          auipc t0,0"
      const m = /^0x([0-9a-f]+):\s+([0-9a-f]+)\s+(.*)$/.exec(line);
      if (m) this.instructions.set(hexValue(m[1]), { word: parseInt(m[2], 16), length: m[2].length / 2, text: m[3].replace(/\s+/g, " ").trim() });
    } else if (line.startsWith("riscv_cpu_do_interrupt")) {
      this.traps.push(line.trim());
    }
  }
}

export interface QemuTraceOptions {
  /** Arguments for qemu-system-riscv64 (machine, cpu, images), without logging options. */
  args: string[];
  binary?: string;
}

/**
 * A QEMU process started paused (`-S`) with its per-instruction log going
 * into a pipe. Callers that want to inspect it first can pass `-gdb` in
 * args and connect; `start()` is then whatever resumes it (e.g. gdb `c`).
 */
export class QemuTrace {
  readonly child: ChildProcess;
  readonly parser = new CpuLogParser();
  /** Everything QEMU wrote on stdout (the guest's UART with -serial stdio). */
  uart = "";
  stderr = "";
  private readonly dir: string;
  private readonly stream: ReadStream;
  private queue: TraceState[] = [];
  private head = 0;
  private ended = false;
  private waiter: (() => void) | undefined;

  constructor(options: QemuTraceOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "vmscope-trace-"));
    const fifo = join(this.dir, "cpu.log");
    execFileSync("mkfifo", [fifo]);
    // Open the reading end first: QEMU's open of the pipe blocks until a reader exists.
    this.stream = createReadStream(fifo, { encoding: "latin1", highWaterMark: 1 << 20 });
    this.stream.on("data", (chunk) => {
      const states = this.parser.feed(chunk as string);
      if (states.length > 0) {
        for (const s of states) this.queue.push(s);
        // Hold at most a few thousand states; QEMU waits on the pipe meanwhile.
        if (this.queue.length - this.head > 4096) this.stream.pause();
        this.wake();
      }
    });
    this.stream.on("end", () => this.finish());
    this.stream.on("error", () => this.finish());
    const args = [...options.args, "-singlestep", "-d", "in_asm,cpu,nochain,int", "-D", fifo];
    this.child = spawn(options.binary ?? "qemu-system-riscv64", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.setEncoding("latin1");
    this.child.stdout?.on("data", (d: string) => (this.uart += d));
    this.child.stderr?.setEncoding("latin1");
    this.child.stderr?.on("data", (d: string) => (this.stderr += d));
    this.child.on("exit", () => this.finish());
  }

  private finish(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next state if one is already parsed (no promise per instruction), else null. */
  tryNext(): TraceState | null {
    if (this.head >= this.queue.length) return null;
    const s = this.queue[this.head++];
    if (this.head > 8192) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.queue.length - this.head < 1024 && this.stream.isPaused()) this.stream.resume();
    return s;
  }

  /** The next logged state, or undefined when QEMU stopped logging (exited). */
  async next(): Promise<TraceState | undefined> {
    for (;;) {
      if (this.head < this.queue.length) {
        const s = this.queue[this.head++];
        if (this.head > 8192) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        if (this.queue.length - this.head < 1024 && this.stream.isPaused()) this.stream.resume();
        return s;
      }
      if (this.ended) return undefined;
      if (this.stream.isPaused()) this.stream.resume();
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** QEMU's translation of the instruction at `pc`, when it logged one. */
  instructionAt(pc: bigint): TracedInstruction | undefined {
    return this.parser.instructions.get(pc);
  }

  /** Stop QEMU (the process this object started) and remove the pipe. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.kill("SIGKILL");
      await exited;
    }
    this.stream.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
