/**
 * A plain-language account of one `out_of_memory()` call: what was asked, how the
 * constraint was decided, who scored what, who was signalled and why.
 */

import type { OomResult } from "../oom/result.js";
import { type BadnessRow, badnessTable } from "../oom/table.js";
import type { Snapshot } from "../snapshot/types.js";

const SKIP_TEXT: Readonly<Record<string, string>> = {
  no_mm: "no mm (kernel thread, zombie or past exit_mm)",
  init: "pid 1 is never selected",
  oom_disable: "oomkilladj -17 (OOM_DISABLE)",
};

/** The short form of one badness term, e.g. "/17 cpu time" or "<<3 adj". */
export function shortTerm(term: BadnessRow["terms"][number]): string {
  switch (term.term) {
    case "total_vm":
      return `${term.after} total_vm`;
    case "children":
      return `+${term.after - term.before} children`;
    case "cpu_time":
      return `/${term.by} cpu time`;
    case "run_time":
      return `/${term.by} run time`;
    case "nice":
      return "x2 nice";
    case "root":
      return "/4 root";
    case "rawio":
      return "/4 raw I/O";
    case "cpuset":
      return "/8 cpuset";
    case "oomkilladj":
      return term.by! > 0n ? `<<${term.by} adj` : `>>${-term.by!} adj`;
    case "swapoff":
      return "PF_SWAPOFF = ULONG_MAX";
    default:
      return term.term;
  }
}

function describeTerms(row: BadnessRow): string {
  return row.terms
    .filter((term) => term.by !== 1n)
    .map(shortTerm)
    .join(", ");
}

function taskName(snapshot: Snapshot, pid: number): string {
  const task = snapshot.tasks.find((t) => t.pid === pid);
  return task ? `${task.comm} (pid ${pid})` : `pid ${pid}`;
}

export function explainOutOfMemory(
  snapshot: Snapshot,
  result: OomResult,
  rows: readonly BadnessRow[],
): string[] {
  const out: string[] = [];
  const req = snapshot.request;
  const current = taskName(snapshot, snapshot.current);
  out.push(
    `${current} asked for ${2 ** req.order} page(s) (order ${req.order}, gfp_mask 0x${req.gfp_mask.toString(16)}); reclaim made no progress, so the allocator called out_of_memory().`,
  );
  if (result.outcome === "notifier") {
    out.push(
      `An OOM notifier freed ${snapshot.env.notifier_freed} page(s): the call returned at once.`,
    );
    return out;
  }
  if (!snapshot.env.printk_ratelimit)
    out.push("The header was suppressed by the printk rate limit.");
  if (result.outcome === "deadlock") {
    out.push(
      "constrained_alloc() met a zone outside current's mems_allowed for an allocation without __GFP_HARDWALL: the cpuset check tried to take callback_mutex, which out_of_memory() already holds. Current hangs here for ever (quirk Q4).",
    );
    return out;
  }
  if (result.constraint === "cpuset" || result.constraint === "memory_policy") {
    out.push(
      result.constraint === "cpuset"
        ? "Constraint: CPUSET. A zone of the zonelist is outside current's cpuset, so no task is selected: current (or its first child with its own mm) is the target, with score 0."
        : "Constraint: MEMORY_POLICY. The zonelist does not reach every node with memory, so no task is selected: current (or its first child with its own mm) is the target, with score 0.",
    );
  } else {
    out.push(
      "Constraint: NONE. The zonelist reaches every node with memory: the whole machine is searched.",
    );
  }
  if (result.outcome === "panic") {
    out.push(`The kernel panics: "${result.panic}".`);
    return out;
  }
  if (result.constraint === "none") {
    const scored = rows
      .filter((r) => r.skip === null && r.points !== null)
      .sort((a, b) => (a.points! < b.points! ? 1 : a.points! > b.points! ? -1 : 0));
    out.push(`select_bad_process() scored ${result.badness.length} task(s). Highest first:`);
    for (const row of scored.slice(0, 5)) {
      const terms = describeTerms(row);
      out.push(
        `  ${row.points!.toString().padStart(12)}  ${row.comm} (pid ${row.pid})${terms ? `: ${terms}` : ""}`,
      );
    }
    const skipped = rows.filter((r) => r.skip !== null);
    if (skipped.length > 0) {
      const shown = skipped.slice(0, 5).map((r) => `${r.comm} (${SKIP_TEXT[r.skip!]})`);
      out.push(
        `Not considered: ${shown.join("; ")}${skipped.length > 5 ? `; and ${skipped.length - 5} more` : ""}.`,
      );
    }
  }
  if (result.outcome === "aborted") {
    const blocker = rows.find((r) => r.aborts !== null);
    out.push(
      blocker
        ? `Selection stopped at ${blocker.comm} (pid ${blocker.pid}), which is already ${blocker.aborts === "memdie" ? "an OOM victim (TIF_MEMDIE)" : "exiting"} and still holds its mm: nothing is killed while it releases memory.`
        : "Selection stopped: a task is already dying.",
    );
  } else if (result.selected !== null) {
    const chosen = taskName(snapshot, result.selected.pid);
    const killed = result.memdie.filter((pid) => pid !== result.selected!.pid);
    if (result.memdie.length === 0) {
      out.push(`${chosen} was the target, but nothing could be killed.`);
    } else if (killed.length > 0) {
      out.push(
        `${chosen} was chosen, but oom_kill_process() first tries its children: ${taskName(snapshot, killed[0]!)} is the first entry of its children list with an mm of its own that is not OOM_DISABLE, so it is killed instead.`,
      );
    } else {
      out.push(`${chosen} was chosen and is killed.`);
    }
    for (const pid of result.memdie) {
      out.push(
        `${taskName(snapshot, pid)} gets SIGKILL, TIF_MEMDIE (access to the memory reserves) and a time slice of ${snapshot.kernel.hz} ticks (one second).`,
      );
    }
    const extra = result.sigkill.length - result.memdie.length;
    if (extra > 0) {
      out.push(
        `${extra} more SIGKILL(s) went to the victim itself instead of the other processes sharing its mm (quirk Q2): those keep the mm alive.`,
      );
    }
  }
  out.push(
    result.sleep
      ? "Current sleeps one jiffy, then the allocator starts over."
      : "Current has TIF_MEMDIE, so it does not sleep: the allocator starts over at once and may dip into the reserves.",
  );
  return out;
}

/**
 * `sim --explain`: the N-th call of a run explained from its snapshot and result, as `#`
 * lines after the call's kernel log (a `#` line is never the kernel's).
 */
export function explainCallLines(n: number, snapshot: Snapshot, result: OomResult): string[] {
  return [
    `# out_of_memory() call ${n}, explained:`,
    ...explainOutOfMemory(snapshot, result, badnessTable(snapshot)).map((l) => `#   ${l}`),
  ];
}
