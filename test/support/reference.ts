/**
 * Tests that need a reference tool (QEMU, the RISC-V toolchain, dtc,
 * Debian's firmware) call `needTool`. Locally, a missing tool gives a
 * visible skip; with VMSCOPE_REQUIRE_REFERENCE=1 (CI) it fails the test.
 */
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import type { TestContext } from "node:test";

export const requireReference = process.env.VMSCOPE_REQUIRE_REFERENCE === "1";

function onPath(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** True when `tool` (a command name or an absolute path) is available. */
export function hasTool(tool: string): boolean {
  return tool.startsWith("/") ? existsSync(tool) : onPath(tool);
}

/**
 * Returns true when every tool is present. Otherwise skips the test with a
 * message naming the missing tools, or throws when references are required.
 */
export function needTool(t: TestContext, ...tools: string[]): boolean {
  const missing = tools.filter((tool) => !hasTool(tool));
  if (missing.length === 0) return true;
  const message = `missing reference tool(s): ${missing.join(", ")} (apt-get install qemu-system-misc gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf opensbi u-boot-qemu gdb-multiarch device-tree-compiler)`;
  if (requireReference) throw new Error(`${message}; VMSCOPE_REQUIRE_REFERENCE=1 makes this a failure`);
  t.skip(message);
  return false;
}

/** Debian's firmware images used as real guests. */
export const debianFirmware = {
  openSbiFwJump: "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf",
  uBootSmode: "/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf",
  uBootMmode: "/usr/lib/u-boot/qemu-riscv64/uboot.elf",
} as const;
