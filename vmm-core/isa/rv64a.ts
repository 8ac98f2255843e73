/**
 * The A extension: LR/SC with a reservation and the AMOs. Like QEMU, SC
 * succeeds when the reserved address still holds the value LR loaded
 * (cmpxchg semantics), and misaligned atomics trap instead of being split.
 */
import type { Handler } from "./decoded";
import type { Hart } from "../hart/hart";
import { Exception, Trap } from "../hart/trap";

const s64 = (value: bigint): bigint => BigInt.asIntN(64, value);
const u64 = (value: bigint): bigint => BigInt.asUintN(64, value);

function aligned(address: bigint, size: number, cause: number): void {
  if ((address & BigInt(size - 1)) !== 0n) throw new Trap(cause, u64(address));
}

/** AMOs read and write: a fault on the read side is reported as a store/AMO fault. */
function amoRead(h: Hart, address: bigint, size: 4 | 8): bigint {
  try {
    return h.load(address, size, true);
  } catch (error) {
    if (error instanceof Trap && error.cause === Exception.loadPageFault) throw new Trap(Exception.storePageFault, error.tval);
    if (error instanceof Trap && error.cause === Exception.loadAccessFault) throw new Trap(Exception.storeAccessFault, error.tval);
    throw error;
  }
}

function amo(size: 4 | 8, combine: (old: bigint, operand: bigint) => bigint): Handler {
  const width = size * 8;
  return (h, d) => {
    const address = h.r[d.rs1];
    aligned(address, size, Exception.storeAddressMisaligned);
    const old = amoRead(h, address, size);
    h.store(address, size, combine(old, BigInt.asIntN(width, h.r[d.rs2])));
    h.r[d.destination] = old;
  };
}

function loadReserved(size: 4 | 8): Handler {
  return (h, d) => {
    const address = h.r[d.rs1];
    aligned(address, size, Exception.loadAddressMisaligned);
    const value = h.load(address, size, true);
    h.reservationAddress = u64(address);
    h.reservationValue = value;
    h.reservationSize = size;
    h.r[d.destination] = value;
  };
}

function storeConditional(size: 4 | 8): Handler {
  return (h, d) => {
    const address = h.r[d.rs1];
    aligned(address, size, Exception.storeAddressMisaligned);
    const reserved = h.reservationAddress === u64(address) && h.reservationSize === size;
    h.reservationAddress = -1n;
    if (reserved && amoRead(h, address, size) === h.reservationValue) {
      h.store(address, size, h.r[d.rs2]);
      h.r[d.destination] = 0n;
    } else {
      h.r[d.destination] = 1n;
    }
  };
}

function family(size: 4 | 8): Record<string, Handler> {
  const suffix = size === 4 ? ".w" : ".d";
  const signed = (value: bigint) => BigInt.asIntN(size * 8, value);
  const unsigned = (value: bigint) => BigInt.asUintN(size * 8, value);
  return {
    [`lr${suffix}`]: loadReserved(size),
    [`sc${suffix}`]: storeConditional(size),
    [`amoswap${suffix}`]: amo(size, (_old, operand) => operand),
    [`amoadd${suffix}`]: amo(size, (old, operand) => s64(old + operand)),
    [`amoxor${suffix}`]: amo(size, (old, operand) => old ^ operand),
    [`amoand${suffix}`]: amo(size, (old, operand) => old & operand),
    [`amoor${suffix}`]: amo(size, (old, operand) => old | operand),
    [`amomin${suffix}`]: amo(size, (old, operand) => (signed(old) < signed(operand) ? old : operand)),
    [`amomax${suffix}`]: amo(size, (old, operand) => (signed(old) > signed(operand) ? old : operand)),
    [`amominu${suffix}`]: amo(size, (old, operand) => (unsigned(old) < unsigned(operand) ? old : operand)),
    [`amomaxu${suffix}`]: amo(size, (old, operand) => (unsigned(old) > unsigned(operand) ? old : operand)),
  };
}

export const rv64aHandlers: Record<string, Handler> = { ...family(4), ...family(8) };
