/**
 * The hart's Sstc for VS-mode (H extension with Sstc): with menvcfg.STCE
 * and henvcfg.STCE set, VSTIP is (time + htimedelta) >= vstimecmp, ORed
 * with hvip.VSTIP, and the machine knows the deadline so a waiting hart
 * wakes at it. Without henvcfg.STCE vstimecmp raises nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Machine } from "../../vmm-core/machine/machine";
import { menvcfgBits } from "../../vmm-core/hart/csr-state";
import { mip } from "../../vmm-core/hart/trap";
import { spinningGuest } from "../support/elf-builder";

function spinningHart() {
  const machine = new Machine({ memory: 16 << 20, kernel: spinningGuest(), kernelName: "spin.elf", hypervisorExtension: true });
  return { machine, hart: machine.harts[0], mtime: () => machine.clint.mtime() };
}

const vstip = (pending: number) => (pending & mip.VSTIP) !== 0;

test("vstimecmp raises VSTIP at time + htimedelta >= vstimecmp only with menvcfg.STCE and henvcfg.STCE", () => {
  const { machine, hart, mtime } = spinningHart();
  hart.setVstimecmp(0n);
  assert.equal(vstip(hart.pendingBits()), false, "no Sstc enabled: vstimecmp drives nothing");
  hart.setMenvcfg(menvcfgBits.STCE);
  assert.equal(vstip(hart.pendingBits()), false, "henvcfg.STCE still clear");
  hart.setHenvcfg(menvcfgBits.STCE);
  assert.equal(vstip(hart.pendingBits()), true, "vstimecmp = 0 is already due");
  const deadline = mtime() + 100n;
  hart.setVstimecmp(deadline);
  assert.equal(vstip(hart.pendingBits()), false, "a later deadline clears VSTIP");
  assert.equal(hart.supervisorTimerDeadline(), deadline, "the machine sees the deadline");
  // htimedelta moves the guest's clock: 100 ticks ahead, the deadline is due now.
  hart.setHtimedelta(100n);
  assert.equal(vstip(hart.pendingBits()), true);
  hart.setHtimedelta(0n);
  assert.equal(vstip(hart.pendingBits()), false);
  while (mtime() < deadline) machine.run(1000);
  assert.equal(vstip(hart.pendingBits()), true, "VSTIP rises when guest time reaches vstimecmp");
  assert.equal(Number(hart.readCsr(0x644)! & BigInt(mip.VSTIP)), mip.VSTIP, "hip shows it");
  assert.equal(Number(hart.readCsr(0x645)!), 0, "hvip does not: the hardware line is separate");
  hart.setHenvcfg(0n);
  assert.equal(vstip(hart.pendingBits()), false, "henvcfg.STCE cleared: the line drops");
  hart.setHvip(mip.VSTIP);
  assert.equal(vstip(hart.pendingBits()), true, "hvip.VSTIP still injects");
});
