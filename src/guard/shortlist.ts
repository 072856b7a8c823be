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

/**
 * `shortlist` for the common case of no rules (every process in one rank, none taken out
 * by a rule), on typed arrays and without an object per process: `scores[i]` is the
 * oom_score of `pids[i]`, NaN when unknown. Gives the same pids as `shortlist` would on
 * the same processes in the same order.
 */
export function shortlistOfScores(
  pids: Int32Array,
  scores: Float64Array,
  n: number,
  keep: number,
): Set<number> {
  const out = new Set<number>();
  const known = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) out.add(pids[i]!);
    else known[k++] = s;
  }
  if (k === 0) return out;
  const sorted = known.subarray(0, k).sort();
  const top = sorted[k - 1]!;
  let tied = 0;
  while (tied < k && sorted[k - 1 - tied] === top) tied++;
  // After every top score, the next ones in descending order while fewer than `keep`.
  const rest = Math.max(0, Math.min(keep - out.size - tied, k - tied));
  const cut = rest === 0 ? top : sorted[k - tied - rest]!;
  // Of the scores equal to the cut (and not the top), the first in scan order make it.
  let atCut = 0;
  for (let j = k - tied - rest; j < k - tied; j++) if (sorted[j] === cut) atCut++;
  for (let i = 0; i < n; i++) {
    const s = scores[i]!;
    if (Number.isNaN(s)) continue;
    if (s === top || s > cut) out.add(pids[i]!);
    else if (s === cut && atCut > 0) {
      out.add(pids[i]!);
      atCut--;
    }
  }
  return out;
}
