/**
 * `oomkit compare` end to end, through the built CLI.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "oomkit-compare-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLES = readdirSync(join(import.meta.dirname, "..", "examples"))
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => `examples/${f}`);

const ALL = ["2.6.20", "modern", "largest-rss", "newest", "oom-score-adj-bands"];

const lines = (s: string) => (s === "" ? [] : s.trimEnd().split("\n"));

interface CallJson {
  call: number;
  agree: boolean;
  choices: ({ outcome: string; victim: number | null } | null)[];
}

/** Every key of a JSON value, at any depth. */
function keysOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(keysOf);
  if (v === null || typeof v !== "object") return [];
  return Object.entries(v).flatMap(([k, x]) => [k, ...keysOf(x)]);
}

describe("oomkit compare", () => {
  it("compares every registered policy by default: a metrics table, then the calls side by side", () => {
    const r = runCli(["compare", "examples/child-first.yaml"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const out = lines(r.stdout);
    expect(out[0]).toBe(
      "Comparison of examples/child-first.yaml (seed 1), 5 policies, each run once",
    );
    expect(out[1]).toBe("Culprit: 320 (java), the process the timeline makes allocate most");
    expect(out[3]!.split(/\s+/)).toEqual(["metric", ...ALL]);
    const row = (label: string) => {
      const line = out.find((l) => l.startsWith(label))!;
      return line
        .slice(label.length)
        .trim()
        .split(/\s{2,}/);
    };
    expect(row("kills")).toEqual(["1", "1", "1", "2", "1"]);
    expect(row("innocent victims")).toEqual(["0", "0", "0", "1", "0"]);
    expect(row("overkill")).toEqual(["0", "0", "0", "0", "0"]);
    expect(row("work lost")).toEqual(["2400", "2400", "2400", "2400", "2400"]);
    expect(row("repeat OOMs (within 30 s)")).toEqual(["0", "0", "0", "1", "0"]);
    expect(row("protected-process violations")).toEqual(["0", "0", "0", "0", "0"]);
    expect(row("panics")).toEqual(["0", "0", "0", "0", "0"]);
    expect(out).toContain(
      "Victim of each OOM call (seconds after the start; * where the policies disagree: 2 of 2)",
    );
    const call1 = out.find((l) => l.startsWith("*1 "))!;
    expect(call1).toContain("320 java, child of 310 (4.636)");
    expect(call1).toContain("400 backup (4.636)");
    expect(out.find((l) => l.startsWith("*2 "))).toContain("320 java (6.972)");
  });

  it("--policies picks and orders the columns", () => {
    const r = runCli([
      "compare",
      "examples/clone-vm-sharer.yaml",
      "--policies",
      "largest-rss,2.6.20",
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const out = lines(r.stdout);
    expect(out[0]).toContain("2 policies");
    expect(out[3]!.split(/\s+/)).toEqual(["metric", "largest-rss", "2.6.20"]);
    expect(out.find((l) => l.startsWith("overkill"))!.split(/\s+/)).toEqual(["overkill", "0", "1"]);
  });

  it("--json and -j print one document with snake_case keys", () => {
    const r = runCli(["compare", "examples/memdie-wait.yaml", "--json"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(lines(r.stdout)).toHaveLength(1);
    const doc = JSON.parse(r.stdout);
    for (const key of keysOf(doc)) expect(key).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(doc.scenario).toBe("examples/memdie-wait.yaml");
    expect(doc.seed).toBe(1);
    expect(doc.window_seconds).toBe(30);
    expect(doc.culprit_source).toBe("growth");
    expect(doc.culprits).toEqual([{ pid: 1500, comm: "renderer", value: 0 }]);
    expect(doc.policies.map((p: { policy: string }) => p.policy)).toEqual(ALL);
    const old = doc.policies[0];
    expect(old).toMatchObject({
      oom_calls: 9,
      kills: 1,
      innocent_victims: 0,
      overkill: 0,
      oom_episodes: 1,
      repeat_ooms: 0,
      protected_violations: 0,
      panics: 0,
      stalled_at_end: false,
      end_reason: "idle",
      killed_processes: [1500],
    });
    expect(old.time_to_relief_seconds).toBeCloseTo(old.pressure_seconds, 6);
    const calls: CallJson[] = doc.calls;
    expect(calls).toHaveLength(9);
    expect(calls[0]!.choices.map((x) => x!.victim)).toEqual([1500, 1500, 1500, 1600, 1500]);
    expect(calls[2]!.choices[3]).toBeNull();
    expect(runCli(["compare", "examples/memdie-wait.yaml", "-j"]).stdout).toBe(r.stdout);
  });

  it("runs on every example: exit 0, nothing on stderr, no protected process ever killed", () => {
    for (const file of EXAMPLES) {
      const r = runCli(["compare", file, "-j"]);
      expect(r.status, file).toBe(0);
      expect(lines(r.stderr), file).toHaveLength(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.policies).toHaveLength(ALL.length);
      for (const p of doc.policies) expect(p.protected_violations, `${file} ${p.policy}`).toBe(0);
      const text = runCli(["compare", file]);
      expect(text.status, file).toBe(0);
      expect(text.stdout.startsWith(`Comparison of ${file} (seed 1), 5 policies`)).toBe(true);
    }
  });

  it("with only 2.6.20 it reproduces oomkit sim on every example: the same calls, the same victims", () => {
    for (const file of EXAMPLES) {
      const sim = runCli(["sim", file, "--json"]);
      expect(sim.status, file).toBe(0);
      const calls: { outcome: string; victim: number | null }[] = [];
      const byN = new Map<number, { outcome: string; victim: number | null }>();
      for (const line of lines(sim.stdout)) {
        const e = JSON.parse(line);
        if (e.type === "oom.invoked") {
          const call = { outcome: "", victim: null };
          calls.push(call);
          byN.set(e.n, call);
        } else if (e.type === "oom.kill") byN.get(e.n)!.victim = e.victim;
        else if (e.type === "oom.result") byN.get(e.n)!.outcome = e.outcome;
        else if (e.type === "oom.blocked") calls.push({ outcome: "blocked", victim: null });
      }
      const r = runCli(["compare", file, "--policies", "2.6.20", "--json"]);
      expect(r.status, file).toBe(0);
      const doc = JSON.parse(r.stdout);
      const compared = (doc.calls as CallJson[]).map((c) => ({
        outcome: c.choices[0]!.outcome,
        victim: c.choices[0]!.victim,
      }));
      expect(compared, file).toEqual(calls);
      const kills = calls.filter((c) => c.victim !== null).length;
      expect(doc.policies[0].kills, file).toBe(kills);
    }
  });

  it("reads role and value from the scenario, and --window and --seed", () => {
    const file = join(dir, "roles.yaml");
    writeFileSync(
      file,
      [
        "machine: {bits: 64, hz: 250, memory: 64MiB, uptime: 1000}",
        "processes:",
        "  - {name: old, pid: 200, start: 10, total_vm: 6000, rss: 6000, value: 50}",
        "  - {name: young, pid: 300, start: 900, total_vm: 100, rss: 100, role: culprit, value: 1.5}",
        "timeline:",
        "  - {at: 1, task: old, fault: {pages: 20000, rate: 10000}}",
        "",
      ].join("\n"),
    );
    const r = runCli(["compare", file, "--policies", "largest-rss,newest", "-j", "--window", "5"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.culprit_source).toBe("role");
    expect(doc.culprits).toEqual([{ pid: 300, comm: "young", value: 1.5 }]);
    expect(doc.window_seconds).toBe(5);
    const [rss, newest] = doc.policies;
    // largest-rss kills the grower, old, which the scenario says is innocent and worth 50.
    expect([rss.killed_processes, rss.innocent_victims, rss.work_lost]).toEqual([[200], 1, 50]);
    expect(newest.killed_processes[0]).toBe(300);
    expect(newest.work_lost).toBeGreaterThanOrEqual(1.5);
    const text = runCli(["compare", file, "--policies", "newest", "--seed", "4"]);
    expect(lines(text.stdout)[0]).toContain("(seed 4), 1 policy");
    expect(lines(text.stdout)[1]).toBe("Culprit: 300 (young), by role");
  });

  it("warns once on stderr of a timeline action that every run skipped", () => {
    const file = join(dir, "skip.yaml");
    writeFileSync(
      file,
      "machine: {memory: 64MiB, uptime: 100}\nprocesses:\n  - {name: a, pid: 50}\ntimeline:\n  - {at: 1, task: 51, exit: 0}\n",
    );
    const r = runCli(["compare", file, "--policies", "2.6.20,newest"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      "oomkit compare: warning: at 101.000000 s, exit (timeline[0]) for pid 51 skipped: no such live task\n",
    );
    expect(r.stdout).toContain("No OOM calls: the policies had nothing to choose.");
  });

  it("guard and guard:POLICY put the userspace guard in front of the 2.6.20 kernel", () => {
    const r = runCli([
      "compare",
      "examples/child-first.yaml",
      "--policies",
      "2.6.20,guard,guard:newest",
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const out = lines(r.stdout);
    expect(out[3]!.split(/\s+/)).toEqual(["metric", "2.6.20", "guard", "guard:newest"]);
    expect(out.find((l) => l.startsWith("guard kills"))!.split(/\s+/)).toEqual([
      "guard",
      "kills",
      "0",
      "1",
      "2",
    ]);
    expect(out.find((l) => l.startsWith("OOM calls"))!.split(/\s+/)).toEqual([
      "OOM",
      "calls",
      "1",
      "0",
      "0",
    ]);
    // The guard kills java 2.5 s in, before any allocation stalls.
    expect(out.find((l) => l.startsWith("*1 "))).toContain("320 java (2.500)");
    const doc = JSON.parse(
      runCli(["compare", "examples/child-first.yaml", "--policies", "guard", "-j"]).stdout,
    );
    expect(doc.policies[0]).toMatchObject({
      policy: "guard",
      oom_calls: 0,
      guard_kills: 1,
      kills: 1,
      innocent_victims: 0,
      pressure_seconds: 0,
      time_to_relief_seconds: null,
    });
    expect(doc.calls[0].choices[0]).toMatchObject({ outcome: "guard", victim: 320, pid: 0 });
    for (const file of EXAMPLES) {
      const g = runCli(["compare", file, "--policies", "guard", "-j"]);
      expect(g.status, file).toBe(0);
      expect(JSON.parse(g.stdout).policies[0].protected_violations, file).toBe(0);
    }
  });

  it("bad input: one line on stderr, nothing on stdout, exit 2", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "machine: {memory: 64MiB}\nprocesses:\n  - name: a\n    role: leak\n");
    const cases: [string[], string][] = [
      [
        ["compare", "examples/child-first.yaml", "--policies", "2.6.20,oldest"],
        'oomkit: unknown policy "oldest": expected one of "2.6.20", "modern", "largest-rss", "newest", "oom-score-adj-bands"',
      ],
      [
        ["compare", "examples/child-first.yaml", "--policies", "modern,,newest"],
        'oomkit: --policies: expected policy names separated by commas, got "modern,,newest"',
      ],
      [
        ["compare", "examples/child-first.yaml", "--policies", "newest,newest"],
        'oomkit: --policies: "newest" is named twice',
      ],
      [
        ["compare", "examples/child-first.yaml", "--window", "soon"],
        'oomkit: --window: expected a number of seconds such as 30 or 2.5, got "soon"',
      ],
      [
        ["compare", "examples/child-first.yaml", "--seed", "-3"],
        'oomkit: --seed: expected an integer from 0 to 4294967295, got "-3"',
      ],
      [["compare", bad], `${bad}:4:11: processes[0].role: expected one of "culprit", got "leak"`],
      [
        ["compare", "examples/child-first.yaml", "--policies", "guard:biggest"],
        'oomkit: unknown policy "biggest": expected one of "2.6.20", "modern", "largest-rss", "newest", "oom-score-adj-bands"',
      ],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(lines(r.stderr)).toEqual([message]);
    }
    const missing = runCli(["compare", join(dir, "none.yaml")]);
    expect(missing.status).toBe(2);
    expect(lines(missing.stderr)).toHaveLength(1);
    expect(runCli(["compare"]).status).toBe(2);
  });

  it("prints what the README shows for its example", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const start = readme.indexOf("```\nComparison of examples/clone-vm-sharer.yaml");
    expect(start).toBeGreaterThan(0);
    const shown = readme.slice(start + 4, readme.indexOf("```", start + 4));
    const r = runCli([
      "compare",
      "examples/clone-vm-sharer.yaml",
      "--policies",
      "2.6.20,modern,largest-rss",
    ]);
    expect(r.stdout).toBe(shown);
  });

  it("--html writes one self-contained page: the tables, and each policy's run with its memory timeline", () => {
    const file = join(dir, "memdie-wait.html");
    const policies = "2.6.20,newest,guard";
    const args = ["compare", "examples/memdie-wait.yaml", "--policies", policies];
    const r = runCli([...args, "--html", file]);
    const plain = runCli(args);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.stderr).toBe(plain.stderr);
    const html = readFileSync(file, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(?!#)[^\s"'>]/i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain("<h2>Metrics per policy</h2>");
    expect(html).toContain("<td>1600 indexer (2.980)</td>");
    // Every run's memory side by side, on one time axis, before the one run shown in full.
    const figures = [...html.matchAll(/<figure class="timeline">\s*<figcaption>([^<]*)</g)];
    expect(figures.map((m) => m[1])).toEqual(["2.6.20", "newest", "guard"]);
    expect(html.match(/<polyline class="free"/g)).toHaveLength(3);
    const names = [...html.matchAll(/<option value="(\d+)">([^<]*)<\/option>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(names).toEqual([
      ["0", "2.6.20"],
      ["1", "newest"],
      ["2", "guard"],
    ]);
    const json = JSON.parse(runCli([...args, "--json"]).stdout);
    names.forEach(([k], i) => {
      expect(html).toContain(`<template id="run-${k}">`);
      const data = new RegExp(`id="report-data-${k}">(.*?)</script>`, "s").exec(html);
      const model = JSON.parse(data![1]!);
      expect(model.source).toBe("sim");
      expect(model.times.length).toBeGreaterThan(10);
      expect(model.markers.ooms.length).toBe(json.policies[i].oom_calls);
      expect(model.markers.kills.length).toBeGreaterThan(0);
    });
    const again = join(dir, "again.html");
    runCli([...args, "--html", again]);
    expect(readFileSync(again, "utf8")).toBe(html);

    for (const bad of [
      [...args, "--html", "-"],
      ["compare", "--reports", "examples/reports/memcg-v1-6.18.txt", "--html", file],
    ]) {
      const b = runCli(bad);
      expect(b.status, bad.join(" ")).toBe(2);
      expect(lines(b.stderr)).toHaveLength(1);
    }
  });

  it("--help describes the command and its options", () => {
    const r = runCli(["compare", "--help"]);
    expect(r.status).toBe(0);
    for (const word of [
      "--policies",
      "--json",
      "--window",
      "--seed",
      "--until",
      "role: culprit",
      "--reports",
      "--html",
    ]) {
      expect(r.stdout).toContain(word);
    }
    expect(runCli(["--help"]).stdout).toContain("compare");
  });
});

describe("oomkit compare --reports", () => {
  const MEMCG = "examples/reports/memcg-v1-6.18.txt";
  const REGISTERED = ["2.6.20", "modern", "largest-rss", "newest", "oom-score-adj-bands"];
  const FIXTURES = readdirSync(join(import.meta.dirname, "fixtures", "reports"))
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((f) => `test/fixtures/reports/${f}`);

  interface PickJson {
    policy: string;
    outcome: string;
    victim: { pid: number; comm: string } | null;
    differs_from_kernel: boolean | null;
  }
  interface ReportJson {
    index: number;
    comparable: boolean;
    not_comparable_reason: string | null;
    kernel_victim: { pid: number; comm: string } | null;
    kernel_unranked: string | null;
    picks: PickJson[];
  }
  interface ComparisonJson {
    policies: string[];
    reports: ReportJson[];
    not_comparable: { index: number; reason: string }[];
    disagreements: {
      pairs: { a: string; b: string; differ: number; compared: number }[];
      versus_kernel: { policy: string; differ: number; compared: number }[];
    };
  }

  it("per report the kernel's victim and each policy's pick, newest unable to rank", () => {
    const r = runCli(["compare", "--reports", MEMCG]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const out = lines(r.stdout);
    expect(out[0]).toBe(
      `Counterfactuals on 1 OOM report (${MEMCG}): 1 with a task table, 5 policies`,
    );
    expect(out[2]).toBe(`Report 1: ${MEMCG} lines 1-82, kernel 6.18.44, CONSTRAINT_MEMCG, 4 tasks`);
    const pick = (name: string) =>
      out
        .find((l) => l.startsWith(`  ${name} `))!
        .slice(2 + name.length)
        .trim();
    expect(pick("kernel")).toBe("11302 (perl)");
    expect(pick("2.6.20")).toBe("11302 (perl)");
    expect(pick("modern")).toBe("11302 (perl)");
    expect(pick("largest-rss")).toBe("11299 (perl)  * differs");
    expect(pick("newest")).toBe("cannot rank: a report prints no start times");
    expect(pick("oom-score-adj-bands")).toBe("11302 (perl)");
    const matrix = out.slice(out.findIndex((l) => l.startsWith("Disagreements")) + 1);
    expect(matrix[0]!.trim().split(/\s+/)).toEqual(["kernel", ...REGISTERED]);
    expect(matrix[3]!.trim().split(/\s+/)).toEqual([
      "largest-rss",
      "1/1",
      "1/1",
      "1/1",
      "-",
      "1/1",
    ]);
    expect(matrix[4]!.trim().split(/\s+/)).toEqual(["newest", "-", "-", "-", "-", "-"]);
    expect(out).toContain("Assumed for every report:");
  });

  it("the sample reports: several files as one log, a report without a table not comparable", () => {
    const files = readdirSync(join(import.meta.dirname, "..", "examples", "reports"))
      .sort()
      .map((f) => `examples/reports/${f}`);
    const r = runCli(["compare", "--reports", ...files, "--json"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(lines(r.stdout)).toHaveLength(1);
    const j = JSON.parse(r.stdout) as ComparisonJson;
    for (const k of keysOf(j)) expect(k).toMatch(/^[a-z0-9_]+$/);
    expect(j.policies).toEqual(REGISTERED);
    expect(j.reports).toHaveLength(4);
    expect(j.not_comparable).toEqual([{ index: 0, reason: "no task table" }]);
    expect(j.reports[0]).toMatchObject({
      comparable: false,
      kernel_victim: { pid: 2345, comm: "java" },
      picks: [],
    });
    expect(j.reports.slice(2).map((x) => x.kernel_victim?.pid)).toEqual([1010, 2010]);
    for (const rep of j.reports.slice(1)) {
      expect(rep.picks.map((p) => p.policy)).toEqual(REGISTERED);
      expect(rep.picks.find((p) => p.policy === "newest")).toMatchObject({
        outcome: "cannot_rank",
        victim: null,
        differs_from_kernel: null,
      });
    }
    expect(j.disagreements.versus_kernel).toEqual([
      { policy: "2.6.20", differ: 0, compared: 3 },
      { policy: "modern", differ: 0, compared: 3 },
      { policy: "largest-rss", differ: 1, compared: 3 },
      { policy: "newest", differ: 0, compared: 0 },
      { policy: "oom-score-adj-bands", differ: 0, compared: 3 },
    ]);
    expect(j.disagreements.pairs).toHaveLength(10);
    expect(j.disagreements.pairs[1]).toEqual({
      a: "2.6.20",
      b: "largest-rss",
      differ: 1,
      compared: 3,
    });
  });

  it("every fixture report: the matrix counts agree with the picks", () => {
    const r = runCli([
      "compare",
      "--reports",
      ...FIXTURES,
      "-j",
      "--policies",
      "modern,largest-rss",
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    const j = JSON.parse(r.stdout) as ComparisonJson;
    expect(j.policies).toEqual(["modern", "largest-rss"]);
    const comparable = j.reports.filter((x) => x.comparable);
    expect(comparable.length).toBeGreaterThan(20);
    expect(j.not_comparable.length).toBe(j.reports.length - comparable.length);
    const both = comparable.filter((x) => x.picks.every((p) => p.victim !== null));
    const differ = both.filter((x) => x.picks[0]!.victim!.pid !== x.picks[1]!.victim!.pid);
    expect(j.disagreements.pairs).toEqual([
      { a: "modern", b: "largest-rss", differ: differ.length, compared: both.length },
    ]);
    // vm.oom_kill_allocating_task: the kernel ranked nothing, so no policy is set against it.
    const unranked = comparable.filter((x) => x.kernel_unranked !== null);
    expect(unranked.map((x) => x.kernel_victim?.pid).sort()).toEqual([3131, 5555, 6100]);
    for (const x of unranked) {
      expect(x.picks.map((p) => p.differs_from_kernel)).toEqual([null, null]);
    }
    const vsKernel = comparable.filter(
      (x) => x.kernel_victim !== null && x.kernel_unranked === null && x.picks[0]!.victim !== null,
    );
    expect(j.disagreements.versus_kernel[0]).toEqual({
      policy: "modern",
      differ: vsKernel.filter((x) => x.picks[0]!.differs_from_kernel).length,
      compared: vsKernel.length,
    });
    // The no-killable report: nothing to choose.
    expect(j.reports.some((x) => x.comparable && x.picks.every((p) => p.outcome === "none"))).toBe(
      true,
    );
  });

  it("reads gzip and standard input as replay does", () => {
    const gz = join(dir, "kern.log.1.gz");
    writeFileSync(gz, gzipSync(readFileSync(MEMCG)));
    const fromGz = runCli(["compare", "--reports", gz, "--policies", "modern"]);
    expect(fromGz.status).toBe(0);
    expect(lines(fromGz.stdout)).toContain("  modern  11302 (perl)");
    const fromStdin = runCli(["compare", "--reports", "-", "-j"], readFileSync(MEMCG, "utf8"));
    expect(fromStdin.status).toBe(0);
    expect((JSON.parse(fromStdin.stdout) as ComparisonJson).reports[0]!.kernel_victim).toEqual({
      pid: 11302,
      comm: "perl",
    });
  });

  it("no OOM report: exit 1 and one line; bad arguments: exit 2 and one line", () => {
    const none = runCli(["compare", "--reports", "examples/README.md"]);
    expect(none.status).toBe(1);
    expect(none.stdout).toBe("");
    expect(lines(none.stderr)).toEqual([
      expect.stringMatching(/^oomkit compare: no OOM report found in examples\/README\.md/),
    ]);
    const cases: string[][] = [
      ["compare", "--reports", join(dir, "missing.log")],
      ["compare", "examples/child-first.yaml", "--reports", MEMCG],
      ["compare", "--reports", MEMCG, "--policies", "guard"],
      ["compare", "--reports", MEMCG, "--policies", "bogus"],
      ["compare", "--reports", MEMCG, "--seed", "3"],
      ["compare"],
    ];
    for (const args of cases) {
      const r = runCli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(lines(r.stderr), args.join(" ")).toHaveLength(1);
    }
  });

  it("prints what the README shows for its example", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const start = readme.indexOf(`\`\`\`\nCounterfactuals on 1 OOM report (${MEMCG})`);
    expect(start).toBeGreaterThan(0);
    const shown = readme.slice(start + 4, readme.indexOf("```", start + 4));
    expect(runCli(["compare", "--reports", MEMCG]).stdout).toBe(shown);
  });
});
