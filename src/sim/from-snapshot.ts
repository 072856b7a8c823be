/**
 * Initial processes from an `oomkit.snapshot/1` document: every task with its pid,
 * thread group, parent, exact children-list order, mm (shared by id), credentials,
 * CPU times, start time, oom_adj, flags and cpuset. Resident pages are not part of a
 * snapshot; each mm gets `rssPercent` of its total_vm, placed as at boot.
 */

import { makeLeader } from "../kernel/boot.js";
import { taskTimeslice } from "../kernel/clock.js";
import { capabilityMask, pfMask } from "../kernel/constants.js";
import type { KernelState } from "../kernel/kernel-state.js";
import type { Mm, Task, ThreadGroup } from "../kernel/task.js";
import type { Snapshot, SnapshotTask } from "../snapshot/types.js";
import type { AllocatorPort } from "./alloc-adapter.js";

export interface FromSnapshotResult {
  labels: Map<string, Task>;
}

/**
 * Builds the snapshot's tasks into the kernel. `init` (pid 1, already booted) takes
 * the attributes of the snapshot's pid 1 if it has one. Throws RangeError with a
 * message for what cannot be represented.
 */
export function loadSnapshotTasks(
  k: KernelState,
  port: AllocatorPort,
  snap: Snapshot,
  rssPercent: number,
): FromSnapshotResult {
  if (snap.kernel.bits !== k.bits)
    throw new RangeError(`the snapshot is ${snap.kernel.bits}-bit, the machine ${k.bits}-bit`);
  if (snap.kernel.hz !== k.hz)
    throw new RangeError(`the snapshot has HZ ${snap.kernel.hz}, the machine ${k.hz}`);
  for (const c of [...snap.cpusets].sort((a, b) => a.path.length - b.path.length)) {
    if (c.path === "/") continue;
    for (const n of c.mems)
      if (!k.rootCpuset.mems.includes(n))
        throw new RangeError(`cpuset ${c.path} names node ${n}, which the machine lacks`);
    k.addCpuset(c.path, c.mems, c.mem_exclusive);
  }
  const mms = new Map<string, Mm>();
  for (const m of snap.mms) {
    const mm = k.newMm(Number(m.total_vm), port.zoneCount);
    mm.users = 0;
    mms.set(m.id, mm);
  }
  const byPid = new Map<number, Task>();
  const init = k.init();
  const groups = new Map<number, ThreadGroup>();
  const labels = new Map<string, Task>();
  const make = (s: SnapshotTask): Task => {
    const fields = {
      pid: s.pid,
      comm: s.comm,
      uid: s.uid,
      euid: s.euid,
      caps: capabilityMask(s.caps),
      nice: s.nice,
      oomkilladj: s.oomkilladj,
      startTicks: 0,
      cpuset: k.rootCpuset,
    };
    const t = s.pid === 1 ? init : makeLeader(k, fields, null, s.mm === null);
    if (s.pid !== s.tgid) {
      // A thread: it joins its leader's group below, and is released at its own exit.
      t.tgid = s.tgid;
      t.exitSignal = -1;
    }
    t.comm = s.comm;
    t.flags = pfMask(s.flags);
    t.memdie = s.tif.includes("TIF_MEMDIE");
    t.utimeJiffies = Number(s.utime);
    t.stimeJiffies = Number(s.stime);
    t.startTicks = Math.min(Number(s.start_time) * k.hz, k.ticks);
    t.staticPrio = t.prio = 120 + s.nice;
    t.timeSlice = taskTimeslice(t.staticPrio, k.hz);
    t.uid = s.uid;
    t.euid = s.euid;
    t.caps = capabilityMask(s.caps);
    t.oomkilladj = s.oomkilladj;
    const cs = k.cpusets.get(s.cpuset);
    if (cs !== undefined) t.cpuset = cs;
    t.memsAllowed = s.mems_allowed;
    return t;
  };
  for (const s of snap.tasks) {
    if (s.pid !== 1 && k.tasks.has(s.pid)) throw new RangeError(`pid ${s.pid} is already in use`);
    const t = make(s);
    if (s.pid === s.tgid) {
      if (t !== init) {
        k.claimPid(t.pid);
        k.tasks.set(t.pid, t);
        k.processList.set(t.tgid, t);
      }
      groups.set(t.tgid, t.group);
      if (!labels.has(t.comm)) labels.set(t.comm, t);
    } else {
      const g = groups.get(s.tgid)!;
      t.group = g;
      g.threads.add(t);
      g.live += 1;
      k.claimPid(t.pid);
      k.tasks.set(t.pid, t);
    }
    if (s.mm !== null) {
      const mm = mms.get(s.mm)!;
      mm.users += 1;
      t.mm = mm;
    } else if (t === init) {
      t.mm = null;
    }
    byPid.set(s.pid, t);
  }
  for (const s of snap.tasks) {
    const t = byPid.get(s.pid)!;
    const parent = s.parent === 0 ? null : byPid.get(s.parent)!;
    t.parent = t.realParent = parent;
    t.children = s.children.length === 0 ? null : new Set(s.children.map((p) => byPid.get(p)!));
  }
  if (rssPercent > 0) {
    for (const s of snap.tasks) {
      const t = byPid.get(s.pid)!;
      const mm = t.mm;
      if (mm === null || mm.rssPages > 0) continue;
      const rss = Math.floor((mm.totalVmPages * rssPercent) / 100);
      const byZone = port.bootCharge(t, rss, "anon");
      if (byZone === null)
        throw new RangeError(`resident pages of ${s.pid} (${s.comm}) do not fit in memory`);
      for (let z = 0; z < byZone.length; z++) mm.pagesByZone[z]! += byZone[z]!;
      mm.rssPages = rss;
    }
  }
  return { labels };
}
