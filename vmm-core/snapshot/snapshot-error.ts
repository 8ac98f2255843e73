/**
 * A snapshot that cannot be saved or restored: a truncated or foreign file,
 * another format version, a machine built with other options. A user input
 * error, so the CLI and the adapter print its message (exit status 2).
 */
import { UserInputError } from "../machine/errors";

export class SnapshotError extends UserInputError {
  constructor(message: string) {
    super(`snapshot: ${message}`);
    this.name = "SnapshotError";
  }
}
