/**
 * A task (one thread, one `task_struct`) and the structures it points to: its thread
 * group, its mm and its cpuset (docs/oom-path.md §2). Only the fields the OOM story reads or changes
 * are kept, as plain numbers and references, so that 10^5 tasks stay cheap.
 */

export const TASK_RUNNING = 0;
export const TASK_INTERRUPTIBLE = 1;
export const TASK_UNINTERRUPTIBLE = 2;
export const TASK_DEAD = 128;
export const EXIT_ZOMBIE = 16;
export const EXIT_DEAD = 32;

export const SIGKILL = 9;
export const SIGCHLD = 17;

export {
  PF_EXITING,
  PF_FORKNOEXEC,
  PF_KSWAPD,
  PF_MEMALLOC,
  PF_NOFREEZE,
  PF_SIGNALED,
  PF_SUPERPRIV,
  PF_SWAPOFF,
} from "./constants.js";

export const CLONE_VM = 0x100;
export const CLONE_PARENT = 0x8000;
export const CLONE_THREAD = 0x10000;

/** One `mm_struct`: the address space shared by every task that names it. */
export interface Mm {
  /** Stable name used in snapshots (`mm<serial>`). */
  readonly id: string;
  /** `total_vm`: pages of all mappings (what badness() reads). */
  totalVmPages: number;
  /** `mm_users`. */
  users: number;
  /** Resident anonymous pages per zone (global zone index), given back by exit_mmap. */
  readonly pagesByZone: number[];
  /** Sum of pagesByZone. */
  rssPages: number;
  /** True once exit_mmap has run; a freed mm is never used again. */
  freed: boolean;
}

/** A cpuset (docs/oom-path.md §2): mems_allowed, mem_exclusive, parent. */
export interface Cpuset {
  readonly path: string;
  readonly mems: readonly number[];
  readonly memExclusive: boolean;
  readonly parent: Cpuset | null;
}

/** The per-process part (`signal_struct` plus the thread-group ring). */
export interface ThreadGroup {
  leader: Task;
  /** The thread-group ring in creation order, leader first (Set keeps insertion order). */
  readonly threads: Set<Task>;
  /** SIGNAL_GROUP_EXIT. */
  groupExit: boolean;
  /** `signal->live`: threads that have not yet passed do_exit step 3. */
  live: number;
  /** The process ignores SIGCHLD: its zombie children are released at once. */
  autoReap: boolean;
}

/** The simulation's view of what the task is doing (not a kernel field). */
export type SchedState = "idle" | "runnable" | "sleeping" | "blocked" | "dead";

export interface Task {
  pid: number;
  tgid: number;
  group: ThreadGroup;
  comm: string;
  mm: Mm | null;
  /** PF_* bits. */
  flags: number;
  /** TIF_MEMDIE (never cleared, quirk Q14). */
  memdie: boolean;
  /** SIGKILL in the private pending set (SIGKILL is the only signal modelled). */
  sigkillPending: boolean;
  /** TIF_SIGPENDING. */
  sigpending: boolean;
  state: number;
  exitState: number;
  exitSignal: number;
  utimeJiffies: number;
  stimeJiffies: number;
  /** Ticks since boot at fork; `start_time` is the monotonic clock at that moment. */
  startTicks: number;
  staticPrio: number;
  prio: number;
  timeSlice: number;
  uid: number;
  euid: number;
  /** Effective capability mask. */
  caps: number;
  oomkilladj: number;
  /** null stands for the idle task (pid 0). */
  realParent: Task | null;
  parent: Task | null;
  /** The `children` list in kernel order; null while empty and never used. */
  children: Set<Task> | null;
  cpuset: Cpuset;
  /** `mems_allowed` (sorted node ids). */
  memsAllowed: readonly number[];
  /** MPOL_BIND node set, or null for the default policy. */
  mempolicyBind: readonly number[] | null;
  /** Kernel threads (no mm by birth) never return to user mode. */
  readonly kernelThread: boolean;
  sched: SchedState;
}

/** Nice value of a task (`static_prio - 120`). */
export function taskNice(t: Task): number {
  return t.staticPrio - 120;
}

/** True for the thread-group leader. */
export function isLeader(t: Task): boolean {
  return t.group.leader === t;
}

/** Appends `child` at the tail of `parent`'s children list (null parent: the idle task). */
export function addChild(parent: Task | null, child: Task): void {
  if (parent === null) return;
  if (parent.children === null) parent.children = new Set();
  parent.children.add(child);
}

export function removeChild(parent: Task | null, child: Task): void {
  parent?.children?.delete(child);
}
