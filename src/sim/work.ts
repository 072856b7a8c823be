/**
 * What a task has been asked to do by the timeline, and what it is in the middle of.
 * Timed work (page faults, page-cache writes, kernel allocations) runs a quota per tick
 * through the allocator; the rest (fork, exec, exit, map, wait) takes effect when the
 * task next runs.
 */

import type { PageUse } from "../alloc/zone.js";
import type { PortGenerator, PortOutcome, PortResume } from "./memory-port.js";

export type WorkItem =
  | { kind: "fault"; pages: number; perTick: number; gfp: number; entry: number }
  | { kind: "page_cache"; pages: number; perTick: number; dirty: boolean; entry: number }
  | { kind: "kalloc"; gfp: number; order: number; count: number; entry: number }
  | { kind: "map"; pages: number; entry: number }
  | { kind: "unmap"; pages: number; entry: number }
  | {
      kind: "fork";
      name?: string;
      label?: string;
      pid?: number;
      shareMm: boolean;
      cloneParent: boolean;
      dontFork: number;
      entry: number;
    }
  | { kind: "thread"; label?: string; pid?: number; entry: number }
  | { kind: "exec"; path: string; totalVm: number; entry: number }
  | { kind: "exit"; code: number; entry: number }
  | { kind: "wait"; entry: number };

/** An allocation loop in progress (one item of fault/page_cache/kalloc). */
export interface AllocActivity {
  kind: "alloc";
  item: WorkItem & { kind: "fault" | "page_cache" | "kalloc" };
  use: PageUse;
  gfp: number;
  order: number;
  /** Allocations still to make. */
  left: number;
  /** Allocations allowed per tick (Infinity: as many as possible). */
  perTick: number;
  credit: number;
  gen: PortGenerator<PortOutcome> | null;
  resume: PortResume;
  /** Tick at which the current allocation entered the slow path. */
  stallStart: number;
}

export interface ExecActivity {
  kind: "exec";
  item: WorkItem & { kind: "exec" };
  started: boolean;
}

export interface KswapdActivity {
  kind: "kswapd";
  node: number;
  gen: PortGenerator<void>;
}

export type Activity = AllocActivity | ExecActivity | KswapdActivity;

/** Per-task simulation state (kept beside the kernel's task, not in it). */
export interface TaskWork {
  queue: WorkItem[];
  head: number;
  activity: Activity | null;
  /** The first reason a SIGKILL reached this task (for the summary). */
  killedBy: string | null;
}
