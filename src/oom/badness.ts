/**
 * `badness()` of mm/oom_kill.c (docs/oom-path.md §5.1), in two forms that must agree:
 *
 * - `badnessExact` here follows the kernel step by step on bigints, wrapping modulo
 *   2^BITS, and can record each term for explanations;
 * - the fast path inside `selectBadProcess` (select_bad_process.ts) computes the same on
 *   float64 numbers, from the flat `BadnessContext` and the tables below, and hands a task
 *   to `badnessExact` whenever a value could leave the range where that is exact.
 */

import { CAP_SYS_ADMIN_MASK, CAP_SYS_RAWIO_MASK, PF_SWAPOFF } from "../kernel/constants.js";
import { intSqrt, intSqrtNumber } from "../kernel/int_sqrt.js";
import { fastLimit, ulongMax, wrap } from "../kernel/ulong.js";
import type { Bits } from "../snapshot/types.js";
import { exclusiveOverlapByCpuset } from "./cpuset.js";
import { isExiting, type OomState, ulongAt } from "./state.js";

/** What one step of `badness()` did to the points. */
export interface BadnessTerm {
  term:
    | "no_mm"
    | "total_vm"
    | "swapoff"
    | "children"
    | "cpu_time"
    | "run_time"
    | "nice"
    | "root"
    | "rawio"
    | "cpuset"
    | "oomkilladj";
  before: bigint;
  after: bigint;
  detail: string;
  /** The divisor, factor or shift the step applied, when it has one. */
  by?: bigint;
}

/**
 * Everything the fast path reads, gathered once per selection into one flat object so the
 * per-task code touches no nested structure.
 */
export interface BadnessContext {
  readonly mm: Int32Array;
  readonly totalVm: Float64Array;
  readonly flags: Uint32Array;
  readonly childStart: Int32Array;
  readonly childList: Int32Array;
  readonly utime: Float64Array;
  readonly stime: Float64Array;
  readonly startTime: Float64Array;
  readonly nice: Int8Array;
  readonly caps: Uint32Array;
  readonly uid: Uint32Array;
  readonly euid: Uint32Array;
  readonly oomkilladj: Int8Array;
  readonly cpuset: Int32Array;
  /** Per cpuset: 1 when it overlaps current's, or always 1 when current is exiting. */
  readonly overlap: Uint8Array;
  /** `uptime` as a number, NaN when it is above 2^53 - 1. */
  readonly uptime: number;
  readonly limit: number;
  /** 2^-(SHIFT_HZ + 3): the cpu-time shift as an exact multiplication. */
  readonly cpuScale: number;
  readonly ulongMax: number | bigint;
}

/** 2^k and 2^-k for the oomkilladj shifts: multiplying by a power of two is exact. */
export const POW2: readonly number[] = Array.from({ length: 32 }, (_, k) => 2 ** k);
export const POW2_INVERSE: readonly number[] = Array.from({ length: 32 }, (_, k) => 2 ** -k);

/**
 * The divisors of the cpu-time and run-time steps for x below SMALL, by table:
 * floor(sqrt(x)) and floor(sqrt(sqrt(x))), or 1 where that root is 0 (the kernel skips
 * the division then, and dividing by 1 changes nothing).
 */
export const SMALL = 1 << 16;
export const SQRT_DIVISOR = new Float64Array(SMALL);
export const ROOT4_DIVISOR = new Float64Array(SMALL);
for (let x = 0; x < SMALL; x++) {
  SQRT_DIVISOR[x] = Math.max(1, intSqrtNumber(x));
  ROOT4_DIVISOR[x] = Math.max(1, intSqrtNumber(intSqrtNumber(x)));
}

/** Per cpuset: 1 when its tasks pass cpuset_excl_nodes_overlap(), as BadnessContext.overlap. */
export function cpusetOverlapOf(s: OomState): Uint8Array {
  const overlap = exclusiveOverlapByCpuset(s);
  // cpuset_excl_nodes_overlap() is true for everyone while current is exiting.
  if (isExiting(s, s.current)) overlap.fill(1);
  return overlap;
}

/** `uptime` as a number, NaN when it is above `limit` (as BadnessContext.uptime). */
export function fastUptime(s: OomState, limit: number): number {
  return s.uptime <= BigInt(limit) ? Number(s.uptime) : Number.NaN;
}

export function makeBadnessContext(s: OomState): BadnessContext {
  const limit = fastLimit(s.bits);
  const max = ulongMax(s.bits);
  const t = s.tasks;
  const overlap = cpusetOverlapOf(s);
  return {
    mm: t.mm,
    totalVm: s.mms.totalVm,
    flags: t.flags,
    childStart: t.childStart,
    childList: t.childList,
    utime: t.utime,
    stime: t.stime,
    startTime: t.startTime,
    nice: t.nice,
    caps: t.caps,
    uid: t.uid,
    euid: t.euid,
    oomkilladj: t.oomkilladj,
    cpuset: t.cpuset,
    overlap,
    uptime: fastUptime(s, limit),
    limit,
    cpuScale: 2 ** -(s.shiftHz + 3),
    ulongMax: max <= BigInt(limit) ? Number(max) : max,
  };
}

/**
 * What `badness(p, uptime)` reads of a task, as exact values: the compiled state, a live
 * read and a replayed report all reduce to this, so the arithmetic exists once.
 */
export interface BadnessInputs {
  /** total_vm of p's mm; null when p has no mm. */
  totalVm: bigint | null;
  swapoff: boolean;
  /** total_vm of each child on p's children list whose mm is neither null nor p's. */
  childrenTotalVm: readonly bigint[];
  /** utime + stime in jiffies (wrapped to a ulong here). */
  cpuTime: bigint;
  /** start_time.tv_sec. */
  startTime: bigint;
  nice: number;
  /** CAP_SYS_ADMIN, uid 0 or euid 0. */
  root: boolean;
  rawio: boolean;
  /** `cpuset_excl_nodes_overlap(p)`, its PF_EXITING escapes included. */
  cpusetOverlap: boolean;
  oomkilladj: number;
}

/** The machine a score is computed for. */
export interface BadnessMachine {
  bits: Bits;
  shiftHz: number;
  /** `uptime.tv_sec`. */
  uptime: bigint;
}

/** badness(p, uptime) on exact values, optionally recording every term that ran. */
export function badnessExact(
  s: OomState,
  ctx: BadnessContext,
  i: number,
  trace?: BadnessTerm[],
): bigint {
  return badnessOf(badnessInputsAt(s, ctx, i), s, trace);
}

/** The inputs of task i of the compiled state. */
export function badnessInputsAt(s: OomState, ctx: BadnessContext, i: number): BadnessInputs {
  const t = s.tasks;
  const mm = t.mm[i]!;
  const totalVm = (m: number) => ulongAt(s.mms.totalVm, s.mms.bigTotalVm, m);
  const childrenTotalVm: bigint[] = [];
  if (mm >= 0) {
    for (let k = t.childStart[i]!, end = t.childStart[i + 1]!; k < end; k++) {
      const cm = t.mm[t.childList[k]!]!;
      if (cm >= 0 && cm !== mm) childrenTotalVm.push(totalVm(cm));
    }
  }
  const caps = t.caps[i]!;
  return {
    totalVm: mm < 0 ? null : totalVm(mm),
    swapoff: (t.flags[i]! & PF_SWAPOFF) !== 0,
    childrenTotalVm,
    cpuTime: ulongAt(t.utime, t.bigUtime, i) + ulongAt(t.stime, t.bigStime, i),
    startTime: ulongAt(t.startTime, t.bigStartTime, i),
    nice: t.nice[i]!,
    root: (caps & CAP_SYS_ADMIN_MASK) !== 0 || t.uid[i] === 0 || t.euid[i] === 0,
    rawio: (caps & CAP_SYS_RAWIO_MASK) !== 0,
    cpusetOverlap: ctx.overlap[t.cpuset[i]!] !== 0 || isExiting(s, i),
    oomkilladj: t.oomkilladj[i]!,
  };
}

/** docs/oom-path.md §5.1 step by step on bigints, wrapping modulo 2^BITS. */
export function badnessOf(p: BadnessInputs, m: BadnessMachine, trace?: BadnessTerm[]): bigint {
  const bits = m.bits;
  // The detail is worded only when the terms are recorded.
  const note = (
    term: BadnessTerm["term"],
    before: bigint,
    after: bigint,
    detail: () => string,
    by?: bigint,
  ) => {
    if (trace === undefined) return;
    const d = detail();
    trace.push(
      by === undefined
        ? { term, before, after, detail: d }
        : { term, before, after, detail: d, by },
    );
  };
  if (p.totalVm === null) {
    note("no_mm", 0n, 0n, () => "no mm: badness() returns 0");
    return 0n;
  }
  let points = wrap(p.totalVm, bits);
  note("total_vm", 0n, points, () => `total_vm of its mm: ${points} pages`);
  if (p.swapoff) {
    const max = ulongMax(bits);
    note("swapoff", points, max, () => "PF_SWAPOFF: ULONG_MAX, no further adjustment");
    return max;
  }
  const before = points;
  for (const vm of p.childrenTotalVm) points = wrap(points + wrap(vm, bits) / 2n + 1n, bits);
  const entries = p.childrenTotalVm.length;
  if (entries > 0) {
    note(
      "children",
      before,
      points,
      () => `+ half the total_vm (+1) of ${entries} child entries with their own mm`,
    );
  }
  const cpuTime = wrap(p.cpuTime, bits) >> BigInt(m.shiftHz + 3);
  const runTime = m.uptime >= p.startTime ? (m.uptime - p.startTime) >> 10n : 0n;
  let root = intSqrt(cpuTime, bits);
  if (root !== 0n) {
    const was = points;
    points /= root;
    note(
      "cpu_time",
      was,
      points,
      () => `cpu_time ${cpuTime} (utime+stime >> ${m.shiftHz + 3}): / int_sqrt = ${root}`,
      root,
    );
  }
  root = intSqrt(intSqrt(runTime, bits), bits);
  if (root !== 0n) {
    const was = points;
    points /= root;
    note(
      "run_time",
      was,
      points,
      () => `run_time ${runTime} (uptime-start >> 10): / int_sqrt(int_sqrt) = ${root}`,
      root,
    );
  }
  if (p.nice > 0) {
    const was = points;
    points = wrap(points * 2n, bits);
    note("nice", was, points, () => `nice ${p.nice} > 0: x 2`, 2n);
  }
  if (p.root) {
    const was = points;
    points /= 4n;
    note("root", was, points, () => "CAP_SYS_ADMIN or uid 0 or euid 0: / 4", 4n);
  }
  if (p.rawio) {
    const was = points;
    points /= 4n;
    note("rawio", was, points, () => "CAP_SYS_RAWIO: / 4", 4n);
  }
  if (!p.cpusetOverlap) {
    const was = points;
    points /= 8n;
    note("cpuset", was, points, () => "cpuset mems do not overlap current's: / 8", 8n);
  }
  const adj = p.oomkilladj;
  if (adj !== 0) {
    const was = points;
    // KERNEL-QUIRK: Q3 and Q15 (docs/oom-path.md §13): no 0 -> 1 guard, and the left shift drops high bits.
    points = adj > 0 ? wrap(points << BigInt(adj), bits) : points >> BigInt(-adj);
    note(
      "oomkilladj",
      was,
      points,
      () => (adj > 0 ? `oomkilladj ${adj}: << ${adj}` : `oomkilladj ${adj}: >> ${-adj}`),
      BigInt(adj),
    );
  }
  return points;
}
