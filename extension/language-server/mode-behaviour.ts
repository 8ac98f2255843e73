/**
 * What each vmscope virtualization mode does with an instruction or a CSR
 * access from a guest kernel, as data (docs/hypervisor.md is the long
 * form; the exit reasons are the ones the VM Exits view shows).
 */
import { virtualSubstitutes } from "../../vmm-core/hart/csr-table-hypervisor";
import { csrName } from "../../vmm-core/hart/csr-table";

export const modes = ["none", "trap-and-emulate", "hardware-assisted", "binary-translation"] as const;
export type Mode = (typeof modes)[number];
export type ModeBehaviour = Readonly<Record<Mode, string>>;

const native = "runs natively: no VM exit";
const rewritten = "the translator rewrites it into a direct call to the monitor, which emulates it as trap-and-emulate does, without the trap";

const always: ModeBehaviour = {
  none: "runs natively (the guest owns the bare machine)",
  "trap-and-emulate": native,
  "hardware-assisted": native,
  "binary-translation": "runs natively (the translator copies it unchanged)",
};

const memoryAccess: ModeBehaviour = {
  ...always,
  "trap-and-emulate": "runs natively; the first access to a page after SFENCE.VMA takes a hidden `shadow-fill` exit, and an access to a device address an `mmio-read`/`mmio-write` exit",
  "hardware-assisted": "runs natively; the first access to a guest-physical page takes a `nested-fill` exit, and an access to a device address an `mmio-read`/`mmio-write` exit",
};

/** M-mode state: a guest kernel runs in (virtual) S-mode and may not touch it. */
const machineOnly: ModeBehaviour = {
  none: "runs natively in M-mode (firmware or an M-mode program)",
  "trap-and-emulate": "traps; the monitor injects an illegal-instruction exception into the guest kernel (`illegal-instruction-injected`)",
  "hardware-assisted": "raises an illegal-instruction exception in VS-mode, delegated to the guest kernel without a VM exit",
  "binary-translation": "as trap-and-emulate: the guest kernel sees an illegal-instruction exception",
};

/** Hypervisor state: exists for the monitor only. */
const hypervisorOnly: ModeBehaviour = {
  none: "needs the H extension (present in hardware-assisted mode); runs in M or HS mode",
  "trap-and-emulate": "traps; the monitor injects an illegal-instruction exception into the guest kernel (`illegal-instruction-injected`)",
  "hardware-assisted": "a virtual-instruction exception from VS-mode: VM exit, reflected to the guest as an illegal instruction (`illegal-instruction-injected`)",
  "binary-translation": "as trap-and-emulate: the guest kernel sees an illegal-instruction exception",
};

const instructionBehaviour: Readonly<Record<string, ModeBehaviour>> = {
  sret: {
    none: "runs natively",
    "trap-and-emulate": "traps (the kernel really runs in U-mode) and is emulated: VM exit `sret`, a virtual sret (privilege from SPP, SIE from SPIE, pc from sepc)",
    "hardware-assisted": "runs in VS-mode without exiting (returns to VS or VU from the VS CSRs)",
    "binary-translation": rewritten,
  },
  "sfence.vma": {
    none: "runs natively (flushes the TLB)",
    "trap-and-emulate": "traps and is emulated: VM exit `sfence.vma`; the monitor drops shadow page-table entries (by address, by ASID or all)",
    "hardware-assisted": "runs in VS-mode without exiting; flushes the guest's VS-stage translations only",
    "binary-translation": rewritten,
  },
  wfi: {
    none: "runs natively (the hart sleeps until an interrupt is pending)",
    "trap-and-emulate": "traps and is emulated: VM exit `wfi`; the vCPU waits for the monitor's timer or the guest's external line",
    "hardware-assisted": "runs in VS-mode without exiting; the hart sleeps until an interrupt is pending",
    "binary-translation": rewritten,
  },
  ecall: {
    none: "traps to M-mode (the firmware's SBI or the program's own trap handler)",
    "trap-and-emulate": "from the guest kernel: VM exit `sbi`, the monitor serves the SBI call; from guest user code: injected into the guest kernel (`exception-injected`)",
    "hardware-assisted": "from VS-mode: VM exit `sbi`, the monitor serves the SBI call; from VU-mode: delegated to the guest kernel without an exit",
    "binary-translation": "as trap-and-emulate (an ECALL is meant to reach the monitor)",
  },
  ebreak: {
    none: "breakpoint trap to the program's handler (the debugger uses its own breakpoints, never EBREAK)",
    "trap-and-emulate": "traps; the monitor injects the breakpoint exception into the guest kernel (`exception-injected`)",
    "hardware-assisted": "delegated to the guest kernel without a VM exit",
    "binary-translation": "as trap-and-emulate",
  },
  mret: machineOnly,
};

const csrInstructions = new Set(["csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci"]);
const memoryInstructions = /^(l[bhwd]u?|s[bhwd]|lr\.|sc\.|amo|c\.(l|s)[wd](sp)?$)/;

/** Mode behaviour of an instruction (pseudo-instructions pass their base). Undefined for CSR instructions: see csrBehaviour. */
export function instructionModeBehaviour(name: string): ModeBehaviour | undefined {
  if (csrInstructions.has(name)) return undefined;
  const specific = instructionBehaviour[name];
  if (specific) return specific;
  if (name.startsWith("hfence.") || name.startsWith("hlv") || name.startsWith("hsv")) return hypervisorOnly;
  if (memoryInstructions.test(name)) return memoryAccess;
  return always;
}

/** Mode behaviour of a CSR instruction on the CSR at `address`, from the guest kernel. */
export function csrModeBehaviour(address: number, name: string): ModeBehaviour {
  const privilege = (address >> 8) & 3;
  if (privilege === 0) return { ...always, "trap-and-emulate": "runs natively when the counter-enable bits allow it, else traps", "hardware-assisted": "runs natively when mcounteren/hcounteren allow it" };
  if (privilege === 3) return machineOnly;
  if (privilege === 2) return hypervisorOnly;
  const substitute = virtualSubstitutes.get(address);
  const effect =
    name === "satp" ? "; a write selects (or builds) the shadow page tables of the new address space"
    : name === "sstatus" ? "; SUM/MXR changes switch the shadow root"
    : name === "stimecmp" ? "; a write reprograms the monitor's timer"
    : "";
  return {
    none: "runs natively (S-mode under firmware, or M-mode)",
    "trap-and-emulate": `traps (illegal instruction: the kernel really runs in U-mode) and is emulated against the vCPU's copy: VM exit \`csr-read\`/\`csr-write\`${effect}`,
    "hardware-assisted": substitute === undefined
      ? "runs in VS-mode without exiting"
      : `runs in VS-mode without exiting: the access reaches the guest's own copy, ${csrName(substitute)}`,
    "binary-translation": rewritten,
  };
}
