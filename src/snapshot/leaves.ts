/**
 * The value rules of docs/formats.md §1–§2: integers in ranges, ulongs, names, node ids,
 * cpuset paths, comm strings and gfp masks, each with the message a person reads when
 * the value is wrong.
 */
import * as z from "zod";
import { describe, MISSING_KEY, quote } from "./describe.js";
import { isNodeList, type NameTable, namesMask } from "./name-tables.js";
import { hasDuplicate, leaf, list, type Rule } from "./rules.js";

/** An integer (a JSON number without fraction) from `min` to `max`. */
export function intIn(min: number, max: number, wording = `an integer from ${min} to ${max}`) {
  return leaf(
    (value) => typeof value === "number" && Number.isInteger(value) && value >= min && value <= max,
    (input) => `must be ${wording}, got ${describe(input)}`,
    { type: "integer", minimum: min, maximum: max, description: wording },
  );
}

export const bool = leaf(
  (value) => typeof value === "boolean",
  (input) => `must be true or false, got ${describe(input)}`,
  { type: "boolean" },
);

/** One of a few fixed JSON values (`32 or 64`, zone names). */
export function oneOf(values: readonly (string | number)[]): Rule {
  const shown = values.map((value) => (typeof value === "string" ? quote(value) : String(value)));
  const wording = shown.length === 2 ? `${shown[0]} or ${shown[1]}` : `one of ${shown.join(", ")}`;
  return leaf(
    (value) => values.includes(value as string | number),
    (input) => `must be ${wording}, got ${describe(input)}`,
    { enum: [...values] },
  );
}

export const nonEmptyString = leaf(
  (value) => typeof value === "string" && value.length > 0,
  (input) => `must be a non-empty string, got ${describe(input)}`,
  { type: "string", minLength: 1 },
);

const DECIMAL_DIGITS = /^[0-9]+$/;

/** `digits` (a string of decimal digits) is at most `max` (a canonical decimal string). */
function digitsAtMost(digits: string, max: string): boolean {
  let start = 0;
  while (start < digits.length - 1 && digits.charCodeAt(start) === 0x30) start++;
  const length = digits.length - start;
  if (length !== max.length) return length < max.length;
  return digits.slice(start) <= max;
}

/**
 * A ulong (§1): a JSON integer up to 2^53−1, or a string of decimal digits, at most
 * `max`. `maxName` says which limit `max` is (`ULONG_MAX for 64-bit`).
 */
export function ulong(max: bigint, maxName: string): Rule {
  const maxDigits = max.toString();
  const maxNumber = max > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(max);
  const range = `an unsigned integer from 0 to ${maxDigits}`;
  const tooBig = (shown: string) => `must be at most ${maxDigits} (${maxName}), got ${shown}`;
  return leaf(
    (value) =>
      typeof value === "number"
        ? Number.isInteger(value) && value >= 0 && value <= maxNumber
        : typeof value === "string" && DECIMAL_DIGITS.test(value) && digitsAtMost(value, maxDigits),
    (input) => {
      if (typeof input === "number") {
        if (!Number.isInteger(input) || input < 0) return `must be ${range}, got ${input}`;
        if (input > Number(max)) return tooBig(String(input));
        return `must be a string of decimal digits when above 2^53-1 (${Number.MAX_SAFE_INTEGER}), as JSON numbers that large are not exact, got ${input}`;
      }
      if (typeof input === "string") {
        if (!DECIMAL_DIGITS.test(input)) {
          return `must be ${range} written as a string of decimal digits, got ${quote(input)}`;
        }
        return tooBig(quote(input));
      }
      return `must be ${range} (a JSON integer, or a string of decimal digits), got ${describe(input)}`;
    },
    {
      description: `${range} (${maxName}): a JSON integer up to 2^53-1, or a string of decimal digits`,
      anyOf: [
        { type: "integer", minimum: 0, maximum: maxNumber },
        { type: "string", pattern: "^[0-9]+$" },
      ],
    },
  );
}

export const NODE_ID_MAX = 63;
export const nodeId = intIn(0, NODE_ID_MAX, `a node id (an integer from 0 to ${NODE_ID_MAX})`);

/** A node list (§1): distinct node ids, order irrelevant. */
export const nodeList: Rule = {
  schema: list(nodeId, { what: "an array of node ids", distinct: true }).schema,
  test: (value) => Array.isArray(value) && isNodeList(value),
  json: list(nodeId, { what: "an array of node ids", distinct: true }).json,
};

/** A name list (§1): distinct names from one table of §2.7. */
export function nameList(table: NameTable): Rule {
  const { kind, example, position } = table;
  const name = leaf(
    (value) => typeof value === "string" && position.has(value),
    (input) => `must be a known ${kind} name (such as ${quote(example)}), got ${describe(input)}`,
    { enum: [...table.names] },
  );
  const names = list(name, { what: `an array of ${kind} names`, distinct: true });
  return {
    schema: names.schema,
    test: (value) => Array.isArray(value) && namesMask(table, value) >= 0,
    json: names.json,
  };
}

function isCpusetPath(value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (value === "/") return true;
  if (!value.startsWith("/") || value.endsWith("/")) return false;
  for (const segment of value.slice(1).split("/")) {
    if (segment === "" || segment === "." || segment === "..") return false;
  }
  return true;
}

/** A cpuset path (§2.2): `"/"` or `/a/b` with non-empty segments other than `.` and `..`. */
export const cpusetPath = leaf(
  isCpusetPath,
  (input) =>
    `must be "/" or an absolute cpuset path such as "/batch/night" (non-empty segments, none of them "." or "..", no trailing slash), got ${describe(input)}`,
  {
    type: "string",
    description: '"/" or an absolute cpuset path such as "/batch/night"',
    pattern: "^(/|(/(?!\\.\\.?(/|$))[^/]+)+)$",
  },
);

const COMM = /^[\x20-\x7e]{0,15}$/;
export const COMM_MAX_LENGTH = 15;

/** `comm` (§2.4): 0..15 printable ASCII characters. */
export const comm = leaf(
  (value) => typeof value === "string" && COMM.test(value),
  (input) => {
    if (typeof input !== "string") {
      return `must be a string of at most ${COMM_MAX_LENGTH} printable ASCII characters, got ${describe(input)}`;
    }
    if (input.length > COMM_MAX_LENGTH) {
      return `must be at most ${COMM_MAX_LENGTH} characters long, got ${input.length}: ${quote(input)}`;
    }
    let bad = 0;
    while (bad < input.length && COMM.test(input.charAt(bad))) bad++;
    const code = input.codePointAt(bad) ?? 0;
    return `must contain only printable ASCII characters (0x20 to 0x7E), got U+${code.toString(16).toUpperCase().padStart(4, "0")} at index ${bad}: ${quote(input)}`;
  },
  {
    type: "string",
    description: `at most ${COMM_MAX_LENGTH} printable ASCII characters`,
    pattern: `^[ -~]{0,${COMM_MAX_LENGTH}}$`,
  },
);

/** `mm` of a task (§2.4): an mm id, or null. */
export const mmReference = leaf(
  (value) => value === null || typeof value === "string",
  (input) => `must be an mm id (a string) or null, got ${describe(input)}`,
  { type: ["string", "null"], description: "the id of an entry of mms, or null" },
);

const GFP_HEX = /^0[xX][0-9a-fA-F]{1,8}$/;

/** `gfp_mask` (§2.6): `0x` + 1..8 hex digits, or an array of distinct GFP names. */
export function gfpMask(names: Readonly<Record<string, number>>): Rule {
  const known = new Set(Object.keys(names));
  const isName = (value: unknown) => typeof value === "string" && known.has(value);
  const test = (value: unknown): boolean =>
    typeof value === "string"
      ? GFP_HEX.test(value)
      : Array.isArray(value) && value.every(isName) && !hasDuplicate(value);
  const schema = z
    .custom((value) => typeof value === "string" || Array.isArray(value), {
      error: (issue) =>
        issue.input === undefined
          ? MISSING_KEY
          : `must be a hex string such as "0xd0" or an array of GFP names, got ${describe(issue.input)}`,
    })
    .check((ctx) => {
      const value = ctx.value;
      if (typeof value === "string") {
        if (!GFP_HEX.test(value)) {
          ctx.issues.push({
            code: "custom",
            input: value,
            message: `must be "0x" or "0X" followed by 1 to 8 hex digits, got ${quote(value)}`,
          });
        }
        return;
      }
      const firstAt = new Map<unknown, number>();
      (value as unknown[]).forEach((item, index) => {
        const earlier = firstAt.get(item);
        let message: string | undefined;
        if (!isName(item)) {
          message = `must be a known GFP name (such as "GFP_KERNEL" or "__GFP_HARDWALL"), got ${describe(item)}`;
        } else if (earlier !== undefined) {
          message = `must not repeat ${describe(item)} (already at index ${earlier})`;
        } else firstAt.set(item, index);
        if (message !== undefined) {
          ctx.issues.push({ code: "custom", input: item, path: [index], message });
        }
      });
    });
  const json = {
    description: 'a hex string such as "0xd0", or an array of distinct GFP names',
    anyOf: [
      { type: "string", pattern: "^0[xX][0-9a-fA-F]{1,8}$" },
      { type: "array", items: { enum: [...known] }, uniqueItems: true },
    ],
  };
  return { schema, test, json };
}

/** The OR of a validated `gfp_mask` value, as an unsigned 32-bit number. */
export function gfpMaskValue(
  value: string | readonly string[],
  names: Readonly<Record<string, number>>,
): number {
  if (typeof value === "string") return Number.parseInt(value.slice(2), 16) >>> 0;
  let mask = 0;
  for (const name of value) mask |= names[name] ?? 0;
  return mask >>> 0;
}
