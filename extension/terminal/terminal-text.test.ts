import { test } from "node:test";
import assert from "node:assert/strict";
import { TerminalText } from "./terminal-text";

test("a lone newline becomes CR LF; CR LF stays, even split across events", () => {
  const text = new TerminalText();
  assert.equal(text.convert("hello\nworld\r\n"), "hello\r\nworld\r\n");
  assert.equal(text.convert("prompt> \r"), "prompt> \r");
  assert.equal(text.convert("\nnext\n\n"), "\nnext\r\n\r\n", "the CR came in the previous event");
  assert.equal(text.convert("ünïcode ✓\n"), "ünïcode ✓\r\n");
});
