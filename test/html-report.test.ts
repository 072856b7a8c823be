/**
 * The HTML report of `oomkit sim`: the path each example's out_of_memory() calls take
 * through the flow, and `sim --html FILE` end to end.
 */

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildReportModel, type CallModel, type ReportModel } from "../src/report/html/model.js";
import { DEFAULT_SCENARIO } from "../src/sim/default-scenario.js";
import type { SimEvent } from "../src/sim/events.js";
import { runScenarioText } from "../src/sim/run.js";
import { runCli } from "./support/cli.js";

function calls(text: string): CallModel[] {
  const events: SimEvent[] = [];
  const r = runScenarioText(text, (e) => events.push(e), { file: "s.yaml" });
  return buildReportModel({ title: "s", events, calls: r.oomCalls }).calls;
}

const example = (name: string) => calls(readFileSync(`examples/${name}.yaml`, "utf8"));

describe("the path of each example's out_of_memory() calls", () => {
  it("the default story: httpd is chosen, its first worker killed, and the caller sleeps", () => {
    const [c, ...rest] = calls(DEFAULT_SCENARIO);
    expect(rest).toEqual([]);
    expect(c!.path).toEqual([
      "alloc_fail",
      "out_of_memory",
      "notifiers",
      "warning",
      "locks",
      "constraint",
      "panic_on_oom",
      "select",
      "badness",
      "oom_kill_process",
      "child_first",
      "kill_child",
      "oom_kill_task",
      "sigkill",
      "unlock",
      "sleep",
      "retry",
    ]);
    expect(c!.selected).toMatchObject({ pid: 900, points: "7502" });
    expect(c!.victim).toEqual({ pid: 901, comm: "httpd" });
    const rows = c!.badness!.rows;
    expect(rows.find((r) => r.pid === 812)!.skip).toBe("oom_disable");
    expect(rows.find((r) => r.pid === 840)!.terms.map((t) => t.term)).toEqual(
      expect.arrayContaining(["root", "rawio"]),
    );
  });

  it("child-first lights “kill a child”, and current, the victim, does not sleep", () => {
    const [c] = example("child-first");
    expect(c!.path).toContain("kill_child");
    expect(c!.path).not.toContain("kill_self");
    expect(c!.path).not.toContain("sleep");
    expect(c!.selected?.pid).toBe(310);
    expect(c!.victim?.pid).toBe(320);
  });

  it("panic-on-oom takes the panic branch before any selection", () => {
    const [c] = example("panic-on-oom");
    expect(c!.path.slice(-2)).toEqual(["panic_on_oom", "panic"]);
    expect(c!.path).not.toContain("select");
    expect(c!.badness!.ran).toBe(false);
  });

  it("memdie-wait: after the first kill, every call aborts on the victim's TIF_MEMDIE", () => {
    const [first, ...later] = example("memdie-wait");
    expect(first!.path).toContain("sigkill");
    expect(later.length).toBeGreaterThan(0);
    for (const c of later) {
      expect(c.path).toContain("memdie_abort");
      expect(c.path).not.toContain("badness");
      expect(c.path.slice(-3)).toEqual(["unlock", "sleep", "retry"]);
      expect(c.notes.memdie_abort).toContain("renderer (1500) has TIF_MEMDIE");
    }
  });

  it("cpuset-deadlock: the first call deadlocks in constrained_alloc, a later caller blocks", () => {
    const cs = example("cpuset-deadlock");
    expect(cs[0]!.path.slice(-2)).toEqual(["constraint", "deadlock"]);
    const blocked = cs.find((c) => c.outcome === "blocked")!;
    expect(blocked.path.slice(-2)).toEqual(["locks", "blocked"]);
    expect(blocked.comm).toBe("hog");
    expect(blocked.log.length).toBeGreaterThan(0);
  });

  it("mpol-bind kills current itself, without selection", () => {
    const [c] = example("mpol-bind");
    expect(c!.constraint).toBe("memory_policy");
    expect(c!.path).toContain("kill_current");
    expect(c!.path).toContain("kill_self");
    expect(c!.path).not.toContain("select");
    expect(c!.victim?.pid).toBe(c!.pid);
  });

  it("cpuset-constrained kills current's child first, then current", () => {
    const [a, b] = example("cpuset-constrained");
    expect(a!.path).toEqual(expect.arrayContaining(["kill_current", "kill_child"]));
    expect(a!.victim?.pid).toBe(501);
    expect(b!.path).toEqual(expect.arrayContaining(["kill_current", "kill_self"]));
    expect(b!.victim?.pid).toBe(500);
  });

  it("oom-disable-thread: the OOM_DISABLE thread does not spare its process (Q1)", () => {
    const [c] = example("oom-disable-thread");
    expect(c!.path).toContain("sigkill");
    expect(c!.path).not.toContain("oom_disable_skip");
    expect(c!.also).toEqual([]);
  });

  it("gfp-nofs-loop never calls the OOM killer", () => {
    expect(example("gfp-nofs-loop")).toEqual([]);
  });
});

const dir = mkdtempSync(join(tmpdir(), "oomkit-html-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("oomkit sim --html", () => {
  it("--example --html writes one self-contained file and prints the log as before", () => {
    const file = join(dir, "story.html");
    const r = runCli(["sim", "--example", "--html", file]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(runCli(["sim", "--example"]).stdout);
    expect(readdirSync(dir)).toEqual(["story.html"]);
    const html = readFileSync(file, "utf8");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).toContain("uPlot");
    expect(html).toContain("Out of memory: kill process 900 (httpd) score 7502 or a child");
    expect(statSync(file).size).toBeLessThan(400 * 1024);
  });

  it("same scenario, same report", () => {
    const a = join(dir, "a.html");
    const b = join(dir, "b.html");
    runCli(["sim", "examples/memdie-wait.yaml", "-q", "--html", a]);
    runCli(["sim", "examples/memdie-wait.yaml", "-q", "--html", b]);
    expect(readFileSync(a, "utf8")).toBe(readFileSync(b, "utf8"));
    rmSync(a);
    rmSync(b);
  });

  it("an unwritable file is exit 3 and leaves nothing behind; '-' is a usage error", () => {
    const missing = join(dir, "no-such-dir", "r.html");
    const r = runCli(["sim", "--example", "-q", "--html", missing]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("cannot write");
    expect(existsSync(join(dir, "no-such-dir"))).toBe(false);
    const dash = runCli(["sim", "--example", "--html", "-"]);
    expect(dash.status).toBe(2);
    expect(dash.stdout).toBe("");
  });
});

function reportData(file: string): ReportModel {
  const html = readFileSync(file, "utf8");
  const m = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m![1]!) as ReportModel;
}

describe("oomkit replay --html", () => {
  it("every OOM event of the log, each with the kernel's victim and each policy's verdict", () => {
    const file = join(dir, "replay.html");
    const logs = ["4.19-tasks-state-global.txt", "2.6.20-global.txt", "tie-5.10-last-wins.txt"];
    const args = ["replay", ...logs.map((f) => `test/fixtures/reports/${f}`)];
    const r = runCli([...args, "--html", file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(runCli(args).stdout);
    const m = reportData(file);
    expect(m.source).toBe("replay");
    expect(m.replay.length).toBe(
      runCli([...args, "--brief"])
        .stdout.trim()
        .split("\n").length,
    );
    expect(m.markers.ooms.map((o) => o.key)).toEqual(m.replay.map((e) => e.key));
    const first = m.replay[0]!;
    expect(first.actual).toEqual({ pid: 1500, comm: "app" });
    expect(first.match).toBe(true);
    expect(first.predictions.map((p) => p.policy)).toEqual([
      "the kernel's own rules",
      "2.6.20 badness()",
      "largest-rss",
    ]);
    expect(first.predictions.every((p) => p.agrees === true)).toBe(true);
    expect(first.tasks.find((t) => t.pid === 1500)!.points).toBe("1902736");
    expect(m.log.filter((l) => l.call === first.key).length).toBeGreaterThan(10);
  });

  it("is refused with --follow and with '-' as the file", () => {
    const f = "test/fixtures/reports/2.6.20-global.txt";
    const a = runCli(["replay", f, "--follow", "--html", join(dir, "x.html")]);
    expect(a.status).toBe(2);
    expect(a.stderr).toContain("--html");
    expect(runCli(["replay", f, "--html", "-"]).status).toBe(2);
    expect(existsSync(join(dir, "x.html"))).toBe(false);
  });
});

describe("oomkit oom --html", () => {
  it("the one call: its path lit, every badness term, its log", () => {
    const file = join(dir, "oom.html");
    const r = runCli(["oom", "--example", "--html", file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(runCli(["oom", "--example"]).stdout);
    const m = reportData(file);
    expect(m.source).toBe("oom");
    expect(m.calls.length).toBe(1);
    const c = m.calls[0]!;
    expect(c.path).toEqual(expect.arrayContaining(["select", "badness", "kill_child", "sigkill"]));
    expect(c.victim).toEqual({ pid: 400, comm: "java" });
    expect(c.badness!.rows.find((row) => row.pid === 300)!.terms.map((t) => t.term)).toContain(
      "children",
    );
    expect(m.log.map((l) => l.text)).toContain("<3>Killed process 400 (java)");
  });

  it("shows one call: several snapshots are a usage error", () => {
    const r = runCli([
      "oom",
      "test/fixtures/snapshots/spec-example.json",
      "test/fixtures/snapshots/spec-example.json",
      "--html",
      join(dir, "two.html"),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("one call");
  });
});
