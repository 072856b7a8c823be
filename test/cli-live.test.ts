/**
 * `oomkit snapshot` and `oomkit rank` end to end on the fake /proc trees of
 * test/fixtures/proc (modern-oom §4, §5; docs/formats.md §2).
 */

import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFakeProc } from "../src/live/fake-tree.js";
import { CLI, ROOT, runCli } from "./support/cli.js";

/** Runs the CLI and interrupts it with SIGINT after `ms`, as Ctrl-C would. */
function runInterrupted(args: string[], ms: number) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: ms,
    killSignal: "SIGINT",
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "oomkit-live-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES = ["normal", "zombie", "kthread-old-kernel", "vanished", "hidepid", "hostile-comm"];
const root = (name: string) => `test/fixtures/proc/${name}`;

describe("oomkit snapshot", () => {
  for (const name of CASES) {
    it(`spec modern-oom §5: ${name} gives a document that oomkit oom accepts`, () => {
      const out = join(dir, `${name}.json`);
      const r = runCli(["snapshot", "--root", root(name), "-o", out]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("assumed: current (the allocating task)");
      const doc = JSON.parse(readFileSync(out, "utf8"));
      expect(doc.format).toBe("oomkit.snapshot/1");
      const oom = runCli(["oom", "--json", out]);
      expect(oom.status).toBe(0);
      expect(JSON.parse(oom.stdout).format).toBe("oomkit.result/1");
    });
  }
  it("writes to stdout without -o, honours --hz and --current", () => {
    const r = runCli(["snapshot", "--root", root("normal"), "--hz", "1000", "--current", "300"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.kernel.hz).toBe(1000);
    expect(doc.current).toBe(300);
  });
  it("-o - writes the document to stdout; --json without -o FILE is a usage error", () => {
    const r = runCli(["snapshot", "--root", root("normal"), "-o", "-"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe("oomkit.snapshot/1");
    expect(existsSync(join(ROOT, "-"))).toBe(false);
    for (const extra of [[], ["-o", "-"]]) {
      const bad = runCli(["snapshot", "--root", root("normal"), "--json", ...extra]);
      expect(bad.status).toBe(2);
      expect(bad.stdout).toBe("");
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
  it("--json with -o prints a summary with the assumptions", () => {
    const out = join(dir, "summary.json");
    const r = runCli(["snapshot", "--root", root("normal"), "-o", out, "--json"]);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ file: out, tasks: 8, current: 200 });
    expect(s.assumptions.length).toBeGreaterThan(3);
  });
  it("bad options: one line, exit 2, no output file", () => {
    const out = join(dir, "never.json");
    for (const args of [
      ["--hz", "5"],
      ["--current", "999"],
      ["--current", "abc"],
    ]) {
      const r = runCli(["snapshot", "--root", root("normal"), "-o", out, ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
  });
  it("an unreadable output directory is a system error with no partial file", () => {
    const r = runCli([
      "snapshot",
      "--root",
      root("normal"),
      "-o",
      join(dir, "no", "such", "x.json"),
    ]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("cannot write");
  });
});

describe("oomkit rank", () => {
  it("--json: per process pid, comm, badness_2620 as a string, oom_score, kernel_oom_score", () => {
    const r = runCli(["rank", "--root", root("normal"), "--json"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    const java = doc.processes.find((p: { pid: number }) => p.pid === 200);
    expect(java).toMatchObject({
      pid: 200,
      comm: "java",
      badness_2620: "889216",
      badness_2620_tid: 201,
      oom_score: 1000,
      kernel_oom_score: 1000,
      oom_score_adj: 300,
      oomkilladj: 5,
    });
    const kworker = doc.processes.find((p: { pid: number }) => p.pid === 10);
    expect(kworker).toMatchObject({ badness_2620: null, skip_2620: "no_mm", oom_score: 0 });
    expect(doc.victims.modern.pid).toBe(200);
    // 2.6.20 scores threads: the compiler thread (with the child) is the one selected.
    expect(doc.victims.linux_2_6_20.selected).toMatchObject({ pid: 201, tgid: 200 });
    expect(java.victim_2620).toBe(true);
    expect(doc.assumptions).toContain("task-list order taken as start time, then pid");
    // Highest modern score first.
    expect(doc.processes[0].pid).toBe(200);
  });
  it("the table lists the victims first and is aligned", () => {
    const r = runCli(["rank", "--root", root("normal")]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    const header = lines.findIndex((l) => l.trimStart().startsWith("PID"));
    expect(lines[header + 1]).toMatch(/^\s*200\s+java\b.*both$/);
    expect(r.stdout).toContain(
      "victim 2.6.20 (HZ 250): outcome killed; selects 201 (a thread of 200)",
    );
  });
  it("--sort 2620 orders by the 2.6.20 badness", () => {
    const r = runCli(["rank", "--root", root("normal"), "--json", "--sort", "2620"]);
    const b = JSON.parse(r.stdout).processes.map(
      (p: { badness_2620: string | null }) => p.badness_2620,
    );
    const nums = b.filter((x: string | null) => x !== null).map(BigInt);
    expect(nums).toEqual([...nums].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0)));
  });
  it("hostile names survive in JSON and print safely in the table", () => {
    const j = JSON.parse(runCli(["rank", "--root", root("hostile-comm"), "--json"]).stdout);
    const names = j.processes.map((p: { comm: string }) => p.comm);
    expect(names).toContain("two\nlines");
    expect(names).toContain(") (x) 1 2 (");
    const t = runCli(["rank", "--root", root("hostile-comm")]).stdout;
    expect(t).toContain("two?lines");
    expect(t).not.toContain("two\nlines");
  });
  it("--explain shows both policies term by term", () => {
    const r = runCli(["rank", "--root", root("normal"), "--explain", "200"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("thread 201 (C2 CompilerThre): points 889216  <- selected");
    expect(r.stdout).toContain("adj x totalpages/1000");
    expect(r.stdout).toContain("(1000 + 125100 * 1000 / 250000) * 2 / 3");
    const j = JSON.parse(
      runCli(["rank", "--root", root("normal"), "--explain", "200", "--json"]).stdout,
    );
    expect(j.modern.terms.at(-1)).toEqual({
      term: "oom_score",
      value: "1000",
      note: expect.any(String),
    });
    expect(runCli(["rank", "--root", root("normal"), "--explain", "4242"]).status).toBe(2);
  });
  it("--check on a fake tree agrees everywhere and reports JSON counts", () => {
    const r = runCli(["rank", "--root", root("normal"), "--check", "--json"]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ checked: 7, agreed: 7, mismatches: [] });
  });
  it("--snapshot ranks a document (2.6.20 only) and rejects a bad file with exit 2", () => {
    const out = join(dir, "rank-src.json");
    runCli(["snapshot", "--root", root("normal"), "-o", out]);
    const r = runCli(["rank", "--snapshot", out, "--json"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.source).toBe("snapshot");
    expect(doc.processes.find((p: { pid: number }) => p.pid === 200)).toMatchObject({
      badness_2620: "889216",
      oom_score: null,
      kernel_oom_score: null,
    });
    const piped = runCli(["rank", "--snapshot", "-", "--json"], readFileSync(out, "utf8"));
    expect(piped.status).toBe(0);
    expect(JSON.parse(piped.stdout)).toMatchObject({ source: "snapshot", origin: "<stdin>" });
    const bad = runCli(["rank", "--snapshot", join(dir, "missing.json")]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });
  it("--watch appends frames when not on a terminal, stops cleanly on SIGINT", () => {
    const r = runInterrupted(
      ["rank", "--root", root("normal"), "--watch", "0.1", "--limit", "2", "--json"],
      2500,
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const frames = r.stdout
      .trim()
      .split("\n")
      .filter((l) => l !== "");
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(frames[0]!).processes).toHaveLength(2);
  });
  it("rejects bad option values with one line and exit 2", () => {
    for (const args of [
      ["--hz", "0"],
      ["--limit", "-1"],
      ["--watch", "0"],
      ["--sort", "x"],
    ]) {
      const r = runCli(["rank", "--root", root("normal"), ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("oomkit rank on this machine", () => {
  it("marks oomkit itself and the processes it runs under", () => {
    const r = runCli(["rank", "--limit", "0"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.includes("[oomkit]"))).toHaveLength(1);
    expect(r.stdout).toContain("[runs oomkit]");
  });
});

describe("oomkit rank --adj", () => {
  it("ranks as if a process's oom_score_adj were N, under both policies, and says so", () => {
    const r = runCli(["rank", "--root", root("normal"), "--adj", "300=1000", "-j"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.victims).toBeDefined();
    const text = runCli(["rank", "--root", root("normal"), "--adj", "300=1000"]).stdout;
    expect(text.split("\n")[0]).toBe("what if: oom_score_adj 300=1000 (--adj)");
    expect(text).toContain("kills 300 (helper) points 250200");
    expect(text).toContain("selects 300 (helper) score 8716288");
  });
  it("refuses a bad value, an unlisted pid, and --adj with --check", () => {
    for (const args of [
      ["--adj", "x"],
      ["--adj", "99999=1"],
      ["--adj", "300=2000"],
      ["--check", "--adj", "300=1"],
    ]) {
      const r = runCli(["rank", "--root", root("normal"), ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("oomkit rank: every policy of the registry", () => {
  it("has a column for each other policy, scored through the same seam, with its victim", () => {
    const r = runCli(["rank", "--root", root("normal"), "--limit", "0"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/KERNEL +LARGEST-RSS +NEWEST +OOM-SCORE-ADJ-BANDS +ADJ/);
    const j = JSON.parse(runCli(["rank", "--root", root("normal"), "-j"]).stdout);
    expect(j.policy_victims).toEqual([
      { name: "largest-rss", pid: 200 },
      { name: "newest", pid: 300 },
      { name: "oom-score-adj-bands", pid: 200 },
    ]);
    const java = j.processes.find((p: { pid: number }) => p.pid === 200);
    expect(java.policies[0]).toEqual({ name: "largest-rss", points: "50000" });
  });
});

describe("oomkit rank: USER, CMDLINE and CGROUP columns, --cgroup", () => {
  // A machine as a chroot holds it: proc/ for --root, etc/passwd beside it for the names.
  const machine = join(dir, "machine");
  const proc = join(machine, "proc");
  mkdirSync(join(machine, "etc"), { recursive: true });
  writeFileSync(
    join(machine, "etc", "passwd"),
    "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n",
  );
  const javaArgs = ["/usr/bin/java", "-Xmx4g", "-jar", `/opt/${"x".repeat(120)}.jar`];
  writeFakeProc(proc, {
    memTotalKb: 1_000_000,
    processes: [
      {
        pid: 1,
        ppid: 0,
        comm: "systemd",
        uid: 0,
        rssPages: 3000,
        children: [100, 200, 300],
        cmdline: ["/sbin/init"],
        cgroup: "0::/init.scope\n",
      },
      { pid: 2, ppid: 0, comm: "kthreadd", kthread: true, uid: 0, cgroup: "0::/\n" },
      {
        pid: 100,
        ppid: 1,
        comm: "nginx",
        uid: 33,
        rssPages: 20000,
        cmdline: ["nginx: worker"],
        cgroup: "0::/system.slice/nginx.service\n",
      },
      {
        pid: 200,
        ppid: 1,
        comm: "java",
        uid: 1000,
        rssPages: 50000,
        cmdline: javaArgs,
        // A v1 memory controller wins over the v2 line.
        cgroup: "12:memory:/user.slice/app\n11:cpu,cpuacct:/user.slice\n0::/user.slice/app\n",
      },
      {
        pid: 300,
        ppid: 1,
        comm: "worker",
        uid: 33,
        rssPages: 10000,
        cmdline: ["worker", "--id=1\nx"],
        cgroup: "0::/system.slice/nginx.service/child\n",
      },
    ],
  });
  const rank = (args: string[], env?: NodeJS.ProcessEnv) =>
    runCli(["rank", "--root", proc, ...args], undefined, env);

  it("the default table has none of them", () => {
    const r = rank([]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/USER|CMDLINE|CGROUP/);
    expect(rank(["-o", "user"]).stdout.split("\n").slice(1)).not.toEqual(
      r.stdout.split("\n").slice(1),
    );
  });

  it("-o user,cmdline,cgroup adds them: names from the machine's passwd, [comm] without arguments", () => {
    const r = rank(["-o", "cmdline,cgroup", "-o", "user"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    const head = lines.find((l) => l.trimStart().startsWith("PID"))!;
    expect(head).toMatch(/^PID {2}USER +COMM .* VICTIM {2}CGROUP +CMDLINE$/);
    const row = (pid: number) => lines.find((l) => l.trimStart().startsWith(`${pid} `))!;
    expect(row(200)).toMatch(/^200 {2}1000 +java .* \/user\.slice\/app +\/usr\/bin\/java -Xmx4g/);
    expect(row(200).endsWith(`${"x".repeat(120)}.jar`)).toBe(true);
    expect(row(100)).toMatch(
      /^100 {2}www-data +nginx .*\/system\.slice\/nginx\.service +nginx: worker$/,
    );
    expect(row(2)).toMatch(/^ {2}2 {2}root +kthreadd .* \/ +\[kthreadd\]$/);
    // A newline in an argument cannot break the row.
    expect(row(300)).toMatch(/worker --id=1\?x$/);
    expect(r.stdout.split("\n")).toHaveLength(lines.length);
  });

  it("cuts the command line at the width COLUMNS gives; --json has it whole", () => {
    const r = rank(["-o", "cmdline"], { COLUMNS: "200" });
    const row = r.stdout.split("\n").find((l) => l.startsWith("200 "))!;
    expect(row).toHaveLength(200);
    expect(row.endsWith("…")).toBe(true);
    const j = JSON.parse(rank(["-o", "user,cmdline,cgroup", "-j"]).stdout);
    const java = j.processes.find((p: { pid: number }) => p.pid === 200);
    expect(java).toMatchObject({
      uid: 1000,
      user: null,
      cmdline: javaArgs,
      cgroup: "/user.slice/app",
    });
    const plain = JSON.parse(rank(["-j"]).stdout).processes[0];
    expect(Object.keys(plain)).not.toContain("cmdline");
  });

  it("--cgroup ranks one memory cgroup and its children, chooses current there, and says so", () => {
    const r = rank(["--cgroup", "/system.slice/nginx.service/"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      `source live ${proc}, memory cgroup /system.slice/nginx.service/; current 100 (the process with the largest RSS (pid 100))`,
    );
    const j = JSON.parse(rank(["--cgroup", "/system.slice/nginx.service", "-j"]).stdout);
    expect(j.processes.map((p: { pid: number }) => p.pid)).toEqual([100, 300]);
    expect(j.victims.modern.pid).toBe(100);
    expect(j.cgroup).toBe("/system.slice/nginx.service");
    // A v1 memory path, and a prefix that is not a whole path component.
    const v1 = JSON.parse(rank(["--cgroup", "/user.slice", "-j"]).stdout);
    expect(v1.processes.map((p: { pid: number }) => p.pid)).toEqual([200]);
    expect(rank(["--cgroup", "/system.slice/nginx"]).status).toBe(2);
  });

  it("refuses unknown columns, a relative cgroup, and the modes without a live table", () => {
    for (const args of [
      ["-o", "user,rss"],
      ["--cgroup", "system.slice"],
      ["--cgroup", "/no-such"],
      ["--check", "-o", "user"],
      ["--check", "--cgroup", "/"],
      ["--explain", "200", "-o", "cmdline"],
      ["--snapshot", "test/fixtures/snapshots/spec-example.json", "-o", "user"],
    ]) {
      const r = runCli(["rank", ...(args[0] === "--snapshot" ? [] : ["--root", proc]), ...args]);
      expect([args.join(" "), r.status, r.stdout]).toEqual([args.join(" "), 2, ""]);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("oomkit rank --cgroup: a memcg OOM's totalpages from the cgroup's limit", () => {
  // proc/ for --root and sys/ beside it, as a chroot holds them: 250,000 pages of RAM and
  // 100,000 of swap (global totalpages 350,000).
  const machine = join(dir, "memcg");
  const proc = join(machine, "proc");
  const cg = join(machine, "sys", "fs", "cgroup");
  const PAGE = 4096;
  const pair = (pid: number, names: [string, string], cgroup: string) => [
    { pid, ppid: 1, comm: names[0], rssPages: 20000, cgroup },
    { pid: pid + 1, ppid: 1, comm: names[1], rssPages: 15000, oomScoreAdj: 50, cgroup },
  ];
  writeFakeProc(proc, {
    memTotalKb: 1_000_000,
    swapTotalKb: 400_000,
    processes: [
      { pid: 1, ppid: 0, comm: "init", rssPages: 1000, cgroup: "4:memory:/\n0::/\n" },
      ...pair(100, ["alpha", "beta"], "4:memory:/batch\n0::/\n"),
      ...pair(110, ["gamma", "delta"], "4:memory:/web\n0::/\n"),
      ...pair(200, ["eta", "theta"], "0::/app.slice\n"),
      ...pair(300, ["free1", "free2"], "4:memory:/free\n0::/\n"),
      { pid: 400, ppid: 1, comm: "ghost", rssPages: 10, cgroup: "4:memory:/ghost\n0::/\n" },
    ],
  });
  mkdirSync(join(proc, "sys", "vm"), { recursive: true });
  writeFileSync(join(proc, "sys", "vm", "swappiness"), "60\n");
  const group = (path: string, files: Record<string, number | string>) => {
    mkdirSync(join(cg, path), { recursive: true });
    writeFileSync(join(cg, path, "cgroup.procs"), "");
    for (const [name, v] of Object.entries(files)) {
      writeFileSync(join(cg, path, name), `${typeof v === "number" ? v * PAGE : v}\n`);
    }
  };
  const UNLIMITED = "9223372036854771712";
  // v1 with swap accounting: 65,536 pages + 32,768 of memsw headroom.
  group("memory/batch", {
    "memory.limit_in_bytes": 65536,
    "memory.memsw.limit_in_bytes": 65536 + 32768,
    "memory.swappiness": 60,
  });
  // v1 without swap accounting (no memsw files): the memory limit alone.
  group("memory/web", { "memory.limit_in_bytes": 65536, "memory.swappiness": 60 });
  // v2: 40,000 pages + swap.max 200,000, capped by the 100,000 pages of swap present.
  group("app.slice", { "memory.max": 40000, "memory.swap.max": 200000 });
  group("memory/free", { "memory.limit_in_bytes": UNLIMITED, "memory.swappiness": 60 });
  const rank = (args: string[]) => runCli(["rank", "--root", proc, ...args]);
  const json = (path: string) => JSON.parse(rank(["--cgroup", path, "-j"]).stdout);
  const limitFile = (path: string, name: string) => join(cg, path, name);

  it("v1 with memsw: the limit plus the memsw headroom; the victim differs from a global OOM's", () => {
    const r = rank(["--cgroup", "/batch"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[1]).toBe(
      `totalpages 98304 from ${limitFile("memory/batch", "memory.limit_in_bytes")} + the headroom of ${limitFile("memory/batch", "memory.memsw.limit_in_bytes")} (at most SwapTotal)`,
    );
    expect(lines.find((l) => l.includes("MEMCG_POINTS"))).toBeDefined();
    const j = json("/batch");
    expect(j.total_pages).toBe("98304");
    expect(j.total_pages_source).toMatch(/memory\.limit_in_bytes \+ the headroom/);
    // beta: 15000 + 50 * 98 = 19900 < alpha's 20000; globally 15000 + 50 * 350 = 32500.
    expect(j.victims.modern).toEqual({ pid: 100, comm: "alpha", points: "20000", oom_score: 704 });
    const beta = j.processes.find((p: { pid: number }) => p.pid === 101);
    expect(beta.modern_points).toBe("19900");
    // OOM_SCORE stays the machine's: (1000 + 32500 * 1000 / 350000) * 2 / 3.
    expect(beta.oom_score).toBe(728);
    // A global OOM kills one of the adj-50 processes (32500 points; the last scanned of them).
    const whole = JSON.parse(rank(["-j"]).stdout);
    expect(whole.victims.modern).toMatchObject({ pid: 301, points: "32500" });
  });

  it("v1 without memsw accounting: the memory limit alone", () => {
    const j = json("/web");
    expect(j.total_pages).toBe("65536");
    expect(j.total_pages_source).toBe(limitFile("memory/web", "memory.limit_in_bytes"));
    expect(j.processes.find((p: { pid: number }) => p.pid === 111).modern_points).toBe("18250");
    expect(j.victims.modern.pid).toBe(110);
  });

  it("v2: memory.max plus memory.swap.max, capped by the swap present", () => {
    const j = json("/app.slice");
    expect(j.total_pages).toBe("140000");
    expect(j.total_pages_source).toBe(
      `${limitFile("app.slice", "memory.max")} + ${limitFile("app.slice", "memory.swap.max")} (at most SwapTotal)`,
    );
    // theta: 15000 + 50 * 140 = 22000 > eta's 20000.
    expect(j.victims.modern).toMatchObject({ pid: 201, points: "22000" });
  });

  it("an unlimited cgroup falls back to the machine's totalpages, and says so", () => {
    const r = rank(["--cgroup", "/free"]);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")[1]).toBe(
      `totalpages 350000 from the machine's MemTotal + SwapTotal (${limitFile("memory/free", "memory.limit_in_bytes")} says unlimited)`,
    );
    const j = json("/free");
    expect(j.total_pages).toBe("350000");
    expect(j.victims.modern.pid).toBe(301);
    expect(j.assumptions.join("\n")).toMatch(/no limit of its own/);
  });

  it("a cgroup that does not exist is one line and exit 2; --check refuses --cgroup", () => {
    for (const path of ["/no-such", "/ghost"]) {
      const r = rank(["--cgroup", path]);
      expect([path, r.status, r.stdout]).toEqual([path, 2, ""]);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(`--cgroup ${path}`);
    }
    const c = rank(["--check", "--cgroup", "/batch"]);
    expect(c.status).toBe(2);
    expect(c.stderr.trim().split("\n")).toHaveLength(1);
    expect(c.stderr).toMatch(/relative to the machine's memory/);
  });

  it("--explain under --cgroup: the points of the memcg, the oom_score of the machine", () => {
    const j = JSON.parse(rank(["--cgroup", "/batch", "--explain", "101", "-j"]).stdout);
    expect(j.modern.total_pages).toBe("98304");
    const score = j.modern.terms.find((t: { term: string }) => t.term === "oom_score");
    expect(score.value).toBe("728");
    expect(score.note).toMatch(/machine's totalpages 350000/);
  });
});
