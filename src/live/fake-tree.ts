/**
 * Writes a fake /proc tree from a short description: the fixtures under test/fixtures/proc
 * were made with it, and the rank benchmark builds its 1,000- and 10,000-process trees
 * with it. Files follow proc(5) closely enough for the live reader.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface FakeThread {
  tid: number;
  comm?: string | Uint8Array;
  state?: string;
  utimeTicks?: number;
  stimeTicks?: number;
  nice?: number;
  startTicks?: number;
  flags?: number;
  /** Children listed in task/TID/children; null: no children file. */
  children?: number[] | null;
  /** Whether this thread still has the mm (default: as the process). */
  hasMm?: boolean;
}

export interface FakeProcess {
  pid: number;
  ppid: number;
  /** The name as a string or raw bytes (invalid UTF-8, newlines and all). */
  comm: string | Uint8Array;
  state?: string;
  uid?: number;
  capEff?: bigint;
  oomScoreAdj?: number;
  /** What oom_score shows; omitted: no file. */
  oomScore?: number;
  rssPages?: number;
  vsizePages?: number;
  swapKb?: number;
  pteKb?: number;
  /** A kernel thread: no mm, PF_KTHREAD. */
  kthread?: boolean;
  /** Write the `Kthread:` status line (recent kernels); default true. */
  kthreadLine?: boolean;
  /** No mm (zombie or exited): no Vm lines, vsize and rss 0. */
  noMm?: boolean;
  flags?: number;
  utimeTicks?: number;
  stimeTicks?: number;
  nice?: number;
  startTicks?: number;
  /** The leader's own children file. */
  children?: number[] | null;
  /** Threads other than the leader. */
  threads?: FakeThread[];
  /** /proc/PID/cmdline arguments (NUL-separated in the file); omitted: empty. */
  cmdline?: string[];
  /** /proc/PID/cgroup text; omitted: no file. */
  cgroup?: string;
  /** Files (relative to the pid directory) to leave out, e.g. "status", "task". */
  omit?: string[];
}

export interface FakeMachine {
  memTotalKb: number;
  swapTotalKb?: number;
  /** MemAvailable and SwapFree lines; omitted: no MemAvailable line, SwapFree = SwapTotal. */
  memAvailableKb?: number;
  swapFreeKb?: number;
  uptime?: string;
  osrelease?: string | null;
  zoneinfo?: string | null;
  processes: FakeProcess[];
}

const PF_KTHREAD = 0x00200000;
const PAGE = 4096;

function bytesOf(name: string | Uint8Array): Buffer {
  return typeof name === "string" ? Buffer.from(name, "utf8") : Buffer.from(name);
}

/** The stat line, with the name spliced in as raw bytes. */
function statLine(p: FakeProcess, t: FakeThread | null, threads: number): Buffer {
  const id = t?.tid ?? p.pid;
  const mm = t?.hasMm ?? !(p.kthread || p.noMm);
  const vsize = mm ? BigInt(p.vsizePages ?? (p.rssPages ?? 0) * 2) * BigInt(PAGE) : 0n;
  const rss = mm ? (p.rssPages ?? 0) : 0;
  const flags = (t?.flags ?? p.flags ?? 0x400000) | (p.kthread ? PF_KTHREAD : 0);
  const fields = [
    t?.state ?? p.state ?? "S",
    p.ppid,
    p.pid,
    p.pid,
    0,
    -1,
    flags,
    100,
    0,
    0,
    0,
    t?.utimeTicks ?? p.utimeTicks ?? 0,
    t?.stimeTicks ?? p.stimeTicks ?? 0,
    0,
    0,
    20,
    t?.nice ?? p.nice ?? 0,
    threads,
    0,
    t?.startTicks ?? p.startTicks ?? 100,
    vsize,
    rss,
    "18446744073709551615",
    ...Array.from({ length: 28 }, () => 0),
  ];
  return Buffer.concat([
    Buffer.from(`${id} (`),
    bytesOf(t?.comm ?? p.comm),
    Buffer.from(`) ${fields.join(" ")}\n`),
  ]);
}

/** Status escapes the name as the kernel does (newline as \n, backslash as \\). */
function statusText(p: FakeProcess, tid: number, threads: number): string {
  const name = bytesOf(p.comm).toString("latin1").replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  const uid = p.uid ?? 1000;
  const lines = [
    `Name:\t${name}`,
    `State:\t${p.state ?? "S"} (sleeping)`,
    `Tgid:\t${p.pid}`,
    `Pid:\t${tid}`,
    `PPid:\t${p.ppid}`,
    `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`,
    `NSpid:\t${tid}`,
  ];
  if (p.kthreadLine !== false) lines.push(`Kthread:\t${p.kthread ? 1 : 0}`);
  if (!(p.kthread || p.noMm)) {
    const rssKb = (p.rssPages ?? 0) * 4;
    lines.push(
      `VmSize:\t${(p.vsizePages ?? (p.rssPages ?? 0) * 2) * 4} kB`,
      `VmRSS:\t${rssKb} kB`,
      `RssAnon:\t${rssKb} kB`,
      "RssFile:\t0 kB",
      "RssShmem:\t0 kB",
      `VmPTE:\t${p.pteKb ?? 0} kB`,
      `VmSwap:\t${p.swapKb ?? 0} kB`,
    );
  }
  lines.push(
    `Threads:\t${threads}`,
    `CapEff:\t${(p.capEff ?? 0n).toString(16).padStart(16, "0")}`,
    "Mems_allowed_list:\t0",
  );
  return `${lines.join("\n")}\n`;
}

export function writeFakeProc(root: string, m: FakeMachine): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(
    join(root, "meminfo"),
    `MemTotal:       ${m.memTotalKb} kB\nMemFree:        ${Math.floor(m.memTotalKb / 2)} kB\n` +
      (m.memAvailableKb === undefined ? "" : `MemAvailable:   ${m.memAvailableKb} kB\n`) +
      `SwapTotal:      ${m.swapTotalKb ?? 0} kB\n` +
      `SwapFree:       ${m.swapFreeKb ?? m.swapTotalKb ?? 0} kB\n`,
  );
  writeFileSync(join(root, "uptime"), `${m.uptime ?? "100000.25 190000.50"}\n`);
  if (m.osrelease !== null) {
    mkdirSync(join(root, "sys", "kernel"), { recursive: true });
    writeFileSync(join(root, "sys", "kernel", "osrelease"), `${m.osrelease ?? "6.18.44-fake"}\n`);
  }
  if (m.zoneinfo !== null) {
    writeFileSync(
      join(root, "zoneinfo"),
      m.zoneinfo ??
        "Node 0, zone      DMA\n        present  3998\n        managed  3840\n" +
          "Node 0, zone    DMA32\n        present  782336\n        managed  772808\n" +
          "Node 0, zone   Normal\n        present  5505024\n        managed  5400000\n" +
          "Node 0, zone  Movable\n        present  0\n        managed  0\n",
    );
  }
  for (const p of m.processes) writeProcess(root, p);
}

function writeProcess(root: string, p: FakeProcess): void {
  const omit = new Set(p.omit ?? []);
  const dir = join(root, String(p.pid));
  mkdirSync(dir, { recursive: true });
  const threads = 1 + (p.threads?.length ?? 0);
  const put = (name: string, data: string | Buffer) => {
    if (!omit.has(name)) writeFileSync(join(dir, name), data);
  };
  put("stat", statLine(p, null, threads));
  put("status", statusText(p, p.pid, threads));
  const mm = !(p.kthread || p.noMm);
  const vsizePages = mm ? (p.vsizePages ?? (p.rssPages ?? 0) * 2) : 0;
  put("statm", `${vsizePages} ${mm ? (p.rssPages ?? 0) : 0} 0 1 0 1 0\n`);
  put("oom_score_adj", `${p.oomScoreAdj ?? 0}\n`);
  if (p.oomScore !== undefined) put("oom_score", `${p.oomScore}\n`);
  put("wchan", "0");
  put("cmdline", (p.cmdline ?? []).map((a) => `${a}\0`).join(""));
  if (p.cgroup !== undefined) put("cgroup", p.cgroup);
  if (omit.has("task")) return;
  const leader: FakeThread = { tid: p.pid, children: p.children ?? [] };
  for (const t of [leader, ...(p.threads ?? [])]) {
    const tdir = join(dir, "task", String(t.tid));
    mkdirSync(tdir, { recursive: true });
    if (!omit.has(`task/${t.tid}/stat`)) writeFileSync(join(tdir, "stat"), statLine(p, t, threads));
    if (t.children !== null && !omit.has(`task/${t.tid}/children`)) {
      const list = t.children ?? [];
      writeFileSync(join(tdir, "children"), list.length === 0 ? "" : `${list.join(" ")} `);
    }
  }
}
