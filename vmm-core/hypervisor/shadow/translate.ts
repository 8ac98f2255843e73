/**
 * One guest-virtual address through both translations the monitor keeps —
 * the guest's own tables, then the shadow the real hart walks — with every
 * step of each walk, for the debugger's "translate address" query. Built on
 * walkSv39's steps with A/D updates off, so asking changes nothing.
 */
import { Access, pte, walkSv39, type PteMemory, type WalkOutcome } from "../../hart/mmu";
import type { GuestPhysicalMap } from "../guest-physical-map";
import { formatFlags } from "../page-table-tree";
import { describeContext, isBare, normalizeContext, satpRoot, type ShadowContext } from "./context";

export interface TranslationStep {
  level: number;
  pteAddress: bigint;
  pte: bigint | undefined;
  /** "table → 0x…", "leaf RWXU-AD → 0x…", "invalid (V=0)", "not in RAM", plus the fault reason on the last step. */
  outcome: string;
}

export interface WalkReport {
  result: "ok" | "page-fault" | "access-fault" | "no-walk";
  steps: TranslationStep[];
  /** Translated address (guest-physical for the guest walk, host-physical for the shadow). */
  address?: bigint;
  reason?: string;
}

export type TranslationVerdict =
  /** The shadow maps the page exactly as the guest's tables and the map say. */
  | "mapped"
  /** The guest allows it; the shadow has no (or a narrower) entry yet: the next access is a hidden fault. */
  | "hidden-fault"
  /** The guest's own tables refuse it: a true fault. */
  | "guest-fault"
  /** The guest maps it to a device: every access is emulated. */
  | "mmio"
  /** The shadow disagrees with the guest (stale until the guest's next SFENCE.VMA, or a monitor bug). */
  | "inconsistent";

export interface Translation {
  va: bigint;
  access: Access;
  context: string;
  guest: WalkReport;
  /** GuestPhysicalMap.toHost of the guest-physical address, when it is RAM. */
  expectedHpa?: bigint;
  shadowRoot?: bigint;
  shadow: WalkReport;
  verdict: TranslationVerdict;
}

export interface TranslateSources {
  guest: PteMemory;
  shadow: PteMemory;
  map: GuestPhysicalMap;
  /** Undefined when no shadow root exists yet for the context. */
  shadowRoot: bigint | undefined;
}

const hex = (value: bigint): string => `0x${value.toString(16)}`;

function report(outcome: WalkOutcome): WalkReport {
  const steps = outcome.steps.map((step, i): TranslationStep => {
    let text: string;
    const entry = step.pte;
    if (entry === undefined) text = "not in RAM";
    else if ((entry & pte.V) === 0n) text = "invalid (V=0)";
    else if ((entry & (pte.R | pte.X)) === 0n) text = `table → ${hex(((entry >> 10n) & ((1n << 44n) - 1n)) << 12n)}`;
    else text = `leaf ${formatFlags(entry)} → ${hex(((entry >> 10n) & ((1n << 44n) - 1n)) << 12n)}`;
    if (i === outcome.steps.length - 1 && outcome.kind !== "ok") text += `: ${outcome.reason}`;
    return { level: step.level, pteAddress: step.pteAddress, pte: entry, outcome: text };
  });
  if (outcome.kind === "ok") return { result: "ok", steps, address: outcome.physicalAddress };
  return { result: outcome.kind, steps, reason: outcome.reason };
}

export function translateThrough(context: ShadowContext, va: bigint, access: Access, sources: TranslateSources): Translation {
  const c = normalizeContext(context);
  const address = BigInt.asUintN(64, va);
  const guest: WalkReport = isBare(c)
    ? { result: "ok", steps: [], address }
    : report(
        walkSv39(
          address,
          access,
          { root: satpRoot(c.satp), privilege: c.privilege, sum: c.sum, mxr: c.mxr, updateAccessedDirty: false },
          sources.guest,
        ),
      );
  const expectedHpa = guest.address !== undefined ? sources.map.toHost(guest.address) : undefined;
  // The real hart walks the shadow in U-mode with SUM and MXR clear.
  const shadow: WalkReport =
    sources.shadowRoot === undefined
      ? { result: "no-walk", steps: [], reason: "no shadow root for this context yet" }
      : report(walkSv39(address, access, { root: sources.shadowRoot, privilege: 0, sum: false, mxr: false, updateAccessedDirty: false }, sources.shadow));
  let verdict: TranslationVerdict;
  if (guest.result !== "ok") verdict = shadow.result === "ok" ? "inconsistent" : "guest-fault";
  else if (expectedHpa === undefined) verdict = shadow.result === "ok" ? "inconsistent" : "mmio";
  else if (shadow.result !== "ok") verdict = "hidden-fault";
  else verdict = shadow.address === expectedHpa ? "mapped" : "inconsistent";
  return {
    va: address,
    access,
    context: describeContext(c),
    guest,
    ...(expectedHpa !== undefined ? { expectedHpa } : {}),
    ...(sources.shadowRoot !== undefined ? { shadowRoot: sources.shadowRoot } : {}),
    shadow,
    verdict,
  };
}
