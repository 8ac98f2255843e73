/**
 * vmscope/translate: one address through the chosen tables with every step
 * of the walk. "guest": the guest's own tables (the result is guest-physical,
 * plus host-physical under a monitor); "shadow": trap-and-emulate's guest
 * walk followed by the shadow walk the real hart makes; "nested": the 2D
 * walk of hardware-assisted, each G-stage walk next to the guest-stage
 * reference it serves (15 references for Sv39 under Sv39x4). Nothing here
 * sets an A/D bit.
 */
import { Access, walkSv39, type WalkStep } from "../../vmm-core/hart/mmu";
import { translateNested } from "../../vmm-core/hypervisor/nested-translate";
import type { TranslationStep } from "../../vmm-core/hypervisor/shadow/translate";
import { hex, type GuestView } from "../inspection/guest-view";
import type { TranslateResponse, TranslateStep } from "../protocol";
import { argumentsObject, oneOf, requiredAddress } from "./arguments";
import { pageTableRoots } from "./page-tables";

const accesses = { read: Access.Read, write: Access.Write, execute: Access.Fetch } as const;
const ppnMask = (1n << 44n) - 1n;

function step(stage: string, walk: WalkStep | TranslationStep, extra: { serves?: string; note?: string } = {}): TranslateStep {
  return {
    stage,
    level: walk.level,
    pteAddress: hex(walk.pteAddress),
    ...(walk.pte !== undefined ? { pte: hex(walk.pte) } : {}),
    ...extra,
  };
}

export function translateRequest(view: GuestView, rawArgs: unknown): TranslateResponse {
  const args = argumentsObject(rawArgs);
  const address = requiredAddress(args, "address");
  const root = oneOf(args, "root", pageTableRoots);
  const access = accesses[oneOf(args, "access", ["read", "write", "execute"] as const, "read")];
  switch (root) {
    case "guest":
      return guestWalk(view, address, access);
    case "shadow":
      return shadowWalk(view, address, access);
    case "nested":
      return nestedWalk(view, address, access);
  }
}

function guestWalk(view: GuestView, address: bigint, access: Access): TranslateResponse {
  const state = view.translationState();
  const withHost = (physical: bigint): Partial<TranslateResponse> => {
    if (!view.virtualized) return {};
    const host = view.map?.toHost(physical);
    return host === undefined ? {} : { hostPhysicalAddress: hex(host) };
  };
  if (state.privilege === 3 || state.satp >> 60n === 0n) {
    const why = state.privilege === 3 ? "M-mode accesses are not translated" : `${state.satpName} is Bare`;
    return { ok: true, physicalAddress: hex(address), ...withHost(address), steps: [], references: 0, note: why };
  }
  const outcome = walkSv39(
    BigInt.asUintN(64, address),
    access,
    { root: (state.satp & ppnMask) << 12n, privilege: state.privilege, sum: state.sum, mxr: state.mxr, updateAccessedDirty: false },
    view.guestPteReader(),
  );
  const steps = outcome.steps.map((s) => step("guest", s));
  if (outcome.kind !== "ok") return { ok: false, fault: `${outcome.kind}: ${outcome.reason}`, steps, references: outcome.references };
  return { ok: true, physicalAddress: hex(outcome.physicalAddress), ...withHost(outcome.physicalAddress), steps, references: outcome.references };
}

function shadowWalk(view: GuestView, address: bigint, access: Access): TranslateResponse {
  const monitor = view.trapAndEmulate;
  const vcpu = view.vcpu;
  if (!monitor || !vcpu) return { ok: false, fault: `mode ${view.machine.mode} has no shadow page tables`, steps: [], references: 0 };
  const translation = monitor.shadow.translate(monitor.context(vcpu), address, access);
  const steps = [
    ...translation.guest.steps.map((s) => step("guest", s, { note: s.outcome })),
    ...translation.shadow.steps.map((s) => step("shadow", s, { note: s.outcome })),
  ];
  const response: TranslateResponse = {
    ok: translation.shadow.result === "ok",
    steps,
    references: steps.length,
    verdict: translation.verdict,
  };
  if (translation.guest.address !== undefined) response.guestPhysicalAddress = hex(translation.guest.address);
  if (translation.shadow.address !== undefined) response.physicalAddress = hex(translation.shadow.address);
  else response.fault = translation.shadow.reason ?? translation.guest.reason;
  return response;
}

function nestedWalk(view: GuestView, address: bigint, access: Access): TranslateResponse {
  if (!view.hardwareAssisted) return { ok: false, fault: `mode ${view.machine.mode} has no nested page tables`, steps: [], references: 0 };
  const state = view.translationState();
  const hart = view.hart;
  const result = translateNested(
    view.machine.bus,
    { vsatp: hart.h.vsatp, hgatp: hart.h.hgatp, privilege: state.privilege, sum: state.sum, mxr: state.mxr },
    address,
    access,
  );
  // The hardware's order: the G-stage walk of each guest PTE's address, then that PTE, and the data's G-stage walk last.
  const steps: TranslateStep[] = [];
  result.nestedWalks.forEach((walk, i) => {
    const serves = walk.purpose === "data" ? "final" : walk.purpose;
    for (const s of walk.steps) steps.push(step("g-stage", s, { serves, ...(walk.fault ? { note: walk.fault } : {}) }));
    const guest = result.guestSteps[i];
    if (guest && walk.purpose !== "data") steps.push(step("guest", guest));
  });
  const response: TranslateResponse = { ok: result.hpa !== undefined, steps, references: result.memoryReferences };
  if (result.gpa !== undefined) response.guestPhysicalAddress = hex(result.gpa);
  if (result.hpa !== undefined) response.physicalAddress = hex(result.hpa);
  if (result.fault) response.fault = result.fault;
  return response;
}
