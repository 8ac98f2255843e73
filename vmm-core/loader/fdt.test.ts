import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { needTool } from "../../test/support/reference";
import { LoadError } from "../machine/errors";
import { dtc } from "./dtc-reference";
import { FdtBuilder, FDT_MAGIC, findNode, parseFdt, propertyCells, propertyStrings, getProperty } from "./fdt";

function sampleTree(): Uint8Array {
  const fdt = new FdtBuilder(1);
  fdt.addReservation(0x8000_0000n, 0x20_0000n);
  const intc = fdt.allocatePhandle();
  fdt.beginNode("");
  fdt.u32("#address-cells", 2).u32("#size-cells", 2).string("compatible", "vmscope,test");
  fdt.beginNode("intc@1000");
  fdt.phandle(intc).empty("interrupt-controller").u32("#interrupt-cells", 1).u32("#address-cells", 0);
  fdt.u64s("reg", [0x1000n, 0x1_0000_0000n]);
  fdt.endNode();
  fdt.beginNode("dev@2000");
  fdt.stringList("compatible", ["acme,widget2", "acme,widget"]).u64s("reg", [0x2000n, 0x100n]);
  fdt.cells("interrupts-extended", [intc, 3, intc, 7]);
  fdt.u64("big", 0x1234_5678_9abc_def0n);
  fdt.bytes("blob", new Uint8Array([1, 2, 3]));
  fdt.string("label", "odd-length");
  fdt.endNode();
  fdt.endNode();
  return fdt.finish();
}

const sampleDts = `/dts-v1/;

/memreserve/	0x0000000080000000 0x0000000000200000;
/ {
	#address-cells = <0x02>;
	#size-cells = <0x02>;
	compatible = "vmscope,test";

	intc@1000 {
		phandle = <0x01>;
		interrupt-controller;
		#interrupt-cells = <0x01>;
		#address-cells = <0x00>;
		reg = <0x00 0x1000 0x01 0x00>;
	};

	dev@2000 {
		compatible = "acme,widget2\\0acme,widget";
		reg = <0x00 0x2000 0x00 0x100>;
		interrupts-extended = <0x01 0x03 0x01 0x07>;
		big = <0x12345678 0x9abcdef0>;
		blob = [01 02 03];
		label = "odd-length";
	};
};
`;

describe("FdtBuilder", () => {
  test("writes a v17 header with aligned blocks", () => {
    const blob = sampleTree();
    const view = new DataView(blob.buffer, blob.byteOffset);
    const field = (i: number): number => view.getUint32(i * 4);
    assert.equal(field(0), FDT_MAGIC);
    assert.equal(field(1), blob.length, "totalsize");
    assert.equal(field(4) % 8, 0, "memory reservation block is 8-aligned");
    assert.equal(field(2) % 4, 0, "structure block is 4-aligned");
    assert.equal(field(5), 17);
    assert.equal(field(6), 16);
    assert.equal(field(7), 1, "boot_cpuid_phys");
    assert.equal(field(2) + field(9), field(3), "strings follow the structure block");
    assert.equal(field(3) + field(8), blob.length);
    assert.equal(view.getUint32(field(2) + field(9) - 4), 0x9, "structure block ends with FDT_END");
  });

  test("stores each property name once in the strings block", () => {
    const fdt = new FdtBuilder();
    fdt.beginNode("");
    for (const name of ["a", "b", "c"]) fdt.beginNode(name).string("compatible", name).u32("reg", 0).endNode();
    fdt.endNode();
    const blob = fdt.finish();
    const view = new DataView(blob.buffer, blob.byteOffset);
    const strings = new TextDecoder().decode(blob.subarray(view.getUint32(12), view.getUint32(12) + view.getUint32(32)));
    assert.equal(strings, "compatible\0reg\0");
  });

  test("dtc decompiles it to the expected source without complaint", (t) => {
    if (!needTool(t, "dtc")) return;
    const { text, stderr } = dtc(["-I", "dtb", "-O", "dts"], sampleTree());
    assert.equal(text, sampleDts);
    assert.equal(stderr, "");
  });

  test("parseFdt reads back what was written", () => {
    const tree = parseFdt(sampleTree());
    assert.equal(tree.version, 17);
    assert.equal(tree.bootCpuId, 1);
    assert.deepEqual(tree.reservations, [{ address: 0x8000_0000n, size: 0x20_0000n }]);
    assert.equal(tree.root.name, "");
    assert.deepEqual(tree.root.children.map((c) => c.name), ["intc@1000", "dev@2000"]);
    const dev = findNode(tree.root, "/dev@2000")!;
    assert.deepEqual(propertyStrings(dev, "compatible"), ["acme,widget2", "acme,widget"]);
    assert.deepEqual(propertyCells(dev, "interrupts-extended"), [1, 3, 1, 7]);
    assert.deepEqual(propertyCells(dev, "big"), [0x1234_5678, 0x9abc_def0]);
    assert.deepEqual(Array.from(getProperty(dev, "blob")!), [1, 2, 3]);
    assert.deepEqual(propertyStrings(dev, "label"), ["odd-length"]);
    const intc = findNode(tree.root, "intc@1000")!;
    assert.equal(getProperty(intc, "interrupt-controller")!.length, 0);
    assert.deepEqual(propertyCells(intc, "reg"), [0, 0x1000, 1, 0]);
    assert.equal(findNode(tree.root, "/nope"), undefined);
  });

  test("refuses misuse", () => {
    assert.throws(() => new FdtBuilder().beginNode("cpus"), /first node must be the root/);
    assert.throws(() => new FdtBuilder().beginNode("").beginNode("a").endNode().u32("late", 1), /after a child node/);
    assert.throws(() => new FdtBuilder().beginNode("").beginNode("bad name"), /bad node name/);
    assert.throws(() => new FdtBuilder().beginNode("").u32("bad name", 1), /bad property name/);
    assert.throws(() => new FdtBuilder().beginNode("").beginNode("open").finish(), /node "open" is still open/);
    assert.throws(() => new FdtBuilder().finish(), /no root node/);
    assert.throws(() => new FdtBuilder().beginNode("").u32("x", -1), /not a 32-bit unsigned integer/);
  });
});

describe("parseFdt", () => {
  test("reads a blob compiled by dtc", (t) => {
    if (!needTool(t, "dtc")) return;
    const source = `/dts-v1/;
/memreserve/ 0x87e00000 0x1000;
/ {
	#address-cells = <2>;
	model = "from dtc";
	soc {
		uart: serial@10000000 { reg = <0x0 0x10000000 0x0 0x100>; compatible = "ns16550a"; interrupts = <10>; };
		user { interrupt-parent = <&uart>; names = "a", "bc"; bytes = [de ad]; flag; };
	};
};
`;
    const { output } = dtc(["-I", "dts", "-O", "dtb"], source);
    const tree = parseFdt(output);
    assert.deepEqual(tree.reservations, [{ address: 0x87e0_0000n, size: 0x1000n }]);
    assert.deepEqual(propertyStrings(tree.root, "model"), ["from dtc"]);
    const serial = findNode(tree.root, "/soc/serial@10000000")!;
    assert.deepEqual(propertyCells(serial, "reg"), [0, 0x1000_0000, 0, 0x100]);
    assert.deepEqual(propertyCells(serial, "interrupts"), [10]);
    const user = findNode(tree.root, "/soc/user")!;
    assert.deepEqual(propertyCells(user, "interrupt-parent"), propertyCells(serial, "phandle"));
    assert.deepEqual(propertyStrings(user, "names"), ["a", "bc"]);
    assert.deepEqual(Array.from(getProperty(user, "bytes")!), [0xde, 0xad]);
    assert.equal(getProperty(user, "flag")!.length, 0);
  });

  test("refuses a file that is not a device tree blob", () => {
    assert.throws(
      () => parseFdt(new TextEncoder().encode("/dts-v1/; / { model = \"source, not a blob\"; };"), "board.dts"),
      (e: unknown) => e instanceof LoadError && /^board\.dts: not a device tree blob \(magic 0x2f647473, expected 0xd00dfeed\)$/.test(e.message),
    );
  });

  test("refuses a truncated blob", () => {
    const blob = sampleTree();
    assert.throws(
      () => parseFdt(blob.subarray(0, blob.length - 8), "cut.dtb"),
      (e: unknown) => e instanceof LoadError && /^cut\.dtb: truncated: header says \d+ bytes/.test(e.message),
    );
    assert.throws(() => parseFdt(blob.subarray(0, 20), "tiny.dtb"), /tiny\.dtb: too short/);
  });

  test("refuses a structure block with an unknown token", () => {
    const blob = sampleTree().slice();
    const view = new DataView(blob.buffer);
    view.setUint32(view.getUint32(8), 0x77); // replace the root's FDT_BEGIN_NODE
    assert.throws(() => parseFdt(blob, "odd.dtb"), /odd\.dtb: unknown structure token 0x77/);
  });
});
