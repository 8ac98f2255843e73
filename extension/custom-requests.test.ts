import { test } from "node:test";
import assert from "node:assert/strict";
import { CustomRequestError, vmscopeRequest } from "./custom-requests";

test("sends the request name and arguments, returns the body", async () => {
  const sent: [string, unknown][] = [];
  const session = {
    customRequest: async (command: string, args?: unknown) => {
      sent.push([command, args]);
      return { present: true, targetPages: 4096, actualPages: 0 };
    },
  };
  const balloon = await vmscopeRequest(session, "vmscope/setBalloon", { targetMib: 16 });
  assert.deepEqual(sent, [["vmscope/setBalloon", { targetMib: 16 }]]);
  assert.equal(balloon.targetPages, 4096);
});

test("a failed request names itself in the error", async () => {
  const session = { customRequest: async () => Promise.reject(new Error("no vCPU 3")) };
  await assert.rejects(vmscopeRequest(session, "vmscope/pageTables", { root: "guest", vcpu: 3 }), (error: unknown) => {
    assert.ok(error instanceof CustomRequestError);
    assert.equal(error.message, "vmscope/pageTables failed: no vCPU 3");
    return true;
  });
});
