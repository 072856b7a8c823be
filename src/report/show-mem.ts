/**
 * The text of a show_mem() report (spec §7.2): the lines the kernel prints for the zone
 * state captured with the report, each with the level the kernel gives it.
 */

import type { MemInfo } from "../sim/events.js";

const kb = (pages: number) => `${pages * 4}kB`;

/** The lines show_mem() prints for this zone state (levels as the kernel gives them). */
export function showMemLines(m: MemInfo): { level: number; text: string }[] {
  const out: { level: number; text: string }[] = [{ level: 6, text: "Mem-info:" }];
  out.push({
    level: 4,
    text: `Active:${m.active} inactive:${m.inactive} dirty:${m.dirty} writeback:0 unstable:0 free:${m.free} slab:${m.slab} mapped:${m.mapped} pagetables:0`,
  });
  const node = (z: MemInfo["zones"][number]) => (m.numa ? `Node ${z.node} ` : "");
  for (const z of m.zones) {
    out.push({
      level: 4,
      text: `${node(z)}${z.name} free:${kb(z.freePages)} min:${kb(z.minPages)} low:${kb(z.lowPages)} high:${kb(z.highPages)} active:${kb(z.activePages)} inactive:${kb(z.inactivePages)} present:${kb(z.presentPages)} pages_scanned:${z.pagesScanned} all_unreclaimable? ${z.allUnreclaimable ? "yes" : "no"}`,
    });
    out.push({
      level: 4,
      text: `lowmem_reserve[]:${z.lowmemReserve.map((r) => ` ${r}`).join("")}`,
    });
  }
  for (const z of m.zones) {
    let total = 0;
    const parts = z.freeArea.map((n, order) => {
      total += n * 4 * 2 ** order;
      return `${n}*${4 * 2 ** order}kB`;
    });
    out.push({ level: 4, text: `${node(z)}${z.name}: ${parts.join(" ")} = ${total}kB` });
  }
  out.push({ level: 4, text: `Free swap:  ${String(m.swapFreePages * 4).padStart(6, " ")}kB` });
  out.push({ level: 4, text: `${m.totalPages} pages of RAM` });
  return out;
}
