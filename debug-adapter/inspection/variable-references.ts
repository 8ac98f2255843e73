/**
 * variablesReference numbers that name what they show, so they stay valid
 * across requests without a table to keep or reset: hart, container kind
 * and an item (a CSR address, a counter group). Reference 0 means "no
 * children" in DAP, so every encoded reference is at least 1.
 */
export const enum ContainerKind {
  Registers = 1,
  GuestCsrs = 2,
  MachineCsrs = 3,
  Hypervisor = 4,
  /** Fields of one guest CSR (item = CSR address). */
  GuestCsrFields = 5,
  /** Fields of one real CSR (item = CSR address). */
  MachineCsrFields = 6,
  /** A counter group of the Hypervisor scope (item = group index). */
  HypervisorGroup = 7,
  /** Registers of a caller frame as unwound (item = the inspector's index of that frame). */
  CallerRegisters = 8,
}

export interface Container {
  hart: number;
  kind: ContainerKind;
  item: number;
}

const itemSpace = 4096;
const kindSpace = 16;
/** Above the small numbers other parts of the session may use. */
const base = 1 << 20;

export function encodeReference(container: Container): number {
  return base + (container.hart * kindSpace + container.kind) * itemSpace + container.item;
}

export function decodeReference(reference: number): Container | undefined {
  if (!Number.isInteger(reference) || reference < base) return undefined;
  const value = reference - base;
  const item = value % itemSpace;
  const rest = Math.floor(value / itemSpace);
  const kind = rest % kindSpace;
  if (kind < ContainerKind.Registers || kind > ContainerKind.CallerRegisters) return undefined;
  return { hart: Math.floor(rest / kindSpace), kind: kind as ContainerKind, item };
}
