/**
 * The one error DWARF reading throws: malformed debug data. Its message
 * names the section and the offset, so a user can find the bad bytes with
 * readelf; callers show it and carry on without debug information.
 */
export class DwarfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DwarfError";
  }
}

export function hexOffset(offset: number | bigint): string {
  return `0x${offset.toString(16)}`;
}
