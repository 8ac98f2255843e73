/**
 * The reliability suite (issue 10): property tests, hostile guests, bad
 * input, limits and determinism. One entry, so the counts add up in one
 * process and the summary line is printed once, only when every test passed.
 */
import { after, afterEach } from "node:test";
import { summaryLine } from "./tally";
import "./properties/decoder";
import "./properties/elf-loader";
import "./properties/virtio-queues";
import "./hostile/hostile-guests";
import "./hostile/console-flood";
import "./bad-input";
import "./limits";
import "./dap-requests";
import "./determinism";

let failures = 0;
afterEach((t) => {
  if ((t as unknown as { passed?: boolean }).passed === false) failures++;
});
after(() => {
  if (failures === 0) console.log(summaryLine());
  else console.log(`reliability: ${failures} test(s) failed`);
});
