/**
 * Every task's `badness()` with the terms that made it, and why selection would pass it
 * over: the answer to "why this task and not that one" (docs/oom-path.md §5, §6).
 */

import { OOM_DISABLE, PF_EXITING } from "../kernel/constants.js";
import type { Snapshot } from "../snapshot/types.js";
import { type BadnessTerm, badnessExact, makeBadnessContext } from "./badness.js";
import { compileState, type OomState } from "./state.js";

export type { BadnessTerm } from "./badness.js";

/** Why `select_bad_process()` never scores the task. */
export type SkipReason = "no_mm" | "init" | "oom_disable";

export interface BadnessRow {
  pid: number;
  tgid: number;
  comm: string;
  /** What `badness()` returns for the task (null without an mm), whether or not selection uses it. */
  points: bigint | null;
  skip: SkipReason | null;
  /** Selection stops here: a TIF_MEMDIE task, or an exiting task that is not current. */
  aborts: "memdie" | "exiting" | null;
  /** The terms of `badness()` in the order they ran; empty when not asked for. */
  terms: BadnessTerm[];
}

export interface BadnessRowsOptions {
  /** Record the terms of each score (default true); without them only the points are kept. */
  terms?: boolean;
}

export function badnessRows(s: OomState, options: BadnessRowsOptions = {}): BadnessRow[] {
  const withTerms = options.terms ?? true;
  const t = s.tasks;
  const ctx = makeBadnessContext(s);
  const rows: BadnessRow[] = [];
  for (let i = 0; i < t.count; i++) {
    const terms: BadnessTerm[] = [];
    const hasMm = t.mm[i]! >= 0;
    const points = hasMm ? badnessExact(s, ctx, i, withTerms ? terms : undefined) : null;
    let skip: SkipReason | null = null;
    if (!hasMm) skip = "no_mm";
    else if (t.pid[i] === 1) skip = "init";
    else if (t.oomkilladj[i] === OOM_DISABLE) skip = "oom_disable";
    let aborts: BadnessRow["aborts"] = null;
    if (skip !== "no_mm" && skip !== "init") {
      if (t.memdie[i] !== 0) aborts = "memdie";
      else if ((t.flags[i]! & PF_EXITING) !== 0 && i !== s.current) aborts = "exiting";
    }
    rows.push({ pid: t.pid[i]!, tgid: t.tgid[i]!, comm: t.comm[i]!, points, skip, aborts, terms });
  }
  return rows;
}

/** Every task of the snapshot in task-list order, with its 2.6.20 badness relative to current. */
export function badnessTable(snapshot: Snapshot): BadnessRow[] {
  return badnessRows(compileState(snapshot));
}
