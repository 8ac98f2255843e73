/**
 * vmscope's custom DAP requests and events, typed in one place (js-debug's
 * dapCustom style). The adapter implements them, the extension calls them
 * through `session.customRequest(name, args)`; `docs/protocol.md` documents
 * them for any other client. Payloads are JSON: 64-bit values travel as
 * "0x…" hex strings, never as numbers that would lose bits.
 */

/** A 64-bit value as "0x" followed by lowercase hex digits. */
export type Hex = string;

export type VirtualizationMode = "none" | "trap-and-emulate" | "hardware-assisted" | "binary-translation";

// ---- vmscope/pageTables --------------------------------------------------

/**
 * Which tree: the guest's own (from the guest-visible satp, or vsatp when the
 * guest runs in VS mode), the monitor's shadow tables (trap-and-emulate), or
 * the G-stage tables (hardware-assisted, hgatp).
 */
export type PageTableRoot = "guest" | "shadow" | "nested";

export interface PageTablesArguments {
  vcpu?: number;
  root: PageTableRoot;
  /**
   * Physical address of the table to list (one level, lazily): omitted for
   * the root table. Children whose `kind` is "table" are fetched by passing
   * their `target` here with `level` one less.
   */
  table?: Hex;
  level?: number;
  /** Also return the coalesced leaf ranges of the whole tree (bounded by `maxRanges`). */
  ranges?: boolean;
  maxRanges?: number;
}

export interface PageTableEntryInfo {
  level: number;
  index: number;
  pteAddress: Hex;
  pte: Hex;
  /** "RWXUGAD" with "-" for clear bits. */
  flags: string;
  kind: "table" | "leaf";
  va: Hex;
  size: Hex;
  /** Next table (kind "table") or the leaf's (guest- or host-) physical address. */
  target: Hex;
  /** For guest leaves in a virtualized mode: the host-physical address of `target`. */
  hostTarget?: Hex;
  problem?: string;
}

export interface PageTableRangeInfo {
  va: Hex;
  vaEnd: Hex;
  pa: Hex;
  flags: string;
  leaves: number;
}

export interface PageTablesResponse {
  /** False (with `reason`) when the tree does not exist: bare satp, mode none has no shadow … */
  available: boolean;
  reason?: string;
  /** satp / vsatp / hgatp value the tree comes from, and its root table address. */
  register?: { name: string; value: Hex };
  rootTable?: Hex;
  /** Describes the address spaces: "guest-virtual → guest-physical" etc. */
  addressSpaces?: string;
  entries: PageTableEntryInfo[];
  ranges?: PageTableRangeInfo[];
  truncated?: boolean;
}

// ---- vmscope/translate ---------------------------------------------------

export interface TranslateArguments {
  vcpu?: number;
  address: Hex;
  /** Which tables: the guest's own, the shadow, or the full nested (2D) walk. */
  root: PageTableRoot;
  access?: "read" | "write" | "execute";
}

export interface TranslateStep {
  /** "guest" (VS-stage / guest tables), "shadow", "g-stage". */
  stage: string;
  level: number;
  pteAddress: Hex;
  pte?: Hex;
  /** For a 2D walk: which guest-stage step this G-stage walk serves (or "final"). */
  serves?: string;
  note?: string;
}

export interface TranslateResponse {
  ok: boolean;
  /** Result (guest-physical for "guest", host-physical for "shadow" / "nested"). */
  physicalAddress?: Hex;
  /** With root "guest" in a virtualized mode: the host-physical address as well. */
  hostPhysicalAddress?: Hex;
  fault?: string;
  steps: TranslateStep[];
  /** Memory references the walk made (15 at most for the 2D Sv39/Sv39x4 walk). */
  references: number;
  /** With root "shadow" or "nested": the guest-physical address between the two stages. */
  guestPhysicalAddress?: Hex;
  /**
   * With root "shadow": how the shadow relates to the guest's tables
   * ("mapped", "hidden-fault", "guest-fault", "mmio", "inconsistent").
   */
  verdict?: string;
  /** Why no walk was made ("satp is Bare", "M-mode accesses are not translated"). */
  note?: string;
}

// ---- vmscope/exits, vmscope/exitStats, vmscope/exitsAvailable event -----

export interface ExitRecordInfo {
  sequence: number;
  vcpu: number;
  instret: number;
  reason: string;
  detail: string;
  pc: Hex;
  instruction?: number;
  disassembly?: string;
  handling: string;
  cost: number;
}

export interface ExitsArguments {
  /** Records with sequence >= since (0: everything the ring still holds). */
  since?: number;
  reasons?: string[];
  vcpu?: number;
  limit?: number;
}

export interface ExitsResponse {
  records: ExitRecordInfo[];
  /** Sequence number the next exit will get. */
  next: number;
  /** Records older than this have been dropped from the ring. */
  oldest: number;
}

export interface ExitCountersInfo {
  count: number;
  cost: number;
  hostNanoseconds: number;
}

export interface ExitStatsResponse {
  total: number;
  byReason: Record<string, ExitCountersInfo>;
  byDetail: Record<string, Record<string, ExitCountersInfo>>;
  /** Guest instructions retired over all vCPUs, for rates. */
  instret: number;
}

/** Event "vmscope/exitsAvailable": batched while running (at most every 250 ms). */
export interface ExitsAvailableEventBody {
  /** Sequence number the next exit will get; fetch with vmscope/exits since the last one seen. */
  next: number;
  /** The newest records of this batch (at most 100); a client that needs all asks vmscope/exits. */
  records: ExitRecordInfo[];
  /** Instructions and exits per second over the last batch interval, for the status bar. */
  instructionsPerSecond: number;
  exitsPerSecond: number;
}

// ---- vmscope/traps -------------------------------------------------------

export interface TrapRecordInfo {
  sequence: number;
  hart: number;
  instret: number;
  cause: number;
  interrupt: boolean;
  /** "illegal instruction", "supervisor timer interrupt" … */
  name: string;
  pc: Hex;
  tval: Hex;
  /** "M", "HS", "S", "VS", "U", "VU". */
  from: string;
  to: string;
  /** Handler entered (the new pc). */
  handler: Hex;
}

export interface TrapsArguments {
  since?: number;
  hart?: number;
  limit?: number;
}

export interface TrapsResponse {
  records: TrapRecordInfo[];
  next: number;
  oldest: number;
}

// ---- vmscope/devices -----------------------------------------------------

/**
 * A device as a tree of named values (registers, queues, FIFOs), and one
 * device's snapshot: defined next to the devices (vmm-core cannot import
 * the adapter), handed on unchanged.
 */
export type { DeviceNode, DeviceSnapshotInfo } from "../vmm-core/devices/snapshot";
import type { DeviceSnapshotInfo } from "../vmm-core/devices/snapshot";

export interface DevicesResponse {
  devices: DeviceSnapshotInfo[];
}

// ---- vmscope/hypervisor, vmscope/setBalloon ------------------------------

export interface VcpuInfo {
  id: number;
  pc: Hex;
  /** Privilege the guest believes it has ("S", "U", "M"). */
  virtualPrivilege: string;
  /** Privilege the hart really runs in ("U" under trap-and-emulate, "VS" hardware-assisted …). */
  realPrivilege: string;
  instret: number;
  waiting: boolean;
}

export interface MemoryRegionInfo {
  name: string;
  base: Hex;
  size: Hex;
  /** "ram", "device", "rom", "monitor". */
  kind: string;
  /** Guest-physical base → host-physical base, when the monitor relocates RAM. */
  hostBase?: Hex;
}

/** The balloon and the host's memory figures: defined beside the balloon in vmm-core. */
export type { BalloonInfo, MemoryAccountingInfo } from "../vmm-core/devices/virtio/balloon-accounting";
import type { BalloonInfo, MemoryAccountingInfo } from "../vmm-core/devices/virtio/balloon-accounting";

export interface HypervisorResponse {
  mode: VirtualizationMode;
  vcpus: VcpuInfo[];
  memoryMap: MemoryRegionInfo[];
  memory: MemoryAccountingInfo;
  balloon: BalloonInfo;
  /** Guest instructions retired over all harts, and exits so far. */
  instret: number;
  exits: number;
}

export interface SetBalloonArguments {
  /** New balloon target in MiB of guest memory to take back. */
  targetMib: number;
}

// ---- console ---------------------------------------------------------------

/** Request "vmscope/consoleInput": bytes typed into the guest's UART (and virtio-console). */
export interface ConsoleInputArguments {
  /** UTF-8 text; "\r" for Enter as a terminal sends it. */
  text: string;
}

/** Event "vmscope/console": guest console output, for the extension's terminal. */
export interface ConsoleEventBody {
  /** UTF-8 text (invalid sequences replaced). */
  text: string;
}

// ---- snapshots (vmm-core/snapshot, docs/snapshots.md) -----------------------

/** Requests "vmscope/saveSnapshot" and "vmscope/loadSnapshot": a snapshot file on the adapter's host. */
export interface SnapshotArguments {
  /** File path on the machine the adapter runs on (relative: to the adapter's working directory). */
  path: string;
}

export interface SnapshotResponse {
  /** The absolute path written or read. */
  path: string;
  /** The file's size in bytes. */
  bytes: number;
  /** Guest instructions retired over all harts at the snapshot point. */
  instret: number;
}

// ---- names -----------------------------------------------------------------

export const customRequests = {
  pageTables: "vmscope/pageTables",
  translate: "vmscope/translate",
  exits: "vmscope/exits",
  exitStats: "vmscope/exitStats",
  traps: "vmscope/traps",
  devices: "vmscope/devices",
  hypervisor: "vmscope/hypervisor",
  setBalloon: "vmscope/setBalloon",
  consoleInput: "vmscope/consoleInput",
  saveSnapshot: "vmscope/saveSnapshot",
  loadSnapshot: "vmscope/loadSnapshot",
} as const;

export const customEvents = {
  exitsAvailable: "vmscope/exitsAvailable",
  console: "vmscope/console",
} as const;

/** Request name → [arguments, response body]; the extension's typed `customRequest` uses this map. */
export interface CustomRequestMap {
  "vmscope/pageTables": [PageTablesArguments, PageTablesResponse];
  "vmscope/translate": [TranslateArguments, TranslateResponse];
  "vmscope/exits": [ExitsArguments, ExitsResponse];
  "vmscope/exitStats": [Record<string, never>, ExitStatsResponse];
  "vmscope/traps": [TrapsArguments, TrapsResponse];
  "vmscope/devices": [Record<string, never>, DevicesResponse];
  "vmscope/hypervisor": [Record<string, never>, HypervisorResponse];
  "vmscope/setBalloon": [SetBalloonArguments, BalloonInfo];
  "vmscope/consoleInput": [ConsoleInputArguments, Record<string, never>];
  "vmscope/saveSnapshot": [SnapshotArguments, SnapshotResponse];
  "vmscope/loadSnapshot": [SnapshotArguments, SnapshotResponse];
}
