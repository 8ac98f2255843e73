// The pictures the READMEs show (made by e2e.js and screenshots.js): every Markdown image in
// README.md and the sample walkthroughs names a file that exists, has alt text, and the
// walkthroughs' pictures stay small (they ship with the repository, not the .vsix).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { root } from "./package-vsix";

const maxSamplePictureBytes = 200 * 1024;

function images(markdownFile: string): { alt: string; target: string }[] {
  const text = readFileSync(markdownFile, "utf8");
  return [...text.matchAll(/!\[([^\]]*)\]\(([^)\s]+)\)/g)].map((m) => ({ alt: m[1], target: m[2] }));
}

test("every picture a README shows exists, with alt text; sample pictures under 200 KB", () => {
  const readmes = [join(root, "README.md"), ...readdirSync(join(root, "samples")).map((s) => join(root, "samples", s, "README.md")).filter(existsSync)];
  let count = 0;
  for (const readme of readmes) {
    for (const { alt, target } of images(readme)) {
      if (/^https?:/.test(target)) continue;
      const file = resolve(dirname(readme), target);
      assert.ok(existsSync(file), `${readme}: ${target} does not exist`);
      assert.ok(alt.trim().length >= 20, `${readme}: ${target} needs alt text that says what it shows`);
      if (file.includes(join("docs", "images", "samples"))) {
        assert.ok(statSync(file).size < maxSamplePictureBytes, `${target} is ${statSync(file).size} bytes, over ${maxSamplePictureBytes}`);
      }
      count++;
    }
  }
  assert.ok(count >= 3, `only ${count} pictures found`);
  // Each sample picture is shown by its walkthrough (no orphans left behind).
  for (const picture of readdirSync(join(root, "docs", "images", "samples"))) {
    const sample = picture.replace(/\.(jpg|png)$/, "");
    const shown = images(join(root, "samples", sample, "README.md")).some((i) => i.target.endsWith(`images/samples/${picture}`));
    assert.ok(shown, `docs/images/samples/${picture} is not in samples/${sample}/README.md`);
  }
});
