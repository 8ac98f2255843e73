/**
 * Acceptance: Debian's U-Boot (S-mode) finds vmscope's virtio-blk on the
 * virtio-mmio bus, reads the capacity from its config space and a sector
 * by DMA — on the bare machine under OpenSBI, and as a guest under the
 * monitor in both virtualized modes, where the device's DMA goes through
 * the guest-physical map.
 *
 * Debian's U-Boot 2023.01 has neither the `rng` command nor the virtio-rng
 * driver (QEMU's own run shows the same: no virtio-rng under `dm tree`),
 * so the rng is covered by the unit tests only.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needTool, debianFirmware } from "../support/reference";
import { parseArguments, parseDrive } from "../../cli/arguments";

const cli = join(__dirname, "..", "..", "bin", "vmscope.js");
const sectors = 2048;
const signature = "VMSCOPE-VIRTIO-1";

function vmscope(args: string[], input: string): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(process.execPath, [cli, "run", ...args], { input, encoding: "utf8", timeout: 240_000 });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** A test disk: a signature, then bytes 0x10, 0x11 … so md.b shows a recognisable pattern. */
function makeImage(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "vmscope-virtio-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const image = new Uint8Array(sectors * 512);
  image.set(new TextEncoder().encode(signature));
  for (let i = signature.length; i < 512; i++) image[i] = i & 0xff;
  image.fill(0x77, 512, 1024);
  const path = join(dir, "disk.img");
  writeFileSync(path, image);
  return path;
}

/** The text between a command echoed at the prompt and the next prompt. */
function commandOutput(console: string, command: string): string {
  const start = console.indexOf(`=> ${command}`);
  assert.ok(start >= 0, `the prompt never echoed '${command}'`);
  const end = console.indexOf("=> ", start + 3 + command.length);
  return console.slice(start, end < 0 ? undefined : end);
}

// `md` and `cmp` poll for Ctrl-C once per line and so swallow typed-ahead
// characters: the line after them starts with spaces U-Boot's parser skips.
const session = "\nvirtio scan\nvirtio info\ndm tree\nvirtio read 0x84000000 0 1\nmd.b 0x84000000 0x20\n        poweroff\n";

function checkSession(run: { stdout: string; stderr: string; status: number | null }): void {
  assert.match(commandOutput(run.stdout, "virtio info"), /Device 0: QEMU VirtIO Block Device[\s\S]*Capacity: 1\.0 MB = 0\.0 GB \(2048 x 512\)/);
  // QEMU's first -device sits in the last slot: the disk hangs off virtio_mmio@10008000.
  assert.match(commandOutput(run.stdout, "dm tree"), /virtio_mmio@10008000\r?\n.*virtio-blk/);
  assert.match(commandOutput(run.stdout, "virtio read"), /1 blocks read: OK/);
  const dump = commandOutput(run.stdout, "md.b");
  assert.match(dump, /84000000: 56 4d 53 43 4f 50 45 2d 56 49 52 54 49 4f 2d 31  VMSCOPE-VIRTIO-1/);
  assert.match(dump, /84000010: 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f/);
  assert.match(run.stdout, /poweroff \.\.\./);
  assert.equal(run.status, 0, `exit status (stderr: ${run.stderr})`);
}

test("OpenSBI + U-Boot: virtio info shows the drive's capacity and virtio read brings its first sector", (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump, debianFirmware.uBootSmode)) return;
  const image = makeImage(t);
  checkSession(vmscope(["--bios", debianFirmware.openSbiFwJump, "--kernel", debianFirmware.uBootSmode, "--drive", image], session));
});

for (const mode of ["trap-and-emulate", "hardware-assisted"]) {
  test(`U-Boot as a guest (--mode ${mode}): the same virtio session, DMA through the guest-physical map`, (t) => {
    if (!needTool(t, debianFirmware.uBootSmode)) return;
    const image = makeImage(t);
    checkSession(vmscope(["--mode", mode, "--kernel", debianFirmware.uBootSmode, "--drive", image], session));
  });
}

test("U-Boot writes through virtio: a snapshot drive keeps it in memory, a read-only drive refuses it", (t) => {
  if (!needTool(t, debianFirmware.openSbiFwJump, debianFirmware.uBootSmode)) return;
  const image = makeImage(t);
  const before = readFileSync(image);
  const writes =
    "\nvirtio scan\nvirtio read 0x84000000 0 1\nvirtio write 0x84000000 1 1\nvirtio read 0x85000000 1 1\ncmp.b 0x84000000 0x85000000 0x200\n        poweroff\n";
  const firmware = ["--bios", debianFirmware.openSbiFwJump, "--kernel", debianFirmware.uBootSmode];
  const snapshot = vmscope([...firmware, "--drive", `${image},snapshot`], writes);
  assert.match(commandOutput(snapshot.stdout, "virtio write"), /1 blocks written: OK/);
  assert.match(commandOutput(snapshot.stdout, "cmp.b"), /Total of 512 byte\(s\) were the same/, "the guest reads back what it wrote");
  assert.equal(snapshot.status, 0, `exit status (stderr: ${snapshot.stderr})`);
  assert.deepEqual(readFileSync(image), before, "snapshot leaves the image untouched");

  const readonly = vmscope([...firmware, "--drive", `${image},readonly`], writes);
  assert.match(commandOutput(readonly.stdout, "virtio write"), /-5 blocks written: ERROR/, "U-Boot reports -EIO for the IOERR status");
  assert.match(commandOutput(readonly.stdout, "cmp.b"), /Total of 0 byte\(s\) were the same/, "sector 1 still holds the image's 0x77 bytes");
  assert.deepEqual(readFileSync(image), before);
});

test("--drive FILE[,readonly][,snapshot] parses, repeats, and refuses unknown options", () => {
  assert.deepEqual(parseDrive("disk.img"), { path: "disk.img", readonly: false, snapshot: false });
  assert.deepEqual(parseDrive("a.img,readonly,snapshot=on"), { path: "a.img", readonly: true, snapshot: true });
  assert.throws(() => parseDrive("a.img,cache=none"), /unknown option 'cache=none'/);
  assert.throws(() => parseDrive(",readonly"), /names no file/);
  const command = parseArguments(["run", "k.elf", "--drive", "a.img", "--drive=b.img,readonly"]);
  assert.equal(command.kind, "run");
  if (command.kind === "run") assert.deepEqual(command.options.drives?.map((d) => [d.path, d.readonly]), [["a.img", false], ["b.img", true]]);
});

test("a --drive that does not exist is a one-line error naming the file, exit 2", (t) => {
  if (!needTool(t, debianFirmware.uBootSmode)) return;
  const run = vmscope(["--mode", "trap-and-emulate", "--kernel", debianFirmware.uBootSmode, "--drive", "/nonexistent/disk.img"], "");
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^vmscope: --drive '\/nonexistent\/disk\.img': cannot open the disk image: no such file\n$/);
});
