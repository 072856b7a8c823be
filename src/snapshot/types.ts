/**
 * The validated, normalised form of an `oomkit.snapshot/1` document
 * (spec/snapshot-format.md §2). Every default is applied, every reference has been
 * checked, and every `unsigned long` is an exact bigint.
 */

export type Bits = 32 | 64;

export type ZoneName = "DMA" | "DMA32" | "Normal" | "HighMem";

export interface SnapshotNode {
  id: number;
  memory: boolean;
}

export interface SnapshotKernel {
  bits: Bits;
  hz: number;
  /** Whole seconds of the monotonic clock. */
  uptime: bigint;
  panic_on_oom: number;
  CONFIG_NUMA: boolean;
  CONFIG_CPUSETS: boolean;
  nodes: SnapshotNode[];
}

export interface SnapshotCpuset {
  path: string;
  mems: number[];
  mem_exclusive: boolean;
}

export interface SnapshotMm {
  id: string;
  total_vm: bigint;
  /** Resident pages (file + anon + shmem); absent when the document does not give them. */
  rss?: bigint;
  /** Swap entries in pages; absent when not given. */
  swap?: bigint;
}

export interface SnapshotTask {
  pid: number;
  tgid: number;
  parent: number;
  /** The exact children list, always present after normalisation. */
  children: number[];
  comm: string;
  mm: string | null;
  utime: bigint;
  stime: bigint;
  start_time: bigint;
  nice: number;
  uid: number;
  euid: number;
  caps: string[];
  oomkilladj: number;
  flags: string[];
  tif: string[];
  cpuset: string;
  mems_allowed: number[];
}

export interface ZonelistEntry {
  node: number;
  zone: ZoneName;
}

export interface SnapshotRequest {
  /** The OR of the mask, whatever form the document used. */
  gfp_mask: number;
  order: number;
  zonelist: ZonelistEntry[];
}

export interface SnapshotEnv {
  notifier_freed: bigint;
  printk_ratelimit: boolean;
  printk_suppressed: number;
  uninit_nodemask: number[];
}

export interface Snapshot {
  format: "oomkit.snapshot/1";
  kernel: SnapshotKernel;
  cpusets: SnapshotCpuset[];
  mms: SnapshotMm[];
  tasks: SnapshotTask[];
  current: number;
  request: SnapshotRequest;
  env: SnapshotEnv;
}
