/**
 * The guard's candidates on an `oomkit.snapshot/1` document, for `--test-rules
 * --snapshot`: one per process (thread-group leader), viewed through the policy seam
 * exactly as the simulator and the comparison see a compiled state. A snapshot names each
 * task's comm, uid, pid and oomkilladj, and an mm's rss and swap when it gives them; it
 * has no command line, executable or cgroup, so rules on those cannot be judged on it
 * and are set apart. Pure.
 */

import { compileState } from "../oom/state.js";
import { contextOfState, viewsOfState } from "../policy/state-views.js";
import type { PolicyContext } from "../policy/types.js";
import type { Snapshot } from "../snapshot/types.js";
import type { GuardCandidate } from "./candidate.js";
import type { Rule } from "./rules.js";

export interface SnapshotCandidates {
  candidates: GuardCandidate[];
  ctx: PolicyContext;
}

export function snapshotCandidates(snapshot: Snapshot): SnapshotCandidates {
  const state = compileState(snapshot);
  const views = viewsOfState(state);
  const candidates: GuardCandidate[] = [];
  snapshot.tasks.forEach((task, i) => {
    if (task.pid !== task.tgid) return;
    candidates.push({
      view: views[i]!,
      startTicks: task.start_time,
      rawComm: task.comm,
      ppid: task.parent,
      // A snapshot has no process groups; each process stands alone.
      pgrp: task.tgid,
      cmdline: null,
      exe: null,
      cgroup: null,
    });
  });
  // No allocating task among the guard's candidates: the guard is not the kernel.
  return { candidates, ctx: { ...contextOfState(state), current: -1 } };
}

/** The rule fields a snapshot holds. */
export function appliesToSnapshot(rule: Rule): boolean {
  return rule.field === "comm" || rule.field === "uid";
}
