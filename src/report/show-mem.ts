/**
 * The text of a show_mem() report (docs/oom-path.md §7.2), line for line as 2.6.20 prints it for the
 * zone state captured with the report, each line with its level. A printk without a
 * level gets the default 4; text that continues an unfinished line (show_node's
 * "Node %d ", the lowmem_reserve values, the free-area counts) belongs to that line.
 *
 * - arch/x86_64/mm/init.c and arch/i386/mm/pgtable.c `show_mem`: `Mem-info:` (KERN_INFO),
 *   then show_free_areas(), then `Free swap:` and the page counters (all KERN_INFO);
 *   i386 adds `pages of HIGHMEM` and five counters of the page state.
 * - mm/page_alloc.c `show_free_areas`: for every populated zone its per-CPU lists, one
 *   line per online CPU; the page-state summary; every zone's watermarks and
 *   `lowmem_reserve`; every zone's free blocks per order; then
 * - mm/swap_state.c `show_swap_cache_info`: the swap cache's counters and the swap sizes.
 */

import type { MemInfo, PcpInfo, ZoneInfo } from "../sim/events.js";

export interface ShowMemLine {
  level: number;
  text: string;
}

/** printk's `%Nd`: right-aligned in N columns. */
const pad = (v: number, width: number) => String(v).padStart(width, " ");
/** `K(x)` with its unit: pages in kB. */
const kb = (pages: number) => `${pages * 4}kB`;

/** `show_node(zone)`: "Node %d " on a NUMA build, nothing otherwise. */
function nodePrefix(m: MemInfo, z: ZoneInfo): string {
  return m.numa ? `Node ${z.node} ` : "";
}

/** `%s per-cpu:` and, per online CPU, `CPU %4d: Hot: hi:%5d, btch:%4d usd:%4d   Cold: ...`. */
function perCpuLines(m: MemInfo, z: ZoneInfo): string[] {
  const list = (p: PcpInfo) =>
    `hi:${pad(p.high, 5)}, btch:${pad(p.batch, 4)} usd:${pad(p.count, 4)}`;
  const out = [`${nodePrefix(m, z)}${z.name} per-cpu:`];
  for (const ps of z.pagesets) {
    out.push(`CPU ${pad(ps.cpu, 4)}: Hot: ${list(ps.hot)}   Cold: ${list(ps.cold)}`);
  }
  return out;
}

/** The zone's watermark line and its `lowmem_reserve[]:` line. */
function zoneLines(m: MemInfo, z: ZoneInfo): string[] {
  return [
    `${nodePrefix(m, z)}${z.name} free:${kb(z.freePages)} min:${kb(z.minPages)} low:${kb(z.lowPages)} high:${kb(z.highPages)} active:${kb(z.activePages)} inactive:${kb(z.inactivePages)} present:${kb(z.presentPages)} pages_scanned:${z.pagesScanned} all_unreclaimable? ${z.allUnreclaimable ? "yes" : "no"}`,
    `lowmem_reserve[]:${z.lowmemReserve.map((r) => ` ${r}`).join("")}`,
  ];
}

/** `%s: ` then `%lu*%lukB ` per order, then `= %lukB`. */
function freeAreaLine(m: MemInfo, z: ZoneInfo): string {
  let total = 0;
  const parts = z.freeArea.map((n, order) => {
    total += n * 2 ** order;
    return `${n}*${4 * 2 ** order}kB `;
  });
  return `${nodePrefix(m, z)}${z.name}: ${parts.join("")}= ${kb(total)}`;
}

/** show_free_areas() and show_swap_cache_info(): every line at the default level. */
function showFreeAreas(m: MemInfo): string[] {
  const out: string[] = [];
  for (const z of m.zones) out.push(...perCpuLines(m, z));
  out.push(
    `Active:${m.active} inactive:${m.inactive} dirty:${m.dirty} writeback:${m.writeback} unstable:${m.unstable} free:${m.free} slab:${m.slab} mapped:${m.mapped} pagetables:${m.pagetables}`,
  );
  for (const z of m.zones) out.push(...zoneLines(m, z));
  for (const z of m.zones) out.push(freeAreaLine(m, z));
  const c = m.swapCache;
  out.push(
    `Swap cache: add ${c.add}, delete ${c.delete}, find ${c.findSuccess}/${c.findTotal}, race ${c.noentRace}+${c.existRace}`,
    `Free swap  = ${kb(m.swapFreePages)}`,
    `Total swap = ${kb(m.swapTotalPages)}`,
  );
  return out;
}

/** The counters the architecture's show_mem() prints after `Free swap:`. */
function pageCounters(m: MemInfo): string[] {
  const out = [`${m.totalPages} pages of RAM`];
  if (m.arch === "i386") out.push(`${m.highmemPages} pages of HIGHMEM`);
  out.push(
    `${m.reservedPages} reserved pages`,
    `${m.sharedPages} pages shared`,
    `${m.swapCachedPages} pages swap cached`,
  );
  if (m.arch === "i386") {
    out.push(
      `${m.dirty} pages dirty`,
      `${m.writeback} pages writeback`,
      `${m.mapped} pages mapped`,
      `${m.slab} pages slab`,
      `${m.pagetables} pages pagetables`,
    );
  }
  return out;
}

/** The lines show_mem() prints for this zone state, with the levels the kernel gives them. */
export function showMemLines(m: MemInfo): ShowMemLine[] {
  const info = (text: string): ShowMemLine => ({ level: 6, text });
  return [
    info("Mem-info:"),
    ...showFreeAreas(m).map((text) => ({ level: 4, text })),
    info(`Free swap:       ${pad(m.swapFreePages * 4, 6)}kB`),
    ...pageCounters(m).map(info),
  ];
}
