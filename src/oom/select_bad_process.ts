/**
 * `select_bad_process()` of mm/oom_kill.c (spec §6): one pass over every thread in
 * do_each_thread order, with the checks in the kernel's order.
 */

import { OOM_DISABLE, PF_EXITING, PF_SWAPOFF } from "../kernel/constants.js";
import { badnessExact, badnessFast, makeBadnessContext } from "./badness.js";
import type { OomState } from "./state.js";

export type Selection =
  | { kind: "chosen"; index: number; points: number | bigint }
  /** No task reached the comparison. */
  | { kind: "none" }
  /** The kernel's `ERR_PTR(-1)`: a task is already dying; wait for it. */
  | { kind: "abort" };

/** Called once per `badness()` call, in call order. */
export type BadnessObserver = (index: number, points: number | bigint) => void;

export function selectBadProcess(s: OomState, onBadness?: BadnessObserver): Selection {
  const ctx = makeBadnessContext(s);
  const t = s.tasks;
  const n = t.count;
  const mm = t.mm;
  const pid = t.pid;
  const memdie = t.memdie;
  const flags = t.flags;
  const adj = t.oomkilladj;
  const current = s.current;
  let chosen = -1;
  let best: number | bigint = 0;
  for (let i = 0; i < n; i++) {
    if (mm[i]! < 0) continue;
    if (pid[i] === 1) continue;
    if (memdie[i] !== 0) return { kind: "abort" };
    if ((flags[i]! & PF_EXITING) !== 0) {
      if (i !== current) return { kind: "abort" };
      // KERNEL-QUIRK: Q11 (spec §6 step 3.4): exiting current is chosen with ULONG_MAX
      // and the checks below still run for it: there is no `continue`.
      chosen = i;
      best = ctx.ulongMax;
    }
    if (adj[i] === OOM_DISABLE) continue;
    // badness(), with the fast path inline; mm is non-null here.
    let points: number | bigint;
    if ((flags[i]! & PF_SWAPOFF) !== 0) points = ctx.ulongMax;
    else {
      points = badnessFast(ctx, i);
      if (points < 0) points = badnessExact(s, ctx, i);
    }
    if (onBadness !== undefined) onBadness(i, points);
    if (points > best || chosen < 0) {
      chosen = i;
      best = points;
    }
  }
  return chosen < 0 ? { kind: "none" } : { kind: "chosen", index: chosen, points: best };
}
