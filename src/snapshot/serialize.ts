/**
 * A `Snapshot` back to an `oomkit.snapshot/1` document that loads to an equal snapshot.
 * Keys whose value is the default of docs/formats.md §2 are left out, ulongs are JSON
 * numbers up to 2^53−1 and decimal strings above, gfp_mask is a lower-case "0x" string,
 * and a children list is written only when it differs from the default order.
 */
import type {
  Snapshot,
  SnapshotCpuset,
  SnapshotEnv,
  SnapshotKernel,
  SnapshotMm,
  SnapshotTask,
} from "./types.js";

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** A ulong as JSON: a number when exact, otherwise a string of decimal digits. */
export function ulongToJson(value: bigint): number | string {
  return value <= MAX_EXACT ? Number(value) : value.toString();
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

function sameNodeSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

function kernelToJson(kernel: SnapshotKernel): Record<string, unknown> {
  const out: Record<string, unknown> = {
    bits: kernel.bits,
    hz: kernel.hz,
    uptime: ulongToJson(kernel.uptime),
  };
  if (kernel.panic_on_oom !== 0) out.panic_on_oom = kernel.panic_on_oom;
  if (!kernel.CONFIG_NUMA) out.CONFIG_NUMA = false;
  if (!kernel.CONFIG_CPUSETS) out.CONFIG_CPUSETS = false;
  out.nodes = kernel.nodes.map((node) =>
    node.memory ? { id: node.id } : { id: node.id, memory: false },
  );
  return out;
}

function cpusetToJson(cpuset: SnapshotCpuset): Record<string, unknown> {
  const out: Record<string, unknown> = { path: cpuset.path, mems: cpuset.mems.slice() };
  if (cpuset.mem_exclusive !== (cpuset.path === "/")) out.mem_exclusive = cpuset.mem_exclusive;
  return out;
}

/** The children list of every task as the loader would default it (§2.4). */
function defaultChildrenByPid(tasks: readonly SnapshotTask[]): Map<number, number[]> {
  const byPid = new Map<number, number[]>();
  for (const task of tasks) {
    if (task.parent === 0) continue;
    const list = byPid.get(task.parent);
    if (list === undefined) byPid.set(task.parent, [task.pid]);
    else list.push(task.pid);
  }
  return byPid;
}

function taskToJson(
  task: SnapshotTask,
  defaultChildren: readonly number[],
  cpusetMems: readonly number[] | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { pid: task.pid };
  if (task.tgid !== task.pid) out.tgid = task.tgid;
  out.parent = task.parent;
  if (!sameList(task.children, defaultChildren)) out.children = task.children.slice();
  out.comm = task.comm;
  out.mm = task.mm;
  if (task.utime !== 0n) out.utime = ulongToJson(task.utime);
  if (task.stime !== 0n) out.stime = ulongToJson(task.stime);
  if (task.start_time !== 0n) out.start_time = ulongToJson(task.start_time);
  if (task.nice !== 0) out.nice = task.nice;
  out.uid = task.uid;
  out.euid = task.euid;
  if (task.caps.length > 0) out.caps = task.caps.slice();
  if (task.oomkilladj !== 0) out.oomkilladj = task.oomkilladj;
  if (task.flags.length > 0) out.flags = task.flags.slice();
  if (task.tif.length > 0) out.tif = task.tif.slice();
  if (task.cpuset !== "/") out.cpuset = task.cpuset;
  if (cpusetMems === undefined || !sameNodeSet(task.mems_allowed, cpusetMems)) {
    out.mems_allowed = task.mems_allowed.slice();
  }
  return out;
}

function mmToJson(mm: SnapshotMm): Record<string, unknown> {
  const out: Record<string, unknown> = { id: mm.id, total_vm: ulongToJson(mm.total_vm) };
  if (mm.rss !== undefined) out.rss = ulongToJson(mm.rss);
  if (mm.swap !== undefined) out.swap = ulongToJson(mm.swap);
  return out;
}

function envToJson(env: SnapshotEnv): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (env.notifier_freed !== 0n) out.notifier_freed = ulongToJson(env.notifier_freed);
  if (!env.printk_ratelimit) out.printk_ratelimit = false;
  if (env.printk_suppressed !== 0) out.printk_suppressed = env.printk_suppressed;
  if (env.uninit_nodemask.length > 0) out.uninit_nodemask = env.uninit_nodemask.slice();
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The document for `snapshot`, ready for JSON.stringify. */
export function snapshotToJson(snapshot: Snapshot): Record<string, unknown> {
  const cpusetMems = new Map<string, number[]>();
  for (const cpuset of snapshot.cpusets) {
    if (!cpusetMems.has(cpuset.path)) cpusetMems.set(cpuset.path, cpuset.mems);
  }
  const children = defaultChildrenByPid(snapshot.tasks);
  const none: number[] = [];
  const doc: Record<string, unknown> = {
    format: snapshot.format,
    kernel: kernelToJson(snapshot.kernel),
    cpusets: snapshot.cpusets.map(cpusetToJson),
    mms: snapshot.mms.map(mmToJson),
    tasks: snapshot.tasks.map((task) =>
      taskToJson(task, children.get(task.pid) ?? none, cpusetMems.get(task.cpuset)),
    ),
    current: snapshot.current,
    request: {
      gfp_mask: `0x${(snapshot.request.gfp_mask >>> 0).toString(16)}`,
      order: snapshot.request.order,
      zonelist: snapshot.request.zonelist.map((entry) => ({ node: entry.node, zone: entry.zone })),
    },
  };
  const env = envToJson(snapshot.env);
  if (env !== undefined) doc.env = env;
  return doc;
}
