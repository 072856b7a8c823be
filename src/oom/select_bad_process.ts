/**
 * `select_bad_process()` of mm/oom_kill.c (docs/oom-path.md §6): one pass over every thread in
 * do_each_thread order, with the checks in the kernel's order, and `badness()` (docs/oom-path.md §5.1)
 * computed inline.
 *
 * The fast path works on float64 numbers. Every intermediate value is kept at or below
 * `limit` (2^53 - 1 on 64-bit, where float64 integers are exact; 2^32 - 1 on 32-bit, where
 * nothing can have wrapped yet). Divisions of such values by positive integers are exact
 * with Math.floor (the quotient of two integers below 2^53 never rounds up to the next
 * integer), and so are multiplications by powers of two, which only move the exponent.
 *
 * The kernel divides the points up to five times in a row (the cpu-time root, the run-time
 * root, then the shifts for root, raw I/O, cpuset and a negative oomkilladj). For integers
 * x >= 0 and a, b >= 1, floor(floor(x / a) / b) = floor(x / (a * b)), so the fast path
 * divides once, by the product: the roots are below 2^38 together, and a power of two on
 * top only moves the exponent, so the divisor is exact and so is the quotient's floor. A
 * nice task's doubling sits between the roots and the shifts and may wrap on 32-bit, so
 * there the roots and the shifts are two divisions.
 * The moment a value could leave that range, or an input is a big ulong (stored as NaN,
 * which fails every comparison), the task is scored by `badnessExact` instead. The
 * property tests check the two against each other.
 */

import { intSqrtNumber } from "../kernel/int_sqrt.js";
import { fastLimit, ulongMax as ulongMaxOf } from "../kernel/ulong.js";
import { chooseOnState, type PolicyExtras } from "../policy/state-views.js";
import type { Choice, VictimPolicy } from "../policy/types.js";
import {
  badnessExact,
  cpusetOverlapOf,
  fastUptime,
  makeBadnessContext,
  POW2,
  POW2_INVERSE,
  ROOT4_DIVISOR,
  SMALL,
  SQRT_DIVISOR,
} from "./badness.js";
import {
  ATTR_ADJ_UP_SHIFT,
  ATTR_EXITING,
  ATTR_INIT,
  ATTR_MEMDIE,
  ATTR_NICE,
  ATTR_OOM_DISABLE,
  ATTR_SHIFT_MASK,
  ATTR_SPECIAL,
  ATTR_SWAPOFF,
  type OomState,
} from "./state.js";

export type Selection =
  | { kind: "chosen"; index: number; points: number | bigint }
  /** No task reached the comparison. */
  | { kind: "none" }
  /** The kernel's `ERR_PTR(-1)`: task `index` is already dying; wait for it. */
  | { kind: "abort"; index: number };

/** Called once per `badness()` call, in call order. */
export type BadnessObserver = (index: number, points: number | bigint) => void;

/**
 * 2.6.20's selection, or with `policy` that policy's choice over the same tasks (through
 * its fast path over the compiled state when it has one, else over `viewsOfState`).
 */
export function selectBadProcess(
  s: OomState,
  onBadness?: BadnessObserver,
  policy?: VictimPolicy,
  extras?: PolicyExtras,
): Selection {
  if (policy !== undefined) return selectionOfChoice(chooseOnState(s, policy, extras, onBadness));
  if (onBadness !== undefined) return generalLoop(s, makeBadnessContext(s), onBadness, 0, -1, 0);
  const fast = commonLoop(s);
  if (fast.stop === s.tasks.count) {
    return fast.chosen < 0
      ? { kind: "none" }
      : { kind: "chosen", index: fast.chosen, points: fast.best };
  }
  return generalLoop(s, makeBadnessContext(s), undefined, fast.stop, fast.chosen, fast.best);
}

const ATTR = {
  special: ATTR_SPECIAL,
  init: ATTR_INIT,
  memdie: ATTR_MEMDIE,
  exiting: ATTR_EXITING,
  swapoff: ATTR_SWAPOFF,
  oomDisable: ATTR_OOM_DISABLE,
  nice: ATTR_NICE,
  shiftMask: ATTR_SHIFT_MASK,
  adjUpShift: ATTR_ADJ_UP_SHIFT,
} as const;

/** Where `commonLoop` stopped, and what it had chosen by then. */
interface CommonPart {
  /** The first task it did not settle (the task count when it settled all). */
  stop: number;
  chosen: number;
  best: number;
}

/**
 * The loop below for the tasks nearly every state holds, and nothing else: no observer, no
 * task that is dying, exiting or in swapoff, every score on the fast path. It stops at the
 * first task that is not so, and `generalLoop` carries on from there with the same choice
 * so far, so the two together do exactly what `generalLoop` alone does.
 */
function commonLoop(s: OomState): CommonPart {
  // The arrays taken from the state itself, not from a BadnessContext: the compiler then
  // knows what each one is, and checks it less in the loop.
  const { mm, attrs, childStart, childList, utime, stime, startTime, cpuset } = s.tasks;
  const totalVm = s.mms.totalVm;
  const overlap = cpusetOverlapOf(s);
  const limit = fastLimit(s.bits);
  const uptime = fastUptime(s, limit);
  const cpuScale = 2 ** -(s.shiftHz + 3);
  const sqrtDivisor = SQRT_DIVISOR;
  const root4Divisor = ROOT4_DIVISOR;
  const pow2 = POW2;
  const pow2Inverse = POW2_INVERSE;
  const small = SMALL;
  // Imported constants are read through a binding the compiler checks on every use.
  const { special, init, memdie, exiting, oomDisable, nice, shiftMask, adjUpShift } = ATTR;
  const someApart = overlap.includes(0);
  const n = s.tasks.count;
  let chosen = -1;
  let best = 0;
  // NaN fails every comparison: an uptime beyond the fast range stops at the first task.
  const up = uptime >= 0 ? uptime : -1;
  let i = 0;
  for (; i < n; i++) {
    const m = mm[i]!;
    if (m < 0) continue;
    const a = attrs[i]!;
    if ((a & special) !== 0) {
      if ((a & init) !== 0) continue;
      if ((a & (memdie | exiting)) !== 0) break;
      if ((a & oomDisable) !== 0) continue;
      break; // swapoff
    }
    let p = totalVm[m]!;
    for (let k = childStart[i]!, end = childStart[i + 1]!; k < end; k++) {
      const cm = mm[childList[k]!]!;
      if (cm >= 0 && cm !== m) p += Math.floor(totalVm[cm]! * 0.5) + 1;
    }
    const cpu = utime[i]! + stime[i]!;
    const start = startTime[i]!;
    if (!(p <= limit && cpu <= limit && start <= limit && up >= 0)) break;
    const cpuTime = Math.floor(cpu * cpuScale);
    const runTime = up >= start ? Math.floor((up - start) * 0.0009765625) : 0;
    const roots =
      (cpuTime < small ? sqrtDivisor[cpuTime]! : intSqrtNumber(cpuTime)) *
      (runTime < small ? root4Divisor[runTime]! : intSqrtNumber(intSqrtNumber(runTime)));
    let shift = a & shiftMask;
    if (someApart && overlap[cpuset[i]!] === 0) shift += 3;
    if ((a & nice) === 0) p = Math.floor(p / (roots * pow2[shift]!));
    else {
      p = Math.floor(p / roots) * 2;
      if (p > limit) break;
      p = Math.floor(p * pow2Inverse[shift]!);
    }
    p *= pow2[(a >> adjUpShift) & 31]!;
    if (p > limit) break;
    if (p > best || chosen < 0) {
      chosen = i;
      best = p;
    }
  }
  return { stop: i, chosen, best };
}

/** The whole loop, from task `from` on, with the choice made before it. */
function generalLoop(
  s: OomState,
  c: ReturnType<typeof makeBadnessContext>,
  onBadness: BadnessObserver | undefined,
  from: number,
  chosenBefore: number,
  bestBefore: number,
): Selection {
  // Everything the loop reads, in locals: the per-task cost is a few typed-array loads.
  const { mm, totalVm, childStart, childList, utime, stime, startTime } = c;
  const { cpuset, overlap, limit, uptime, cpuScale } = c;
  const attrs = s.tasks.attrs;
  // Module imports are live bindings; locals let the compiler keep them in registers.
  const sqrtDivisor = SQRT_DIVISOR;
  const root4Divisor = ROOT4_DIVISOR;
  const pow2 = POW2;
  const pow2Inverse = POW2_INVERSE;
  const small = SMALL;
  // Imported constants are read through a binding the compiler checks on every use.
  const { special, init, memdie, exiting, swapoff, oomDisable, nice, shiftMask, adjUpShift } = ATTR;
  // With a single cpuset every task overlaps current's: skip the lookup.
  const someApart = overlap.includes(0);
  const n = s.tasks.count;
  const current = s.current;
  const ulongMax = ulongMaxOf(s.bits);
  let chosen = chosenBefore;
  // The chosen points: a number while they fit the fast path, else a bigint.
  let bestNumber = bestBefore;
  let bestBig: bigint | null = null;
  for (let i = from; i < n; i++) {
    const m = mm[i]!;
    if (m < 0) continue;
    const a = attrs[i]!;
    if ((a & special) !== 0) {
      if ((a & init) !== 0) continue;
      if ((a & memdie) !== 0) return { kind: "abort", index: i };
      if ((a & exiting) !== 0) {
        if (i !== current) return { kind: "abort", index: i };
        // KERNEL-QUIRK: Q11 (docs/oom-path.md §6 step 3.4): exiting current is chosen with ULONG_MAX
        // and the checks below still run for it: there is no `continue`.
        chosen = i;
        bestBig = ulongMax;
      }
      if ((a & oomDisable) !== 0) continue;
    }

    // badness(p, uptime), docs/oom-path.md §5.1; the mm is not null here. -1: use the exact path.
    let points = -1;
    if ((a & swapoff) === 0) {
      let p = totalVm[m]!;
      for (let k = childStart[i]!, end = childStart[i + 1]!; k < end; k++) {
        const cm = mm[childList[k]!]!;
        if (cm >= 0 && cm !== m) p += Math.floor(totalVm[cm]! * 0.5) + 1;
      }
      const cpu = utime[i]! + stime[i]!;
      const start = startTime[i]!;
      if (p <= limit && cpu <= limit && start <= limit && uptime >= 0) {
        const cpuTime = Math.floor(cpu * cpuScale);
        const runTime = uptime >= start ? Math.floor((uptime - start) * 0.0009765625) : 0;
        const roots =
          (cpuTime < small ? sqrtDivisor[cpuTime]! : intSqrtNumber(cpuTime)) *
          (runTime < small ? root4Divisor[runTime]! : intSqrtNumber(intSqrtNumber(runTime)));
        // Steps 10-13: the root and raw I/O divisions by 4, the cpuset division by 8 and a
        // negative oomkilladj are all right shifts, applied with the roots as one division.
        let shift = a & shiftMask;
        if (someApart && overlap[cpuset[i]!] === 0 && (a & exiting) === 0) shift += 3;
        if ((a & nice) === 0) p = Math.floor(p / (roots * pow2[shift]!));
        else {
          // A doubling past the limit would wrap on 32-bit: the exact path takes over.
          p = Math.floor(p / roots) * 2;
          p = p <= limit ? Math.floor(p * pow2Inverse[shift]!) : Number.POSITIVE_INFINITY;
        }
        // A left shift past the limit would wrap: the exact path takes over.
        p *= pow2[(a >> adjUpShift) & 31]!;
        if (p <= limit) points = p;
      }
    }
    if (points >= 0) {
      if (onBadness !== undefined) onBadness(i, points);
      if (bestBig === null ? points > bestNumber : BigInt(points) > bestBig) {
        chosen = i;
        bestNumber = points;
        bestBig = null;
      } else if (chosen < 0) {
        chosen = i;
        bestNumber = points;
      }
    } else {
      const exact = (a & swapoff) !== 0 ? ulongMax : badnessExact(s, c, i);
      if (onBadness !== undefined) onBadness(i, exact);
      if (exact > (bestBig ?? BigInt(bestNumber)) || chosen < 0) {
        chosen = i;
        bestBig = exact;
      }
    }
  }
  const best = bestBig ?? bestNumber;
  return chosen < 0 ? { kind: "none" } : { kind: "chosen", index: chosen, points: best };
}

function selectionOfChoice(choice: Choice): Selection {
  if (choice.kind === "abort") return { kind: "abort", index: choice.index };
  return choice;
}
