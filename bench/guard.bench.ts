/**
 * `oomkit guard` side by side with earlyoom (Debian's package, installed here when absent
 * and run in the foreground, never as a service): idle CPU and RSS over a window with
 * thresholds that never trigger, CPU per idle poll, and the cost of choosing a victim
 * among about 1,000 processes (earlyoom `--dryrun` re-selecting every 100 ms below its
 * threshold, the guard in `--dry-run` doing the same). Targets: idle CPU <= 0.1 % of a
 * core, RSS <= 60 MiB, choosing no slower than earlyoom.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decide } from "../src/guard/decide.js";
import { makeLister, Sensors } from "../src/live/guard-io.js";
import { nodeProcFs } from "../src/live/procfs.js";
import { policyByName } from "../src/policy/registry.js";
import type { BenchRow } from "./oom.bench.js";

const CLI = join(import.meta.dirname, "../src/cli/main.js");
const TICKS_PER_SECOND = 100;
const IDLE_SECONDS = Number(process.env.GUARD_IDLE_SECONDS ?? 60);
const CHOOSE_SECONDS = 5;
const CHOOSE_ROUNDS = 3;
const BYSTANDERS = 1000;

function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

/** Installs Debian's earlyoom with service starts refused, so it never runs as a daemon. */
function ensureEarlyoom(): string | null {
  const found = which("earlyoom");
  if (found !== null || process.getuid?.() !== 0 || which("apt-get") === null) return found;
  const policy = "/usr/sbin/policy-rc.d";
  const hadPolicy = existsSync(policy);
  try {
    if (!hadPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    try {
      execFileSync("apt-get", ["install", "-y", "earlyoom"], { stdio: "ignore", env });
    } catch {
      execFileSync("apt-get", ["update"], { stdio: "ignore", env });
      execFileSync("apt-get", ["install", "-y", "earlyoom"], { stdio: "ignore", env });
    }
  } catch {
    return null;
  } finally {
    if (!hadPolicy) rmSync(policy, { force: true });
  }
  return which("earlyoom");
}

interface Usage {
  cpuTicks: number;
  rssKb: number;
}

function usageOf(pid: number): Usage {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const status = readFileSync(`/proc/${pid}/status`, "latin1");
  const rss = /VmRSS:\s+(\d+)/.exec(status);
  return { cpuTicks: Number(rest[11]) + Number(rest[12]), rssKb: rss ? Number(rss[1]) : 0 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface Run {
  child: ChildProcess;
  output: () => string;
}

function start(cmd: string, args: string[]): Run {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  return { child, output: () => out };
}

async function stop(run: Run): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  const done = new Promise((r) => run.child.once("exit", r));
  run.child.kill("SIGTERM");
  await done;
}

interface Window {
  cpuPercent: number;
  rssMib: number;
  cpuMs: number;
  /** How much `events` grew over the window. */
  events: number;
}

/**
 * CPU time and RSS of a program over `seconds`, after it has settled; `events` is
 * read at both ends (choices made, polls done).
 */
async function measureWindow(
  run: Run,
  seconds: number,
  events: () => Promise<number> = async () => 0,
  settleMs = 3000,
): Promise<Window> {
  await sleep(settleMs);
  const pid = run.child.pid!;
  const e0 = await events();
  const before = usageOf(pid);
  await sleep(seconds * 1000);
  const after = usageOf(pid);
  const e1 = await events();
  const cpuMs = ((after.cpuTicks - before.cpuTicks) * 1000) / TICKS_PER_SECOND;
  return {
    cpuMs,
    cpuPercent: (cpuMs / (seconds * 1000)) * 100,
    rssMib: after.rssKb / 1024,
    events: e1 - e0,
  };
}

/** The guard's poll count from its metrics endpoint (one choice per poll below a level). */
async function guardPolls(run: Run): Promise<number> {
  const address = /"metrics":"([^"]+)"/.exec(run.output())?.[1];
  if (address === undefined) return 0;
  const text = await (await fetch(`http://${address}/metrics`)).text();
  return Number(/oomkit_guard_poll_duration_seconds_count (\d+)/.exec(text)?.[1] ?? 0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * The guard's choice (list every process, score, rank) in this process: CPU time per
 * choice (user + system, so a loaded machine's waiting is not counted), median of rounds.
 */
async function chooseInProcess(): Promise<number> {
  const fs = nodeProcFs();
  const sensors = new Sensors({ meminfo: "/proc/meminfo", pressure: null, cgroup: null });
  const lister = await makeLister({
    fs,
    cgroup: null,
    need: new Set(),
    bits: 64,
    selfPid: process.pid,
    shortlist: 16,
    rules: [],
  });
  const policy = policyByName("modern");
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = process.cpuUsage();
    for (let j = 0; j < 10; j++) {
      const list = await lister.list(sensors.read());
      decide({
        candidates: list.candidates,
        policy,
        ctx: list.ctx,
        rules: [],
        protectedPids: list.protectedPids,
      });
    }
    const used = process.cpuUsage(t0);
    times.push((used.user + used.system) / 1000 / 10);
  }
  lister.close();
  sensors.close();
  return median(times.slice(3));
}

function pollCostMicros(): number {
  const sensors = new Sensors({
    meminfo: "/proc/meminfo",
    pressure: "/proc/pressure/memory",
    cgroup: null,
  });
  for (let i = 0; i < 1000; i++) sensors.read();
  const n = 20000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sensors.read();
  const us = ((performance.now() - t0) * 1000) / n;
  sensors.close();
  return us;
}

/** Starts `count` sleeping processes of our own, so the machine has about 1,000. */
async function startBystanders(count: number): Promise<ChildProcess[]> {
  const kids: ChildProcess[] = [];
  for (let i = 0; i < count; i++) kids.push(spawn("sleep", ["600"], { stdio: "ignore" }));
  await sleep(500);
  return kids;
}

async function endBystanders(kids: ChildProcess[]): Promise<void> {
  await Promise.all(
    kids.map(
      (k) =>
        new Promise<void>((resolve) => {
          if (k.exitCode !== null || k.signalCode !== null) return resolve();
          k.once("exit", () => resolve());
          k.kill("SIGKILL");
        }),
    ),
  );
}

function count(text: string, re: RegExp): number {
  return (text.match(re) ?? []).length;
}

export async function benchGuard(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const earlyoom = ensureEarlyoom();
  const note = (name: string) => `${name}${earlyoom === null ? " (earlyoom unavailable)" : ""}`;

  // 1. Idle: both at once, thresholds far below what this machine has.
  const guardIdle = start(process.execPath, [CLI, "guard", "-m", "1", "-s", "1", "-q"]);
  const eoIdle = earlyoom === null ? null : start(earlyoom, ["-m", "1", "-s", "1", "-r", "0"]);
  const [g, e] = await Promise.all([
    measureWindow(guardIdle, IDLE_SECONDS),
    eoIdle === null ? Promise.resolve(null) : measureWindow(eoIdle, IDLE_SECONDS),
  ]);
  await stop(guardIdle);
  if (eoIdle !== null) await stop(eoIdle);
  rows.push({
    name: `guard idle CPU over ${IDLE_SECONDS} s`,
    value: g.cpuPercent,
    unit: "% of a core",
    target: 0.1,
  });
  if (e !== null)
    rows.push({
      name: `earlyoom idle CPU over ${IDLE_SECONDS} s`,
      value: e.cpuPercent,
      unit: "% of a core",
    });
  rows.push({ name: "guard RSS", value: g.rssMib, unit: "MiB", target: 60 });
  if (e !== null) rows.push({ name: "earlyoom RSS", value: e.rssMib, unit: "MiB" });
  rows.push({
    name: "guard CPU per idle poll (1 poll/s)",
    value: (g.cpuMs * 1000) / IDLE_SECONDS,
    unit: "us",
  });
  if (e !== null)
    rows.push({
      name: "earlyoom CPU per idle poll (1 poll/s)",
      value: (e.cpuMs * 1000) / IDLE_SECONDS,
      unit: "us",
    });
  rows.push({
    name: "guard sensor read (meminfo + PSI), in process",
    value: pollCostMicros(),
    unit: "us",
  });

  // 2. Choosing among about 1,000 processes.
  const kids = await startBystanders(BYSTANDERS);
  try {
    const total = readdirSync("/proc").filter((n) => /^\d+$/.test(n)).length;
    rows.push({
      name: `guard CPU per choice among ${total} processes, in process`,
      value: await chooseInProcess(),
      unit: "ms",
    });
    // Both at once, in the same windows, so they meet the same load; median of rounds.
    const guardPer: number[] = [];
    const eoPer: number[] = [];
    for (let round = 0; round < CHOOSE_ROUNDS; round++) {
      const guardSel = start(process.execPath, [
        CLI,
        "guard",
        "--dry-run",
        "-m",
        "99",
        "-s",
        "100",
        "-j",
        "-q",
        "--metrics",
        "127.0.0.1:0",
      ]);
      const eoSel =
        earlyoom === null
          ? null
          : start(earlyoom, ["--dryrun", "-m", "99", "-s", "100", "-r", "0"]);
      const choices = async () =>
        eoSel === null ? 0 : count(eoSel.output(), /sending SIGTERM to process/g);
      const [gs, es] = await Promise.all([
        measureWindow(guardSel, CHOOSE_SECONDS, () => guardPolls(guardSel)),
        eoSel === null ? Promise.resolve(null) : measureWindow(eoSel, CHOOSE_SECONDS, choices),
      ]);
      await stop(guardSel);
      if (eoSel !== null) await stop(eoSel);
      guardPer.push(gs.cpuMs / Math.max(1, gs.events));
      if (es !== null) eoPer.push(es.cpuMs / Math.max(1, es.events));
    }
    rows.push({
      name: "guard CPU per victim choice (--dry-run, ~1,000 processes)",
      value: median(guardPer),
      unit: "ms",
    });
    if (eoPer.length > 0) {
      rows.push({
        name: "earlyoom CPU per victim choice (--dryrun, same windows)",
        value: median(eoPer),
        unit: "ms",
      });
      rows.push({
        name: "guard / earlyoom, CPU per victim choice",
        value: median(guardPer.map((g, i) => g / eoPer[i]!)),
        unit: "ratio",
        target: 1,
      });
    }
  } finally {
    await endBystanders(kids);
  }
  rows.forEach((r) => {
    r.name = r.name.startsWith("earlyoom") ? note(r.name) : r.name;
  });
  return rows;
}
