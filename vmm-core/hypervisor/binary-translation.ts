/**
 * Mode `binary-translation`: trap-and-emulate's monitor and shadow page
 * tables, with the guest kernel's privileged instructions rewritten. The
 * translator engine runs the guest; where the guest kernel (vCPU in
 * virtual S-mode) executes a CSR access, SRET, WFI or SFENCE.VMA, the
 * translated code calls the monitor's emulation (emulate-privileged.ts)
 * directly instead of trapping: no exception is raised, no trap entered,
 * and the instruction retires. The exit log still records the call, marked
 * `translated`, so the log and `vmscope compare` show what the rewrite
 * saved. Everything else (SBI calls, page faults, MMIO, interrupts, guest
 * user code) exits as under trap-and-emulate.
 */
import type { Hart } from "../hart/hart";
import type { Decoded } from "../isa/decoded";
import { emulatePrivileged } from "./emulate-privileged";
import type { Monitor } from "./monitor";
import type { Rewrite } from "../hart/translator/region";

/** The instructions the translator hands to the monitor (the rest run or trap as they are). */
export const rewrittenInstructions: ReadonlySet<string> = new Set(["csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci", "sret", "wfi", "sfence.vma"]);

/**
 * The rewrite's call into the monitor: emulates `instruction` for the
 * guest kernel and returns true (pc already moved on), or returns false
 * when it is not the guest kernel's privileged instruction to emulate
 * (guest user code, an unknown CSR): the instruction then runs as usual
 * and traps.
 */
export function emulateTranslated(monitor: Monitor, hart: Hart, instruction: Decoded): boolean {
  const vcpu = monitor.vcpus[hart.hartId];
  if (vcpu.priv !== 1) return false;
  const emulation = emulatePrivileged(monitor, hart, vcpu, instruction);
  if (emulation === undefined) return false;
  const pc = hart.pc;
  const record = {
    vcpu: vcpu.hartId,
    instret: hart.instret,
    reason: emulation.reason,
    detail: emulation.detail,
    pc,
    instruction: instruction.raw,
    disassembly: monitor.disassembly(instruction, pc),
    handling: `translated: ${emulation.handling}`,
    cost: 1,
    translated: true,
  };
  emulation.apply();
  monitor.deliverInterrupts(hart, vcpu);
  monitor.exits.record(record);
  monitor.checkAfterExit?.(monitor, hart.hartId);
  return true;
}

/**
 * The rewrite the translator is given: a class, not a closure per machine,
 * so the translator's call into it has one target in every machine of the
 * process (V8 specializes a call site on the function it has seen; this
 * was not measured to change the timings).
 */
class MonitorRewrite implements Rewrite {
  readonly names = rewrittenInstructions;
  constructor(private readonly monitor: Monitor) {}
  call(hart: Hart, instruction: Decoded): boolean {
    return emulateTranslated(this.monitor, hart, instruction);
  }
}

/** Puts the harts on the translator with the rewrite (the machine calls this for the mode). */
export function enableBinaryTranslation(monitor: Monitor, harts: readonly Hart[]): void {
  const rewrite = new MonitorRewrite(monitor);
  for (const hart of harts) {
    hart.engine = "translator";
    hart.translator!.setRewrite(rewrite);
  }
}
