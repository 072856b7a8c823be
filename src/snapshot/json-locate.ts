/**
 * Where a JSON path points in a JSON text, for the position of an error found after
 * `JSON.parse` accepted the text: one forward pass that skips every value off the path,
 * so even a very large document is located in linear time and without a second tree.
 */

/** Offset of the first character of the string or container at `i`, after white space. */
function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

/** The offset just after the string that opens at `i` (its quote), or -1. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) i++;
  }
  return -1;
}

/**
 * The offset just after the value that starts at `i`, or -1 when the text is not JSON
 * there. Containers are skipped by counting brackets outside strings, which is exact
 * for a text that `JSON.parse` accepted.
 */
function skipValue(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return skipString(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (; i < text.length; i++) {
      const d = text.charCodeAt(i);
      if (d === 0x22) {
        i = skipString(text, i) - 1;
        if (i < 0) return -1;
      } else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // A number or a literal: up to the next delimiter.
  let j = i;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (
      d === 0x2c ||
      d === 0x7d ||
      d === 0x5d ||
      d === 0x20 ||
      d === 0x09 ||
      d === 0x0a ||
      d === 0x0d
    )
      break;
    j++;
  }
  return j > i ? j : -1;
}

/** The key of the string at `start`..`end` (quotes included). */
function keyOf(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes("\\") ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** Where one step of a path leads from the value at `at`: the value's and the key's offsets. */
function step(
  text: string,
  at: number,
  segment: PropertyKey,
): { value: number; key: number } | undefined {
  const open = text.charCodeAt(at);
  let i = skipSpace(text, at + 1);
  if (open === 0x5b) {
    if (typeof segment !== "number") return undefined;
    if (text.charCodeAt(i) === 0x5d) return undefined;
    for (let index = 0; ; index++) {
      if (index === segment) return { value: i, key: i };
      i = skipValue(text, i);
      if (i < 0) return undefined;
      i = skipSpace(text, i);
      if (text.charCodeAt(i) !== 0x2c) return undefined;
      i = skipSpace(text, i + 1);
    }
  }
  if (open !== 0x7b || typeof segment !== "string") return undefined;
  const name = segment;
  if (text.charCodeAt(i) === 0x7d) return undefined;
  for (;;) {
    if (text.charCodeAt(i) !== 0x22) return undefined;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return undefined;
    const key = i;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i = skipSpace(text, i + 1);
    if (keyOf(text, key, keyEnd) === name) return { value: i, key };
    i = skipValue(text, i);
    if (i < 0) return undefined;
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== 0x2c) return undefined;
    i = skipSpace(text, i + 1);
  }
}

/**
 * The offset in a JSON text of the value at `path`, or of the deepest value on the path
 * that exists (the whole document at worst); with `wantKey`, of the last step's key when
 * it is written. Undefined when the text does not open with a JSON value. The text must
 * be one `JSON.parse` accepted, with no key written twice in an object.
 */
export function jsonPathOffset(
  text: string,
  path: readonly PropertyKey[],
  wantKey = false,
): number | undefined {
  let at = skipSpace(text, 0);
  if (at >= text.length) return undefined;
  for (let n = 0; n < path.length; n++) {
    const next = step(text, at, path[n]!);
    if (next === undefined) return at;
    if (wantKey && n === path.length - 1) return next.key;
    at = next.value;
  }
  return at;
}
