/** Number and size formatting shared by the views, the webviews and the status bar. */

const binaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/** 0x200000 → "2 MiB"; sizes that are not a whole unit keep one decimal. */
export function formatSize(bytes: bigint | number): string {
  let value = typeof bytes === "bigint" ? Number(bytes) : bytes;
  let unit = 0;
  while (value >= 1024 && unit < binaryUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${text} ${binaryUnits[unit]}`;
}

/** Parses a protocol "0x…" value; throws a clear error for anything else. */
export function parseHex(text: string): bigint {
  if (!/^0x[0-9a-f]+$/i.test(text)) throw new Error(`not a 0x-prefixed hex value: "${text}"`);
  return BigInt(text);
}

export function toHex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** "0x80001000", "80001000", "0x8000_1000" → 0x80001000n; undefined when not an address. */
export function parseAddressInput(text: string): bigint | undefined {
  const cleaned = text.trim().replace(/_/g, "").toLowerCase();
  if (/^0x[0-9a-f]{1,16}$/.test(cleaned)) return BigInt(cleaned);
  if (/^[0-9a-f]{1,16}$/.test(cleaned) && /[a-f]/.test(cleaned)) return BigInt(`0x${cleaned}`);
  if (/^[0-9]{1,20}$/.test(cleaned)) {
    const value = BigInt(cleaned);
    return value < 1n << 64n ? value : undefined;
  }
  return undefined;
}

/** 1234567 → "1.23M", 5300 → "5.3k", 12 → "12"; rates and counts in small spaces. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${trim(value / 1e9)}G`;
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  if (Number.isInteger(value)) return String(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function trim(value: number): string {
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}
