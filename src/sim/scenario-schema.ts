/**
 * The scenario file format (YAML or JSON): the machine, the initial processes and a
 * timeline of what they do. Every object is strict: an unknown key is an error.
 */

import { z } from "zod";

/**
 * A memory size: a number of 4 KiB pages, or a string with a unit ("64MiB", "512 pages").
 * KiB, MiB, GiB and their short forms K, M, G are powers of 1024 (as the kernel's
 * memparse() reads K, M and G); kB, MB and GB are powers of 1000. Either way the size must
 * be a whole number of 4 KiB pages, and at most MAX_SIZE_PAGES of them.
 */
export const SIZE_RE = /^(\d+)\s*(pages|KiB|MiB|GiB|kB|MB|GB|K|M|G)?$/;

export const PAGE_BYTES = 4096;

/** The largest size: 2^40 pages, 4 PiB. */
export const MAX_SIZE_PAGES = 2 ** 40;

/** Bytes per unit of a size string; no unit is a number of pages. */
export const SIZE_UNIT_BYTES: Readonly<Record<string, number>> = {
  pages: PAGE_BYTES,
  KiB: 2 ** 10,
  K: 2 ** 10,
  MiB: 2 ** 20,
  M: 2 ** 20,
  GiB: 2 ** 30,
  G: 2 ** 30,
  kB: 10 ** 3,
  MB: 10 ** 6,
  GB: 10 ** 9,
};

const DECIMAL_HINT: Readonly<Record<string, string>> = {
  kB: "kB is 10^3 bytes, KiB 2^10",
  MB: "MB is 10^6 bytes, MiB 2^20",
  GB: "GB is 10^9 bytes, GiB 2^30",
};

const TOO_BIG = `a size of at most ${MAX_SIZE_PAGES} pages (4PiB)`;

/**
 * The pages of a size string that SIZE_RE matches, or why it is refused: a size that is
 * not a whole number of pages, or more than MAX_SIZE_PAGES.
 */
export function sizeStringPages(v: string): number | string {
  const m = SIZE_RE.exec(v);
  if (m === null) return 'a size such as 4096, "64MiB" or "512 pages"';
  const unit = m[2] ?? "pages";
  const bytes = BigInt(m[1]!) * BigInt(SIZE_UNIT_BYTES[unit]!);
  const page = BigInt(PAGE_BYTES);
  if (bytes > BigInt(MAX_SIZE_PAGES) * page) return `${TOO_BIG}, got "${v}"`;
  if (bytes % page !== 0n) {
    const hint = DECIMAL_HINT[unit];
    const pages = Number(bytes) / PAGE_BYTES;
    return `a whole number of 4 KiB pages, got "${v}" (${bytes} bytes, ${pages} pages${hint === undefined ? "" : `; ${hint}`})`;
  }
  return Number(bytes / page);
}

const size = z.union([
  z
    .number()
    .int()
    .min(0)
    .superRefine((n, ctx) => {
      if (n > MAX_SIZE_PAGES) ctx.addIssue({ code: "custom", message: `${TOO_BIG}, got ${n}` });
    }),
  z.string().superRefine((v, ctx) => {
    const pages = sizeStringPages(v);
    if (typeof pages === "string") ctx.addIssue({ code: "custom", message: pages });
  }),
]);

/**
 * A moment: a number of seconds, or a string "12.5s", "500ms" or "300j" (jiffies),
 * counted from the start of the simulation.
 */
export const TIME_RE = /^(\d+(?:\.\d+)?)\s*(s|ms|j|jiffies)$/;
const time = z.union([
  z.number().min(0),
  z.string().regex(TIME_RE, 'a time such as 10, "2.5s", "300ms" or "250j"'),
]);

const nodeId = z.number().int().min(0).max(63);
const nodeList = z.array(nodeId);
const gfp = z.union([
  z.string().regex(/^(0[xX][0-9a-fA-F]{1,8}|[A-Z_0-9]+(\s*\|\s*[A-Z_0-9]+)*)$/),
  z.array(z.string()),
]);

const zoneSizes = z
  .object({ DMA: size, DMA32: size, Normal: size, HighMem: size })
  .partial()
  .strict();

const nodeSpec = z
  .object({
    id: nodeId,
    zones: zoneSizes,
    /**
     * Distances to every node in id order (the SLIT row); default 10 local, 20 remote.
     * 64-bit only: i386 has no node_distance().
     */
    distance: z.array(z.number().int().min(10).max(255)).optional(),
  })
  .strict();

const cpusetSpec = z
  .object({ path: z.string(), mems: nodeList, mem_exclusive: z.boolean().optional() })
  .strict();

export const machineSchema = z
  .object({
    bits: z.union([z.literal(32), z.literal(64)]).default(64),
    hz: z.number().int().min(12).max(1535).default(250),
    /**
     * Total RAM, split into the architecture's zones; or `nodes` with the RAM of each
     * zone. Either way the boot takes each zone's mem_map out of it (free_area_init_core).
     */
    memory: size.optional(),
    nodes: z.array(nodeSpec).min(1).optional(),
    /** The zone sizes are the zones' present pages, taken as they are (no mem_map subtracted). */
    exact_zones: z.boolean().default(false),
    /** x86_64 `dma_reserve`: pages reserved below 16 MiB before the zones are sized (default 0). */
    dma_reserve: size.optional(),
    /** Online CPUs: show_mem() prints each one's per-CPU lists (tasks still run one at a time). */
    cpus: z.number().int().min(1).max(255).default(1),
    numa: z.boolean().optional(),
    cpusets_enabled: z.boolean().default(true),
    swap: size.default(0),
    min_free_kbytes: z.number().int().min(0).optional(),
    panic_on_oom: z
      .number()
      .int()
      .min(-(2 ** 31))
      .max(2 ** 31 - 1)
      .default(0),
    printk_time: z.boolean().default(false),
    /** Pages the OOM notifier chain reports freed at each call (0: an empty chain). */
    oom_notifier_freed: z.number().int().min(0).default(0),
    /** Seconds since boot when the simulation starts. */
    uptime: z
      .number()
      .int()
      .min(0)
      .max(10 ** 9)
      .default(0),
    pid_max: z.number().int().min(301).optional(),
    /**
     * How long exit_mmap takes (docs/oom-path.md §4.9, §15): the pages of a freed mm return this long
     * after its last user dropped it. Default 0: at once, within the exiting task's step.
     */
    teardown: time.default(0),
    cpusets: z.array(cpusetSpec).optional(),
  })
  .strict();

const capsSpec = z.union([z.literal("root"), z.literal("none"), z.array(z.string())]);

const threadSpec = z
  .object({
    pid: z.number().int().min(2).optional(),
    utime: z.number().int().min(0).default(0),
    stime: z.number().int().min(0).default(0),
    start: z.number().min(0).optional(),
    oomkilladj: z.number().int().min(-17).max(15).optional(),
    nice: z.number().int().min(-20).max(19).optional(),
  })
  .strict();

export interface ProcessSpecIn {
  name: string;
  label?: string;
  pid?: number;
  uid?: number;
  euid?: number;
  caps?: "root" | "none" | string[];
  nice?: number;
  oomkilladj?: number;
  cpuset?: string;
  mempolicy_bind?: number[];
  start?: number;
  utime?: number;
  stime?: number;
  total_vm?: number | string;
  rss?: number | string;
  share_mm?: boolean;
  ignore_sigchld?: boolean;
  role?: "culprit";
  value?: number;
  threads?: z.input<typeof threadSpec>[];
  children?: ProcessSpecIn[];
}

const processBase = z
  .object({
    name: z.string().min(1).max(15),
    label: z.string().min(1).optional(),
    pid: z.number().int().min(2).optional(),
    uid: z.number().int().min(0).max(4294967295).default(1000),
    euid: z.number().int().min(0).max(4294967295).optional(),
    caps: capsSpec.optional(),
    nice: z.number().int().min(-20).max(19).default(0),
    oomkilladj: z.number().int().min(-17).max(15).default(0),
    cpuset: z.string().optional(),
    mempolicy_bind: nodeList.optional(),
    start: z.number().min(0).optional(),
    utime: z.number().int().min(0).default(0),
    stime: z.number().int().min(0).default(0),
    total_vm: size.default(0),
    rss: size.default(0),
    /** Created with CLONE_VM (no CLONE_THREAD): shares its parent's mm. */
    share_mm: z.boolean().default(false),
    /** Zombie children are released at once (the process ignores SIGCHLD). */
    ignore_sigchld: z.boolean().default(false),
    /**
     * Ground truth for `oomkit compare`: the process is the leak. Without any, the culprit
     * is the process the timeline makes allocate most.
     */
    role: z.literal("culprit").optional(),
    /** The work a kill of the process loses (default: its CPU time in seconds). */
    value: z
      .number()
      .min(0)
      .max(10 ** 15)
      .optional(),
    threads: z.array(threadSpec).default([]),
  })
  .strict();

export type ProcessSpec = z.output<typeof processBase> & { children: ProcessSpec[] };

export const processSchema: z.ZodType<ProcessSpec, ProcessSpecIn> = processBase
  .extend({ children: z.array(z.lazy(() => processSchema)).default([]) })
  .strict() as unknown as z.ZodType<ProcessSpec, ProcessSpecIn>;

const target = z.union([z.number().int().min(1), z.string().min(1)]);

const faultAction = z
  .object({ pages: size, rate: z.number().positive().optional(), gfp: gfp.optional() })
  .strict();
const forkAction = z
  .object({
    name: z.string().min(1).max(15).optional(),
    label: z.string().min(1).optional(),
    pid: z.number().int().min(2).optional(),
    share_mm: z.boolean().default(false),
    clone_parent: z.boolean().default(false),
    dontfork: size.default(0),
  })
  .strict();
const threadAction = z
  .object({ label: z.string().min(1).optional(), pid: z.number().int().min(2).optional() })
  .strict();
const execAction = z.object({ path: z.string().min(1), total_vm: size.default(0) }).strict();
const pageCacheAction = z
  .object({
    pages: size,
    rate: z.number().positive().optional(),
    dirty: z.boolean().default(false),
  })
  .strict();
const kallocAction = z
  .object({
    gfp,
    order: z.number().int().min(0).max(10).default(0),
    count: z.number().int().min(1).default(1),
  })
  .strict();

export const ACTION_KEYS = [
  "fault",
  "map",
  "unmap",
  "fork",
  "thread",
  "exec",
  "exit",
  "kill",
  "oom_adj",
  "page_cache",
  "kalloc",
  "wait",
] as const;

export const timelineEntrySchema = z
  .object({
    at: time,
    task: target,
    fault: faultAction.optional(),
    map: size.optional(),
    unmap: size.optional(),
    fork: forkAction.optional(),
    thread: threadAction.optional(),
    exec: execAction.optional(),
    exit: z.number().int().min(0).max(255).optional(),
    kill: z.literal(true).optional(),
    oom_adj: z.number().int().min(-17).max(15).optional(),
    page_cache: pageCacheAction.optional(),
    kalloc: kallocAction.optional(),
    wait: z.literal(true).optional(),
    /** Repeat the action this many times, `every` apart. */
    repeat: z.number().int().min(1).optional(),
    every: time.optional(),
  })
  .strict();

/**
 * What a run of the scenario must show, for checking (src/sim/expect.ts); the simulator
 * itself ignores it. A task is named by pid, or by a name: the comm of a task (any task
 * that had it during the run) or the label of a process.
 */
const taskRef = z.union([z.number().int().min(1), z.string().min(1)]);

export const EXPECT_OUTCOMES = [
  "killed",
  "aborted",
  "panic",
  "deadlock",
  "notifier",
  "blocked",
] as const;

/** One out_of_memory() call: every key given must hold, the others are not checked. */
const expectCallFields = {
  outcome: z.enum(EXPECT_OUTCOMES).optional(),
  /** The task that called out_of_memory(). */
  task: taskRef.optional(),
  /** The task select_bad_process() chose (or, constrained, the caller). */
  selected: taskRef.optional(),
  /** The task actually killed: the selected one or one of its children. */
  victim: taskRef.optional(),
  constraint: z.enum(["none", "cpuset", "memory_policy"]).optional(),
  /** The score printed for the selected task. */
  points: z
    .union([z.number().int().min(0), z.string().regex(/^\d+$/, "a whole number")])
    .optional(),
  /** Whether the caller took the one-jiffy sleep at the end. */
  sleep: z.boolean().optional(),
  /** Whether badness() scored any task (false: no selection ran). */
  scored: z.boolean().optional(),
};

const expectCall = z
  .object({
    ...expectCallFields,
    /** This entry stands for this many calls in a row: N, or "N+" for N or more. */
    times: z
      .union([z.number().int().min(1), z.string().regex(/^\d+\+$/, 'a count such as 3 or "1+"')])
      .default(1),
  })
  .strict();

const taskRefs = z.array(taskRef).min(1);

/** The facts a claim may rest on; a claim has exactly one of them. */
const claimFacts = {
  /** The Nth out_of_memory() call (1-based, blocked calls counted) has these fields. */
  call: z.object({ n: z.number().int().min(1), ...expectCallFields }).strict(),
  /** SIGKILLs sent to the task: for a reason ("oom", "group_exit", ...), exactly `times` (default: at least one). */
  signal: z
    .object({
      task: taskRef,
      reason: z.enum(["oom", "group_exit", "exec", "scenario", "guard"]).optional(),
      times: z.number().int().min(0).optional(),
    })
    .strict(),
  /** The mm the task starts with: the mm_users left by each drop (0 when freed), and whether it is freed. */
  mm: z
    .object({
      of: taskRef,
      users: z.array(z.number().int().min(0)).optional(),
      freed: z.boolean().optional(),
    })
    .strict(),
  /** How the task's last reported allocation ended: satisfied, failed, or still looping at the end. */
  alloc: z.object({ task: taskRef, result: z.enum(["ok", "failed", "pending"]) }).strict(),
  /**
   * At the Nth call (show_mem()), whether some zone (of the node, of that name) has more
   * free pages than its min watermark (`free: true`, the default) or none has.
   */
  free_memory: z
    .object({
      call: z.number().int().min(1),
      node: z.number().int().min(0).max(63).optional(),
      zone: z.enum(["DMA", "DMA32", "Normal", "HighMem"]).optional(),
      free: z.boolean().default(true),
    })
    .strict(),
  /** How many times out_of_memory() is called (blocked callers included). */
  oom_calls: z.number().int().min(0),
  /** Whether the kernel log is empty. */
  log_empty: z.boolean(),
  dies: taskRefs,
  survives: taskRefs,
  kills: z.number().int().min(0),
  end: z.enum(["idle", "until", "panic"]),
};

export const CLAIM_FACTS = Object.keys(claimFacts);

const claimSchema = z
  .object({
    /** The sentence of the story this claim checks. */
    says: z.string().min(1),
    ...Object.fromEntries(Object.entries(claimFacts).map(([k, v]) => [k, v.optional()])),
  } as { says: z.ZodString } & {
    [K in keyof typeof claimFacts]: z.ZodOptional<(typeof claimFacts)[K]>;
  })
  .strict()
  .superRefine((c, ctx) => {
    const facts = CLAIM_FACTS.filter((k) => (c as Record<string, unknown>)[k] !== undefined);
    if (facts.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `exactly one fact (${CLAIM_FACTS.join(", ")}), got ${facts.length === 0 ? "none" : facts.join(", ")}`,
      });
    }
  });

export const expectSchema = z
  .object({
    /** How the run ends (sim.end). */
    end: claimFacts.end.optional(),
    /** Every out_of_memory() call of the run, in order (blocked callers included). */
    calls: z.array(expectCall).optional(),
    /** How many tasks the OOM killer kills in all. */
    kills: claimFacts.kills.optional(),
    /** Tasks that exit during the run (every task a name matches). */
    dies: taskRefs.optional(),
    /** Tasks that are still alive at the end (no task a name matches exits). */
    survives: taskRefs.optional(),
    /** Sentences of the story, each with the fact that makes it true. */
    claims: z.array(claimSchema).optional(),
  })
  .strict();

export type Expect = z.output<typeof expectSchema>;
export type ExpectCall = z.output<typeof expectCall>;
export type Claim = z.output<typeof claimSchema>;

export const scenarioSchema = z
  .object({
    description: z.string().optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    machine: machineSchema,
    processes: z.array(processSchema).default([]),
    from_snapshot: z.string().min(1).optional(),
    /** Resident pages a process loaded from a snapshot starts with, as a percentage of total_vm. */
    snapshot_rss_percent: z.number().int().min(0).max(100).default(0),
    timeline: z.array(timelineEntrySchema).default([]),
    /** Stop after this many seconds of simulated time if nothing else ends the run. */
    until: time.optional(),
    /** What a run must show (checked by `oomkit sim --check`, ignored by the simulation). */
    expect: expectSchema.optional(),
  })
  .strict();

export type ScenarioIn = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type TimelineEntry = z.output<typeof timelineEntrySchema>;
export type MachineSpec = z.output<typeof machineSchema>;
