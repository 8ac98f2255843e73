/**
 * The `vmscope` command: parses the arguments and dispatches to a
 * subcommand. User mistakes print one line and exit 2; anything else is a
 * bug: "internal error" with the stack, exit 70 (EX_SOFTWARE).
 */
import { UserInputError } from "../vmm-core/machine/errors";
import { serveDebugAdapter } from "../debug-adapter/server";
import { parseArguments, usage } from "./arguments";
import { runGuest } from "./run";
import { compareGuest } from "./compare";
import { packageVersion } from "./version";

export const exitStatus = { usage: 2, internal: 70 } as const;

async function main(args: string[]): Promise<number | "serving"> {
  const command = parseArguments(args);
  switch (command.kind) {
    case "help":
      process.stdout.write(usage);
      return 0;
    case "version":
      process.stdout.write(`vmscope ${packageVersion()}\n`);
      return 0;
    case "run":
      return runGuest(command.options);
    case "compare":
      return compareGuest(command.options);
    case "dap":
      await serveDebugAdapter(command.options);
      return "serving";
  }
}

/** Exits once stdout has drained, so piped guest output is never cut short. */
function exit(status: number): void {
  process.stdout.write("", () => process.exit(status));
}

// A reader that goes away (`vmscope run x | head`) is not an error of ours.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (status) => {
    if (status !== "serving") exit(status);
  },
  (error: unknown) => {
    if (error instanceof UserInputError) {
      process.stderr.write(`vmscope: ${error.message}\n`);
      exit(exitStatus.usage);
    } else {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`vmscope: internal error: ${detail}\n`);
      exit(exitStatus.internal);
    }
  },
);
