/**
 * A tiny fake caller for the allocator's generators: a jiffies clock, a test context for
 * `current`, kswapd run to completion whenever the allocating task sleeps (docs/oom-path.md §4.9's
 * default: a woken kswapd runs before other tasks), and an OOM callback.
 */

import type {
  AllocContext,
  AllocEvent,
  AllocOutcome,
  AllocRequest,
  MemoryModel,
  OomAnswer,
  PageUse,
  Zone,
} from "../../src/alloc/index.js";
import { allocPages, kswapd } from "../../src/alloc/index.js";
import { PrintkRatelimit } from "../../src/kernel/printk.js";

export interface TestCtxOptions {
  pid?: number;
  comm?: string;
  flags?: number;
  memdie?: boolean;
  realtime?: boolean;
  cpuNode?: number;
  /** null: no cpusets (one root cpuset, every node allowed). */
  mems?: number[] | null;
  exclusiveMems?: number[];
}

export interface TestCtx extends AllocContext {
  memdie: boolean;
  clock: { jiffies: number };
}

export function makeCtx(mem: MemoryModel, o: TestCtxOptions = {}): TestCtx {
  const clock = { jiffies: 2 ** 32 - 300 * mem.hz };
  const mems = o.mems ?? null;
  const exclusive = o.exclusiveMems ?? [];
  return {
    pid: o.pid ?? 100,
    comm: o.comm ?? "tester",
    flags: o.flags ?? 0,
    memdie: o.memdie ?? false,
    hasTifMemdie() {
      return this.memdie;
    },
    isRealtime: () => o.realtime ?? false,
    inInterrupt: false,
    cpuNode: o.cpuNode ?? mem.nodes[0].id,
    numberOfCpusets: () => (mems === null ? 1 : 2),
    nodeInMemsAllowed: (n) => mems === null || mems.includes(n),
    nodeInExclusiveAncestorMems: (n) => exclusive.includes(n),
    printk: new PrintkRatelimit(mem.hz, mem.bits),
    jiffies: () => clock.jiffies,
    clock,
  };
}

export interface OomCall {
  gfpMask: number;
  order: number;
  zonelist: readonly Zone[];
  jiffies: number;
}

export interface DriveOptions {
  /** Answers each out_of_memory request (default: kill nothing, sleep). */
  oom?: (call: OomCall) => OomAnswer;
  /** Called at every sleep of the allocating task, after the clock moved. */
  onSleep?: (jiffies: number, reason: string) => void;
  /** Run woken kswapds during the allocating task's sleeps (default true). */
  runKswapd?: boolean;
  /** Give up after this many requests (an allocation that loops for ever). */
  maxRequests?: number;
}

export interface DriveResult {
  outcome: AllocOutcome | "unfinished";
  events: AllocEvent[];
  sleeps: { jiffies: number; reason: string }[];
  oomCalls: OomCall[];
  kswapdEvents: AllocEvent[];
}

/** Runs every woken kswapd to completion; its sleeps only advance the clock. */
export function runWokenKswapds(mem: MemoryModel, ctx: TestCtx, sink: AllocEvent[]): void {
  for (const node of mem.nodes) {
    if (node.kswapdState !== "woken") continue;
    const gen = kswapd(mem, node);
    for (let r = gen.next(); !r.done; r = gen.next()) {
      const req = r.value;
      if (req.kind === "sleep") ctx.clock.jiffies += req.jiffies;
      else if (req.kind === "event") sink.push(req.event);
    }
  }
}

/** Drives any allocator generator to its end (or to `maxRequests`). */
export function drive(
  mem: MemoryModel,
  ctx: TestCtx,
  gen: Generator<AllocRequest, AllocOutcome, unknown>,
  opts: DriveOptions = {},
): DriveResult {
  const res: DriveResult = {
    outcome: "unfinished",
    events: [],
    sleeps: [],
    oomCalls: [],
    kswapdEvents: [],
  };
  const max = opts.maxRequests ?? 100_000;
  let answer: unknown;
  for (let i = 0; i < max; i++) {
    const r = gen.next(answer);
    answer = undefined;
    if (r.done) {
      res.outcome = r.value;
      return res;
    }
    const req = r.value;
    if (req.kind === "event") {
      res.events.push(req.event);
    } else if (req.kind === "sleep") {
      res.sleeps.push({ jiffies: req.jiffies, reason: req.reason });
      ctx.clock.jiffies += req.jiffies;
      if (opts.runKswapd ?? true) runWokenKswapds(mem, ctx, res.kswapdEvents);
      opts.onSleep?.(req.jiffies, req.reason);
    } else {
      const call = {
        gfpMask: req.gfpMask,
        order: req.order,
        zonelist: req.zonelist,
        jiffies: ctx.clock.jiffies,
      };
      res.oomCalls.push(call);
      answer = opts.oom ? opts.oom(call) : { sleep: true, stop: null };
    }
  }
  gen.return({ kind: "failure", printed: false });
  return res;
}

/** `allocPages` driven to its end. */
export function allocate(
  mem: MemoryModel,
  ctx: TestCtx,
  gfp: number,
  order: number,
  zonelist: readonly Zone[],
  opts: DriveOptions = {},
  use: PageUse = "kernel",
): DriveResult {
  return drive(mem, ctx, allocPages(mem, ctx, gfp, order, zonelist, use), opts);
}

/** The event types in order, for compact assertions. */
export function types(events: AllocEvent[]): string[] {
  return events.map((e) => e.type);
}
