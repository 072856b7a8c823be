/**
 * `oomkit guard` against real processes in a memory cgroup (v1) that the test makes,
 * with the kernel's OOM killer switched off there (`memory.oom_control`), so only the
 * guard can act; and a cgroup in the v2 tree for its PSI file (the memory controller is
 * on v1 here, but a v2 cgroup still has memory.pressure). Every process and cgroup here
 * is the test's own and is removed after.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLI, ROOT } from "./support/cli.js";

const V1 = "/sys/fs/cgroup/memory";
/** A cgroup v2 tree without the memory controller but with PSI (guard.md §3). */
const V2 = "/sys/fs/cgroup/unified";
const HOG = join(ROOT, "test/fixtures/guard/hog.mjs");
const GROUP = join(ROOT, "test/fixtures/guard/group.mjs");
const LIMIT = 256 * 1024 * 1024;

function usable(): boolean {
  try {
    accessSync(V1, constants.W_OK);
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/** A v2 tree where the test may make a cgroup with its own memory.pressure. */
function v2Usable(): boolean {
  try {
    accessSync(V2, constants.W_OK);
    accessSync(join(V2, "memory.pressure"), constants.R_OK);
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/** The temporary directory is on a disk, so its files' pages can be dropped and read again. */
function tmpOnDisk(): boolean {
  const TMPFS_MAGIC = 0x01021994;
  try {
    return statfsSync(tmpdir()).type !== TMPFS_MAGIC;
  } catch {
    return false;
  }
}

interface Started {
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function collect(child: ChildProcess): Started {
  const lines: string[] = [];
  let rest = "";
  child.stdout?.on("data", (d: Buffer) => {
    rest += d.toString();
    const parts = rest.split("\n");
    rest = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, exited };
}

const cgroups: string[] = [];
const started: Started[] = [];
let serial = 0;

/** A cgroup of `limit` bytes; the kernel's OOM killer there is off unless `kernelKills`. */
function makeCgroup(kernelKills = false, limit = LIMIT): string {
  const dir = join(V1, `oomkit-guard-test-${process.pid}-${serial++}`);
  mkdirSync(dir);
  cgroups.push(dir);
  writeFileSync(join(dir, "memory.limit_in_bytes"), String(limit));
  writeFileSync(join(dir, "memory.oom_control"), kernelKills ? "0" : "1");
  return dir;
}

/** A cgroup below `parent`, with no limit of its own: the parent's applies to it. */
function makeChildCgroup(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  cgroups.push(dir);
  writeFileSync(join(dir, "memory.oom_control"), "1");
  return dir;
}

/** The pids in one cgroup now (not below it). */
function pidsIn(cg: string): number[] {
  return readFileSync(join(cg, "cgroup.procs"), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map(Number);
}

/**
 * Starts a program inside `cg`: a shell joins the cgroup, then becomes the program.
 * `detached`: it leads a process group (and session) of its own.
 */
function startIn(cg: string, argv: string[], detached = false): Started {
  const child = spawn("sh", ["-c", `echo $$ > '${cg}/cgroup.procs' && exec "$@"`, "sh", ...argv], {
    stdio: ["ignore", "pipe", "ignore"],
    detached,
  });
  const s = collect(child);
  started.push(s);
  return s;
}

function hog(cg: string, name: string, args: string[] = []): Started {
  return startIn(cg, [process.execPath, HOG, name, ...args]);
}

async function ready(s: Started): Promise<void> {
  for (let i = 0; i < 200 && !s.lines.includes("ready"); i++) await sleep(20);
  expect(s.lines).toContain("ready");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function guard(args: string[]): Started {
  const child = spawn(
    process.execPath,
    [CLI, "guard", "--json", "--quiet", "--duration", "15", ...args],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const s = collect(child);
  started.push(s);
  return s;
}

type Rec = { type: string; [k: string]: unknown };

function records(s: Started): Rec[] {
  return s.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
}

/** The first record of a type, read as the shape the test expects of it. */
function first<T>(s: Started, type: string): T {
  return records(s).find((r) => r.type === type) as unknown as T;
}

/** Watches the cgroup's usage and notes when it first reaches each share of the limit. */
function watchUsage(cg: string, shares: number[]): { first: Map<number, number>; stop(): void } {
  const first = new Map<number, number>();
  const timer = setInterval(() => {
    const usage = Number(readFileSync(join(cg, "memory.usage_in_bytes"), "utf8"));
    for (const s of shares) if (!first.has(s) && usage >= s * LIMIT) first.set(s, Date.now());
  }, 2);
  return { first, stop: () => clearInterval(timer) };
}

afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null && s.child.pid !== undefined) {
      s.child.kill("SIGKILL");
    }
    await s.exited;
  }
  // Whatever is still in a test's cgroup was started by the test (a hog's own children
  // included): end each by its pid, then remove the cgroups, the deepest first.
  for (const dir of cgroups.splice(0).reverse()) {
    for (let i = 0; i < 100; i++) {
      let left: number[] = [];
      try {
        left = pidsIn(dir);
      } catch {
        break;
      }
      if (left.length === 0) break;
      for (const pid of left) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Exited meanwhile.
        }
      }
      await sleep(20);
    }
    for (let i = 0; i < 100; i++) {
      try {
        rmdirSync(dir);
        break;
      } catch {
        await sleep(20);
      }
    }
  }
});

describe.skipIf(!usable())(
  "oomkit guard on a real memory cgroup (v1, kernel OOM killer off)",
  () => {
    it("kills a fast hog exactly once, soon after it crosses, and never the bystander", async () => {
      const cg = makeCgroup();
      const bystander = startIn(cg, ["sleep", "60"]);
      const fast = hog(cg, "fast-hog", ["--step", "8", "--every", "20", "--delay", "800"]);
      await ready(fast);
      const usage = watchUsage(cg, [0.9, 0.95]);
      // No --max-kills: the guard runs on after the kill, so a second kill would show.
      const g = guard(["--cgroup", cg, "--duration", "4"]);
      const end = await g.exited;
      usage.stop();
      expect(end.code).toBe(0);
      const kills = records(g).filter((r) => r.type === "kill");
      expect(kills).toHaveLength(1);
      const kill = kills[0] as unknown as { time: string; level: string; victim: { pid: number } };
      expect(kill.victim.pid).toBe(fast.child.pid);
      expect((await fast.exited).signal).toMatch(/SIGTERM|SIGKILL/);
      // The level the kill was sent at was first reached this long before the signal.
      const crossed = usage.first.get(kill.level === "kill" ? 0.95 : 0.9)!;
      const delay = Date.parse(kill.time) - crossed;
      expect(delay).toBeLessThanOrEqual(100 + 100 + 200);
      expect(bystander.child.exitCode).toBeNull();
      expect(bystander.child.signalCode).toBeNull();
    }, 30_000);

    it("does not kill a slow leak that stays below the TERM level", async () => {
      const cg = makeCgroup();
      const slow = hog(cg, "slow-leak", ["--step", "4", "--every", "50", "--until", "160"]);
      await ready(slow);
      const g = guard(["--cgroup", cg, "--duration", "3"]);
      await g.exited;
      expect(records(g).filter((r) => r.type === "kill")).toEqual([]);
      expect(slow.child.exitCode).toBeNull();
    }, 30_000);

    it("--avoid moves the kill to another process", async () => {
      const cg = makeCgroup();
      const other = hog(cg, "static-a", ["--step", "60", "--until", "60", "--delay", "0"]);
      await ready(other);
      await sleep(300);
      const grower = hog(cg, "grower-b", ["--step", "8", "--every", "30", "--delay", "800"]);
      await ready(grower);
      const g = guard(["--cgroup", cg, "--max-kills", "1", "--avoid", "cmdline:grower-b"]);
      await g.exited;
      const kill = first<{ victim: { pid: number } }>(g, "kill");
      expect(kill.victim.pid).toBe(other.child.pid);
      expect((await other.exited).signal).toMatch(/SIGTERM|SIGKILL/);
    }, 30_000);

    it("gives SIGKILL to a hog that ignores SIGTERM once --term-timeout has passed", async () => {
      const cg = makeCgroup();
      // With node's own 8 MiB, holds about 92 % of the limit: above TERM (90 %), below KILL (95 %).
      const stubborn = hog(cg, "stubborn", [
        "--step",
        "4",
        "--every",
        "20",
        "--until",
        "228",
        "--ignore-term",
      ]);
      await ready(stubborn);
      const g = guard(["--cgroup", cg, "--max-kills", "1", "--term-timeout", "1"]);
      await g.exited;
      const rs = records(g);
      const types = rs.map((r) => r.type).filter((t) => t !== "warning");
      expect(types).toEqual(["start", "kill", "escalate", "outcome", "stop"]);
      expect(rs.find((r) => r.type === "kill")).toMatchObject({ signal: "SIGTERM" });
      const esc = first<{ after_ms: number }>(g, "escalate");
      expect(esc.after_ms).toBeGreaterThanOrEqual(1000);
      expect((await stubborn.exited).signal).toBe("SIGKILL");
    }, 30_000);

    it("a dry run picks the same victim and signals nothing", async () => {
      const cg = makeCgroup();
      const bystander = startIn(cg, ["sleep", "60"]);
      const big = hog(cg, "dry-hog", ["--step", "8", "--every", "20", "--until", "232"]);
      await ready(big);
      const g = guard(["--cgroup", cg, "--max-kills", "1", "--dry-run"]);
      await g.exited;
      const kill = first<unknown>(g, "kill") as {
        dry_run: boolean;
        victim: { pid: number };
      };
      expect(kill).toMatchObject({ dry_run: true, victim: { pid: big.child.pid } });
      await sleep(200);
      expect(big.child.exitCode).toBeNull();
      expect(big.child.signalCode).toBeNull();
      expect(bystander.child.signalCode).toBeNull();
    }, 30_000);
    it("--scope process-group: the largest hog first, then its whole process group", async () => {
      const cg = makeCgroup();
      const bystander = startIn(cg, ["sleep", "60"]);
      // One hog holds 100 MiB at once; two grow at 40 MiB/s each, from 1.5 s on, so the
      // first kill (the largest) frees memory that the two take back within seconds.
      const hogs = [
        ["group-big", "--step", "20", "--every", "20", "--until", "100", "--delay", "0"],
        ["group-b", "--step", "2", "--every", "50", "--delay", "1500"],
        ["group-c", "--step", "2", "--every", "50", "--delay", "1500"],
      ];
      const leader = startIn(cg, [process.execPath, GROUP, JSON.stringify(hogs)], true);
      await ready(leader);
      const pids = leader.lines
        .find((l) => l.startsWith("pids "))!
        .split(" ")
        .slice(1)
        .map(Number);
      const g = guard([
        "--cgroup",
        cg,
        "--scope",
        "process-group",
        "--max-kills",
        "2",
        // Growth slows on a loaded machine: room for the second kill to come late.
        "--duration",
        "30",
        "--recovery-timeout",
        "1",
      ]);
      await g.exited;
      const kills = records(g).filter((r) => r.type === "kill") as unknown as {
        target: string;
        victim: { pid: number };
      }[];
      expect(kills.map((k) => k.target)).toEqual(["process", `process group ${leader.child.pid}`]);
      expect(kills[0]!.victim.pid).toBe(pids[0]);
      expect(pids.slice(1)).toContain(kills[1]!.victim.pid);
      expect(records(g).filter((r) => r.type === "kill_failed")).toEqual([]);
      expect((await leader.exited).signal).toMatch(/SIGTERM|SIGKILL/);
      // The group's hogs leave the cgroup as they exit; only the bystander stays.
      for (let i = 0; i < 250 && pidsIn(cg).length > 1; i++) await sleep(20);
      expect(pidsIn(cg)).toEqual([bystander.child.pid]);
      expect(bystander.child.signalCode).toBeNull();
    }, 60_000);

    it("--scope cgroup: the largest hog first, then every process of its child cgroup", async () => {
      const cg = makeCgroup();
      const sub = makeChildCgroup(cg, "child");
      const bystander = startIn(cg, ["sleep", "60"]);
      const sleeper = startIn(sub, ["sleep", "60"]);
      // One hog holds 140 MiB at once, the largest when the TERM level is first reached;
      // the other grows at 80 MiB/s from 1.5 s on and reaches it again after that kill.
      const big = hog(sub, "cg-big", ["--step", "20", "--every", "20", "--until", "140"]);
      const grower = hog(sub, "cg-grower", ["--step", "4", "--every", "50", "--delay", "1500"]);
      await ready(big);
      await ready(grower);
      const g = guard([
        "--cgroup",
        cg,
        "--scope",
        "cgroup",
        "--max-kills",
        "2",
        // Growth slows on a loaded machine: room for the second kill to come late.
        "--duration",
        "30",
        "--recovery-timeout",
        "1",
      ]);
      await g.exited;
      const kills = records(g).filter((r) => r.type === "kill") as unknown as {
        target: string;
        victim: { pid: number };
      }[];
      expect(kills).toHaveLength(2);
      expect(kills[0]).toMatchObject({ target: "process", victim: { pid: big.child.pid } });
      expect(kills[1]!.victim.pid).toBe(grower.child.pid);
      expect(kills[1]!.target).toMatch(/^cgroup \/.*\/child \(2 processes\)$/);
      expect((await big.exited).signal).toMatch(/SIGTERM|SIGKILL/);
      expect((await grower.exited).signal).toMatch(/SIGTERM|SIGKILL/);
      expect((await sleeper.exited).signal).toMatch(/SIGTERM|SIGKILL/);
      expect(bystander.child.signalCode).toBeNull();
      expect(bystander.child.exitCode).toBeNull();
    }, 60_000);

    it.skipIf(!v2Usable() || !tmpOnDisk())(
      "the PSI trigger reads a real cgroup v2 memory.pressure: a page-cache thrash raises it",
      async () => {
        // 32 MiB of memory for a loop reading a 96 MiB file: every page read again has
        // been reclaimed meanwhile, and the reclaim and refaults are memory stalls.
        const cg = makeCgroup(false, 32 * 1024 * 1024);
        const v2 = join(V2, `oomkit-guard-test-${process.pid}-${serial++}`);
        mkdirSync(v2);
        cgroups.push(v2);
        const dir = mkdtempSync(join(tmpdir(), "oomkit-guard-psi-"));
        try {
          const file = join(dir, "thrash.bin");
          // Written past the page cache (O_DIRECT), so the first read is charged here.
          const dd = spawnSync("dd", [
            "if=/dev/zero",
            `of=${file}`,
            "bs=1M",
            "count=96",
            "oflag=direct",
            "status=none",
          ]);
          expect(dd.status).toBe(0);
          const psiFile = join(v2, "memory.pressure");
          const g = guard([
            "--cgroup",
            cg,
            "--cgroup-used",
            "1",
            "--psi",
            "some:1,99",
            "--psi-file",
            psiFile,
            "--psi-for",
            "0.5",
            "--dry-run",
            "--max-kills",
            "1",
            "--duration",
            "40",
          ]);
          for (let i = 0; i < 250 && !g.lines.some((l) => l.includes('"start"')); i++) {
            await sleep(20);
          }
          // A new cgroup has had no stall: nothing to do yet.
          await sleep(500);
          expect(records(g).filter((r) => r.type === "kill")).toEqual([]);
          const thrashFrom = Date.now();
          const thrash = spawn("sh", [
            "-c",
            `echo $$ > '${cg}/cgroup.procs' && echo $$ > '${v2}/cgroup.procs' && while :; do cat '${file}' > /dev/null; done`,
          ]);
          const t = collect(thrash);
          started.push(t);
          await g.exited;
          const kill = first<{
            time: string;
            dry_run: boolean;
            level: string;
            triggers: { name: string; level: string; value: string }[];
            victim: { comm: string };
          }>(g, "kill");
          expect(kill).toMatchObject({ dry_run: true, level: "term" });
          expect(Date.parse(kill.time)).toBeGreaterThan(thrashFrom);
          const psi = kill.triggers.find((x) => x.name === "pressure")!;
          expect(psi.level).toBe("term");
          const avg10 = Number(/avg10 ([\d.]+) %/.exec(psi.value)?.[1]);
          expect(avg10).toBeGreaterThanOrEqual(1);
          // The kernel's own figure in the file agrees that the cgroup stalled.
          const total = Number(/^some .*total=(\d+)/m.exec(readFileSync(psiFile, "utf8"))?.[1]);
          expect(total).toBeGreaterThan(0);
          // The loop's shell or one of its cats: nothing else is in the cgroup.
          expect(["sh", "cat"]).toContain(kill.victim.comm);
          expect(thrash.signalCode).toBeNull();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      60_000,
    );

    it.skipIf(!kmsgReadable())(
      "--shadow records a real memcg OOM kill by the kernel and the guard's verdict",
      async () => {
        const cg = makeCgroup(true);
        const bystander = startIn(cg, ["sleep", "60"]);
        // Stopped by the test once the kernel's kill is recorded: a loaded machine may
        // take seconds to start the guard and the hog, and a fixed duration can end first.
        const g = guard(["--cgroup", cg, "--shadow", "--duration", "40"]);
        for (let i = 0; i < 500 && !g.lines.some((l) => l.includes('"start"')); i++) {
          await sleep(20);
        }
        expect(g.lines.some((l) => l.includes('"start"'))).toBe(true);
        // 100 MiB/s: the 26 MiB from TERM to the limit take about 260 ms, several polls.
        const victim = hog(cg, "shadow-hog", ["--step", "2", "--every", "20"]);
        expect((await victim.exited).signal).toBe("SIGKILL");
        const isMine = (r: Rec) =>
          r.type === "kernel_oom" &&
          (r.kernel_victim as { pid: number } | null)?.pid === victim.child.pid;
        for (let i = 0; i < 750 && !records(g).some(isMine); i++) await sleep(20);
        g.child.kill("SIGINT");
        await g.exited;
        const mine = records(g).find(isMine);
        expect(mine).toMatchObject({
          constraint: "CONSTRAINT_MEMCG",
          replay_agrees: true,
          guard_victim: { pid: victim.child.pid },
          guard_agrees: true,
        });
        const kills = records(g).filter((r) => r.type === "kill");
        expect(kills.every((r) => r.dry_run === true)).toBe(true);
        expect(bystander.child.signalCode).toBeNull();
      },
      60_000,
    );
  },
);

function kmsgReadable(): boolean {
  try {
    accessSync("/dev/kmsg", constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
