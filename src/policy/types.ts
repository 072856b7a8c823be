/**
 * The victim-policy seam. Every rule that picks an OOM victim (2.6.20's `badness()`, the
 * modern `oom_badness()`, largest RSS, the guard's) reads the same neutral view of a
 * candidate task and answers through one interface, so the kernel model, `rank`, replay,
 * the guard and the policy comparison share one engine.
 *
 * A view is built by whoever has the facts: the compiled OOM state (every field known),
 * a live `/proc` read (no children's total_vm for 2.6.20, say), or a replayed report
 * (only what the task table prints). A field the source cannot know is `null`, and a
 * policy that needs it states what it assumed.
 */

import type { OomState } from "../oom/state.js";
import type { KernelVersion } from "./modern.js";

export interface CandidateView {
  /** The task's id (a thread id for a per-thread view). */
  pid: number;
  /** Its thread group: the process. */
  tgid: number;
  comm: string;
  uid: number;
  euid: number;
  /** Pages mapped by the task's mm; 0 without an mm. */
  totalVmPages: bigint;
  /** Resident pages (file + anon + shmem); null when the source cannot say. */
  rssPages: bigint | null;
  /** Swap entries; null when unknown. */
  swapPages: bigint | null;
  /** Page-table pages; null when unknown. */
  pgtablesPages: bigint | null;
  /** 2.6.20's `oomkilladj` (-17..15), or the value derived from `oomScoreAdj`. */
  oomkilladj: number;
  /** The modern `oom_score_adj` (-1000..1000), or the value derived from `oomkilladj`. */
  oomScoreAdj: number;
  /** PID 1. */
  isInit: boolean;
  isKthread: boolean;
  hasMm: boolean;
  /** PF_EXITING. */
  exiting: boolean;
  /** TIF_MEMDIE: already chosen and dying. */
  memdie: boolean;
  /** The task's cpuset mems overlap the allocating task's (2.6.20 step 12). */
  cpusetOverlap: boolean;
  capSysAdmin: boolean;
  capSysRawio: boolean;
  nice: number;
  /** utime + stime in jiffies; null when unknown. */
  cpuTimeJiffies: bigint | null;
  /** Start time in whole seconds of uptime; null when unknown. */
  startTimeSeconds: bigint | null;
  /** total_vm of each child that has its own mm, in children-list order; null when unknown. */
  childrenTotalVmPages: readonly bigint[] | null;
  /** PF_SWAPOFF (2.6.20 scores it ULONG_MAX; modern kernels call it the "OOM origin"). */
  swapoff: boolean;
  /** A vfork child still sharing its parent's mm (modern kernels skip it). Absent = false. */
  vforkChild?: boolean;
}

/** What a score may depend on beyond the task itself. */
export interface PolicyContext {
  bits: 32 | 64;
  hz: number;
  uptimeSeconds: bigint;
  /** RAM + swap pages (or a memory cgroup's limit) that the modern score is relative to. */
  totalPages: bigint;
  /** Index of the allocating task among the views, or -1 when it is not one of them. */
  current: number;
  /**
   * The kernel release whose rules apply, for version-dependent policies. The registry's
   * `modern` policy is bound to a version when it is made (its tie rule depends on it), so
   * it reads its own and not this one.
   */
  kernelVersion?: KernelVersion;
}

export type Eligibility =
  | { kind: "candidate" }
  /** Never scored; `reason` says why in words. */
  | { kind: "skip"; reason: string }
  /** The whole selection stops (2.6.20 and modern kernels wait for a dying task). */
  | { kind: "abort"; reason: string }
  /**
   * The task becomes the choice at once with these points, whatever was chosen before, and
   * is not scored; later candidates are compared with the points as usual (2.6.20's exiting
   * `current`, chosen with ULONG_MAX even when OOM_DISABLE, docs/oom-path.md §6 step 3.4).
   */
  | { kind: "take"; points: bigint; reason: string };

/** One step of a score, for explanations: the term, the value after it, and why. */
export interface PolicyTerm {
  term: string;
  value: string;
  note: string;
}

export interface VictimPolicy {
  /** Registry name: "2.6.20", "modern", "largest-rss", ... */
  readonly name: string;
  /** Which of equal scores wins: the first scanned or the last. */
  readonly tie: "first" | "last";
  /**
   * `index` is the view's place in the scan, compared with `ctx.current` by policies that
   * treat the allocating task apart; absent, the view is not the allocating task.
   */
  eligibility(view: CandidateView, ctx: PolicyContext, index?: number): Eligibility;
  /** The points the selection compares; called only for candidates. */
  score(view: CandidateView, ctx: PolicyContext): bigint;
  /** The terms behind `score`, in the order they apply. */
  explain(view: CandidateView, ctx: PolicyContext): PolicyTerm[];
  /**
   * What the policy walks: every thread (2.6.20's do_each_thread) or every process
   * (modern kernels' for_each_process). Absent = processes.
   */
  readonly scans?: "threads" | "processes";
  /**
   * A fast path over the compiled OOM state, giving what `chooseVictim` would give over
   * `viewsOfState(s)` (the 2.6.20 policy's typed-array loop); `onScore` hears every score
   * in scan order.
   */
  chooseCompiled?(s: OomState, onScore?: (index: number, points: number | bigint) => void): Choice;
}

export type Choice =
  | { kind: "chosen"; index: number; points: bigint }
  | { kind: "none" }
  | { kind: "abort"; index: number; reason: string };
