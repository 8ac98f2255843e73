/**
 * The monitor's guest-physical → host-physical map. The guest sees RAM at
 * 0x8000_0000 as on a bare `virt` board; the monitor places it at a
 * different host-physical base (after its own region, which holds the
 * shadow page tables), so the two address spaces are really distinct in
 * every view. Device addresses are never mapped: guest accesses to them
 * fault and are emulated.
 */
export class GuestPhysicalMap {
  /** Host-physical address of guest-physical RAM base. */
  readonly hostRamBase: bigint;

  constructor(
    readonly guestRamBase: bigint,
    readonly guestRamSize: bigint,
    /** Host RAM base and the size of the monitor's own region at its start. */
    readonly hostBase: bigint,
    readonly monitorRegionSize: bigint,
  ) {
    this.hostRamBase = hostBase + monitorRegionSize;
  }

  /** True when [gpa, gpa + size) is guest RAM. */
  isRam(gpa: bigint, size = 1n): boolean {
    return gpa >= this.guestRamBase && gpa + size <= this.guestRamBase + this.guestRamSize;
  }

  /** Host-physical address of a guest-physical RAM address, or undefined for anything else (devices, holes). */
  toHost(gpa: bigint): bigint | undefined {
    return this.isRam(gpa) ? gpa - this.guestRamBase + this.hostRamBase : undefined;
  }

  /** The reverse, for views: the guest-physical address a host RAM address backs, if any. */
  toGuest(hpa: bigint): bigint | undefined {
    const offset = hpa - this.hostRamBase;
    return offset >= 0n && offset < this.guestRamSize ? this.guestRamBase + offset : undefined;
  }

  /** Host-physical range of the monitor's region (shadow page tables live there). */
  get monitorRegion(): { base: bigint; size: bigint } {
    return { base: this.hostBase, size: this.monitorRegionSize };
  }
}
