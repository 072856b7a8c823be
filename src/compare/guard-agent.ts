/**
 * `oomkit guard` inside the simulation, as a comparison's pseudo-policy: a userspace
 * killer that acts before the kernel's OOM killer has to. It runs on the guard's own
 * pure core: the triggers of triggers.ts (`evaluate`) with the guard's default levels
 * (config.ts: MemAvailable below 10 % TERM and 5 % KILL, swap likewise, both needed), the
 * poll interval of interval.ts, and the choice of decide.ts (`decide`) under a victim
 * policy (the guard's default, modern). The kernel keeps its own OOM killer (2.6.20's)
 * for whatever the guard does not prevent.
 *
 * What it reads of the simulated machine: MemTotal is the present pages; MemAvailable
 * the free pages (page cache not counted); SwapTotal and SwapFree the swap. What it
 * cannot do as the real one does: the simulated kernel only has SIGKILL, so at the TERM
 * level as at the KILL level the victim gets SIGKILL (a process that exits on SIGTERM at
 * once). After a kill it chooses no other victim until the victim has exited and either
 * the level has fallen or the recovery time (2 s) has passed since, or the kill time
 * (10 s) has passed without an exit, as `oomkit guard` does.
 */

import type { GuardCandidate } from "../guard/candidate.js";
import { guardConfig } from "../guard/config.js";
import { decide } from "../guard/decide.js";
import { nextIntervalMs } from "../guard/interval.js";
import type { Reading } from "../guard/readings.js";
import { evaluate, NO_PRESSURE, type PressureClock } from "../guard/triggers.js";
import { CAP_SYS_ADMIN_MASK, CAP_SYS_RAWIO_MASK } from "../kernel/constants.js";
import { forceSigKill } from "../kernel/signal.js";
import { PF_EXITING, PF_SWAPOFF, type Task } from "../kernel/task.js";
import { scoreAdjFromOomAdj } from "../policy/modern.js";
import type { CandidateView, PolicyContext, VictimPolicy } from "../policy/types.js";
import type { SimContext } from "../sim/sim-context.js";

const PAGE_BYTES = 4096;

/** The guard's settings when given no flags: the triggers, the interval, the timeouts. */
const DEFAULTS = guardConfig({});

/** A simulated process as the guard's candidate. */
function candidateOf(ctx: SimContext, t: Task): GuardCandidate {
  const { k, port } = ctx;
  const mm = t.mm;
  const usage = mm === null ? null : port.anonSplit(mm.pagesByZone);
  const view: CandidateView = {
    pid: t.pid,
    tgid: t.tgid,
    comm: t.comm,
    uid: t.uid,
    euid: t.euid,
    totalVmPages: BigInt(mm?.totalVmPages ?? 0),
    rssPages: usage === null ? null : BigInt(usage.resident),
    swapPages: usage === null ? null : BigInt(usage.swapped),
    pgtablesPages: null,
    oomkilladj: t.oomkilladj,
    oomScoreAdj: scoreAdjFromOomAdj(t.oomkilladj),
    isInit: t.pid === 1,
    isKthread: t.kernelThread,
    hasMm: mm !== null,
    // A SIGKILL already on its way is as good as an exit.
    exiting: (t.flags & PF_EXITING) !== 0 || t.sigkillPending || t.exitState !== 0,
    memdie: t.memdie,
    cpusetOverlap: true,
    capSysAdmin: (t.caps & CAP_SYS_ADMIN_MASK) !== 0,
    capSysRawio: (t.caps & CAP_SYS_RAWIO_MASK) !== 0,
    nice: t.staticPrio - 120,
    cpuTimeJiffies: BigInt(t.utimeJiffies + t.stimeJiffies),
    startTimeSeconds: BigInt(Math.floor(t.startTicks / k.hz)),
    childrenTotalVmPages: null,
    swapoff: (t.flags & PF_SWAPOFF) !== 0,
  };
  return {
    view,
    startTicks: BigInt(t.startTicks),
    rawComm: t.comm,
    ppid: t.realParent?.pid ?? 0,
    pgrp: t.tgid,
    cmdline: null,
    exe: null,
    cgroup: null,
  };
}

function readingOf(ctx: SimContext): Reading {
  const { port } = ctx;
  const mem = port.memInfo();
  return {
    memory: {
      totalBytes: port.presentPages() * PAGE_BYTES,
      availableBytes: port.freePages() * PAGE_BYTES,
      swapTotalBytes: mem.swapTotalPages * PAGE_BYTES,
      swapFreeBytes: mem.swapFreePages * PAGE_BYTES,
    },
    pressure: null,
    cgroup: null,
  };
}

interface Victim {
  pid: number;
  sentMs: number;
  exitedMs: number | null;
}

/** A guard for one run: `agent` goes to the simulation's `agent` option. */
export function simulatedGuard(policy: VictimPolicy): (ctx: SimContext) => void {
  const triggers = DEFAULTS.triggers;
  let nextPollMs = Number.NEGATIVE_INFINITY;
  let clock: PressureClock = NO_PRESSURE;
  let victim: Victim | null = null;
  return (ctx) => {
    const { k } = ctx;
    const now = (k.ticks * 1000) / k.hz;
    if (now < nextPollMs) return;
    const reading = readingOf(ctx);
    const evaluation = evaluate(reading, triggers, clock, now);
    clock = evaluation.pressureClock;
    nextPollMs = now + nextIntervalMs(reading, evaluation, triggers, DEFAULTS.interval);
    if (victim !== null) {
      const t = k.tasks.get(victim.pid);
      const gone = t === undefined || t.exitState !== 0 || t.sched === "dead";
      if (gone && victim.exitedMs === null) victim.exitedMs = now;
      const recovered =
        victim.exitedMs !== null &&
        (evaluation.level === "ok" || now - victim.exitedMs >= DEFAULTS.recoveryTimeoutMs);
      const givenUp = victim.exitedMs === null && now - victim.sentMs >= DEFAULTS.killTimeoutMs;
      if (!recovered && !givenUp) return;
      victim = null;
    }
    if (evaluation.level === "ok") return;
    const candidates: GuardCandidate[] = [];
    for (const leader of k.processList.values()) candidates.push(candidateOf(ctx, leader));
    const policyCtx: PolicyContext = {
      bits: k.bits,
      hz: k.hz,
      uptimeSeconds: BigInt(Math.floor(k.ticks / k.hz)),
      totalPages: BigInt(ctx.port.presentPages() + ctx.port.swapTotalPages()),
      current: -1,
    };
    const decision = decide({
      candidates,
      policy,
      ctx: policyCtx,
      rules: [],
      protectedPids: new Set(),
    });
    if (decision.candidates === 0) return;
    const chosen = decision.table[0]!;
    const task = k.tasks.get(chosen.candidate.view.pid)!;
    ctx.emit({
      type: "guard.kill",
      pid: task.pid,
      comm: task.comm,
      level: evaluation.level,
      policy: policy.name,
      points: String(chosen.points),
      triggers: evaluation.triggers
        .filter((s) => s.level !== "n/a")
        .map((s) => s.value)
        .join(", "),
    });
    forceSigKill(k, task, "guard");
    victim = { pid: task.pid, sentMs: now, exitedMs: null };
  };
}
