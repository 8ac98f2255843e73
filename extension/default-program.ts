/**
 * Picks the guest to debug when a launch configuration names none: the ELF
 * file next to the file in the active editor. No vscode import, so it is
 * testable in plain Node.
 */

/** The one *.elf among a folder's file names, or undefined when there are none or several. */
export function chooseProgram(fileNames: readonly string[]): string | undefined {
  const elves = fileNames.filter((name) => name.toLowerCase().endsWith(".elf"));
  return elves.length === 1 ? elves[0] : undefined;
}

export const missingProgramMessage =
  "vmscope: launch attribute 'program' is missing and no single .elf file sits next to the active editor's file; set 'program' to the guest ELF file";
