/** Every object key of a JSON value, at every depth, into `keys`. */
export function collectKeys(v: unknown, keys: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) collectKeys(x, keys);
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      keys.add(k);
      collectKeys(x, keys);
    }
  }
  return keys;
}
