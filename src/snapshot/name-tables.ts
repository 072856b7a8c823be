/**
 * The name tables of docs/formats.md §2.7 as bit positions, so that a name list can be
 * checked for unknown and repeated names, compared and shared through one small mask.
 */
import { CAPABILITIES, PF_FLAGS, TIF_NAMES } from "../kernel/constants.js";

export interface NameTable {
  /** What the names are called in messages ("PF flag"). */
  readonly kind: string;
  /** A name quoted as an example in messages. */
  readonly example: string;
  /** The names in table order; each one's position is its bit in a mask. */
  readonly names: readonly string[];
  readonly position: ReadonlyMap<string, number>;
  /**
   * The last list looked up and its mask. Large snapshots repeat the same list task
   * after task (the capabilities of root), and comparing strings is much cheaper than
   * hashing each one again.
   */
  readonly last: { list: readonly unknown[]; mask: number };
}

/** A table of at most 31 names (positions 0..30 keep masks positive). */
export function nameTable(kind: string, example: string, names: readonly string[]): NameTable {
  if (names.length > 31) throw new RangeError(`${kind}: more than 31 names`);
  const position = new Map(names.map((name, i) => [name, i]));
  return { kind, example, names, position, last: { list: [], mask: 0 } };
}

export const PF_TABLE = nameTable("PF flag", "PF_EXITING", Object.keys(PF_FLAGS));
export const TIF_TABLE = nameTable("TIF flag", "TIF_MEMDIE", TIF_NAMES);
export const CAP_TABLE = nameTable("capability", "CAP_SYS_ADMIN", Object.keys(CAPABILITIES));

/** The mask of the names in `list`, or -1 when one is unknown or repeated. */
export function namesMask(table: NameTable, list: readonly unknown[]): number {
  const last = table.last;
  if (sameList(list, last.list)) return last.mask;
  const mask = computeMask(table, list);
  if (mask >= 0) {
    last.list = list.slice();
    last.mask = mask;
  }
  return mask;
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function computeMask(table: NameTable, list: readonly unknown[]): number {
  let mask = 0;
  for (const name of list) {
    const position = table.position.get(name as string);
    if (position === undefined) return -1;
    const bit = 1 << position;
    if ((mask & bit) !== 0) return -1;
    mask |= bit;
  }
  return mask;
}

/** The names of `mask`, in table order. */
export function namesOfMask(table: NameTable, mask: number): string[] {
  return table.names.filter((_, position) => (mask & (1 << position)) !== 0);
}

/** True when `list` holds distinct node ids 0..63. */
export function isNodeList(list: readonly unknown[]): boolean {
  let low = 0;
  let high = 0;
  for (const id of list) {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 63) return false;
    const bit = 1 << (id & 31);
    if (id < 32) {
      if ((low & bit) !== 0) return false;
      low |= bit;
    } else {
      if ((high & bit) !== 0) return false;
      high |= bit;
    }
  }
  return true;
}
