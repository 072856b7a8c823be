/**
 * The task rules of docs/formats.md §3 item 8 that relate tasks to each other and to the
 * rest of the document: unique pids, mm and cpuset references, online mems_allowed,
 * parents, thread groups (leaders, placement, one mm) and children lists. Tasks are
 * checked in list order and the first task with a violation ends the scan, so the cost
 * of a valid list is one pass with a few array lookups per task.
 */
import type { Violation } from "./describe.js";
import { quote } from "./describe.js";
import { type Normalized, taskIndexOf } from "./normalize.js";
import { onlineNodes } from "./online.js";
import { earliest } from "./order.js";
import type { RawDocument } from "./schema.js";
import type { SnapshotTask } from "./types.js";

interface TaskContext {
  tasks: readonly SnapshotTask[];
  pidIndex: Int32Array;
  /** Every mm id (checkMms has already reported repeats). */
  mmIds: ReadonlyMap<string, number>;
  cpusetPaths: ReadonlySet<string>;
  online: readonly boolean[];
  /** `groupMm[tgid]` is 1 + the index of the first task of the group with an mm. */
  groupMm: Int32Array;
}

/** Index of the first task with `pid`, or -1. */
function indexOfPid(ctx: TaskContext, pid: number): number {
  return taskIndexOf(ctx.pidIndex, pid);
}

function checkTgid(ctx: TaskContext, task: SnapshotTask, i: number): string | undefined {
  if (task.tgid === task.pid) return undefined;
  const leaderIndex = indexOfPid(ctx, task.tgid);
  if (leaderIndex < 0) {
    return `must be the pid of a thread group leader, but no task has pid ${task.tgid}`;
  }
  const leader = ctx.tasks[leaderIndex]!;
  if (leader.tgid !== leader.pid) {
    return `must be the pid of a thread group leader, but tasks[${leaderIndex}] (pid ${leader.pid}) has tgid ${leader.tgid}`;
  }
  const previous = i === 0 ? undefined : ctx.tasks[i - 1]!;
  if (previous === undefined || previous.tgid !== task.tgid) {
    const found =
      previous === undefined ? "it is the first task" : `tasks[${i - 1}] has tgid ${previous.tgid}`;
    return `a thread must directly follow its leader or another thread of group ${task.tgid}, but ${found}`;
  }
  return undefined;
}

function checkParent(ctx: TaskContext, task: SnapshotTask): string | undefined {
  if (task.parent === 0) return undefined;
  if (task.parent === task.pid) return `must not be the task's own pid ${task.pid}`;
  const parentIndex = indexOfPid(ctx, task.parent);
  if (parentIndex < 0) return `pid ${task.parent} is not in tasks (0 stands for the idle task)`;
  if (ctx.tasks[parentIndex]!.tgid === task.tgid) {
    return `must not be in the task's own thread group (tgid ${task.tgid}), got ${task.parent}`;
  }
  return undefined;
}

function checkMm(ctx: TaskContext, task: SnapshotTask, i: number): string | undefined {
  if (task.mm === null) return undefined;
  if (!ctx.mmIds.has(task.mm)) return `mm ${quote(task.mm)} is not in mms`;
  // A tgid above every pid has no leader; checkTgid reports it.
  if (task.tgid >= ctx.groupMm.length) return undefined;
  const first = ctx.groupMm[task.tgid]! - 1;
  if (first < 0) {
    ctx.groupMm[task.tgid] = i + 1;
    return undefined;
  }
  const other = ctx.tasks[first]!.mm!;
  if (other === task.mm) return undefined;
  return `must be the mm of the whole thread group (tgid ${task.tgid}), but tasks[${first}] has mm ${quote(other)} and this task ${quote(task.mm)}`;
}

/** The first wrong entry of an explicit children list, as [index or -1, message]. */
function checkChildren(
  ctx: TaskContext,
  task: SnapshotTask,
  written: readonly number[],
  expected: readonly number[],
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
  if (written.length === expected.length) return undefined;
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
function checkTask(
  ctx: TaskContext,
  raw: RawDocument,
  normalized: Normalized,
  i: number,
): Violation[] | undefined {
  const task = ctx.tasks[i]!;
  const rawTask = raw.tasks[i]!;
  const first = indexOfPid(ctx, task.pid);
  let found: Violation[] | undefined;
  if (first !== i) {
    found = note(found, i, "pid", `must be unique, but tasks[${first}] also has pid ${task.pid}`);
  }
  found = note(found, i, "tgid", checkTgid(ctx, task, i));
  found = note(found, i, "parent", checkParent(ctx, task));
  found = note(found, i, "mm", checkMm(ctx, task, i));
  if (!ctx.cpusetPaths.has(task.cpuset)) {
    found = note(found, i, "cpuset", `cpuset ${quote(task.cpuset)} is not in cpusets`);
  }
  const mems = rawTask.mems_allowed;
  if (mems !== undefined) {
    const k = mems.findIndex((id) => !ctx.online[id]);
    if (k >= 0) found = note(found, i, "mems_allowed", `node ${mems[k]} is not online`, k);
  }
  if (rawTask.children !== undefined) {
    const expected = normalized.defaultChildren[i] ?? [];
    const wrong = checkChildren(ctx, task, rawTask.children, expected);
    if (wrong !== undefined) {
      found = note(found, i, "children", wrong[1], wrong[0] < 0 ? undefined : wrong[0]);
    }
  }
  return found;
}

/** The first task violation in document order, or undefined. */
export function checkTasks(
  raw: RawDocument,
  normalized: Normalized,
  mmIds: ReadonlyMap<string, number>,
): Violation | undefined {
  const { snapshot } = normalized;
  const ctx: TaskContext = {
    tasks: snapshot.tasks,
    pidIndex: normalized.pidIndex,
    mmIds,
    cpusetPaths: new Set(snapshot.cpusets.map((cpuset) => cpuset.path)),
    online: onlineNodes(snapshot),
    groupMm: new Int32Array(normalized.pidIndex.length),
  };
  for (let i = 0; i < ctx.tasks.length; i++) {
    const found = checkTask(ctx, raw, normalized, i);
    if (found !== undefined) return earliest(raw, found);
  }
  return undefined;
}
