/**
 * Standard SBI error codes (SBI v2.0, "Binary Encoding", table "Standard
 * SBI Errors"). They travel in a0 as signed XLEN values, so they are kept
 * as bigint like the registers they land in.
 */
export const SbiError = {
  SUCCESS: 0n,
  FAILED: -1n,
  NOT_SUPPORTED: -2n,
  INVALID_PARAM: -3n,
  DENIED: -4n,
  INVALID_ADDRESS: -5n,
  ALREADY_AVAILABLE: -6n,
  ALREADY_STARTED: -7n,
  ALREADY_STOPPED: -8n,
  NO_SHMEM: -9n,
  INVALID_STATE: -10n,
  BAD_RANGE: -11n,
} as const;

const names = new Map<bigint, string>(
  Object.entries(SbiError).map(([name, code]) => [code, name === "SUCCESS" ? "SUCCESS" : `ERR_${name}`]),
);

/** "SUCCESS", "ERR_INVALID_PARAM" …, or the number for a code the spec does not define. */
export function sbiErrorName(code: bigint): string {
  return names.get(BigInt.asIntN(64, code)) ?? `error ${BigInt.asIntN(64, code)}`;
}
