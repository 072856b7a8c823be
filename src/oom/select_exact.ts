/**
 * `select_bad_process()` with every score taken from `badnessExact`: slow, and the
 * reference the fast selection is checked against.
 */

import { OOM_DISABLE, PF_EXITING } from "../kernel/constants.js";
import { ulongMax } from "../kernel/ulong.js";
import { badnessExact, makeBadnessContext } from "./badness.js";
import type { Selection } from "./select_bad_process.js";
import type { OomState } from "./state.js";

export function selectBadProcessExact(s: OomState): Selection {
  const ctx = makeBadnessContext(s);
  const t = s.tasks;
  let chosen = -1;
  let best = 0n;
  for (let i = 0; i < t.count; i++) {
    if (t.mm[i]! < 0 || t.pid[i] === 1) continue;
    if (t.memdie[i] !== 0) return { kind: "abort", index: i };
    if ((t.flags[i]! & PF_EXITING) !== 0) {
      if (i !== s.current) return { kind: "abort", index: i };
      chosen = i;
      best = ulongMax(s.bits);
    }
    if (t.oomkilladj[i] === OOM_DISABLE) continue;
    const points = badnessExact(s, ctx, i);
    if (points > best || chosen < 0) {
      chosen = i;
      best = points;
    }
  }
  return chosen < 0 ? { kind: "none" } : { kind: "chosen", index: chosen, points: best };
}
