/**
 * What the allocator reads of `current` and of the cpuset hierarchy. The process model
 * owns tasks and cpusets; it hands the allocator this small view (one reusable object per
 * allocating task is enough: nothing here is kept after the allocation returns).
 */

import type { PrintkRatelimit } from "../kernel/printk.js";

export interface AllocContext {
  readonly pid: number;
  /** `current->comm` (at most 15 characters), for the allocation-failure line. */
  readonly comm: string;
  /**
   * `current->flags` (PF_* bits). Direct reclaim sets PF_MEMALLOC here for its duration
   * and clears it afterwards, so this must write through to the task.
   */
  flags: number;
  /** TIF_MEMDIE, read afresh at every test (out_of_memory may set it on current). */
  hasTifMemdie(): boolean;
  /** `rt_task(current)`: `prio < 100`. */
  isRealtime(): boolean;
  /** `in_interrupt()`; false for every allocation the simulator makes from a task. */
  readonly inInterrupt: boolean;
  /** `numa_node_id()`: the node of the CPU current runs on. */
  readonly cpuNode: number;
  /** `number_of_cpusets` (1 with only the root cpuset; 1 without CONFIG_CPUSETS). */
  numberOfCpusets(): number;
  /** Whether `node` is in `current->mems_allowed` (every node without CONFIG_CPUSETS). */
  nodeInMemsAllowed(node: number): boolean;
  /**
   * Whether `node` is in the `mems_allowed` of the nearest mem-exclusive ancestor of
   * current's cpuset (walking up through `parent` while the cpuset is not mem_exclusive
   * and has a parent). Asked only by the softwall check's slow branch.
   */
  nodeInExclusiveAncestorMems(node: number): boolean;
  /** The kernel-wide printk rate limit (docs/oom-path.md §7.2), shared with the OOM report. */
  readonly printk: PrintkRatelimit;
  /** `jiffies` now (ulong of the machine's width). */
  jiffies(): number;
}
