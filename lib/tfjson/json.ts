/**
 * JSON values as `cdk.tf.json` holds them, and the coercions every reader needs: cdktf writes a single
 * nested block as an object and repeated ones as a list, and string-typed arguments carry booleans and
 * numbers as strings.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One value or a list of them, as a list (absent -> empty). */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A list argument as its strings (`"a"` and `["a"]` alike; absent -> empty). */
export function strings(value: unknown): string[] {
  return asList(value).filter((v): v is string => typeof v === "string");
}

/** A nested block argument as the list of its blocks, whether cdktf wrote one object or a list. */
export function blocks(value: unknown): JsonObject[] {
  return asList(value).filter(isObject);
}

/** Booleans arrive as `true` or, from string-typed arguments, `"true"`. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

/** A port argument as a number (`"22"` and `22` alike); undefined when absent or an expression. */
export function port(value: unknown): number | undefined {
  const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : undefined;
}
