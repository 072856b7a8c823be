/**
 * One tick of one task (docs/oom-path.md §4.9): a task with SIGKILL pending that is back on its way
 * to user mode takes it and exits in this step; a task in the allocator resumes it and
 * dies only after the allocation returns; otherwise the task works through its queue.
 */

import {
  deThreadReady,
  execMm,
  finishDeThread,
  isAloneInGroup,
  startDeThread,
} from "../kernel/exec.js";
import { doExit, reapZombies } from "../kernel/exit.js";
import { doFork } from "../kernel/fork.js";
import { GFP_HIGHUSER } from "../kernel/gfp.js";
import { doGroupExit, takePendingSignal } from "../kernel/signal.js";
import { CLONE_PARENT, CLONE_THREAD, CLONE_VM, type Task } from "../kernel/task.js";
import type { PortGenerator, PortResume } from "./memory-port.js";
import { callOutOfMemory, logEvent } from "./oom-call.js";
import { type SimContext, workOf } from "./sim-context.js";
import type { AllocActivity, WorkItem } from "./work.js";

type DriveResult<R> =
  | { kind: "done"; value: R; yielded: boolean }
  | { kind: "sleep"; jiffies: number }
  | { kind: "blocked" };

/** Runs a generator until it sleeps, blocks or returns. */
export function drive<R>(
  ctx: SimContext,
  t: Task,
  gen: PortGenerator<R>,
  first: PortResume,
): DriveResult<R> & { resume?: PortResume } {
  let resume = first;
  let yielded = false;
  for (;;) {
    const r = gen.next(resume);
    resume = undefined;
    if (r.done) return { kind: "done", value: r.value, yielded };
    yielded = true;
    const req = r.value;
    if (req.kind === "event") {
      const e = req.event;
      ctx.emit(e.type === "log" ? logEvent(e, t.pid, () => ctx.port.memInfo()) : e);
    } else if (req.kind === "sleep") {
      ctx.sched.sleepUntilTick(t, ctx.k.ticks + req.jiffies);
      return { kind: "sleep", jiffies: req.jiffies };
    } else {
      const out = callOutOfMemory(ctx.oom, t, req.zonelist, req.gfpMask, req.order);
      if (out.kind === "blocked") {
        ctx.sched.block(t);
        return { kind: "blocked" };
      }
      ctx.onOomCall?.(out.record);
      if (out.answer.stop === "panic") ctx.panicked = true;
      resume = out.answer;
    }
  }
}

/** The task returns to user mode: a pending SIGKILL is taken now. True if it exited. */
function returnToUser(ctx: SimContext, t: Task): boolean {
  if (!t.sigkillPending) return false;
  const out = takePendingSignal(ctx.k, t);
  if (out.kind === "exited") {
    if (out.result.panic !== null) panic(ctx, out.result.panic);
    return true;
  }
  return false;
}

export function panic(ctx: SimContext, message: string): void {
  ctx.emit({ type: "log", level: "KERN_EMERG", text: `Kernel panic - not syncing: ${message}` });
  ctx.emit({ type: "panic", message });
  ctx.panicked = true;
}

/** Runs `t` for one tick. */
export function runStep(ctx: SimContext, t: Task): void {
  ctx.kernelMode = false;
  const w = workOf(ctx, t);
  const act = w.activity;
  if (act !== null && act.kind === "kswapd") {
    ctx.kernelMode = true;
    const r = drive(ctx, t, act.gen, undefined);
    if (r.kind === "done") {
      w.activity = null;
      ctx.sched.idle(t);
    }
    return;
  }
  if (act === null || (act.kind === "alloc" && act.gen === null)) {
    if (returnToUser(ctx, t)) return;
  }
  if (act !== null && act.kind === "alloc") {
    runAlloc(ctx, t, act);
    return;
  }
  if (act !== null && act.kind === "exec") {
    runExec(ctx, t, act);
    return;
  }
  // Instantaneous items run in sequence; the first timed one takes the rest of the tick.
  while (w.head < w.queue.length && t.sched === "runnable") {
    const item = w.queue[w.head]!;
    w.head += 1;
    if (w.head === w.queue.length) {
      w.queue = [];
      w.head = 0;
    }
    if (startItem(ctx, t, item)) return;
    if ((t.sched as string) === "dead") return;
  }
  if (t.sched === "runnable" && w.activity === null) ctx.sched.idle(t);
}

/** Starts a work item; true when it consumed the tick (timed work or a wait). */
function startItem(ctx: SimContext, t: Task, item: WorkItem): boolean {
  const { k } = ctx;
  const w = workOf(ctx, t);
  switch (item.kind) {
    case "fault":
    case "page_cache":
    case "kalloc": {
      const act: AllocActivity = {
        kind: "alloc",
        item,
        use:
          item.kind === "fault"
            ? "anon"
            : item.kind === "kalloc"
              ? "kernel"
              : item.dirty
                ? "dirtyCache"
                : "cleanCache",
        gfp: item.kind === "kalloc" ? item.gfp : item.kind === "fault" ? item.gfp : GFP_HIGHUSER,
        order: item.kind === "kalloc" ? item.order : 0,
        left: item.kind === "kalloc" ? item.count : item.pages,
        perTick: item.kind === "kalloc" ? Number.POSITIVE_INFINITY : item.perTick,
        credit: 0,
        gen: null,
        resume: undefined,
        stallStart: -1,
      };
      if (item.kind === "fault" && t.mm === null) {
        skip(ctx, t, item, "the task has no mm");
        return false;
      }
      w.activity = act;
      runAlloc(ctx, t, act);
      return true;
    }
    case "map":
      if (t.mm !== null) {
        t.mm.totalVmPages += item.pages;
        ctx.emit({ type: "task.map", pid: t.pid, pages: item.pages, totalVm: t.mm.totalVmPages });
      } else skip(ctx, t, item, "the task has no mm");
      return false;
    case "unmap":
      if (t.mm !== null) unmap(ctx, t, item.pages);
      else skip(ctx, t, item, "the task has no mm");
      return false;
    case "fork":
    case "thread": {
      const flags =
        item.kind === "thread"
          ? CLONE_VM | CLONE_THREAD
          : (item.shareMm ? CLONE_VM : 0) | (item.cloneParent ? CLONE_PARENT : 0);
      if (item.pid !== undefined && k.tasks.has(item.pid)) {
        skip(ctx, t, item, `pid ${item.pid} is in use`);
        return false;
      }
      const r = doFork(k, t, {
        cloneFlags: flags,
        pid: item.pid,
        dontForkPages: item.kind === "fork" ? item.dontFork : 0,
        zoneCount: ctx.zoneCount,
      });
      if (!r.ok) {
        skip(ctx, t, item, "a signal is pending (fork fails with -ERESTARTNOINTR)");
        return false;
      }
      const child = r.task;
      if (item.kind === "fork" && item.name !== undefined) child.comm = item.name;
      if (item.label !== undefined) ctx.labels.set(item.label, child);
      ctx.emit({
        type: "task.fork",
        pid: child.pid,
        parent: t.pid,
        comm: child.comm,
        thread: item.kind === "thread",
        sharedMm: child.mm !== null && child.mm === t.mm,
      });
      return false;
    }
    case "exec":
      w.activity = { kind: "exec", item, started: false };
      runExec(ctx, t, w.activity);
      return true;
    case "exit":
      doGroupExit(k, t, item.code << 8);
      return true;
    case "wait":
      for (const member of [...t.group.threads]) reapZombies(k, member);
      return false;
  }
}

function skip(ctx: SimContext, t: Task, item: WorkItem, why: string): void {
  ctx.emit({ type: "sim.skip", pid: t.pid, action: item.kind, why, entry: item.entry });
}

/** munmap: total_vm shrinks, and resident pages go back (highest zone first). */
function unmap(ctx: SimContext, t: Task, pages: number): void {
  const mm = t.mm!;
  mm.totalVmPages = Math.max(0, mm.totalVmPages - pages);
  let left = Math.min(pages, mm.rssPages);
  for (let z = mm.pagesByZone.length - 1; z >= 0 && left > 0; z--) {
    const n = Math.min(left, mm.pagesByZone[z]!);
    if (n === 0) continue;
    mm.pagesByZone[z]! -= n;
    mm.rssPages -= n;
    ctx.port.free(z, "anon", n);
    left -= n;
  }
  ctx.emit({ type: "task.map", pid: t.pid, pages: -pages, totalVm: mm.totalVmPages });
}

function runExec(
  ctx: SimContext,
  t: Task,
  act: { kind: "exec"; item: WorkItem & { kind: "exec" }; started: boolean },
): void {
  const w = workOf(ctx, t);
  if (!isAloneInGroup(t)) {
    if (!act.started) {
      if (!startDeThread(ctx.k, t)) {
        w.activity = null;
        skip(ctx, t, act.item, "a group exit is under way");
        return;
      }
      act.started = true;
    }
    if (!deThreadReady(t)) {
      ctx.sched.sleepUntilTick(t, ctx.k.ticks + 1);
      return;
    }
  }
  const oldPid = t.pid;
  finishDeThread(ctx.k, t);
  execMm(ctx.k, t, act.item.path, act.item.totalVm, ctx.zoneCount);
  w.activity = null;
  ctx.emit({ type: "task.exec", pid: t.pid, oldPid, comm: t.comm });
}

/** The allocation loop of a timed work item, for one tick. */
function runAlloc(ctx: SimContext, t: Task, act: AllocActivity): void {
  const w = workOf(ctx, t);
  if (act.gen === null) {
    act.credit = Math.min(act.credit + act.perTick, Math.max(act.perTick, 1) * 2);
  }
  for (;;) {
    if (act.gen === null) {
      if (act.left === 0) {
        w.activity = null;
        if (!returnToUser(ctx, t) && t.sched === "runnable" && w.head >= w.queue.length)
          ctx.sched.idle(t);
        return;
      }
      if (act.credit < 1) return; // rate-limited: nothing more this tick
      const zone = ctx.port.allocateFast(t, act.gfp, act.order, act.use);
      if (zone >= 0) {
        allocated(ctx, t, act, zone);
        if (returnToUser(ctx, t)) return;
        continue;
      }
      act.gen = ctx.port.allocate(t, act.gfp, act.order, act.use);
      act.stallStart = ctx.k.ticks;
    }
    ctx.kernelMode = true;
    const r = drive(ctx, t, act.gen, act.resume);
    act.resume = undefined;
    if (r.kind !== "done") return;
    act.gen = null;
    const out = r.value;
    const stallTicks = ctx.k.ticks - act.stallStart;
    if (stallTicks > 0 || out.kind !== "success") {
      ctx.emit({
        type: "alloc.done",
        pid: t.pid,
        gfpMask: act.gfp,
        order: act.order,
        ok: out.kind === "success",
        stallTicks,
      });
    }
    if (out.kind === "success") {
      allocated(ctx, t, act, out.zone);
    } else if (out.kind === "stopped") {
      if (out.reason === "deadlock") ctx.sched.block(t);
      return;
    } else if (act.item.kind === "fault") {
      // VM_FAULT_OOM (docs/oom-path.md §4.8): init yields and retries; anyone else dies alone.
      if (t.pid === 1) return;
      ctx.emit({ type: "log", level: "default", text: `VM: killing process ${t.comm}` });
      w.activity = null;
      workOf(ctx, t).killedBy ??= "vm_fault_oom";
      doExit(ctx.k, t, 9);
      return;
    } else if (act.item.kind === "page_cache") {
      act.left = 0; // the write() returns -ENOMEM
    } else act.left -= 1;
    if (returnToUser(ctx, t)) return;
  }
}

function allocated(ctx: SimContext, t: Task, act: AllocActivity, zone: number): void {
  const pages = 2 ** act.order;
  act.left -= 1;
  act.credit -= 1;
  if (act.use === "anon") {
    const mm = t.mm;
    if (mm === null || mm.freed) {
      ctx.port.free(zone, "anon", pages);
      return;
    }
    mm.pagesByZone[zone]! += pages;
    mm.rssPages += pages;
    if (mm.rssPages > mm.totalVmPages) mm.totalVmPages = mm.rssPages;
  }
}
