/**
 * The index of a task list that the checks, the normaliser and the compiler share: where
 * each pid is, and which tasks each task has as its children by default (docs/formats.md
 * §2.4). It reads only pids and parents, so raw and normalised tasks index alike.
 */

/** The index in flat arrays: one pass over the tasks, no object per task. */
export interface TaskIndex {
  /** `pidIndex[pid]` is 1 + the index of the first task with that pid; see `taskIndexOf`. */
  pidIndex: Int32Array;
  /**
   * The default children of task k are the tasks `defaultList[defaultStart[k] ..
   * defaultStart[k + 1])`, as task indices in list order.
   */
  defaultStart: Int32Array;
  defaultList: Int32Array;
}

/** The index of the first task with `pid`, or -1 when no task has it. */
export function taskIndexOf(pidIndex: Int32Array, pid: number): number {
  return pid < pidIndex.length ? pidIndex[pid]! - 1 : -1;
}

/** `TaskIndex` of a task list (pids and parents in range, as the shape rules ensure). */
export function indexTasks(tasks: readonly { pid: number; parent: number }[]): TaskIndex {
  const n = tasks.length;
  let maxPid = 0;
  for (let i = 0; i < n; i++) if (tasks[i]!.pid > maxPid) maxPid = tasks[i]!.pid;
  const pidIndex = new Int32Array(maxPid + 1);
  for (let i = 0; i < n; i++) {
    const pid = tasks[i]!.pid;
    if (pidIndex[pid] === 0) pidIndex[pid] = i + 1;
  }
  // Each task's parent slot, counted, then filled in list order (a counting sort).
  const parentOf = new Int32Array(n);
  const defaultStart = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const parent = tasks[i]!.parent;
    const k = parent === 0 ? -1 : taskIndexOf(pidIndex, parent);
    parentOf[i] = k;
    if (k >= 0) {
      defaultStart[k + 1]!++;
      total++;
    }
  }
  for (let k = 0; k < n; k++) defaultStart[k + 1]! += defaultStart[k]!;
  const fill = defaultStart.slice(0, n);
  const defaultList = new Int32Array(total);
  for (let i = 0; i < n; i++) {
    const k = parentOf[i]!;
    if (k >= 0) defaultList[fill[k]!++] = i;
  }
  return { pidIndex, defaultStart, defaultList };
}

/** The pids of task k's default children (§2.4), in list order. */
export function defaultChildrenOf(
  index: TaskIndex,
  tasks: readonly { pid: number }[],
  k: number,
): number[] {
  const pids: number[] = [];
  for (let j = index.defaultStart[k]!, end = index.defaultStart[k + 1]!; j < end; j++) {
    pids.push(tasks[index.defaultList[j]!]!.pid);
  }
  return pids;
}
