/**
 * The task rules of docs/formats.md §3 item 8 that relate tasks to each other and to the
 * rest of the document: unique pids, mm and cpuset references, online mems_allowed,
 * parents, thread groups (leaders, placement, one mm) and children lists. Tasks are
 * checked in list order and the first task with a violation ends the scan, so the cost
 * of a valid list is one pass with a few array lookups per task.
 */
import type { Violation } from "./describe.js";
import { quote } from "./describe.js";
import type { SnapshotHead } from "./normalize.js";
import { onlineNodes } from "./online.js";
import { earliest } from "./order.js";
import type { RawDocument, RawMm, RawTask } from "./schema.js";
import { defaultChildrenOf, type TaskIndex, taskIndexOf } from "./task-index.js";

interface TaskContext {
  /** The tasks as written: the checks apply the defaults of tgid and cpuset themselves. */
  tasks: readonly RawTask[];
  index: TaskIndex;
  pidIndex: Int32Array;
  /** Every mm id (checkMms has already reported repeats). */
  mmIds: ReadonlyMap<string, number>;
  /** Filled as the tasks are checked: the index in mms of each task's mm, -1 for none. */
  taskMm: Int32Array;
  mms: readonly RawMm[];
  /** The index of the mm last found, -1 before the first. */
  lastMm: number;
  cpusetPaths: ReadonlySet<string>;
  online: readonly boolean[];
  /** `groupMm[tgid]` is 1 + the index of the first task of the group with an mm. */
  groupMm: Int32Array;
}

/** Index of the first task with `pid`, or -1. */
function indexOfPid(ctx: TaskContext, pid: number): number {
  return taskIndexOf(ctx.pidIndex, pid);
}

/** The tgid of a task as written, its default (§2.4: its own pid) applied. */
function tgidOf(task: RawTask): number {
  return task.tgid ?? task.pid;
}

function checkTgid(ctx: TaskContext, task: RawTask, i: number): string | undefined {
  const tgid = tgidOf(task);
  if (tgid === task.pid) return undefined;
  const leaderIndex = indexOfPid(ctx, tgid);
  if (leaderIndex < 0) {
    return `must be the pid of a thread group leader, but no task has pid ${tgid}`;
  }
  const leader = ctx.tasks[leaderIndex]!;
  if (tgidOf(leader) !== leader.pid) {
    return `must be the pid of a thread group leader, but tasks[${leaderIndex}] (pid ${leader.pid}) has tgid ${tgidOf(leader)}`;
  }
  const previous = i === 0 ? undefined : ctx.tasks[i - 1]!;
  if (previous === undefined || tgidOf(previous) !== tgid) {
    const found =
      previous === undefined
        ? "it is the first task"
        : `tasks[${i - 1}] has tgid ${tgidOf(previous)}`;
    return `a thread must directly follow its leader or another thread of group ${tgid}, but ${found}`;
  }
  return undefined;
}

function checkParent(ctx: TaskContext, task: RawTask): string | undefined {
  if (task.parent === 0) return undefined;
  if (task.parent === task.pid) return `must not be the task's own pid ${task.pid}`;
  const parentIndex = indexOfPid(ctx, task.parent);
  if (parentIndex < 0) return `pid ${task.parent} is not in tasks (0 stands for the idle task)`;
  const tgid = tgidOf(task);
  if (tgidOf(ctx.tasks[parentIndex]!) === tgid) {
    return `must not be in the task's own thread group (tgid ${tgid}), got ${task.parent}`;
  }
  return undefined;
}

/**
 * The index in mms of the mm named `id`, or -1. Documents list the mms in the order their
 * tasks first name them, and threads name the mm of the task before: the mm of the task
 * before and the mm after it are tried before the map. (With repeated ids, which checkMms
 * reports, the index may be another holder of the id; nothing is compiled then.)
 */
function mmIndexOf(ctx: TaskContext, id: string): number {
  const { mms, lastMm } = ctx;
  const next = lastMm + 1;
  if (next < mms.length && mms[next]!.id === id) return next;
  if (lastMm >= 0 && mms[lastMm]!.id === id) return lastMm;
  return ctx.mmIds.get(id) ?? -1;
}

function checkMm(ctx: TaskContext, task: RawTask, i: number): string | undefined {
  if (task.mm === null) {
    ctx.taskMm[i] = -1;
    return undefined;
  }
  const mm = mmIndexOf(ctx, task.mm);
  if (mm < 0) return `mm ${quote(task.mm)} is not in mms`;
  ctx.taskMm[i] = mm;
  ctx.lastMm = mm;
  const tgid = tgidOf(task);
  // A tgid above every pid has no leader; checkTgid reports it.
  if (tgid >= ctx.groupMm.length) return undefined;
  const first = ctx.groupMm[tgid]! - 1;
  if (first < 0) {
    ctx.groupMm[tgid] = i + 1;
    return undefined;
  }
  const other = ctx.tasks[first]!.mm!;
  if (other === task.mm) return undefined;
  return `must be the mm of the whole thread group (tgid ${tgid}), but tasks[${first}] has mm ${quote(other)} and this task ${quote(task.mm)}`;
}

/** The first wrong entry of an explicit children list, as [index or -1, message]. */
function checkChildren(
  ctx: TaskContext,
  task: RawTask,
  i: number,
  written: readonly number[],
): [number, string] | undefined {
  for (let k = 0; k < written.length; k++) {
    const child = written[k]!;
    const childIndex = indexOfPid(ctx, child);
    if (childIndex < 0) return [k, `pid ${child} is not in tasks`];
    const parent = ctx.tasks[childIndex]!.parent;
    if (parent !== task.pid) {
      return [
        k,
        `must list only tasks whose parent is ${task.pid}, but pid ${child} has parent ${parent}`,
      ];
    }
  }
  const { defaultStart } = ctx.index;
  if (written.length === defaultStart[i + 1]! - defaultStart[i]!) return undefined;
  const expected = defaultChildrenOf(ctx.index, ctx.tasks, i);
  const missing = expected.find((pid) => !written.includes(pid));
  return [
    -1,
    `must list every task whose parent is ${task.pid}, but pid ${missing} (tasks[${indexOfPid(ctx, missing ?? 0)}]) is missing`,
  ];
}

function note(
  found: Violation[] | undefined,
  i: number,
  key: string,
  message: string | undefined,
  index?: number,
): Violation[] | undefined {
  if (message === undefined) return found;
  const path = index === undefined ? ["tasks", i, key] : ["tasks", i, key, index];
  found ??= [];
  found.push({ path, message });
  return found;
}

/** All violations of task `i`, or undefined when it has none. */
function checkTask(ctx: TaskContext, i: number): Violation[] | undefined {
  const task = ctx.tasks[i]!;
  const first = indexOfPid(ctx, task.pid);
  let found: Violation[] | undefined;
  if (first !== i) {
    found = note(found, i, "pid", `must be unique, but tasks[${first}] also has pid ${task.pid}`);
  }
  found = note(found, i, "tgid", checkTgid(ctx, task, i));
  found = note(found, i, "parent", checkParent(ctx, task));
  found = note(found, i, "mm", checkMm(ctx, task, i));
  const cpuset = task.cpuset ?? "/";
  if (!ctx.cpusetPaths.has(cpuset)) {
    found = note(found, i, "cpuset", `cpuset ${quote(cpuset)} is not in cpusets`);
  }
  const mems = task.mems_allowed;
  if (mems !== undefined) {
    const k = mems.findIndex((id) => !ctx.online[id]);
    if (k >= 0) found = note(found, i, "mems_allowed", `node ${mems[k]} is not online`, k);
  }
  if (task.children !== undefined) {
    const wrong = checkChildren(ctx, task, i, task.children);
    if (wrong !== undefined) {
      found = note(found, i, "children", wrong[1], wrong[0] < 0 ? undefined : wrong[0]);
    }
  }
  return found;
}

/**
 * The first task violation in document order, or undefined. Fills `taskMm` with the index
 * in mms of each task's mm (-1 for none) up to the first task with a violation.
 */
export function checkTasks(
  raw: RawDocument,
  head: SnapshotHead,
  index: TaskIndex,
  mmIds: ReadonlyMap<string, number>,
  taskMm: Int32Array,
): Violation | undefined {
  const ctx: TaskContext = {
    tasks: raw.tasks,
    index,
    pidIndex: index.pidIndex,
    mmIds,
    taskMm,
    mms: raw.mms ?? [],
    lastMm: -1,
    cpusetPaths: new Set(head.cpusets.map((cpuset) => cpuset.path)),
    online: onlineNodes(head),
    groupMm: new Int32Array(index.pidIndex.length),
  };
  for (let i = 0; i < ctx.tasks.length; i++) {
    const found = checkTask(ctx, i);
    if (found !== undefined) return earliest(raw, found);
  }
  return undefined;
}
