/**
 * DBCN extension (EID 0x4442434E "DBCN"): the debug console, with buffers
 * given by guest-physical address.
 *
 * On RV64 base_addr_lo holds the whole address, so a non-zero base_addr_hi
 * names memory above 2^64, which cannot be accessible: SBI_ERR_INVALID_PARAM
 * (the v2.0 error for a buffer that does not meet the shared-memory rules;
 * OpenSBI answers SBI_ERR_FAILED here). A buffer that is not entirely guest
 * RAM is SBI_ERR_INVALID_PARAM too. Both calls are non-blocking and may move
 * fewer bytes than asked: at most maxTransfer per call (the guest loops).
 */
import { failure, hex, success, type SbiCallContext, type SbiExtension, type SbiOutcome } from "./sbi-extension";
import { SbiError } from "./sbi-error";

/** Bytes moved per console_write / console_read call at most. */
export const maxTransfer = 4096;

interface Buffer {
  base: bigint;
  /** Bytes this call transfers (num_bytes capped at maxTransfer). */
  length: number;
}

/**
 * Checks the whole [base, base + num_bytes) range: its first `length` bytes
 * (the ones this call moves) and its last byte. Guest RAM is one contiguous
 * region, so both ends inside it means every byte is.
 */
function guestBuffer({ host, args }: SbiCallContext): Buffer | SbiOutcome {
  const [numBytes, base, baseHigh] = [args.a0, args.a1, args.a2];
  if (baseHigh !== 0n) return failure(SbiError.INVALID_PARAM, "base_addr_hi must be 0 on RV64");
  const length = Number(numBytes < BigInt(maxTransfer) ? numBytes : BigInt(maxTransfer));
  if (length === 0) return { base, length };
  if (host.readGuestPhysical(base, length) === undefined || host.readGuestPhysical(base + numBytes - 1n, 1) === undefined) {
    return failure(SbiError.INVALID_PARAM, `[${hex(base)}, +${numBytes}) is not guest RAM`);
  }
  return { base, length };
}

function isOutcome(value: Buffer | SbiOutcome): value is SbiOutcome {
  return "error" in value;
}

/** A short printable preview for the exit log: "\"Hello\\n\"". */
export function previewBytes(bytes: Uint8Array, limit = 32): string {
  const shown = Array.from(bytes.subarray(0, limit), (byte) => {
    if (byte === 0x0a) return "\\n";
    if (byte === 0x0d) return "\\r";
    if (byte === 0x22 || byte === 0x5c) return `\\${String.fromCharCode(byte)}`;
    return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
  }).join("");
  return `"${shown}"${bytes.length > limit ? "…" : ""}`;
}

export const dbcnExtension: SbiExtension = {
  eid: 0x4442434en,
  name: "DBCN",
  functions: {
    0: {
      name: "console_write",
      params: ["num_bytes", "base_addr_lo", "base_addr_hi"],
      returnsValue: true,
      handler: (call) => {
        const buffer = guestBuffer(call);
        if (isOutcome(buffer)) return buffer;
        const bytes = buffer.length === 0 ? new Uint8Array(0) : call.host.readGuestPhysical(buffer.base, buffer.length);
        if (bytes === undefined) return failure(SbiError.FAILED);
        call.host.consoleWrite(bytes);
        return success(BigInt(bytes.length), previewBytes(bytes));
      },
    },
    1: {
      name: "console_read",
      params: ["num_bytes", "base_addr_lo", "base_addr_hi"],
      returnsValue: true,
      handler: (call) => {
        const buffer = guestBuffer(call);
        if (isOutcome(buffer)) return buffer;
        // Only take input once the buffer is known good, so no byte is lost.
        const bytes = buffer.length === 0 ? new Uint8Array(0) : call.host.consoleReadAvailable(buffer.length);
        if (bytes.length > 0 && !call.host.writeGuestPhysical(buffer.base, bytes)) return failure(SbiError.FAILED);
        return success(BigInt(bytes.length), previewBytes(bytes));
      },
    },
    2: {
      name: "console_write_byte",
      params: ["byte"],
      handler: ({ host, args }) => {
        const bytes = Uint8Array.of(Number(args.a0 & 0xffn));
        host.consoleWrite(bytes);
        return success(0n, previewBytes(bytes));
      },
    },
  },
};
