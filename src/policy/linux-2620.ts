/**
 * Linux 2.6.20's rule as a policy: `select_bad_process()`'s checks (docs/oom-path.md §6) and
 * `badness()` (docs/oom-path.md §5.1). The score of a view is `badnessOf`, the arithmetic that
 * `badnessExact` runs on the compiled state; over a compiled state the policy hands the
 * whole selection to the typed-array loop of `selectBadProcess`, which that arithmetic
 * backs wherever a value leaves the number fast path.
 */

import { OOM_DISABLE, shiftHz } from "../kernel/constants.js";
import { ulongMax } from "../kernel/ulong.js";
import { type BadnessInputs, type BadnessTerm, badnessOf } from "../oom/badness.js";
import { type Selection, selectBadProcess } from "../oom/select_bad_process.js";
import type { OomState } from "../oom/state.js";
import type {
  CandidateView,
  Choice,
  Eligibility,
  PolicyContext,
  PolicyTerm,
  VictimPolicy,
} from "./types.js";

/**
 * The inputs of `badness()` a view gives. Unknown ones are neutral: no children, no cpu
 * time and no run time (no division), as a caller's assumptions then say.
 */
export function badnessInputsOfView(view: CandidateView, ctx: PolicyContext): BadnessInputs {
  return {
    totalVm: view.hasMm ? view.totalVmPages : null,
    swapoff: view.swapoff,
    childrenTotalVm: view.childrenTotalVmPages ?? [],
    cpuTime: view.cpuTimeJiffies ?? 0n,
    startTime: view.startTimeSeconds ?? ctx.uptimeSeconds,
    nice: view.nice,
    root: view.capSysAdmin || view.uid === 0 || view.euid === 0,
    rawio: view.capSysRawio,
    cpusetOverlap: view.cpusetOverlap,
    oomkilladj: view.oomkilladj,
  };
}

function machineOf(ctx: PolicyContext) {
  return { bits: ctx.bits, shiftHz: shiftHz(ctx.hz), uptime: ctx.uptimeSeconds };
}

/** `badness(p, uptime)` of a view, with the terms that ran when `trace` is given. */
export function badnessOfView(
  view: CandidateView,
  ctx: PolicyContext,
  trace?: BadnessTerm[],
): bigint {
  return badnessOf(badnessInputsOfView(view, ctx), machineOf(ctx), trace);
}

/** The checks of docs/oom-path.md §6 step 3, in the kernel's order. */
function eligibility(view: CandidateView, ctx: PolicyContext, index?: number): Eligibility {
  if (!view.hasMm) return { kind: "skip", reason: "no mm" };
  if (view.isInit) return { kind: "skip", reason: "init (pid 1)" };
  if (view.memdie) return { kind: "abort", reason: "TIF_MEMDIE: a victim is already dying" };
  if (view.exiting) {
    if (index === undefined || index !== ctx.current) {
      return { kind: "abort", reason: "PF_EXITING: a task is already exiting" };
    }
    // KERNEL-QUIRK: Q11 (docs/oom-path.md §6 step 3.4): exiting current is chosen with ULONG_MAX,
    // even when it is OOM_DISABLE.
    return {
      kind: "take",
      points: ulongMax(ctx.bits),
      reason: "PF_EXITING current: chosen with ULONG_MAX",
    };
  }
  if (view.oomkilladj === OOM_DISABLE) return { kind: "skip", reason: "OOM_DISABLE" };
  return { kind: "candidate" };
}

/** A `select_bad_process()` result as the seam's choice. */
export function choiceOfSelection(s: OomState, selection: Selection): Choice {
  if (selection.kind === "none") return { kind: "none" };
  if (selection.kind === "chosen") {
    return { kind: "chosen", index: selection.index, points: BigInt(selection.points) };
  }
  const memdie = s.tasks.memdie[selection.index] !== 0;
  return {
    kind: "abort",
    index: selection.index,
    reason: memdie
      ? "TIF_MEMDIE: a victim is already dying"
      : "PF_EXITING: a task is already exiting",
  };
}

export const linux2620Policy: VictimPolicy = {
  name: "2.6.20",
  tie: "first",
  scans: "threads",
  eligibility,
  score: (view, ctx) => badnessOfView(view, ctx),
  explain(view, ctx): PolicyTerm[] {
    const trace: BadnessTerm[] = [];
    badnessOfView(view, ctx, trace);
    return trace.map((t) => ({ term: t.term, value: t.after.toString(), note: t.detail }));
  },
  chooseCompiled: (s, onScore) => choiceOfSelection(s, selectBadProcess(s, onScore)),
};
