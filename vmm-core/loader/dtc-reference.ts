/**
 * Test support: runs the device tree compiler (dtc) as an independent
 * reference for the FDT writer and reader.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface DtcResult {
  /** The output file as text (for -O dts). */
  text: string;
  /** The output file as bytes (for -O dtb). */
  output: Uint8Array;
  /** dtc's warnings and errors. */
  stderr: string;
}

/** Runs `dtc ARGS -o OUT IN` on `input`; throws when dtc fails. */
export function dtc(args: string[], input: Uint8Array | string): DtcResult {
  const dir = mkdtempSync(join(tmpdir(), "vmscope-dtc-"));
  try {
    const inFile = join(dir, "in");
    const outFile = join(dir, "out");
    writeFileSync(inFile, input);
    const run = spawnSync("dtc", [...args, "-o", outFile, inFile], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`dtc ${args.join(" ")} failed: ${run.stderr}`);
    const output = new Uint8Array(readFileSync(outFile));
    return { text: new TextDecoder().decode(output), output, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
