/** Sizes, times and GFP masks as the scenario writes them. */

import { GFP_BITS, gfpComposites } from "../kernel/constants.js";
import { SIZE_RE, TIME_RE } from "./scenario-schema.js";

const UNIT_PAGES: Record<string, number> = {
  pages: 1,
  KiB: 1 / 4,
  kB: 1 / 4,
  K: 1 / 4,
  MiB: 256,
  MB: 256,
  M: 256,
  GiB: 262144,
  GB: 262144,
  G: 262144,
};

/** A size in 4 KiB pages (KiB values are rounded down to whole pages). */
export function sizeToPages(v: number | string): number {
  if (typeof v === "number") return v;
  const m = SIZE_RE.exec(v)!;
  const n = Number(m[1]);
  return Math.floor(n * UNIT_PAGES[m[2] ?? "pages"]!);
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
