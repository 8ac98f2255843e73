/**
 * Errors caused by the user's input (files, sizes, flags, launch
 * attributes). Their message names the problem and, where possible, the
 * fix; front ends print it as one line, never with a stack trace.
 */
export class UserInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserInputError";
  }
}

/** A guest image that cannot be loaded (not an ELF64 RISC-V file, truncated, misplaced). */
export class LoadError extends UserInputError {
  constructor(message: string) {
    super(message);
    this.name = "LoadError";
  }
}
