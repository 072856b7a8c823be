/**
 * Applies the defaults of docs/formats.md §2 to a document that has the right shape,
 * giving the `Snapshot` form: ulongs as bigint, gfp_mask as a number, node lists in
 * ascending order, name lists in the order of their table (§2.7), every optional key
 * filled in (but an mm's `rss` and `swap`, which stay absent when not given) and every
 * children list explicit.
 */
import { gfpMaskValue } from "./leaves.js";
import {
  CAP_TABLE,
  type NameTable,
  namesMask,
  namesOfMask,
  PF_TABLE,
  TIF_TABLE,
} from "./name-tables.js";
import type { RawDocument, RawMm, RawTask, RawUlong } from "./schema.js";
import { defaultChildrenOf, type TaskIndex } from "./task-index.js";
import type {
  Snapshot,
  SnapshotCpuset,
  SnapshotEnv,
  SnapshotKernel,
  SnapshotMm,
  SnapshotTask,
} from "./types.js";

/** The parts of a snapshot other than its two big tables, normalised. */
export type SnapshotHead = Omit<Snapshot, "mms" | "tasks">;

const ZERO = 0n;

/**
 * A large snapshot repeats a few lists over and over (no caps, the caps of root, the mems
 * of a cpuset). Tasks share one frozen array per distinct list instead of holding
 * millions of copies: consumers only read them, and a mistaken write throws.
 */
const NO_NAMES = Object.freeze([]) as unknown as string[];
const NO_PIDS = Object.freeze([]) as unknown as number[];

/** The shared lists of one name table, with the last one handed out. */
interface TableLists {
  readonly table: NameTable;
  readonly byMask: Map<number, string[]>;
  lastMask: number;
  lastList: string[];
}

function tableLists(table: NameTable): TableLists {
  return { table, byMask: new Map(), lastMask: -1, lastList: NO_NAMES };
}

class SharedLists {
  readonly caps = tableLists(CAP_TABLE);
  readonly flags = tableLists(PF_TABLE);
  readonly tif = tableLists(TIF_TABLE);
  private readonly byNodes = new Map<string, number[]>();

  /** A name list of one table, in table order (§2.7; the order written is irrelevant). */
  namesIn(lists: TableLists, list: readonly string[] | undefined): string[] {
    if (list === undefined || list.length === 0) return NO_NAMES;
    const mask = namesMask(lists.table, list);
    // Tasks after tasks repeat one list (the capabilities of root).
    if (mask === lists.lastMask) return lists.lastList;
    let shared = lists.byMask.get(mask);
    if (shared === undefined) {
      shared = Object.freeze(namesOfMask(lists.table, mask)) as string[];
      lists.byMask.set(mask, shared);
    }
    lists.lastMask = mask;
    lists.lastList = shared;
    return shared;
  }

  /** A node list in ascending order. */
  nodes(list: readonly number[]): number[] {
    if (list.length === 0) return NO_PIDS;
    const sorted = sortedNodes(list);
    const key = sorted.join();
    let shared = this.byNodes.get(key);
    if (shared === undefined) {
      shared = Object.freeze(sorted) as number[];
      this.byNodes.set(key, shared);
    }
    return shared;
  }
}

function toBigint(value: RawUlong | undefined): bigint {
  return value === undefined ? ZERO : BigInt(value);
}

function sortedNodes(nodes: readonly number[]): number[] {
  return nodes.length < 2 ? nodes.slice() : nodes.slice().sort((a, b) => a - b);
}

function normalizeKernel(raw: RawDocument["kernel"]): SnapshotKernel {
  return {
    bits: raw.bits,
    hz: raw.hz,
    uptime: BigInt(raw.uptime),
    panic_on_oom: raw.panic_on_oom ?? 0,
    CONFIG_NUMA: raw.CONFIG_NUMA ?? true,
    CONFIG_CPUSETS: raw.CONFIG_CPUSETS ?? true,
    nodes: raw.nodes.map((node) => ({ id: node.id, memory: node.memory ?? true })),
  };
}

function normalizeCpusets(raw: RawDocument, kernel: SnapshotKernel): SnapshotCpuset[] {
  if (raw.cpusets === undefined) {
    const online = [...new Set(kernel.nodes.map((node) => node.id))];
    return [{ path: "/", mems: sortedNodes(online), mem_exclusive: true }];
  }
  return raw.cpusets.map((cpuset) => ({
    path: cpuset.path,
    mems: sortedNodes(cpuset.mems),
    mem_exclusive: cpuset.mem_exclusive ?? cpuset.path === "/",
  }));
}

function normalizeEnv(raw: RawDocument["env"]): SnapshotEnv {
  return {
    notifier_freed: toBigint(raw?.notifier_freed),
    printk_ratelimit: raw?.printk_ratelimit ?? true,
    printk_suppressed: raw?.printk_suppressed ?? 0,
    uninit_nodemask: sortedNodes(raw?.uninit_nodemask ?? []),
  };
}

function normalizeTask(
  raw: RawTask,
  cpusetMems: ReadonlyMap<string, number[]>,
  shared: SharedLists,
): SnapshotTask {
  const cpuset = raw.cpuset ?? "/";
  return {
    pid: raw.pid,
    tgid: raw.tgid ?? raw.pid,
    parent: raw.parent,
    children: raw.children === undefined ? NO_PIDS : raw.children.slice(),
    comm: raw.comm,
    mm: raw.mm,
    utime: toBigint(raw.utime),
    stime: toBigint(raw.stime),
    start_time: toBigint(raw.start_time),
    nice: raw.nice ?? 0,
    uid: raw.uid,
    euid: raw.euid,
    caps: shared.namesIn(shared.caps, raw.caps),
    oomkilladj: raw.oomkilladj ?? 0,
    flags: shared.namesIn(shared.flags, raw.flags),
    tif: shared.namesIn(shared.tif, raw.tif),
    cpuset,
    mems_allowed:
      raw.mems_allowed === undefined
        ? (cpusetMems.get(cpuset) ?? NO_PIDS)
        : shared.nodes(raw.mems_allowed),
  };
}

/**
 * Normalises a document that passed `documentRules`. Tasks without a `children` key get
 * their default list; tasks with one keep it as written (the checks compare the two).
 */
function normalizeMm(raw: RawMm): SnapshotMm {
  const mm: SnapshotMm = { id: raw.id, total_vm: BigInt(raw.total_vm) };
  if (raw.rss !== undefined) mm.rss = BigInt(raw.rss);
  if (raw.swap !== undefined) mm.swap = BigInt(raw.swap);
  return mm;
}

/** Everything of a document but its mms and tasks, with the defaults of §2 applied. */
export function normalizeHead(
  raw: RawDocument,
  gfpNames: Readonly<Record<string, number>>,
): SnapshotHead {
  const kernel = normalizeKernel(raw.kernel);
  return {
    format: raw.format,
    kernel,
    cpusets: normalizeCpusets(raw, kernel),
    current: raw.current,
    request: {
      gfp_mask: gfpMaskValue(raw.request.gfp_mask, gfpNames),
      order: raw.request.order ?? 0,
      zonelist: raw.request.zonelist.map((entry) => ({ node: entry.node, zone: entry.zone })),
    },
    env: normalizeEnv(raw.env),
  };
}

/** The whole document normalised, from its head and task index. */
export function normalizeDocument(
  raw: RawDocument,
  head: SnapshotHead,
  index: TaskIndex,
): Snapshot {
  const shared = new SharedLists();
  const cpusetMems = new Map<string, number[]>();
  for (const cpuset of head.cpusets) {
    if (!cpusetMems.has(cpuset.path)) cpusetMems.set(cpuset.path, shared.nodes(cpuset.mems));
  }
  const rawTasks = raw.tasks;
  const tasks: SnapshotTask[] = [];
  for (let i = 0; i < rawTasks.length; i++) {
    const task = normalizeTask(rawTasks[i]!, cpusetMems, shared);
    if (
      rawTasks[i]!.children === undefined &&
      index.defaultStart[i + 1]! > index.defaultStart[i]!
    ) {
      task.children = defaultChildrenOf(index, rawTasks, i);
    }
    tasks.push(task);
  }
  return {
    format: head.format,
    kernel: head.kernel,
    cpusets: head.cpusets,
    mms: (raw.mms ?? []).map(normalizeMm),
    tasks,
    current: head.current,
    request: head.request,
    env: head.env,
  };
}
