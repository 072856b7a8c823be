/**
 * A first look at every process before the full read, for the modern policy on a live
 * kernel: the kernel's own `/proc/PID/oom_score` is its `oom_badness` points scaled by
 * 1000 / totalpages and truncated, so it never orders two processes against their points
 * (modern-oom §2). The process with the most points within the best rank therefore has
 * the highest oom_score of that rank, and only the top few need reading in full. Pure.
 */

import type { Tier } from "./rules.js";

export interface Glance {
  pid: number;
  /** The kernel's oom_score; null when it could not be read (then always read in full). */
  score: number | null;
  tier: Tier;
  /** Taken out by a rule or known never to be chosen (pid 1, the guard's own line). */
  excluded: boolean;
}

/**
 * The pids worth a full read: every pid of the best rank with the top score there (the
 * victim is one of them, however many tie), then the next ones up to `keep` for the
 * runners-up, and every pid whose score is unknown.
 */
export function shortlist(glances: readonly Glance[], keep: number): Set<number> {
  const out = new Set<number>();
  const known: Glance[] = [];
  for (const g of glances) {
    if (g.excluded) continue;
    if (g.score === null) out.add(g.pid);
    else known.push(g);
  }
  known.sort((a, b) => (a.tier !== b.tier ? a.tier - b.tier : b.score! - a.score!));
  const top = known[0];
  for (const g of known) {
    const tied = g.tier === top!.tier && g.score === top!.score;
    if (!tied && out.size >= keep) break;
    out.add(g.pid);
  }
  return out;
}
