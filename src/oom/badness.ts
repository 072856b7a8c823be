/**
 * `badness()` of mm/oom_kill.c (spec §5.1), in two forms that must agree:
 *
 * - `badnessExact` follows the kernel step by step on bigints, wrapping modulo 2^BITS,
 *   and can record each term for explanations;
 * - `badness` is the fast path on float64 numbers. Every intermediate value is kept at or
 *   below `limit` (2^53 - 1 on 64-bit, where float64 integers are exact; 2^32 - 1 on 32-bit,
 *   where nothing can have wrapped yet). Divisions of such values by positive integers are
 *   exact with Math.floor. The moment a value could leave that range, or an input is a
 *   big ulong (stored as NaN), it hands the task to `badnessExact`.
 */

import {
  CAP_SYS_ADMIN_MASK,
  CAP_SYS_RAWIO_MASK,
  PF_EXITING,
  PF_SWAPOFF,
} from "../kernel/constants.js";
import { fastLimit, ulongMax, wrap } from "../kernel/ulong.js";
import { exclusiveOverlapByCpuset } from "./cpuset.js";
import { intSqrt, intSqrtNumber } from "./int_sqrt.js";
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
}

/** Per-selection values that `badness()` reads for every task. */
export interface BadnessContext {
  /** `uptime` as a number, NaN when it is above 2^53 - 1. */
  readonly uptime: number;
  readonly limit: number;
  readonly cpuDivisor: number;
  readonly ulongMax: number | bigint;
  readonly currentExiting: boolean;
  readonly overlap: Uint8Array;
}

const POW2 = Array.from({ length: 32 }, (_, k) => 2 ** k);

export function makeBadnessContext(s: OomState): BadnessContext {
  const limit = fastLimit(s.bits);
  const max = ulongMax(s.bits);
  return {
    uptime: s.uptime <= BigInt(limit) ? Number(s.uptime) : Number.NaN,
    limit,
    cpuDivisor: 2 ** (s.shiftHz + 3),
    ulongMax: max <= BigInt(limit) ? Number(max) : max,
    currentExiting: isExiting(s, s.current),
    overlap: exclusiveOverlapByCpuset(s),
  };
}

/** badness(p, uptime): the fast path, exact by construction (see the file comment). */
export function badness(s: OomState, ctx: BadnessContext, i: number): number | bigint {
  const t = s.tasks;
  const mm = t.mm[i]!;
  if (mm < 0) return 0;
  const flags = t.flags[i]!;
  if ((flags & PF_SWAPOFF) !== 0) return ctx.ulongMax;
  const vm = s.mms.totalVm;
  const limit = ctx.limit;
  let points = vm[mm]!;
  const childList = t.childList;
  for (let k = t.childStart[i]!, end = t.childStart[i + 1]!; k < end; k++) {
    const cm = t.mm[childList[k]!]!;
    if (cm >= 0 && cm !== mm) points += Math.floor(vm[cm]! / 2) + 1;
  }
  const cpu = t.utime[i]! + t.stime[i]!;
  const start = t.startTime[i]!;
  // NaN (a big input) fails every one of these comparisons.
  if (!(points <= limit && cpu <= limit && start <= limit && ctx.uptime >= 0)) {
    return badnessExact(s, ctx, i);
  }
  const cpuTime = Math.floor(cpu / ctx.cpuDivisor);
  const runTime = ctx.uptime >= start ? Math.floor((ctx.uptime - start) / 1024) : 0;
  let root = intSqrtNumber(cpuTime);
  if (root !== 0) points = Math.floor(points / root);
  root = intSqrtNumber(intSqrtNumber(runTime));
  if (root !== 0) points = Math.floor(points / root);
  if (t.nice[i]! > 0) {
    points *= 2;
    if (points > limit) return badnessExact(s, ctx, i);
  }
  const caps = t.caps[i]!;
  if ((caps & CAP_SYS_ADMIN_MASK) !== 0 || t.uid[i] === 0 || t.euid[i] === 0) {
    points = Math.floor(points / 4);
  }
  if ((caps & CAP_SYS_RAWIO_MASK) !== 0) points = Math.floor(points / 4);
  if (!ctx.currentExiting && (flags & PF_EXITING) === 0 && ctx.overlap[t.cpuset[i]!] === 0) {
    points = Math.floor(points / 8);
  }
  const adj = t.oomkilladj[i]!;
  if (adj > 0) {
    points *= POW2[adj]!;
    if (points > limit) return badnessExact(s, ctx, i);
  } else if (adj < 0) {
    points = Math.floor(points / POW2[-adj]!);
  }
  return points;
}

/** badness(p, uptime) on exact values, optionally recording every term that ran. */
export function badnessExact(
  s: OomState,
  ctx: BadnessContext,
  i: number,
  trace?: BadnessTerm[],
): bigint {
  const t = s.tasks;
  const bits = s.bits;
  const note = (term: BadnessTerm["term"], before: bigint, after: bigint, detail: string) => {
    trace?.push({ term, before, after, detail });
  };
  const mm = t.mm[i]!;
  if (mm < 0) {
    note("no_mm", 0n, 0n, "no mm: badness() returns 0");
    return 0n;
  }
  const totalVm = (m: number) => ulongAt(s.mms.totalVm, s.mms.bigTotalVm, m);
  let points = totalVm(mm);
  note("total_vm", 0n, points, `total_vm of its mm: ${points} pages`);
  if ((t.flags[i]! & PF_SWAPOFF) !== 0) {
    const max = ulongMax(bits);
    note("swapoff", points, max, "PF_SWAPOFF: ULONG_MAX, no further adjustment");
    return max;
  }
  const before = points;
  let entries = 0;
  for (let k = t.childStart[i]!, end = t.childStart[i + 1]!; k < end; k++) {
    const cm = t.mm[t.childList[k]!]!;
    if (cm >= 0 && cm !== mm) {
      points = wrap(points + totalVm(cm) / 2n + 1n, bits);
      entries++;
    }
  }
  if (entries > 0) {
    note(
      "children",
      before,
      points,
      `+ half the total_vm (+1) of ${entries} child entries with their own mm`,
    );
  }
  const utime = ulongAt(t.utime, t.bigUtime, i);
  const stime = ulongAt(t.stime, t.bigStime, i);
  const cpuTime = wrap(utime + stime, bits) >> BigInt(s.shiftHz + 3);
  const start = ulongAt(t.startTime, t.bigStartTime, i);
  const runTime = s.uptime >= start ? (s.uptime - start) >> 10n : 0n;
  let root = intSqrt(cpuTime, bits);
  if (root !== 0n) {
    const was = points;
    points /= root;
    note(
      "cpu_time",
      was,
      points,
      `cpu_time ${cpuTime} (utime+stime >> ${s.shiftHz + 3}): / int_sqrt = ${root}`,
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
      `run_time ${runTime} (uptime-start >> 10): / int_sqrt(int_sqrt) = ${root}`,
    );
  }
  if (t.nice[i]! > 0) {
    const was = points;
    points = wrap(points * 2n, bits);
    note("nice", was, points, `nice ${t.nice[i]} > 0: x 2`);
  }
  const caps = t.caps[i]!;
  if ((caps & CAP_SYS_ADMIN_MASK) !== 0 || t.uid[i] === 0 || t.euid[i] === 0) {
    const was = points;
    points /= 4n;
    note("root", was, points, "CAP_SYS_ADMIN or uid 0 or euid 0: / 4");
  }
  if ((caps & CAP_SYS_RAWIO_MASK) !== 0) {
    const was = points;
    points /= 4n;
    note("rawio", was, points, "CAP_SYS_RAWIO: / 4");
  }
  if (!ctx.currentExiting && !isExiting(s, i) && ctx.overlap[t.cpuset[i]!] === 0) {
    const was = points;
    points /= 8n;
    note("cpuset", was, points, "cpuset mems do not overlap current's: / 8");
  }
  const adj = t.oomkilladj[i]!;
  if (adj !== 0) {
    const was = points;
    // KERNEL-QUIRK: Q3 and Q15 (spec §13): no 0 -> 1 guard, and the left shift drops high bits.
    points = adj > 0 ? wrap(points << BigInt(adj), bits) : points >> BigInt(-adj);
    note(
      "oomkilladj",
      was,
      points,
      adj > 0 ? `oomkilladj ${adj}: << ${adj}` : `oomkilladj ${adj}: >> ${-adj}`,
    );
  }
  return points;
}
