/**
 * `oom_kill_process()`, `oom_kill_task()` and `__oom_kill_task()` of mm/oom_kill.c
 * (docs/oom-path.md §8). Each returns what the kernel function returns: 0 when something was done,
 * 1 when nothing was.
 */

import { OOM_DISABLE } from "../kernel/constants.js";
import { asSignedLong } from "../kernel/ulong.js";
import type { OomEffects } from "./effects.js";
import { isExiting, type OomState } from "./state.js";

/** `__oom_kill_task(p, verbose)` (docs/oom-path.md §8.3). */
export function oomKillTaskNow(s: OomState, fx: OomEffects, p: number, verbose: boolean): void {
  const t = s.tasks;
  if (t.pid[p] === 1) {
    fx.warnOn(275, "__oom_kill_task");
    fx.printk("KERN_WARNING", "tried to kill init!");
    return;
  }
  if (t.mm[p]! < 0) {
    fx.warnOn(281, "__oom_kill_task");
    fx.printk("KERN_WARNING", "tried to kill an mm-less task!");
    return;
  }
  if (verbose) fx.printk("KERN_ERR", `Killed process ${t.pid[p]} (${t.comm[p]})`);
  // KERNEL-QUIRK: Q18 (docs/oom-path.md §13): a whole second of ticks.
  fx.setTimeSlice(p, s.hz);
  fx.setMemdie(p);
  fx.forceSigkill(p);
}

/** `oom_kill_task(p)` (docs/oom-path.md §8.2). */
export function oomKillTask(s: OomState, fx: OomEffects, p: number): 0 | 1 {
  const t = s.tasks;
  const mm = t.mm[p]!;
  if (mm < 0) return 1;
  // KERNEL-QUIRK: Q1 (docs/oom-path.md §8.2, §13): the loop over every task sharing the mm tests
  // p's own oomkilladj, not the sharer's; p itself always shares its mm, so the loop
  // amounts to this one test.
  if (t.oomkilladj[p] === OOM_DISABLE) return 1;
  oomKillTaskNow(s, fx, p, true);
  // KERNEL-QUIRK: Q2 (docs/oom-path.md §8.2, §13): for every task of another thread group sharing
  // the mm, SIGKILL goes to p again instead of to that task.
  const tgid = t.tgid[p];
  for (let q = 0; q < t.count; q++) {
    if (t.mm[q] === mm && t.tgid[q] !== tgid) fx.forceSigkill(p);
  }
  return 0;
}

/** `oom_kill_process(p, points, message)` (docs/oom-path.md §8.1). */
export function oomKillProcess(
  s: OomState,
  fx: OomEffects,
  p: number,
  points: number | bigint,
  message: string,
): 0 | 1 {
  const t = s.tasks;
  const exiting = isExiting(s, p);
  fx.step({
    step: "kill",
    selected: t.pid[p]!,
    points: BigInt(points),
    pid: null,
    child: false,
    exiting,
    sigkill: [],
    memdie: [],
  });
  if (exiting) {
    oomKillTaskNow(s, fx, p, false);
    return 0;
  }
  // KERNEL-QUIRK: Q12 (docs/oom-path.md §13): the ulong score is printed with %li.
  const score = asSignedLong(BigInt(points), s.bits);
  fx.printk(
    "KERN_ERR",
    `${message}: kill process ${t.pid[p]} (${t.comm[p]}) score ${score} or a child`,
  );
  // KERNEL-QUIRK: Q10 (docs/oom-path.md §13): the first killable entry of p's own children list.
  const mm = t.mm[p];
  for (let k = t.childStart[p]!, end = t.childStart[p + 1]!; k < end; k++) {
    const c = t.childList[k]!;
    if (t.mm[c] === mm) continue;
    if (oomKillTask(s, fx, c) === 0) return 0;
  }
  return oomKillTask(s, fx, p);
}
