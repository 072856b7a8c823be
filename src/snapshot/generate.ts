/**
 * Realistic random snapshots for demos, tests and benchmarks: a process tree in fork
 * order where most processes have one thread and a few have many, kernel threads, a few
 * CLONE_VM sharers, varied ages, CPU times, users, nice values and adjustments.
 */

import { CAPABILITIES, pidMaxLimit } from "../kernel/constants.js";
import { Prng } from "../kernel/prng.js";
import type { Bits, Snapshot, SnapshotMm, SnapshotTask } from "./types.js";

export interface GenerateOptions {
  tasks: number;
  seed: number;
  bits?: Bits;
  hz?: number;
}

const ROOT_CAPS = Object.keys(CAPABILITIES).filter((name) => name !== "CAP_SETPCAP");

const KERNEL_THREADS = [
  "ksoftirqd/0",
  "events/0",
  "khelper",
  "kthread",
  "kblockd/0",
  "pdflush",
  "kswapd0",
  "aio/0",
  "kjournald",
  "kseriod",
];
const DAEMONS = [
  "sshd",
  "cron",
  "rsyslogd",
  "dbus-daemon",
  "ntpd",
  "cupsd",
  "httpd",
  "mysqld",
  "postgres",
  "nginx",
];
const USER_PROGRAMS = [
  "bash",
  "java",
  "python",
  "perl",
  "make",
  "cc1",
  "firefox-bin",
  "vim",
  "ruby",
  "gzip",
  "tar",
  "ld",
  "Xorg",
  "gnome-panel",
];

// Shared, never mutated: most tasks have no flags, no TIF bits, no children.
const NONE: string[] = [];
const NO_CHILDREN: number[] = [];
const NODE0 = [0];
const USED_MATH = ["PF_USED_MATH"];

interface Proc {
  leader: SnapshotTask;
  threads: number;
}

/** The number of threads of a new process: one in most, dozens in a few. */
function threadCount(rng: Prng, room: number): number {
  if (!rng.chance(0.08)) return 1;
  return Math.min(room, 2 + Math.floor(rng.next() ** 3 * 60));
}

/** total_vm in pages: mostly a few MiB, with a long tail to several GiB. */
function totalVmPages(rng: Prng): bigint {
  const exponent = 8 + rng.next() * 12 * rng.next();
  return BigInt(Math.floor(2 ** exponent));
}

export function generateSnapshot(options: GenerateOptions): Snapshot {
  const bits = options.bits ?? 64;
  const hz = options.hz ?? 250;
  const total = options.tasks;
  if (!Number.isInteger(total) || total < 1 || total >= pidMaxLimit(bits)) {
    throw new RangeError(
      `tasks must be an integer from 1 to ${pidMaxLimit(bits) - 1} for ${bits}-bit`,
    );
  }
  const rng = new Prng(options.seed);
  const uptime = rng.int(3600, 60 * 86400);
  const tasks: SnapshotTask[] = [];
  const mms: SnapshotMm[] = [];
  const procs: Proc[] = [];
  let nextPid = 1;

  const base = (
    pid: number,
    parent: number,
    comm: string,
    mm: string | null,
    start: number,
  ): SnapshotTask => {
    const age = Math.max(0, uptime - start);
    const uid =
      mm === null ? 0 : rng.chance(0.3) ? 0 : rng.pick([33, 1000, 1000, 1001, 1002, 65534]);
    return {
      pid,
      tgid: pid,
      parent,
      children: NO_CHILDREN,
      comm,
      mm,
      utime: BigInt(Math.floor(age * hz * rng.next() ** 4 * 0.2)),
      stime: BigInt(Math.floor(age * hz * rng.next() ** 4 * 0.05)),
      start_time: BigInt(start),
      nice: rng.chance(0.85) ? 0 : rng.pick([-5, 5, 10, 19]),
      uid,
      euid: uid,
      caps: uid === 0 ? ROOT_CAPS : NONE,
      oomkilladj: 0,
      flags: mm !== null && rng.chance(0.5) ? USED_MATH : NONE,
      tif: NONE,
      cpuset: "/",
      mems_allowed: NODE0,
    };
  };

  const addProcess = (parent: Proc | null, comm: string, start: number, threaded = true): Proc => {
    const pid = nextPid++;
    let mm: string;
    if (parent !== null && parent.leader.mm !== null && rng.chance(0.01)) {
      mm = parent.leader.mm; // a CLONE_VM sharer in its own thread group
    } else {
      mm = `mm${pid}`;
      mms.push({ id: mm, total_vm: totalVmPages(rng) });
    }
    const leader = base(pid, parent === null ? 0 : parent.leader.pid, comm, mm, start);
    if (rng.chance(0.03)) leader.oomkilladj = rng.chance(0.5) ? -17 : rng.int(-16, 15);
    tasks.push(leader);
    const proc: Proc = {
      leader,
      threads: threaded ? threadCount(rng, total - tasks.length) - 1 : 0,
    };
    for (let k = 0; k < proc.threads && tasks.length < total; k++) {
      const thread = base(nextPid++, leader.parent, comm, mm, rng.int(start, uptime));
      thread.tgid = pid;
      thread.uid = leader.uid;
      thread.euid = leader.euid;
      thread.caps = leader.caps;
      thread.oomkilladj = leader.oomkilladj;
      tasks.push(thread);
    }
    procs.push(proc);
    return proc;
  };

  // init is single-threaded, so pid 2 is the first kernel thread.
  const init = addProcess(null, "init", 0, false);
  init.leader.uid = 0;
  init.leader.euid = 0;
  init.leader.caps = ROOT_CAPS;
  const kthreads = Math.min(
    total - tasks.length,
    Math.max(0, Math.min(200, Math.round(total * 0.02))),
  );
  for (let k = 0; k < kthreads; k++) {
    tasks.push(
      base(nextPid++, k === 0 ? 0 : 2, KERNEL_THREADS[k % KERNEL_THREADS.length]!, null, 0),
    );
  }
  while (tasks.length < total) {
    const early = procs.length < 20;
    const parent = early || rng.chance(0.3) ? init : rng.pick(procs);
    const comm = parent === init ? rng.pick(DAEMONS) : rng.pick(USER_PROGRAMS);
    const start = rng.int(Math.min(uptime, Number(parent.leader.start_time)), uptime);
    addProcess(parent, comm, early ? rng.int(0, 60) : start);
  }

  const byPid = new Map(tasks.map((t) => [t.pid, t]));
  for (const task of tasks) {
    if (task.parent === 0) continue;
    const parent = byPid.get(task.parent)!;
    if (parent.children === NO_CHILDREN) parent.children = [];
    parent.children.push(task.pid);
  }
  const candidates = tasks.filter((t) => t.mm !== null && t.pid !== 1);
  const current = candidates.length > 0 ? rng.pick(candidates).pid : 1;
  return {
    format: "oomkit.snapshot/1",
    kernel: {
      bits,
      hz,
      uptime: BigInt(uptime),
      panic_on_oom: 0,
      CONFIG_NUMA: true,
      CONFIG_CPUSETS: true,
      nodes: [{ id: 0, memory: true }],
    },
    cpusets: [{ path: "/", mems: [0], mem_exclusive: true }],
    mms,
    tasks,
    current,
    request: {
      gfp_mask: 0x280d2,
      order: 0,
      zonelist: [
        { node: 0, zone: bits === 64 ? "Normal" : "HighMem" },
        { node: 0, zone: bits === 64 ? "DMA32" : "Normal" },
        { node: 0, zone: "DMA" },
      ],
    },
    env: { notifier_freed: 0n, printk_ratelimit: true, printk_suppressed: 0, uninit_nodemask: [] },
  };
}
