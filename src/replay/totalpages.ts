/**
 * The constraint of a report and the `totalpages` its scores were measured against
 * (modern-oom §1.3): the memcg's limit (plus allowed swap) for a memcg OOM; the zones'
 * `managed:` pages (or `pages RAM` before 3.8) plus `Total swap` for a global one; the present
 * pages of the allowed nodes plus swap for cpuset and mempolicy OOMs.
 */
import type { OomEvent } from "./types.js";

export type Constraint =
  | "CONSTRAINT_NONE"
  | "CONSTRAINT_CPUSET"
  | "CONSTRAINT_MEMORY_POLICY"
  | "CONSTRAINT_MEMCG";

export interface TotalPages {
  constraint: Constraint;
  constraintFrom: string;
  /** null: the report does not say. */
  totalPages: bigint | null;
  how: string;
  assumptions: string[];
}

export interface TotalPagesOptions {
  pageSizeBytes: number;
  /** `SwapTotal` of the machine when the report does not print it. */
  totalSwapKb?: bigint;
}

/** A v1 counter limit printed for "unlimited" (PAGE_COUNTER_MAX in kB, 4K or 64K pages). */
const UNLIMITED_KB = 1n << 50n;

function constraintOf(e: OomEvent): [Constraint, string] {
  const named = e.summary?.constraint;
  if (
    named === "CONSTRAINT_NONE" ||
    named === "CONSTRAINT_CPUSET" ||
    named === "CONSTRAINT_MEMORY_POLICY" ||
    named === "CONSTRAINT_MEMCG"
  ) {
    return [named, "oom-kill: summary"];
  }
  const message = e.select?.message ?? e.killed[0]?.message ?? "";
  if (message.startsWith("Memory cgroup out of memory")) return ["CONSTRAINT_MEMCG", "kill line"];
  if (message.includes("in cpuset")) return ["CONSTRAINT_CPUSET", "kill line"];
  if (message.includes("MPOL_BIND")) return ["CONSTRAINT_MEMORY_POLICY", "kill line"];
  if (e.memcg?.memory) return ["CONSTRAINT_MEMCG", "memcg block"];
  return ["CONSTRAINT_NONE", "assumed: the report names no constraint"];
}

function nodesOf(list: string | null | undefined): Set<number> | null {
  if (!list || list === "(null)") return null;
  const nodes = new Set<number>();
  for (const part of list.split(",")) {
    const m = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(part.trim());
    if (!m) return null;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let n = from; n <= to && n < 1024; n++) nodes.add(n);
  }
  return nodes;
}

export function totalPagesOf(e: OomEvent, opts: TotalPagesOptions): TotalPages {
  const pageKb = BigInt(Math.max(1, Math.floor(opts.pageSizeBytes / 1024)));
  const [constraint, constraintFrom] = constraintOf(e);
  const assumptions: string[] = [];
  const swapPages = (): bigint => {
    const kb = e.memInfo?.totalSwapKb ?? opts.totalSwapKb;
    if (kb === undefined || kb === null) {
      assumptions.push("total swap: not in the report; assumed 0");
      return 0n;
    }
    if (e.memInfo?.totalSwapKb == null) assumptions.push(`total swap: ${kb} kB as given`);
    return kb / pageKb;
  };
  const result = (totalPages: bigint | null, how: string): TotalPages => ({
    constraint,
    constraintFrom,
    totalPages,
    how,
    assumptions,
  });

  if (constraint === "CONSTRAINT_MEMCG") {
    const memory = e.memcg?.memory;
    if (!memory || memory.limitKb >= UNLIMITED_KB)
      return result(null, "memcg limit not in the report");
    // The kernel takes a memcg maximum of 0 pages as 1 (§1.3: `?: 1`).
    const limit = memory.limitKb / pageKb > 0n ? memory.limitKb / pageKb : 1n;
    const v1 = e.memcg?.memsw ?? null;
    const v2 = e.memcg?.swap ?? null;
    if (v1) {
      const room = v1.limitKb > memory.limitKb ? (v1.limitKb - memory.limitKb) / pageKb : 0n;
      if (room === 0n) return result(limit, "memory limit (memory+swap limit equal: no swap)");
      const swap = swapPages();
      const extra = room < swap ? room : swap;
      if (extra > 0n) assumptions.push("memory.swappiness assumed non-zero");
      return result(
        limit + extra,
        "memory limit + min(memory+swap limit - memory limit, total swap)",
      );
    }
    if (v2) {
      const room = v2.limitKb / pageKb;
      if (room === 0n) return result(limit, "memory.max (swap.max 0)");
      const swap = swapPages();
      const extra = room < swap ? room : swap;
      if (extra > 0n) assumptions.push("memory.swappiness assumed non-zero");
      return result(limit + extra, "memory.max + min(swap.max, total swap)");
    }
    return result(limit, "memory limit (no swap accounting line)");
  }

  const info = e.memInfo;
  if (constraint === "CONSTRAINT_CPUSET" || constraint === "CONSTRAINT_MEMORY_POLICY") {
    const list =
      constraint === "CONSTRAINT_CPUSET"
        ? (e.summary?.memsAllowed ?? e.cpuset?.memsAllowed)
        : (e.summary?.nodemask ?? e.header?.nodemask);
    const nodes = nodesOf(list);
    const zones = (info?.zones ?? []).filter((z) => nodes === null || nodes.has(z.node));
    if (zones.length === 0 || zones.some((z) => z.presentKb === null)) {
      return result(null, "present pages of the allowed nodes not in the report");
    }
    if (nodes === null) assumptions.push("allowed nodes not in the report; all nodes counted");
    const present = zones.reduce((sum, z) => sum + z.presentKb! / pageKb, 0n);
    return result(present + swapPages(), "present pages of the allowed nodes + total swap");
  }

  if (info && info.zones.length > 0 && info.zones.every((z) => z.managedKb !== null)) {
    const managed = info.zones.reduce((sum, z) => sum + z.managedKb! / pageKb, 0n);
    return result(managed + swapPages(), "sum of the zones' managed pages + total swap");
  }
  if (info?.pagesRam != null) {
    assumptions.push(
      "pages RAM used for totalram (no managed: counts; the kernel's total is a little lower)",
    );
    return result(info.pagesRam + swapPages(), "pages RAM + total swap");
  }
  if (info && info.zones.length > 0 && info.zones.every((z) => z.presentKb !== null)) {
    assumptions.push(
      "zones' present pages used for totalram (no managed:, no pages RAM; the kernel's total is lower)",
    );
    const present = info.zones.reduce((sum, z) => sum + z.presentKb! / pageKb, 0n);
    return result(present + swapPages(), "sum of the zones' present pages + total swap");
  }
  return result(null, "Mem-Info totals not in the report");
}
