/**
 * QEMU as a lockstep reference, two ways:
 * - GdbReference: the gdbstub, `s` + `g` per instruction (exact, ~3,000/s).
 *   The gdbstub steps with interrupts and timers masked (SSTEP_NOIRQ |
 *   SSTEP_NOTIMER), so vmscope must step with `stepInterrupts = false`.
 * - TraceReference: QEMU's per-instruction state log (qemu-trace.ts),
 *   ~50-100k/s. Interrupts are taken normally.
 * Both start QEMU paused with a gdbstub, so the caller can read what QEMU
 * put in memory (its device tree, see readBootDeviceTree) before the first
 * instruction.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { GdbRemote } from "./gdb-remote";
import { QemuTrace } from "./qemu-trace";
import { qemuArgs, qemuBinary, type QemuMachineOptions } from "./qemu";
import { csrNumbers, type LockstepReference, type ReferenceInstruction, type ReferenceState } from "./lockstep";

/** A free TCP port on the loopback interface (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The device tree blob QEMU handed to the firmware: the reset ROM loads a1
 * with `ld a1, imm(t0)` after `auipc t0, 0`; follow it and read the blob.
 */
export async function readBootDeviceTree(gdb: GdbRemote, resetVector = 0x1000n): Promise<{ address: bigint; blob: Uint8Array }> {
  const rom = await gdb.readMemory(resetVector, 0x28);
  const view = new DataView(rom.buffer);
  let t0: bigint | undefined;
  for (let at = 0; at < 0x28; at += 4) {
    const word = view.getUint32(at, true);
    if ((word & 0xfff) === 0x297 && word >>> 12 === 0) t0 = resetVector + BigInt(at); // auipc t0, 0
    if ((word & 0x000f_ffff) === 0x0002_b583 && t0 !== undefined) {
      // ld a1, imm(t0)
      const pointer = new DataView((await gdb.readMemory(t0 + BigInt(word >> 20), 8)).buffer).getBigUint64(0, true);
      const header = new DataView((await gdb.readMemory(pointer, 8)).buffer);
      if (header.getUint32(0) !== 0xd00dfeed) throw new Error(`no device tree at ${pointer.toString(16)}`);
      return { address: pointer, blob: await gdb.readMemory(pointer, header.getUint32(4)) };
    }
  }
  throw new Error("reset ROM does not load a1 the way QEMU's does");
}

const decoderCsrs = ["mstatus", "mcause", "mepc", "mtval", "mtvec", "mie", "mip", "medeleg", "mideleg", "scause", "sepc", "stval", "stvec", "satp"];

async function csrsOverGdb(gdb: GdbRemote, names: readonly string[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  for (const name of names) {
    const regnum = await gdb.registerNumber(name);
    if (regnum === undefined) continue;
    const value = await gdb.readRegister(regnum);
    if (value !== undefined) out.set(name, value);
  }
  return out;
}

function instructionFromBytes(bytes: Uint8Array): ReferenceInstruction {
  const half = bytes[0] | (bytes[1] << 8);
  if ((half & 3) !== 3) return { word: half, length: 2 };
  return { word: (half | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0, length: 4 };
}

interface QemuProcess {
  child: ChildProcess;
  gdb: GdbRemote;
}

/** QEMU (paused) with its gdbstub on a free loopback port. */
export async function startQemuWithGdb(options: QemuMachineOptions): Promise<QemuProcess> {
  const port = await freePort();
  const child = spawn(qemuBinary, qemuArgs({ ...options, extra: [...(options.extra ?? []), "-S", "-gdb", `tcp:127.0.0.1:${port}`] }), {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const gdb = await GdbRemote.connect("127.0.0.1", port);
  return { child, gdb };
}

async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}

export class GdbReference implements LockstepReference {
  readonly name = "qemu-gdbstub";
  private started = false;
  uart = "";

  private constructor(
    private readonly process: QemuProcess,
    readonly gdb: GdbRemote,
  ) {
    process.child.stdout?.setEncoding("latin1");
    process.child.stdout?.on("data", (d: string) => (this.uart += d));
  }

  static async start(options: QemuMachineOptions): Promise<GdbReference> {
    const qemu = await startQemuWithGdb(options);
    return new GdbReference(qemu, qemu.gdb);
  }

  async next(): Promise<ReferenceState | undefined> {
    if (this.started) await this.gdb.step();
    this.started = true;
    return this.gdb.readRegisters();
  }

  async instructionAt(pc: bigint): Promise<ReferenceInstruction | undefined> {
    try {
      return instructionFromBytes(await this.gdb.readMemory(pc, 4));
    } catch {
      // The second half may lie on an unmapped page; a 2-byte instruction still decodes.
      try {
        const bytes = await this.gdb.readMemory(pc, 2);
        return (bytes[0] & 3) !== 3 ? { word: bytes[0] | (bytes[1] << 8), length: 2 } : undefined;
      } catch {
        return undefined;
      }
    }
  }

  reportCsrs(): Promise<Map<string, bigint>> {
    return csrsOverGdb(this.gdb, decoderCsrs);
  }

  async close(): Promise<void> {
    this.gdb.kill();
    this.gdb.close();
    await killProcess(this.process.child);
  }
}

export class TraceReference implements LockstepReference {
  readonly name = "qemu-trace";

  private constructor(
    readonly trace: QemuTrace,
    /** Connected while QEMU is paused, for setup; detached by resume(). */
    readonly gdb: GdbRemote,
  ) {}

  /** QEMU paused at reset, logging every instruction once resumed. */
  static async start(options: QemuMachineOptions): Promise<TraceReference> {
    const port = await freePort();
    const trace = new QemuTrace({ args: qemuArgs({ ...options, extra: [...(options.extra ?? []), "-S", "-gdb", `tcp:127.0.0.1:${port}`] }) });
    const gdb = await GdbRemote.connect("127.0.0.1", port);
    return new TraceReference(trace, gdb);
  }

  /** Let QEMU run (gdb `D` detaches and resumes). */
  async resume(): Promise<void> {
    const reply = await this.gdb.command("D");
    if (reply !== "OK") throw new Error(`gdb detach: ${reply}`);
    this.gdb.close();
  }

  get uart(): string {
    return this.trace.uart;
  }

  next(): ReferenceState | Promise<ReferenceState | undefined> {
    return this.trace.tryNext() ?? this.trace.next();
  }

  instructionAt(pc: bigint): ReferenceInstruction | undefined {
    return this.trace.instructionAt(pc);
  }

  async reportCsrs(state: ReferenceState): Promise<Map<string, bigint>> {
    const out = new Map<string, bigint>();
    for (const [name, value] of state.csrs ?? []) if (csrNumbers.has(name)) out.set(name, value);
    return out;
  }

  close(): Promise<void> {
    this.gdb.close();
    return this.trace.close();
  }
}
