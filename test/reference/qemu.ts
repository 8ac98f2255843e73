/**
 * The one place that knows how to run QEMU as vmscope's reference machine.
 *
 * vmscope's hart is RV64IMAC + Zicsr + Zifencei, privileged spec 1.12, Sv39,
 * Sstc. QEMU 7.2's `rv64` CPU enables more by default (its device tree says
 * "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"), so
 * `qemuCpu` switches the rest off. With it the device tree's riscv,isa reads
 * "rv64imac_zicsr_zifencei_sstc".
 *
 * Behaviour of QEMU 7.2 the emulator has to match (checked by test/isa guests):
 * - A/D bits: QEMU updates PTE.A (and PTE.D on a store) in hardware with an
 *   atomic compare-and-swap during the walk; it never raises a page fault
 *   just because A or D is clear (target/riscv/cpu_helper.c,
 *   get_physical_address).
 * - Misaligned loads and stores (non-atomic) are performed, not trapped:
 *   QEMU's TCG does them byte-wise, also across page boundaries. LR/SC and
 *   AMOs require natural alignment: a misaligned LR raises a load
 *   address-misaligned exception (cause 4), a misaligned SC/AMO a store/AMO
 *   address-misaligned exception (cause 6), with tval = the address.
 * - satp: QEMU 7.2 implements Sv39, Sv48 and Sv57 for RV64 and has no option
 *   to drop Sv48/Sv57 (the device tree even says "riscv,sv48"), so a guest
 *   writing satp.MODE = 9 or 10 gets a different answer than on vmscope.
 *   The ISA suite only writes modes 0, 8 and the reserved ones (1..7, 11..15).
 * - Illegal instruction: mtval/stval = the instruction bits (16 bits for a
 *   compressed one, 0 for the all-zero halfword); ebreak/c.ebreak: tval = 0.
 * - minstret/instret (without -icount) follow host time like mcycle, so
 *   guests print only whether counters grow, never deltas.
 * Known QEMU 7.2 departures from the specs, which the guests avoid testing
 * (vmscope should follow the spec):
 * - A faulting AMO reports the load causes (4 misaligned, 5 access fault)
 *   instead of 6/7; a misaligned SC whose address differs from the
 *   reservation just fails without trapping.
 * - medeleg bit 11 (ecall from M) is writable.
 * - Several pending M interrupts are taken lowest cause number first
 *   (ctz of pending) instead of MEI > MSI > MTI > SEI > SSI > STI.
 * - mstatus.MPP keeps the reserved value 2; mepc/sepc keep bit 0; pmpaddr keeps bits 63:54; mcountinhibit and
 *   mcounteren keep every bit; mstatus.VS and sstatus.UXL are writable
 *   with V off; medeleg/mideleg/mie/mip accept the H-extension bits (and
 *   LCOFIP) with h=off; menvcfg/senvcfg accept CBIE/CBCFE/CBZE and PBMTE;
 *   a software-written mip.SEIP does not read back.
 * With `qemuCpuWith({ h: true })` (test/isa-h), QEMU 7.2's H extension departs
 * from the spec in ways the H guests avoid: mideleg's read-only-one VS bits
 * read 0 until mideleg is first written; sie/sip read from VS are masked by
 * mideleg's S bits; hstatus, vsstatus, hgatp (any mode, PPN[1:0]), vsatp
 * (reserved modes), vstvec (mode >= 2), vscause keep whatever is written;
 * henvcfg keeps CBO/PBMTE bits; mstatus.GVA is set for any nonzero tval
 * from V=1 and never cleared, mtval2/htval are stale after non-guest-page
 * faults; mstatus.TSR/TVM also trap in VS; satp is not trapped by VTVM;
 * sret/sfence.vma/S-CSR accesses from VU are illegal, not virtual,
 * instructions; several pending interrupts are taken lowest cause first;
 * HLV faults at the VS stage are reported as access faults (also G-stage
 * ones with SPVP=0), HLVX on an execute-only page faults, HLV/HSV give a
 * stale tval for virtual/illegal instruction traps; a stvec written in VS
 * does not read back. QEMU writes htinst/mtinst only for guest-page faults
 * in the VS-stage walk (pseudo-instruction 0x3000) and htinst reads 0.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const qemuBinary = "qemu-system-riscv64";

/**
 * The `-cpu` option that makes QEMU 7.2's hart look like vmscope's.
 * Property names are QEMU 7.2's (some capitalised: Zihintpause, Zfh, Zicsr).
 */
export const qemuCpu = [
  "rv64",
  // Kept on (QEMU's defaults, stated so the intent is visible).
  "m=on", "a=on", "c=on", "s=on", "u=on",
  "Zicsr=on", "Zifencei=on",
  "mmu=on", // Sv39 (plus Sv48/Sv57, see above)
  "pmp=on", // 16 PMP entries; guests must program one for S/U access to memory
  "sstc=on", // stimecmp, enabled for S by menvcfg.STCE
  "priv_spec=v1.12.0",
  // Floating point and vectors: vmscope has neither, so misa.F/D/V and mstatus.FS/VS stay 0.
  "f=off", "d=off", "v=off", "Zfh=off", "Zfhmin=off",
  // No hypervisor extension in the base hart (misa.H = 0, no H CSRs).
  "h=off",
  // Bit manipulation: on by default in 7.2, their encodings must be illegal here.
  "zba=off", "zbb=off", "zbc=off", "zbs=off",
  // Hints and page-table extensions QEMU 7.2 knows: keep their encodings/bits reserved.
  "Zihintpause=off", "svinval=off", "svnapot=off", "svpbmt=off",
  // Multiply without divide; only meaningful when M is off, stated for clarity.
  "zmmul=off",
  // Vendor extension and counter overflow interrupts.
  "xventanacondops=off", "sscofpmf=off",
  // QEMU's default: 16 programmable counters, mhpmcounter3..18 (19..31 are
  // illegal instructions in QEMU 7.2; mhpmevent3..31 all read back). vmscope
  // implements the same, so firmware probing them takes the same path.
  "pmu-num=16",
].join(",");

/** Extensions that can be switched on over `qemuCpu` for the suites that test them. */
export interface QemuCpuExtensions {
  /** The hypervisor extension (`h=on`): misa.H, the H CSRs, VS/VU modes, two-stage translation. */
  h?: boolean;
}

/** `qemuCpu` with the given extensions switched on (the default stays vmscope's base hart). */
export function qemuCpuWith(extensions: QemuCpuExtensions): string {
  const h = extensions.h === true ? "h=on" : "h=off";
  return qemuCpu.split(",").map((property) => (property === "h=off" ? h : property)).join(",");
}

export interface QemuMachineOptions {
  /** Firmware path, or undefined for `-bios none`. */
  bios?: string;
  /** Kernel (or bare program) path. */
  kernel: string;
  /** RAM size in bytes, or a QEMU size string such as "128M". Default 128M. */
  memory?: number | string;
  /** Number of harts. Default 1. */
  harts?: number;
  /** Device tree blob to pass instead of QEMU's own. */
  dtb?: string;
  /** Further arguments appended verbatim. */
  extra?: string[];
  /** The `-cpu` option; default `qemuCpu`. */
  cpu?: string;
}

/** Command-line arguments for `qemu-system-riscv64` (without the binary name). */
export function qemuArgs(options: QemuMachineOptions): string[] {
  const memory = options.memory ?? "128M";
  const args = [
    "-M", "virt",
    "-cpu", options.cpu ?? qemuCpu,
    "-m", typeof memory === "number" ? `${Math.floor(memory / (1024 * 1024))}M` : memory,
    "-smp", String(options.harts ?? 1),
    "-nographic",
    "-monitor", "none",
    "-serial", "stdio",
    "-bios", options.bios ?? "none",
    "-kernel", options.kernel,
  ];
  if (options.dtb !== undefined) args.push("-dtb", options.dtb);
  if (options.extra !== undefined) args.push(...options.extra);
  return args;
}

export interface QemuRunOptions extends Partial<Omit<QemuMachineOptions, "kernel">> {
  /** Kill QEMU after this long; the result then has timedOut = true. */
  timeoutMs: number;
  /** Bytes written to the guest's UART (QEMU's stdin). */
  input?: string | Uint8Array;
}

export interface QemuRunResult {
  /** Everything the guest wrote to the UART. */
  stdout: Buffer;
  /** QEMU's diagnostics. */
  stderr: Buffer;
  /**
   * QEMU's exit status: the sifive_test code (0 for 0x5555, code for
   * 0x3333|code<<16), or null when it was killed.
   */
  exitCode: number | null;
  timedOut: boolean;
}

/**
 * Runs one ELF bare (`-bios none -kernel elfPath`) until it powers off or the timeout.
 * The guest's UART output goes to a file, not a pipe: QEMU's 16550 drops
 * bytes when its output blocks for a while (a busy Node event loop does that).
 */
export function runQemu(elfPath: string, options: QemuRunOptions): Promise<QemuRunResult> {
  const args = qemuArgs({ ...options, kernel: elfPath });
  const dir = mkdtempSync(join(tmpdir(), "vmscope-qemu-"));
  const outPath = join(dir, "stdout");
  const outFd = openSync(outPath, "w");
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  return new Promise((resolve, reject) => {
    const child = spawn(qemuBinary, args, { stdio: ["pipe", outFd, "pipe"] });
    closeSync(outFd);
    const { stdin, stderr: errStream } = child;
    if (stdin === null || errStream === null) throw new Error("spawn did not create the stdin/stderr pipes");
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    errStream.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      cleanup();
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const stdout = readFileSync(outPath);
      cleanup();
      resolve({ stdout, stderr: Buffer.concat(stderr), exitCode: code, timedOut });
    });
    // The guest may power off before reading its input; ignore the broken pipe.
    stdin.on("error", () => undefined);
    if (options.input !== undefined) stdin.write(options.input);
    stdin.end();
  });
}
