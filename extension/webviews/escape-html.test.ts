import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeHtml, makeNonce, pageHtml } from "./escape-html";

test("escapes every character that can open markup or leave an attribute", () => {
  assert.equal(escapeHtml(`<img src=x onerror="alert('1')">&\``), "&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;&#96;");
  assert.equal(escapeHtml("csrr a0, sstatus"), "csrr a0, sstatus", "plain text unchanged");
  assert.equal(escapeHtml(undefined), "");
  assert.equal(escapeHtml(42), "42");
  assert.equal(escapeHtml("&amp;"), "&amp;amp;", "already-escaped text is escaped again, not trusted");
});

test("nonces are long, random and attribute-safe", () => {
  const a = makeNonce();
  const b = makeNonce();
  assert.match(a, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(a, b);
});

test("the page's CSP: nothing by default, scripts only with the nonce, styles only from the extension", () => {
  const html = pageHtml({
    title: "walk <of> 0x1000",
    cspSource: "https://file+.vscode-resource.vscode-cdn.net",
    styles: ["https://file+.vscode-resource.vscode-cdn.net/dist/webview.css"],
    scripts: ["https://file+.vscode-resource.vscode-cdn.net/dist/chart.umd.js"],
    nonce: "abc123",
    body: "<p>body</p>",
  });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? "";
  const directives = new Map(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
  assert.deepEqual(directives.get("default-src"), ["'none'"]);
  assert.deepEqual(directives.get("script-src"), ["'nonce-abc123'"]);
  assert.deepEqual(directives.get("style-src"), ["https://file+.vscode-resource.vscode-cdn.net"]);
  assert.ok(!csp.includes("unsafe"), "no unsafe-inline or unsafe-eval");
  assert.match(html, /<script nonce="abc123" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/dist\/chart\.umd\.js"><\/script>/);
  assert.match(html, /<title>walk &lt;of&gt; 0x1000<\/title>/);
  assert.ok(!/<style|style="| on\w+=/.test(html), "no inline styles or handlers");
});
