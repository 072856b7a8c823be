/** Sizes, times and GFP masks as the scenario writes them. */

import { GFP_BITS, gfpComposites } from "../kernel/constants.js";
import { sizeStringPages, TIME_RE } from "./scenario-schema.js";

/**
 * A size in 4 KiB pages. The schema has already refused a size that is not a whole number
 * of pages or is above its limit (sizeStringPages).
 */
export function sizeToPages(v: number | string): number {
  if (typeof v === "number") return v;
  const pages = sizeStringPages(v);
  if (typeof pages === "string") throw new Error(`sizeToPages: ${pages}`);
  return pages;
}

/** A time in ticks at the given HZ (rounded to the nearest tick). */
export function timeToTicks(v: number | string, hz: number): number {
  if (typeof v === "number") return Math.round(v * hz);
  const m = TIME_RE.exec(v)!;
  const n = Number(m[1]);
  switch (m[2]) {
    case "s":
      return Math.round(n * hz);
    case "ms":
      return Math.round((n * hz) / 1000);
    default:
      return Math.round(n);
  }
}

/** A GFP mask: "0xd0", "GFP_KERNEL", "GFP_NOFS | __GFP_NOFAIL" or a list of names. */
export function parseGfp(v: string | string[], numa: boolean): number | string {
  const composites = gfpComposites(numa);
  const names = Array.isArray(v) ? v : /^0[xX]/.test(v) ? null : v.split("|").map((s) => s.trim());
  if (names === null) return Number.parseInt((v as string).slice(2), 16);
  let mask = 0;
  for (const name of names) {
    const bit = GFP_BITS[name] ?? composites[name];
    if (bit === undefined) return name;
    mask |= bit;
  }
  return mask >>> 0;
}
