/**
 * Against the real kernel (modern-oom §1.3, §1.4, §6): a memory cgroup (v1) of our own with a
 * small limit, four processes of different sizes and oom_score_adj values growing inside it
 * until the kernel's memcg OOM killer fires; then the kernel's own report is read from the log
 * and the replay must name the kernel's own victim. Only the cgroup and processes created here
 * are touched. Skips, saying why, where the machine does not allow it.
 *
 * Set OOMKIT_SAVE_REAL_REPORT=FILE to save the captured report (test/fixtures/reports/real-memcg-v1.txt
 * was made that way).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { describe, expect, it } from "vitest";
import { parseOomReports, replayEvent } from "../src/replay/index.js";
import { runCli } from "./support/cli.js";

const LIMIT_BYTES = 96 * 1024 * 1024;
const DEADLINE_MS = 60_000;
/** Initial MiB and oom_score_adj of each process; all then grow 1 MiB every 25 ms. */
const PLAN: readonly [number, number][] = [
  [40, 0],
  [8, 100],
  [8, 300],
  [4, 500],
];

type Machine =
  | { ok: true; parent: string; logTool: "dmesg" | "kmsg" }
  | { ok: false; reason: string };

function findMemoryCgroup(): Machine {
  if (process.platform !== "linux") return { ok: false, reason: "not Linux" };
  if (process.getuid?.() !== 0) return { ok: false, reason: "not root" };
  let own: string | undefined;
  let mount: string | undefined;
  try {
    for (const line of readFileSync("/proc/self/cgroup", "utf8").split("\n")) {
      const [, controllers, path] = line.split(":");
      if (controllers?.split(",").includes("memory")) own = path;
    }
    for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
      const [left, right] = line.split(" - ");
      const fields = left?.split(" ") ?? [];
      const [fsType, , options] = right?.split(" ") ?? [];
      if (fsType === "cgroup" && options?.split(",").includes("memory") && fields[3] === "/") {
        mount = fields[4];
      }
    }
  } catch {
    return { ok: false, reason: "cannot read /proc/self/cgroup or mountinfo" };
  }
  if (own === undefined || mount === undefined) {
    return { ok: false, reason: "no cgroup v1 memory controller mounted for this process" };
  }
  const parent = own === "/" ? mount : `${mount}${own}`;
  if (!existsSync(`${parent}/memory.limit_in_bytes`)) {
    return { ok: false, reason: `no memory.limit_in_bytes under ${parent}` };
  }
  if (spawnSync("dmesg", [], { stdio: ["ignore", "ignore", "ignore"] }).status === 0) {
    return { ok: true, parent, logTool: "dmesg" };
  }
  try {
    readKmsg();
    return { ok: true, parent, logTool: "kmsg" };
  } catch {
    return { ok: false, reason: "kernel log not readable (no dmesg, no /dev/kmsg)" };
  }
}

/** Every record of /dev/kmsg, read without blocking, as kmsg text. */
function readKmsg(): string {
  const fd = openSync("/dev/kmsg", constants.O_RDONLY | constants.O_NONBLOCK);
  const buf = Buffer.alloc(16384);
  const out: string[] = [];
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") break;
        if (code === "EPIPE") continue; // records overwritten while reading
        throw err;
      }
      out.push(buf.toString("utf8", 0, n));
    }
  } finally {
    closeSync(fd);
  }
  return out.join("");
}

function kernelLog(tool: "dmesg" | "kmsg"): string {
  if (tool === "kmsg") return readKmsg();
  const r = spawnSync("dmesg", [], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return r.stdout;
}

const PERL_GROWER = `
my ($procs, $adj, $mb) = @ARGV;
open(my $f, '>', $procs) or die "cgroup.procs: $!"; print $f $$; close($f) or die "join: $!";
open($f, '>', '/proc/self/oom_score_adj') or die "adj: $!"; print $f $adj; close($f) or die "adj: $!";
my @keep; push @keep, 'a' x ($mb * 1048576);
$| = 1; print "ready\\n";
select(undef, undef, undef, 0.5);
while (1) { push @keep, 'b' x 1048576; select(undef, undef, undef, 0.025); }
`;

function start(procsFile: string, adj: number, mb: number): ChildProcess {
  return spawn("perl", ["-e", PERL_GROWER, procsFile, String(adj), String(mb)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function removeCgroup(dir: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      await sleep(100);
    }
  }
  rmdirSync(dir);
}

const machine = findMemoryCgroup();
const hasPerl = spawnSync("perl", ["-e", "1"]).status === 0;

describe("replay against the real kernel's memcg OOM killer", () => {
  it("spec modern-oom §6: the replay names the victim the kernel chose for our own cgroup", async (ctx) => {
    if (!machine.ok) ctx.skip(`real-kernel OOM test skipped: ${machine.reason}`);
    if (!hasPerl)
      ctx.skip("real-kernel OOM test skipped: perl is needed for the growing processes");
    if (!machine.ok) return;
    const name = `oomkit-test-${process.pid}-${randomBytes(4).toString("hex")}`;
    const dir = `${machine.parent}/${name}`;
    try {
      mkdirSync(dir);
    } catch (err) {
      ctx.skip(`real-kernel OOM test skipped: cannot create ${dir}: ${(err as Error).message}`);
    }
    const children: ChildProcess[] = [];
    /** Children that died of SIGKILL: the kernel's victims (the clean-up sends SIGTERM). */
    const killedByKernel = new Set<number>();
    try {
      writeFileSync(`${dir}/memory.limit_in_bytes`, String(LIMIT_BYTES));
      for (const [mb, adj] of PLAN) children.push(start(`${dir}/cgroup.procs`, adj, mb));
      const deaths = children.map((c) =>
        exited(c).then((signal) => {
          if (signal === "SIGKILL") killedByKernel.add(c.pid!);
          return { pid: c.pid!, signal };
        }),
      );
      const first = await Promise.race([...deaths, sleep(DEADLINE_MS).then(() => null)]);
      expect(first, "no process was killed within the deadline").not.toBeNull();
      expect(first!.signal).toBe("SIGKILL");
    } finally {
      // Two kills close together can reach this process in either order, so the test does not
      // rely on which exit it saw first. The survivors are ended with SIGTERM, so a SIGKILL
      // death is the kernel's (a victim already chosen dies of its pending SIGKILL first).
      const stop = (signal: NodeJS.Signals) => {
        for (const c of children) {
          if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
            try {
              process.kill(c.pid, signal);
            } catch {
              // already gone
            }
          }
        }
      };
      stop("SIGTERM");
      const all = Promise.all(children.map(exited));
      if ((await Promise.race([all, sleep(5000).then(() => "late")])) === "late") stop("SIGKILL");
      await all;
      await removeCgroup(dir);
    }

    const log = kernelLog(machine.logTool);
    const ours = parseOomReports(log).filter((e) =>
      [e.summary?.oomMemcg, e.memcg?.oomCgroup].some((p) => p?.endsWith(`/${name}`)),
    );
    expect(ours.length, "no OOM report for our cgroup in the kernel log").toBeGreaterThan(0);
    const pids = new Set(children.map((c) => c.pid));
    const firstReport = ours[0];
    expect(firstReport.complete, `missing: ${firstReport.missing.join(", ")}`).toBe(true);
    // The library's view of every complete report of ours ...
    for (const r of ours.filter((e) => e.complete).map((e) => replayEvent(e))) {
      expect(pids.has(r.actual?.pid)).toBe(true);
      expect(r.predicted).toEqual(r.actual);
    }
    // ... and the command's, fed the kernel's own lines of those reports on stdin.
    const logLines = log.split("\n");
    const reportText = ours
      .map((e) => logLines.slice(e.firstLine - 1, e.lastLine).join("\n"))
      .join("\n");
    const run = runCli(["replay", "--json", "-"], `${reportText}\n`);
    expect(run.status, run.stderr).toBe(0);
    const docs = run.stdout
      .trimEnd()
      .split("\n")
      .map(
        (l) =>
          JSON.parse(l) as {
            actual: { pid: number } | null;
            predicted: { pid: number } | null;
            complete: boolean;
          },
      );
    expect(docs).toHaveLength(ours.length);
    expect(docs[0].complete).toBe(true);
    for (const doc of docs.filter((d) => d.actual)) {
      expect(killedByKernel.has(doc.actual!.pid), `victim ${doc.actual!.pid}`).toBe(true);
    }
    for (const doc of docs.filter((d) => d.complete)) expect(doc.predicted).toEqual(doc.actual);
    const save = process.env.OOMKIT_SAVE_REAL_REPORT;
    if (save) {
      const lines = log.split("\n").slice(firstReport.firstLine - 1, firstReport.lastLine);
      writeFileSync(save, `${lines.join("\n")}\n`);
    }
  });
});
