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
  /** PF_SWAPOFF (2.6.20 scores it ULONG_MAX). */
  swapoff: boolean;
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
  /** The kernel release whose rules apply, for version-dependent policies. */
  kernelVersion?: KernelVersion;
}

export type Eligibility =
  | { kind: "candidate" }
  /** Never scored; `reason` says why in words. */
  | { kind: "skip"; reason: string }
  /** The whole selection stops (2.6.20 and modern kernels wait for a dying task). */
  | { kind: "abort"; reason: string };

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
  eligibility(view: CandidateView, ctx: PolicyContext): Eligibility;
  /** The points the selection compares; called only for candidates. */
  score(view: CandidateView, ctx: PolicyContext): bigint;
  /** The terms behind `score`, in the order they apply. */
  explain(view: CandidateView, ctx: PolicyContext): PolicyTerm[];
}

export type Choice =
  | { kind: "chosen"; index: number; points: bigint }
  | { kind: "none" }
  | { kind: "abort"; index: number; reason: string };
