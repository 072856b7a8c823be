/**
 * `oomkit guard` end to end on fake /proc trees: the effective configuration, the rules
 * shown with --test-rules, a dry run, metrics, and one-line errors with their exit codes.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FakeMachine, writeFakeProc } from "../src/live/fake-tree.js";
import { CLI, ROOT, runCli } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "oomkit-guard-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MACHINE: FakeMachine = {
  memTotalKb: 4 * 1024 * 1024,
  memAvailableKb: 150 * 1024,
  processes: [
    { pid: 1, ppid: 0, comm: "init", uid: 0, rssPages: 50_000 },
    { pid: 2, ppid: 0, comm: "kthreadd", kthread: true },
    {
      pid: 300,
      ppid: 1,
      comm: "browser",
      rssPages: 400_000,
      cmdline: ["/usr/bin/browser", "--tab"],
    },
    { pid: 400, ppid: 1, comm: "db", rssPages: 600_000, oomScoreAdj: -1000 },
    { pid: 500, ppid: 1, comm: "helper", rssPages: 20_000, oomScoreAdj: 800 },
    { pid: 600, ppid: 1, comm: "build", rssPages: 300_000, cmdline: ["make", "-j8"] },
  ],
};
const root = join(dir, "proc");
writeFakeProc(root, MACHINE);

/** The spec's example snapshot with each mm's resident and swapped pages given. */
function snapshotWithRss(): string {
  const doc = JSON.parse(
    readFileSync(join(ROOT, "test/fixtures/snapshots/spec-example.json"), "utf8"),
  );
  const rss: Record<string, number> = { init: 100, bash: 5_000, java: 200_000, cron: 300 };
  for (const mm of doc.mms) Object.assign(mm, { rss: rss[mm.id], swap: 10 });
  const file = join(dir, "snapshot.json");
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe("oomkit guard on a fake tree", () => {
  it("--print-config gives the thresholds in bytes for this machine", () => {
    const r = runCli(["guard", "--root", root, "--print-config", "-m", "10,5", "-M", "300MiB"]);
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout);
    // 10 % of 4 GiB is 409.6 MiB; the lower of that and 300 MiB applies.
    expect(c.memory).toMatchObject({ term_below_bytes: 300 * 1024 * 1024, kill_percent: 5 });
    expect(c.swap.note).toContain("no swap");
    expect(c.policy).toBe("modern");
  });
  it("a config file is read and flags win over it", () => {
    const file = join(dir, "guard.yaml");
    writeFileSync(file, "memory: {term: 20, kill: 10}\npolicy: largest-rss\nprefer: [build]\n");
    const r = runCli(["guard", "--root", root, "--print-config", "-c", file, "--policy", "2.6.20"]);
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c).toMatchObject({ policy: "2.6.20", rules: ["prefer comm:build"] });
    expect(c.memory).toMatchObject({ term_percent: 20, kill_percent: 10 });
  });
  it("--test-rules shows the order, the exclusions and the rules that matched", () => {
    const r = runCli([
      "guard",
      "--root",
      root,
      "--test-rules",
      "--json",
      "--avoid",
      "cmdline:--tab",
      "--ignore",
      "^helper$",
    ]);
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout);
    const byPid = Object.fromEntries(d.processes.map((p: { pid: number }) => [p.pid, p])) as Record<
      number,
      { order: number | null; excluded: string | null; rank: string }
    >;
    expect(byPid[1]!.excluded).toBe("pid 1");
    expect(byPid[2]!.excluded).toBe("kernel thread");
    expect(byPid[400]!.excluded).toBe("oom_score_adj is -1000");
    expect(byPid[500]!.excluded).toContain("ignored");
    expect(byPid[600]!.order).toBe(1);
    expect(byPid[300]).toMatchObject({ order: 2, rank: "avoided" });
    const text = runCli(["guard", "--root", root, "--test-rules"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("the victim");
  });
  it("--test-rules --snapshot orders a snapshot's processes; cmdline, exe and cgroup rules do not apply", () => {
    const file = snapshotWithRss();
    const rules = ["--prefer", "^bash$", "--avoid", "uid:^1000$", "--ignore", "exe:java"];
    const r = runCli(["guard", "--test-rules", "--snapshot", file, "--json", ...rules]);
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d.source).toBe(`snapshot ${file}`);
    expect(d.policy).toBe("modern");
    expect(d.rules).toEqual(["prefer comm:^bash$", "avoid uid:^1000$"]);
    expect(d.not_applicable).toEqual([
      {
        rule: "ignore exe:java",
        why: "a snapshot has no exe: only comm and uid rules apply to one",
      },
    ]);
    const byPid = Object.fromEntries(d.processes.map((p: { pid: number }) => [p.pid, p])) as Record<
      number,
      { order: number | null; excluded: string | null; rank: string; points: string | null }
    >;
    // One row per process: thread 401 of java is not a candidate of its own.
    expect(
      Object.keys(byPid)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([1, 2, 300, 400, 450, 500]);
    expect(byPid[1]!.excluded).toBe("pid 1");
    expect(byPid[2]!.excluded).toBe("no memory");
    expect(byPid[500]!.excluded).toBe("oom_score_adj is -1000");
    // bash is both preferred (comm) and avoided (uid 1000): neither; java's two avoided.
    expect(byPid[300]).toMatchObject({ order: 1, rank: "normal", points: "5010" });
    expect(byPid[400]).toMatchObject({ rank: "avoided", points: "200010" });
    expect(byPid[450]).toMatchObject({ rank: "avoided", points: "200010" });
    const text = runCli(["guard", "--test-rules", "--snapshot", file, ...rules]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`snapshot ${file}: policy modern`);
    expect(text.stdout).toContain("not applicable: ignore exe:java");
    expect(text.stdout).toMatch(/ {4}1 {5}300 +5010 normal +bash: the victim/);
    const rss = JSON.parse(
      runCli(["guard", "--test-rules", "--snapshot", file, "--policy", "largest-rss", "-j"]).stdout,
    );
    expect(rss.processes[0]).toMatchObject({ pid: 400, points: "200000" });
    for (const args of [
      ["--snapshot", file],
      ["--test-rules", "--snapshot", file, "--cgroup", dir],
    ]) {
      const bad = runCli(["guard", ...args]);
      expect(bad.status, args.join(" ")).toBe(2);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
  it("a dry run records the would-be kill and stops after --max-kills", () => {
    const r = runCli(["guard", "--root", root, "--dry-run", "--max-kills", "1", "-j", "-q"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const recs = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const kill = recs.find((x) => x.type === "kill");
    // MemAvailable 150 MiB of 4 GiB is below 5 %: KILL; the helper's +800 wins.
    expect(kill).toMatchObject({ level: "kill", signal: "SIGKILL", dry_run: true });
    expect(kill.victim).toMatchObject({ pid: 500, comm: "helper", oom_score_adj: 800 });
    expect(recs.at(-1)).toMatchObject({ type: "stop", kills: 1 });
  });
  it("serves Prometheus metrics on loopback", async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        "guard",
        "--root",
        root,
        "-m",
        "1",
        "--metrics",
        "127.0.0.1:0",
        "-j",
        "-q",
        "--duration",
        "5",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      for (let i = 0; i < 100 && !out.includes("\n"); i++)
        await new Promise((r) => setTimeout(r, 50));
      const start = JSON.parse(out.split("\n")[0]!);
      const text = await (await fetch(`http://${start.metrics}/metrics`)).text();
      expect(text).toContain("oomkit_guard_memory_available_bytes 157286400");
      expect(text).toContain("oomkit_guard_poll_duration_seconds_count");
      expect(text).not.toContain("cgroup_usage");
    } finally {
      child.kill("SIGINT");
      await exited;
    }
  });
  it("reads a v2 cgroup's memory.current, memory.max and memory.events", () => {
    const cg = join(dir, "v2");
    mkdirSync(cg, { recursive: true });
    writeFileSync(join(cg, "cgroup.procs"), "300\n600\n");
    writeFileSync(join(cg, "memory.current"), `${900 * 1024 * 1024}\n`);
    writeFileSync(join(cg, "memory.max"), `${1024 * 1024 * 1024}\n`);
    writeFileSync(join(cg, "memory.swap.current"), "0\n");
    writeFileSync(join(cg, "memory.swap.max"), "max\n");
    writeFileSync(join(cg, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    const c = JSON.parse(
      runCli(["guard", "--root", root, "--cgroup", cg, "--print-config"]).stdout,
    );
    expect(c.cgroup).toMatchObject({
      limit_bytes: 1024 ** 3,
      term_at_bytes: Math.floor(0.9 * 1024 ** 3),
    });
    expect(c.memory).toBeNull();
    // 900 MiB of 1 GiB is 87.9 %: below TERM; at 92 % the guard would act on the cgroup's own.
    writeFileSync(join(cg, "memory.current"), `${Math.round(0.92 * 1024 ** 3)}\n`);
    const r = runCli([
      "guard",
      "--root",
      root,
      "--cgroup",
      cg,
      "--dry-run",
      "--max-kills",
      "1",
      "-j",
      "-q",
    ]);
    expect(r.status).toBe(0);
    const kill = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .find((x) => x.type === "kill");
    expect(kill).toMatchObject({ level: "term", in_scope: 2, victim: { pid: 300 } });
  });
  it("bad values are one line and exit 2; a missing cgroup is exit 3", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "memory: {term: 20}\nswapp: 3\n");
    for (const args of [
      ["--mem", "200"],
      ["--mem-size", "12 parsecs"],
      ["--prefer", "cmdline:("],
      ["--policy", "random"],
      ["--scope", "galaxy"],
      ["--metrics", "nowhere"],
      ["-c", bad],
    ]) {
      const r = runCli(["guard", "--root", root, "--dry-run", "--duration", "1", ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
    }
    const cg = runCli(["guard", "--root", root, "--cgroup", join(dir, "no-such-cgroup")]);
    expect(cg.status).toBe(3);
    expect(cg.stderr.trim().split("\n")).toHaveLength(1);
  });
});
