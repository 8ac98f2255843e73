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

/**
 * Incremental parser of the log text. Feed it chunks; it returns complete
 * states. Kept separate from the process handling so it can be tested on
 * recorded text.
 */
export class CpuLogParser {
  private pending = "";
  private current: { pc: bigint; x: bigint[]; csrs: Map<string, bigint> } | undefined;
  private traps: string[] = [];
  private count = 0;
  /** Last translation seen for each pc (virtual address as QEMU logged it). */
  readonly instructions = new Map<bigint, TracedInstruction>();
  /** Memoised parse of the register lines: most of them repeat between instructions. */
  private lineCache = new Map<string, bigint[]>();
  private csrLineCache = new Map<string, [string, bigint] | null>();

  feed(chunk: string): TraceState[] {
    const text = this.pending + chunk;
    const out: TraceState[] = [];
    let start = 0;
    for (;;) {
      const end = text.indexOf("\n", start);
      if (end < 0) break;
      this.line(text.slice(start, end), out);
      start = end + 1;
    }
    this.pending = text.slice(start);
    return out;
  }

  private line(line: string, out: TraceState[]): void {
    if (line.startsWith(" x")) {
      const state = this.current;
      if (!state) return;
      let values = this.lineCache.get(line);
      if (!values) {
        values = [];
        // " x0/zero  0000000000000000 x1/ra    …": four registers a line.
        for (const m of line.matchAll(/x(\d+)\/\S+\s+([0-9a-f]{16})/g)) values.push(BigInt(m[1]), hexValue(m[2]));
        if (this.lineCache.size > 200_000) this.lineCache.clear();
        this.lineCache.set(line, values);
      }
      for (let i = 0; i < values.length; i += 2) state.x[Number(values[i])] = values[i + 1];
      if (line.includes("x31/")) {
        out.push({ index: this.count++, pc: state.pc, x: state.x, csrs: state.csrs, traps: this.traps });
        this.current = undefined;
        this.traps = [];
      }
      return;
    }
    if (line.startsWith(" pc ")) {
      this.current = { pc: hexValue(line.slice(4).trim()), x: new Array<bigint>(32).fill(0n), csrs: new Map() };
      return;
    }
    if (line.startsWith(" ") && this.current) {
      let parsed = this.csrLineCache.get(line);
      if (parsed === undefined) {
        const m = /^ (\w+)\s+([0-9a-f]{16})$/.exec(line);
        parsed = m ? [m[1], hexValue(m[2])] : null;
        if (this.csrLineCache.size > 200_000) this.csrLineCache.clear();
        this.csrLineCache.set(line, parsed);
      }
      if (parsed) this.current.csrs.set(parsed[0], parsed[1]);
      return;
    }
    if (line.startsWith("0x")) {
      // "0x0000000080000000:  00000297          auipc t0,0"
      const m = /^0x([0-9a-f]+):\s+([0-9a-f]+)\s+(.*)$/.exec(line);
      if (m) this.instructions.set(hexValue(m[1]), { word: parseInt(m[2], 16), length: m[2].length / 2, text: m[3].replace(/\s+/g, " ").trim() });
      return;
    }
    if (line.startsWith("riscv_cpu_do_interrupt")) this.traps.push(line.trim());
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
