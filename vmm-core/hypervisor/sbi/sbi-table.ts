/**
 * Every SBI extension the monitor serves, in one table: adding an
 * extension is adding a row. BASE.probe_extension answers from this table.
 */
import { baseExtension } from "./base";
import { dbcnExtension } from "./dbcn";
import { hsmExtension } from "./hsm";
import { ipiExtension } from "./ipi";
import { legacyExtensions } from "./legacy";
import { rfenceExtension } from "./rfence";
import type { SbiExtension } from "./sbi-extension";
import { srstExtension } from "./srst";
import { timeExtension } from "./time";

export const sbiExtensions: readonly SbiExtension[] = [
  ...legacyExtensions,
  baseExtension,
  timeExtension,
  ipiExtension,
  rfenceExtension,
  hsmExtension,
  srstExtension,
  dbcnExtension,
];

export const sbiExtensionsByEid: ReadonlyMap<bigint, SbiExtension> = new Map(sbiExtensions.map((extension) => [extension.eid, extension]));

/** EIDs 0x00 .. 0x0F are the v0.1 extensions: a6 is not a FID and only a0 is returned. */
export function isLegacyEid(eid: bigint): boolean {
  return eid <= 0x0fn;
}
