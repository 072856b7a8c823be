/**
 * Builds normalised snapshots for tests, with the defaults of docs/formats.md §2 and
 * children lists derived from `parent` in task-list order unless given.
 */

import type {
  Bits,
  Snapshot,
  SnapshotCpuset,
  SnapshotTask,
  ZonelistEntry,
} from "../../src/snapshot/types.js";

export interface TaskSpec {
  pid: number;
  tgid?: number;
  parent?: number;
  children?: number[];
  comm?: string;
  /** mm id; a number creates/uses an mm named after the task with that total_vm. */
  mm?: string | null;
  vm?: bigint | number;
  utime?: bigint | number;
  stime?: bigint | number;
  start?: bigint | number;
  nice?: number;
  uid?: number;
  euid?: number;
  caps?: string[];
  adj?: number;
  flags?: string[];
  tif?: string[];
  cpuset?: string;
  mems_allowed?: number[];
}

export interface SnapshotSpec {
  bits?: Bits;
  hz?: number;
  uptime?: bigint | number;
  panic_on_oom?: number;
  numa?: boolean;
  cpusetsEnabled?: boolean;
  nodes?: { id: number; memory?: boolean }[];
  cpusets?: SnapshotCpuset[];
  mms?: Record<string, bigint | number>;
  tasks: TaskSpec[];
  current: number;
  gfp?: number;
  order?: number;
  zonelist?: ZonelistEntry[];
  notifier_freed?: bigint | number;
  printk_ratelimit?: boolean;
  printk_suppressed?: number;
  uninit_nodemask?: number[];
}

export const ROOT_CAPS = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
];

export function buildSnapshot(spec: SnapshotSpec): Snapshot {
  const nodes = (spec.nodes ?? [{ id: 0 }]).map((n) => ({ id: n.id, memory: n.memory ?? true }));
  const cpusets = spec.cpusets ?? [
    { path: "/", mems: nodes.map((n) => n.id), mem_exclusive: true },
  ];
  const mms = new Map<string, bigint>();
  for (const [id, vm] of Object.entries(spec.mms ?? {})) mms.set(id, BigInt(vm));
  const tasks: SnapshotTask[] = spec.tasks.map((ts) => {
    let mm: string | null;
    if (ts.mm !== undefined) mm = ts.mm;
    else if (ts.vm !== undefined) mm = `mm${ts.pid}`;
    else mm = null;
    if (mm !== null && ts.vm !== undefined) mms.set(mm, BigInt(ts.vm));
    const cpuset = ts.cpuset ?? "/";
    return {
      pid: ts.pid,
      tgid: ts.tgid ?? ts.pid,
      parent: ts.parent ?? 0,
      children: [],
      comm: ts.comm ?? `task${ts.pid}`,
      mm,
      utime: BigInt(ts.utime ?? 0),
      stime: BigInt(ts.stime ?? 0),
      start_time: BigInt(ts.start ?? 0),
      nice: ts.nice ?? 0,
      uid: ts.uid ?? 1000,
      euid: ts.euid ?? ts.uid ?? 1000,
      caps: ts.caps ?? [],
      oomkilladj: ts.adj ?? 0,
      flags: ts.flags ?? [],
      tif: ts.tif ?? [],
      cpuset,
      mems_allowed: ts.mems_allowed ?? cpusets.find((c) => c.path === cpuset)!.mems,
    };
  });
  spec.tasks.forEach((ts, i) => {
    tasks[i]!.children = ts.children ?? tasks.filter((c) => c.parent === ts.pid).map((c) => c.pid);
  });
  return {
    format: "oomkit.snapshot/1",
    kernel: {
      bits: spec.bits ?? 64,
      hz: spec.hz ?? 250,
      uptime: BigInt(spec.uptime ?? 0),
      panic_on_oom: spec.panic_on_oom ?? 0,
      CONFIG_NUMA: spec.numa ?? true,
      CONFIG_CPUSETS: spec.cpusetsEnabled ?? true,
      nodes,
    },
    cpusets,
    mms: [...mms].map(([id, total_vm]) => ({ id, total_vm })),
    tasks,
    current: spec.current,
    request: {
      gfp_mask: spec.gfp ?? 0x200d2,
      order: spec.order ?? 0,
      zonelist: spec.zonelist ?? [
        { node: 0, zone: "Normal" },
        { node: 0, zone: "DMA32" },
        { node: 0, zone: "DMA" },
      ],
    },
    env: {
      notifier_freed: BigInt(spec.notifier_freed ?? 0),
      printk_ratelimit: spec.printk_ratelimit ?? true,
      printk_suppressed: spec.printk_suppressed ?? 0,
      uninit_nodemask: spec.uninit_nodemask ?? [],
    },
  };
}
