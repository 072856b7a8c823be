/**
 * Wording shared by every snapshot diagnostic: JSON paths (`tasks[3].oomkilladj`, `$`)
 * and short descriptions of the value that was found ("got ...").
 */

export type PathSegment = string | number;

/** One rule broken by a document: where, and what was expected there. */
export interface Violation {
  /** The JSON path printed in the message. */
  path: PathSegment[];
  /** What was expected, and what was found. */
  message: string;
  /**
   * Where the violation sits for ordering, when that differs from `path` (an unknown key
   * is reported on its object but ordered by the key's own position).
   */
  at?: PathSegment[];
}

/** The message for a required key that is absent. */
export const MISSING_KEY = "required key is missing";

const MAX_STRING_SHOWN = 40;

/** `tasks[3].oomkilladj`; `$` for the whole document; top-level keys carry no prefix. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return "$";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

/** A JSON string literal, cut short (with its length) when it is long. */
export function quote(text: string): string {
  if (text.length <= MAX_STRING_SHOWN) return JSON.stringify(text);
  const head = JSON.stringify(text.slice(0, MAX_STRING_SHOWN));
  return `${head.slice(0, -1)}..." (${text.length} characters)`;
}

/** Describes a parsed JSON value briefly, for "got ..." (never serialises a whole array). */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty array" : "an array";
  if (typeof value === "object") return "an object";
  return typeof value;
}
