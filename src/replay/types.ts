/**
 * What the replay parser extracts from one kernel OOM report (modern-oom §6). Every part is
 * optional: logs are cut, interleaved and damaged, and a report is only as good as what
 * survived. Numbers that count pages or kB are bigint (exact); pids and line numbers are
 * plain numbers.
 */

/** One input line after prefix handling (modern-oom §6.5). */
export interface LogLine {
  /** 1-based line number in the input (after splitting `#012` escapes, the same number). */
  lineNo: number;
  /** The kernel message with timestamps, syslog, kmsg and quoting prefixes removed. */
  message: string;
  /** Wall-clock text (syslog, journal, `dmesg -T`), if the line had one. */
  time: string | null;
  /** Seconds since boot from a `[ 1234.567890]` prefix, as printed. */
  uptime: string | null;
  /** Host name from a syslog or journal prefix ("" for an empty host), null without one. */
  host: string | null;
  /** `CONFIG_PRINTK_CALLER` id (`T123`, `C2`), null without one. */
  caller: string | null;
  /** A syslog or journal line from another program than the kernel: never part of a report. */
  foreign: boolean;
}

/** `<comm> invoked oom-killer: gfp_mask=..., order=..., ...` (modern-oom §6.1). */
export interface OomHeader {
  line: number;
  /** The allocating task's comm as printed before "invoked oom-killer:". */
  comm: string;
  gfpMask: string | null;
  /** Flag names in parentheses after the mask (4.5+), e.g. "GFP_KERNEL". */
  gfpFlags: string | null;
  /** `nodemask=` of 4.5 .. 4.18 headers. */
  nodemask: string | null;
  order: number | null;
  /** `oomkilladj=` of 2.6.20 .. 2.6.35 headers. */
  oomkilladj: number | null;
  /** `oom_adj=` of 2.6.36 .. 3.7 headers. */
  oomAdj: number | null;
  oomScoreAdj: number | null;
}

/** `CPU: n PID: p Comm: c ...` (or `Pid: p, comm: c ...`) at the start of the stack dump. */
export interface AllocatingTask {
  pid: number;
  comm: string;
  /** Kernel release as printed after the taint flags, e.g. "6.18.44-fc". */
  release: string | null;
  /** 6.11+ print the task's uid on this line. */
  hasUid: boolean;
}

export interface ReleaseSeen {
  /** As printed, e.g. "5.10.0-28-amd64". */
  text: string;
  /** "stack dump": in the report itself; "Linux version": the boot banner before it. */
  from: "stack dump" | "Linux version";
  /** The line it was read from (in `file`: the file of that line). */
  line: number;
  file: string | null;
}

export interface ZoneInfo {
  node: number;
  zone: string;
  presentKb: bigint | null;
  managedKb: bigint | null;
}

/** The global `Mem-Info` block (modern-oom §6.2), only the totals the scores need. */
export interface MemInfo {
  zones: ZoneInfo[];
  pagesRam: bigint | null;
  totalSwapKb: bigint | null;
  freeSwapKb: bigint | null;
}

export interface CounterLine {
  usageKb: bigint;
  limitKb: bigint;
  failcnt: bigint | null;
}

/** The memcg block printed instead of `Mem-Info` for a memcg OOM. */
export interface MemcgInfo {
  /** 1 or 2 when the block says which (v1: memory+swap/kmem/"Task in"; v2: swap:). */
  version: 1 | 2 | null;
  taskCgroup: string | null;
  oomCgroup: string | null;
  memory: CounterLine | null;
  memsw: CounterLine | null;
  swap: CounterLine | null;
  kmem: CounterLine | null;
  statsFor: string[];
}

export interface TaskRow {
  line: number;
  pid: number;
  /** Column name -> value, names exactly as in the table header (`uid`, `rss`, ...). */
  values: Record<string, bigint>;
  comm: string;
}

export interface TaskTable {
  line: number;
  /** "Tasks state (memory values in pages):" was printed (4.19+). */
  tasksState: boolean;
  /** The pid bracket was `[  pid  ]` (4.19+) rather than `[ pid ]`. */
  widePid: boolean;
  /** Numeric column names after the pid, in order (the last header word, `name`, excluded). */
  columns: string[];
  rows: TaskRow[];
}

/** `oom-kill:constraint=...` (modern-oom §6.4). */
export interface OomSummary {
  line: number;
  constraint: string | null;
  nodemask: string | null;
  cpuset: string | null;
  memsAllowed: string | null;
  globalOom: boolean;
  oomMemcg: string | null;
  taskMemcg: string | null;
  task: string | null;
  pid: number | null;
  uid: bigint | null;
}

/** Which variant of a kill line was seen (modern-oom §6.4). */
export type SelectForm =
  | "or-a-child" // 2.6.20, 2.6.25 .. 2.6.35: "kill process N (c) score S or a child"
  | "and-children" // 2.6.21 .. 2.6.24: "Kill process N (c) score S and children."
  | "sacrifice-child"; // 2.6.36 .. 5.0: "Kill process N (c) score S or sacrifice child"

/** The line naming the selected task before 5.1. */
export interface SelectLine {
  line: number;
  message: string;
  pid: number;
  comm: string;
  score: bigint;
  form: SelectForm;
}

export type KilledForm =
  | "plain" // "Killed process N (c)"
  | "plain-dot" // "...: Killed process N (c)." (2.6.21 .. 2.6.24)
  | "rhel6" // "Killed process N, UID u, (c) total-vm:..."
  | "rhel7" // "Killed process N (c), UID u, total-vm:..."
  | "total-vm" // 2.6.36 .. 4.4
  | "shmem-rss" // 4.5 .. 5.3
  | "uid" // 5.4+: ", UID:u pgtables:..kB oom_score_adj:n"
  | "damaged"; // pid readable, the rest cut or garbled

export interface KilledLine {
  line: number;
  message: string | null;
  pid: number;
  comm: string | null;
  uid: bigint | null;
  totalVmKb: bigint | null;
  anonRssKb: bigint | null;
  fileRssKb: bigint | null;
  shmemRssKb: bigint | null;
  pgtablesKb: bigint | null;
  oomScoreAdj: number | null;
  form: KilledForm;
}

export interface ReaperLine {
  line: number;
  pid: number;
  comm: string | null;
  reaped: boolean;
}

export interface OomEvent {
  /** 0-based position in log order. */
  index: number;
  /** The file the report's first line is in (null for text read without a name). */
  file: string | null;
  /** Line numbers count from 1 in each file: `firstLine` is in `file`, `lastLine` in `lastFile`. */
  firstLine: number;
  lastLine: number;
  /** The file of the report's last line: another than `file` when the report spans two files. */
  lastFile: string | null;
  host: string | null;
  caller: string | null;
  time: string | null;
  uptime: string | null;
  header: OomHeader | null;
  allocating: AllocatingTask | null;
  /**
   * The kernel release the log prints for this report: on the stack dump's first line (any
   * form), or else on the last `Linux version` boot banner of the same host before the report.
   */
  release: ReleaseSeen | null;
  cpuset: { name: string; memsAllowed: string } | null;
  memInfo: MemInfo | null;
  memcg: MemcgInfo | null;
  table: TaskTable | null;
  summary: OomSummary | null;
  select: SelectLine | null;
  killed: KilledLine[];
  /** `Tasks in <path> are going to be killed due to memory.oom.group set`. */
  groupKill: string | null;
  reaper: ReaperLine[];
  /** `Out of memory and no killable processes...`. */
  noKillable: boolean;
  panic: string | null;
  /** Damage noticed while parsing (cut rows, rows before a table header, ...). */
  problems: string[];
  /** Header, task table with rows, and a kill (or no-killable) line were all seen undamaged. */
  complete: boolean;
  /** What a complete report would have had and this one lacks. */
  missing: string[];
  /**
   * The kernel messages (prefixes removed) the parser took as part of this report, in order;
   * the later `oom_reaper` lines are not among them. What tells a repeated report from another.
   */
  messages: string[];
}
