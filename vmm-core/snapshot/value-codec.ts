/**
 * Turns component state (numbers, bigints, typed arrays, Maps, Sets, plain
 * objects) into JSON-safe values and back. JSON has no bigint or binary
 * type, so those become tagged objects: `{ $: "bigint", v: "decimal" }`,
 * `{ $: "Uint8Array", v: base64 }` … Typed arrays keep their element type,
 * so a component gets back exactly what it saved.
 */
import { SnapshotError } from "./snapshot-error";

type TypedArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
  | Float64Array | BigInt64Array | BigUint64Array;

const typedArrays: Record<string, new (buffer: ArrayBuffer) => TypedArray> = {
  Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float64Array, BigInt64Array, BigUint64Array,
};

export type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

export function encodeValue(value: unknown): Encoded {
  if (value === undefined) return { $: "undefined" };
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : { $: "number", v: String(value) };
  if (typeof value === "bigint") return { $: "bigint", v: value.toString() };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return { $: value.constructor.name, v: bytes.toString("base64") };
  }
  if (value instanceof Map) return { $: "Map", v: [...value].map(([key, item]) => [encodeValue(key), encodeValue(item)]) };
  if (value instanceof Set) return { $: "Set", v: [...value].map(encodeValue) };
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, Encoded> = {};
    for (const [key, item] of Object.entries(value)) out[key] = encodeValue(item);
    return key$(out);
  }
  throw new SnapshotError(`cannot save a value of type ${(value as object).constructor?.name ?? typeof value}`);
}

/** A plain object whose own key is "$" would read back as a tag: escape it. */
function key$(out: Record<string, Encoded>): Encoded {
  return "$" in out ? { $: "object", v: out } : out;
}

export function decodeValue(value: Encoded): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  const tag = value.$;
  if (typeof tag !== "string") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = decodeValue(item);
    return out;
  }
  const v = value.v;
  switch (tag) {
    case "undefined":
      return undefined;
    case "number":
      return Number(v);
    case "bigint":
      if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw new SnapshotError("the snapshot holds a damaged number");
      return BigInt(v);
    case "Map":
      return new Map((v as Encoded[][]).map(([key, item]) => [decodeValue(key), decodeValue(item)]));
    case "Set":
      return new Set((v as Encoded[]).map(decodeValue));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v as Record<string, Encoded>)) out[key] = decodeValue(item);
      return out;
    }
  }
  const type = typedArrays[tag];
  if (!type || typeof v !== "string") throw new SnapshotError(`the snapshot holds an unknown value type '${tag}'`);
  const bytes = Buffer.from(v, "base64");
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return new type(copy);
}
