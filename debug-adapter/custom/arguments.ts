/**
 * Checks of custom-request arguments: each failure names the argument and
 * what it should be, and becomes an error response (the adapter keeps
 * serving).
 */
import { InspectionError } from "../inspection/guest-memory-access";

export type RawArguments = Record<string, unknown>;

export function argumentsObject(raw: unknown): RawArguments {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new InspectionError("arguments must be an object");
  return raw as RawArguments;
}

export function optionalInteger(args: RawArguments, name: string, minimum = 0): number | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < minimum) {
    throw new InspectionError(`'${name}' must be a whole number ≥ ${minimum}, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function requiredInteger(args: RawArguments, name: string, minimum = 0): number {
  const value = optionalInteger(args, name, minimum);
  if (value === undefined) throw new InspectionError(`'${name}' is missing`);
  return value;
}

/** A 64-bit value as "0x…" (or decimal digits); numbers are accepted when they are exact. */
export function optionalAddress(args: RawArguments, name: string): bigint | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === "string" && /^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) return BigInt.asUintN(64, BigInt(value.trim()));
  throw new InspectionError(`'${name}' must be an address such as "0x80000000", got ${JSON.stringify(value)}`);
}

export function requiredAddress(args: RawArguments, name: string): bigint {
  const value = optionalAddress(args, name);
  if (value === undefined) throw new InspectionError(`'${name}' is missing: give an address such as "0x80000000"`);
  return value;
}

export function oneOf<T extends string>(args: RawArguments, name: string, choices: readonly T[], fallback?: T): T {
  const value = args[name] ?? fallback;
  if (typeof value !== "string" || !choices.includes(value as T)) {
    throw new InspectionError(`'${name}' must be one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${JSON.stringify(args[name])}`);
  }
  return value as T;
}

export function optionalBoolean(args: RawArguments, name: string): boolean {
  const value = args[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw new InspectionError(`'${name}' must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function optionalStrings(args: RawArguments, name: string): string[] | undefined {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new InspectionError(`'${name}' must be an array of strings, got ${JSON.stringify(value)}`);
  }
  return value as string[];
}

export function requiredString(args: RawArguments, name: string): string {
  const value = args[name];
  if (typeof value !== "string") throw new InspectionError(`'${name}' must be a string, got ${JSON.stringify(value)}`);
  return value;
}
