// Draws extension/media/icon.png (128x128): a chip (the guest) inside a
// larger chip (the host) under a lens — a machine seen from inside another.
// Plain zlib + PNG chunks, so no image library is needed:
//   node extension/media/make-icon.mjs
import { deflateSync } from "node:zlib";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const size = 128;
const pixels = Buffer.alloc(size * size * 4);

/** Covers a pixel with a colour at the given opacity (simple over-blending). */
function paint(x, y, [r, g, b], alpha = 1) {
  if (x < 0 || y < 0 || x >= size || y >= size) return;
  const i = (y * size + x) * 4;
  const a0 = pixels[i + 3] / 255;
  const a = alpha + a0 * (1 - alpha);
  const mix = (c, c0) => Math.round((c * alpha + c0 * a0 * (1 - alpha)) / (a || 1));
  pixels[i] = mix(r, pixels[i]);
  pixels[i + 1] = mix(g, pixels[i + 1]);
  pixels[i + 2] = mix(b, pixels[i + 2]);
  pixels[i + 3] = Math.round(a * 255);
}

/** A rounded rectangle with anti-aliased edges (4x4 supersampling). */
function roundedRect(x0, y0, x1, y1, radius, colour) {
  for (let y = Math.floor(y0); y < Math.ceil(y1); y++) {
    for (let x = Math.floor(x0); x < Math.ceil(x1); x++) {
      let covered = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const px = x + (sx + 0.5) / 4;
          const py = y + (sy + 0.5) / 4;
          const cx = Math.min(Math.max(px, x0 + radius), x1 - radius);
          const cy = Math.min(Math.max(py, y0 + radius), y1 - radius);
          if (px >= x0 && px <= x1 && py >= y0 && py <= y1 && (px - cx) ** 2 + (py - cy) ** 2 <= radius ** 2) covered++;
        }
      }
      if (covered) paint(x, y, colour, covered / 16);
    }
  }
}

/** A ring (annulus) with anti-aliased edges. */
function ring(cx, cy, inner, outer, colour) {
  for (let y = Math.floor(cy - outer); y <= Math.ceil(cy + outer); y++) {
    for (let x = Math.floor(cx - outer); x <= Math.ceil(cx + outer); x++) {
      let covered = 0;
      for (let s = 0; s < 16; s++) {
        const d = Math.hypot(x + ((s % 4) + 0.5) / 4 - cx, y + (Math.floor(s / 4) + 0.5) / 4 - cy);
        if (d >= inner && d <= outer) covered++;
      }
      if (covered) paint(x, y, colour, covered / 16);
    }
  }
}

const navy = [22, 36, 71];
const teal = [38, 166, 154];
const amber = [255, 193, 7];
const white = [236, 239, 241];

roundedRect(0, 0, 128, 128, 24, navy);
// Host chip with pins.
roundedRect(22, 22, 96, 96, 8, teal);
for (let i = 0; i < 5; i++) {
  const p = 30 + i * 13;
  roundedRect(p, 12, p + 6, 22, 2, teal);
  roundedRect(p, 96, p + 6, 106, 2, teal);
  roundedRect(12, p, 22, p + 6, 2, teal);
  roundedRect(96, p, 106, p + 6, 2, teal);
}
roundedRect(30, 30, 88, 88, 6, navy);
// Guest chip inside it.
roundedRect(42, 42, 76, 76, 5, amber);
roundedRect(50, 50, 68, 68, 3, navy);
// The lens: looking into the guest.
ring(80, 80, 17, 24, white);
for (let t = 0; t <= 1; t += 0.02) {
  const x = 97 + t * 20;
  const y = 97 + t * 20;
  ring(x, y, 0, 5, white);
}

// PNG: signature, IHDR, IDAT (filter byte 0 per row), IEND.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const rows = Buffer.concat(Array.from({ length: size }, (_, y) => Buffer.concat([Buffer.from([0]), pixels.subarray(y * size * 4, (y + 1) * size * 4)])));
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk("IHDR", header),
  chunk("IDAT", deflateSync(rows, { level: 9 })),
  chunk("IEND", Buffer.alloc(0)),
]);
const out = join(dirname(fileURLToPath(import.meta.url)), "icon.png");
writeFileSync(out, png);
console.log(`${out}: ${png.length} bytes`);
