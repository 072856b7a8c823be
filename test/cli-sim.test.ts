/**
 * `oomkit sim` end to end, as a user runs it.
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, ROOT, runCli } from "./support/cli.js";
import { collectKeys } from "./support/json-keys.js";

const dir = mkdtempSync(join(tmpdir(), "oomkit-sim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("oomkit sim", () => {
  it("runs the embedded story without arguments: a child is killed and the allocation succeeds", () => {
    const r = runCli(["sim", "--summary"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain(
      "batchjob invoked oom-killer: gfp_mask=0x280d2, order=0, oomkilladj=0",
    );
    expect(r.stdout).toContain(
      "<3>[ 3606.252000] Out of memory: kill process 900 (httpd) score 7502 or a child",
    );
    expect(r.stdout).toContain("<3>[ 3606.252000] Killed process 901 (httpd)");
    expect(r.stdout).toContain("ended: nothing left to do");
    expect(runCli(["sim", "--example", "--summary"]).stdout).toBe(r.stdout);
  });

  it("prints JSON lines with --json, a summary line last with --summary", () => {
    const r = runCli(["sim", "--json", "--summary"]);
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0].type).toBe("sim.start");
    expect(lines.at(-2).type).toBe("sim.end");
    expect(lines.at(-1).type).toBe("summary");
    expect(lines.some((e) => e.type === "oom.step" && e.step === "select")).toBe(true);
  });

  it("--json keys are snake_case at every depth; the event types keep their names", () => {
    const keys = new Set<string>();
    const walk = (v: unknown): void => {
      collectKeys(v, keys);
    };
    const events: Record<string, unknown>[] = [];
    for (const args of [
      [],
      ["examples/highmem-32bit.yaml"],
      ["examples/gfp-nofs-loop.yaml", "--until", "5s"],
    ]) {
      const r = runCli(["sim", ...args, "--json", "--summary"]);
      expect([r.status, r.stderr]).toEqual([0, ""]);
      for (const line of r.stdout.trimEnd().split("\n")) events.push(JSON.parse(line));
    }
    events.forEach(walk);
    expect([...keys].filter((k) => !/^[a-z][a-z0-9_]*$/.test(k))).toEqual([]);
    const first = (type: string) => events.find((e) => e.type === type)!;
    expect(first("sim.start")).toHaveProperty("present_pages");
    expect(first("alloc.stall")).toHaveProperty("classzone_idx");
    expect(first("alloc.stall")).toHaveProperty("gfp_mask");
    expect(first("reclaim.done")).toHaveProperty("did_some_progress");
    expect(first("mm.free")).toHaveProperty("by_zone");
    expect(first("sim.end")).toHaveProperty("free_pages");
    expect(first("alloc.pending")).toHaveProperty("stall_ticks");
    const mem = events.find((e) => e.type === "show_mem")!.mem;
    expect(mem).toHaveProperty("swap_cache.find_success");
    expect(mem).toHaveProperty(["zones", 0, "free_area"]);
    expect(first("summary")).toHaveProperty("end_reason");
    const loop = events.filter((e) => e.type === "summary").at(-1);
    expect(loop).toHaveProperty("pending_allocations.0.gfp_mask");
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      "task.signal",
      "oom.step",
      "alloc.last_chance",
      "kswapd.balance",
      "zone.unreclaimable",
    ]) {
      expect(types).toContain(type);
    }
  });

  it("--quiet prints only the summary; --until stops a loop that never ends", () => {
    const r = runCli(["sim", "examples/gfp-nofs-loop.yaml", "--quiet", "--until", "5s"]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith("Simulation summary")).toBe(true);
    expect(r.stdout).toContain("ended: time limit reached");
    expect(r.stdout).toContain("OOM killer calls: 0");
  });

  it("a run whose kernel log is empty says so in one line on stderr", () => {
    const r = runCli(["sim", "examples/gfp-nofs-loop.yaml", "--until", "5s"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "oomkit sim: the kernel printed nothing; the run ended at 1005.000000 s of uptime (time limit reached, 1 allocation still looping); --summary tells more\n",
    );
    const quiet = runCli(["sim", "examples/gfp-nofs-loop.yaml", "--until", "5s", "--summary"]);
    expect(quiet.stderr).toBe("");
  });

  it("--dump-oom into a directory it cannot make fails with exit 3 and one line", () => {
    for (const target of ["/proc/oomkit-no-such/dir", "README.md", "README.md/sub"]) {
      const r = runCli(["sim", "examples/child-first.yaml", "--quiet", "--dump-oom", target]);
      expect(r.status).toBe(3);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(`--dump-oom ${target}: cannot create the directory`);
    }
  });

  it("--dump-oom writes a snapshot and a result per call, and `oom --json` agrees with each", () => {
    const out = join(dir, "dump");
    const r = runCli(["sim", "examples/memdie-wait.yaml", "--quiet", "--dump-oom", out]);
    expect(r.status).toBe(0);
    const files = readdirSync(out).sort();
    // Nine calls: the renderer is chosen by the first, and the eight the indexer makes
    // while the renderer sleeps in its allocation with TIF_MEMDIE all abort.
    const calls = ["0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009"];
    expect(files).toEqual(calls.flatMap((n) => [`oom-${n}.result.json`, `oom-${n}.snapshot.json`]));
    for (const n of ["0001", "0002", "0009"]) {
      const again = runCli(["oom", "--json", join(out, `oom-${n}.snapshot.json`)]);
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual(
        JSON.parse(readFileSync(join(out, `oom-${n}.result.json`), "utf8")),
      );
    }
    expect(JSON.parse(readFileSync(join(out, "oom-0002.result.json"), "utf8")).outcome).toBe(
      "aborted",
    );
  });

  it("rejects a bad scenario with one line, exit 2, nothing on stdout and no dump files", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "machine:\n  memory: 64MiB\n  colour: blue\n");
    const out = join(dir, "nodump");
    const r = runCli(["sim", bad, "--dump-oom", out]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${bad}:3:3: machine.colour: unknown key "colour"\n`);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a timeline label that nothing defines: exit 2, one line at the reference", () => {
    const bad = join(dir, "unknown-label.yaml");
    writeFileSync(
      bad,
      "machine: {memory: 64MiB}\nprocesses:\n  - {name: httpd, label: web}\ntimeline:\n  - {at: 1, task: wbe, exit: 0}\n",
    );
    const r = runCli(["sim", bad, "--summary"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `${bad}:5:19: timeline[0].task: a label defined by a process, a fork or a thread (web), a pid or "@random", got "wbe"\n`,
    );
  });

  it("warns on stderr of each timeline action skipped at run time, and the summary lists them", () => {
    const file = join(dir, "skips.yaml");
    writeFileSync(
      file,
      [
        "machine: {bits: 64, hz: 250, memory: 64MiB, uptime: 1000}",
        "processes:",
        "  - {name: worker, pid: 700}",
        "timeline:",
        "  - {at: 1, task: worker, kill: true}",
        "  - {at: 2, task: worker, fault: {pages: 100}}",
        "  - {at: 3, task: 700, exit: 0}",
        "",
      ].join("\n"),
    );
    const warnings =
      "oomkit sim: warning: at 1002.000000 s, fault (timeline[1]) for worker skipped: no such live task\n" +
      "oomkit sim: warning: at 1003.000000 s, exit (timeline[2]) for pid 700 skipped: no such live task\n";
    const r = runCli(["sim", file, "--summary"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(warnings);
    expect(r.stdout).toContain(
      "  Timeline actions skipped: 2\n" +
        "    [1002.000000] fault (timeline[1]) for worker: no such live task\n" +
        "    [1003.000000] exit (timeline[2]) for pid 700: no such live task\n",
    );
    // With --json the warnings stay on stderr: stdout is JSON lines only.
    const j = runCli(["sim", file, "--json", "--summary"]);
    expect(j.status).toBe(0);
    expect(j.stderr).toBe(warnings);
    const lines = j.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((e) => e.type === "sim.skip").map((e) => [e.pid, e.action])).toEqual([
      [null, "fault"],
      [700, "exit"],
    ]);
  });

  it("rejects bad options as usage errors", () => {
    expect(runCli(["sim", "--until", "soon"]).status).toBe(2);
    expect(runCli(["sim", "--seed", "-1"]).status).toBe(2);
    expect(runCli(["sim", "--example", "examples/child-first.yaml"]).status).toBe(2);
  });

  it("--policy chooses each victim by that policy; 2.6.20 named changes nothing but the summary's first line", () => {
    const plain = runCli(["sim", "examples/child-first.yaml", "--summary"]);
    const named = runCli(["sim", "examples/child-first.yaml", "--summary", "--policy", "2.6.20"]);
    expect(named.status).toBe(0);
    expect(named.stdout).toBe(
      plain.stdout.replace(
        "Simulation summary (seed 1, 64-bit, HZ=250)",
        "Simulation summary (seed 1, 64-bit, HZ=250, victim policy 2.6.20)",
      ),
    );
    const newest = runCli(["sim", "examples/child-first.yaml", "--summary", "--policy", "newest"]);
    expect(newest.status).toBe(0);
    expect(newest.stdout).toContain(
      "Out of memory: kill process 400 (backup) score 19000 or a child",
    );
    expect(newest.stdout).toContain("call 1: killed 400 (backup), score 19000, constraint none");
    expect(newest.stdout).toContain("call 2: killed 320 (java), score 1000, constraint none");
    const json = runCli(["sim", "examples/child-first.yaml", "-j", "--policy", "largest-rss"]);
    expect(JSON.parse(json.stdout.split("\n")[0]!)).toMatchObject({
      type: "sim.start",
      policy: "largest-rss",
    });
    const bad = runCli(["sim", "examples/child-first.yaml", "--policy", "oldest"]);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toBe(
      'oomkit: unknown policy "oldest": expected one of "2.6.20", "modern", "largest-rss", "newest", "oom-score-adj-bands"\n',
    );
  });

  it("gives byte-identical output for the same scenario and seed", () => {
    const a = runCli(["sim", "examples/child-first.yaml", "--json", "--seed", "7"]);
    const b = runCli(["sim", "examples/child-first.yaml", "--json", "--seed", "7"]);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe("oomkit sim --verbose", () => {
  it("tells the simulation's own story as # lines between the kernel's, and only when asked", () => {
    const plain = runCli(["sim", "examples/child-first.yaml"]);
    const verbose = runCli(["sim", "examples/child-first.yaml", "-v"]);
    expect(verbose.status).toBe(0);
    expect(plain.stdout.split("\n").filter((l) => l.startsWith("#"))).toEqual([]);
    const story = verbose.stdout.split("\n").filter((l) => l.startsWith("#"));
    expect(story).toContain("# [20004.636000] exit 320 (java), killed (oom)");
    // The kernel's own lines are unchanged.
    expect(verbose.stdout.split("\n").filter((l) => !l.startsWith("#"))).toEqual(
      plain.stdout.split("\n"),
    );
  });
});

describe("oomkit sim --explain", () => {
  it("explains the N-th call after its log lines, in oom --explain's words for that call's snapshot", () => {
    const plain = runCli(["sim", "examples/memdie-wait.yaml"]);
    const out = join(dir, "explain");
    const r = runCli(["sim", "examples/memdie-wait.yaml", "--explain", "2", "--dump-oom", out]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    const lines = r.stdout.split("\n");
    const explained = lines.filter((l) => l.startsWith("#"));
    expect(explained[0]).toBe("# out_of_memory() call 2, explained:");
    // The kernel's own lines are unchanged, and the explanation follows the second call's.
    expect(lines.filter((l) => !l.startsWith("#"))).toEqual(plain.stdout.split("\n"));
    const at = lines.indexOf(explained[0]!);
    const headers = lines.slice(0, at).filter((l) => l.includes("invoked oom-killer"));
    expect(headers).toHaveLength(2);
    const oom = runCli(["oom", "--explain", join(out, "oom-0002.snapshot.json")]);
    const words = oom.stdout.split("\n\n")[1]!.trimEnd().split("\n");
    expect(explained.slice(1).map((l) => l.slice("#   ".length))).toEqual(words);
  });

  it('"all" explains every call; a call the run never made is exit 1 and one line', () => {
    const all = runCli(["sim", "examples/memdie-wait.yaml", "--explain", "all"]);
    expect(all.status).toBe(0);
    const heads = all.stdout.split("\n").filter((l) => l.endsWith(", explained:"));
    expect(heads).toHaveLength(9);
    const none = runCli(["sim", "examples/memdie-wait.yaml", "--explain", "10"]);
    expect(none.status).toBe(1);
    expect(none.stderr).toBe(
      "oomkit sim: --explain 10: the run made only 9 out_of_memory() calls\n",
    );
  });

  it("refuses a bad call number and the modes without a text log", () => {
    for (const args of [
      ["--explain", "0"],
      ["--explain", "x"],
      ["--explain", "1", "--json"],
      ["--explain", "1", "-q"],
      ["--explain", "1", "--policy", "largest-rss"],
    ]) {
      const r = runCli(["sim", "examples/child-first.yaml", ...args]);
      expect([args.join(" "), r.status, r.stdout]).toEqual([args.join(" "), 2, ""]);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  });
});

/** Runs the CLI and sends it SIGINT after `ms`, as Ctrl-C would, reading all it prints. */
function interrupted(
  args: string[],
  ms: number,
): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGINT"), ms);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, stdout, stderr });
    });
  });
}

describe("oomkit sim, Ctrl-C", () => {
  it("ends the run, prints the summary of what ran with a note that it was interrupted, exit 130", async () => {
    // The GFP_NOFS loop never ends by itself; SIGINT comes as Ctrl-C sends it.
    const args = ["sim", "examples/gfp-nofs-loop.yaml", "--until", "1000000"];
    const r = await interrupted(args, 2500);
    expect([r.status, r.signal]).toEqual([130, null]);
    expect(r.stderr).toMatch(
      /^oomkit sim: interrupted at \d+\.\d{6} s of uptime; the summary covers what ran\n$/,
    );
    expect(r.stdout).toMatch(/^\nSimulation summary \(seed 1, 64-bit, HZ=250\)\n/);
    expect(r.stdout).toMatch(/; ended: interrupted \(Ctrl-C\)\n/);
    expect(r.stdout).toContain("Allocations still looping at the end: 1");
  });

  it("as JSON: the sim.end event says interrupted and the summary line follows", async () => {
    const args = ["sim", "examples/gfp-nofs-loop.yaml", "--until", "1000000", "--json"];
    const r = await interrupted(args, 2500);
    expect(r.status).toBe(130);
    const lines = r.stdout.trimEnd().split("\n");
    expect(JSON.parse(lines.at(-2)!)).toMatchObject({ type: "sim.end", reason: "interrupted" });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: "summary", end_reason: "interrupted" });
  });
});

describe("oomkit sim, an inline thread's start", () => {
  const scenario = (thread: string) =>
    "machine:\n  memory: 64MiB\n  uptime: 5000\nprocesses:\n" +
    "  - name: srv\n    pid: 50\n    start: 10\n    total_vm: 6000\n    rss: 3000\n" +
    `    threads:\n      - ${thread}\n` +
    "timeline:\n  - at: 1\n    task: srv\n    fault: { pages: 20000 }\n";

  it("is its process's by default, or the one given", () => {
    for (const [thread, start] of [
      ["{ pid: 51 }", 10],
      ["{ pid: 51, start: 4000 }", 4000],
    ] as const) {
      const file = join(dir, `thread-${start}.yaml`);
      writeFileSync(file, scenario(thread));
      const out = join(dir, `thread-dump-${start}`);
      const r = runCli(["sim", file, "-q", "--dump-oom", out]);
      expect(r.status).toBe(0);
      const snap = JSON.parse(readFileSync(join(out, "oom-0001.snapshot.json"), "utf8"));
      const task = (pid: number) => snap.tasks.find((t: { pid: number }) => t.pid === pid);
      expect([task(50).start_time, task(51).start_time]).toEqual([10, start]);
    }
  });

  it("follows a process's rule: not after machine.uptime, and not before its process", () => {
    for (const [thread, why] of [
      ["{ pid: 51, start: 6000 }", "a start time no later than machine.uptime"],
      ["{ pid: 51, start: 5 }", "a start time no earlier than its process's start"],
    ] as const) {
      const file = join(dir, "thread-bad.yaml");
      writeFileSync(file, scenario(thread));
      const r = runCli(["sim", file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`processes\\[0\\]\\.threads\\[0\\]\\.start: .*${why}`));
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    }
  });
});

describe("oomkit sim, a leading UTF-8 byte-order mark", () => {
  const BOM = "\uFEFF";

  it("is ignored in a YAML or JSON scenario and in the snapshot of from_snapshot", () => {
    const yaml = join(dir, "bom-child-first.yaml");
    writeFileSync(yaml, BOM + readFileSync("examples/child-first.yaml", "utf8"));
    const plain = runCli(["sim", "examples/child-first.yaml", "--summary"]);
    const bom = runCli(["sim", yaml, "--summary"]);
    expect(bom.status).toBe(0);
    expect(bom.stderr).toBe("");
    expect(bom.stdout).toBe(plain.stdout);

    const json = join(dir, "bom-scenario.json");
    writeFileSync(
      json,
      `${BOM}{"machine": {"memory": "64MiB"}, "processes": [{"name": "a"}], "until": 1}`,
    );
    const r = runCli(["sim", json, "--json"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout.split("\n")[0]!).type).toBe("sim.start");

    const snapshot = join(dir, "bom-snapshot.json");
    writeFileSync(
      snapshot,
      BOM + readFileSync("test/fixtures/snapshots/spec-example.json", "utf8"),
    );
    const fromSnapshot = join(dir, "bom-from-snapshot.yaml");
    writeFileSync(
      fromSnapshot,
      "machine: { memory: 1GiB }\nfrom_snapshot: bom-snapshot.json\nuntil: 1\n",
    );
    const s = runCli(["sim", fromSnapshot, "--json"]);
    expect(s.stderr).toBe("");
    expect(s.status).toBe(0);
  });

  it("does not shift the position of an error on the first line", () => {
    const bad = join(dir, "bom-bad.yaml");
    writeFileSync(bad, `${BOM}colour: blue\nmachine: {}\n`);
    const r = runCli(["sim", bad]);
    expect(r).toEqual({
      status: 2,
      stdout: "",
      stderr: `${bad}:1:1: colour: unknown key "colour"\n`,
    });
  });
});

describe("oomkit sim, size units", () => {
  /** present_pages of sim.start for a machine of `memory`, its zones taken as they are. */
  function presentPages(memory: string): number {
    const file = join(dir, "units.yaml");
    writeFileSync(file, `machine:\n  memory: ${memory}\n  exact_zones: true\nuntil: 1\n`);
    const r = runCli(["sim", file, "--json"]);
    expect(r.status, memory).toBe(0);
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout.split("\n")[0]!).present_pages;
  }

  /** Runs a scenario expected to be refused; returns its one stderr line. */
  function refused(name: string, text: string): string {
    const file = join(dir, name);
    writeFileSync(file, text);
    const r = runCli(["sim", file]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.endsWith("\n")).toBe(true);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    return r.stderr.trimEnd().slice(file.length);
  }

  it("reads KiB, MiB, GiB, K, M, G as powers of 1024 and kB, MB, GB as powers of 1000", () => {
    expect(presentPages("8GiB")).toBe(2097152);
    expect(presentPages("8G")).toBe(2097152);
    expect(presentPages("8GB")).toBe(1953125);
    expect(presentPages("64MiB")).toBe(16384);
    expect(presentPages("64M")).toBe(16384);
    expect(presentPages("4096000kB")).toBe(1000000);
    expect(presentPages("4000000KiB")).toBe(1000000);
    expect(presentPages("4000000K")).toBe(1000000);
    expect(presentPages("16384 pages")).toBe(16384);
  });

  it("refuses a size that is not a whole number of 4 KiB pages, saying so", () => {
    const fault = (pages: string) =>
      `machine: { memory: 64MiB }\nprocesses: [{ name: a }]\ntimeline:\n  - { at: 1, task: a, fault: { pages: ${pages} } }\n`;
    expect(refused("kib.yaml", fault("1KiB"))).toBe(
      ':4:39: timeline[0].fault.pages: a whole number of 4 KiB pages, got "1KiB" (1024 bytes, 0.25 pages)',
    );
    expect(refused("gb.yaml", "machine:\n  memory: 1GB\n")).toBe(
      ':2:11: machine.memory: a whole number of 4 KiB pages, got "1GB" (1000000000 bytes, 244140.625 pages; GB is 10^9 bytes, GiB 2^30)',
    );
    expect(refused("mb.yaml", "machine:\n  memory: 1MB\n")).toMatch(
      /^:2:11: machine\.memory: a whole number of 4 KiB pages, got "1MB" \(1000000 bytes, .*MB is 10\^6 bytes, MiB 2\^20\)$/,
    );
    expect(refused("kb.yaml", "machine:\n  memory: 1kB\n")).toMatch(
      /^:2:11: machine\.memory: a whole number of 4 KiB pages, got "1kB" .*kB is 10\^3 bytes, KiB 2\^10\)$/,
    );
  });

  it("states the limit of a size: 2^40 pages", () => {
    expect(refused("big.yaml", "machine:\n  memory: 1099511627777\n")).toBe(
      ":2:11: machine.memory: a size of at most 1099511627776 pages (4PiB), got 1099511627777",
    );
    expect(refused("big-gib.yaml", "machine:\n  memory: 4194305GiB\n")).toBe(
      ':2:11: machine.memory: a size of at most 1099511627776 pages (4PiB), got "4194305GiB"',
    );
  });
});

describe("oomkit sim, YAML that a scenario never needs", () => {
  const cases: [string, string, string][] = [
    [
      "alias.yaml",
      "machine: *nope\nprocesses: []\n",
      ":1:10: $: an alias *nope to an anchor defined before it",
    ],
    ["self.yaml", "machine: &m [*m]\n", ":1:14: $: no alias *m inside its own anchor"],
    [
      "key.yaml",
      "? [a, b]\n: 1\nmachine: {}\n",
      ":1:3: $: a key that is a plain value, not a collection",
    ],
  ];
  for (const [name, text, line] of cases) {
    it(`${name}: one input error with its position, exit 2, no warning`, () => {
      const file = join(dir, name);
      writeFileSync(file, text);
      const r = runCli(["sim", file]);
      expect(r).toEqual({ status: 2, stdout: "", stderr: `${file}${line}\n` });
    });
  }
  it("an alias bomb is refused, not expanded", () => {
    let text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (let i = 1; i < 12; i++)
      text += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(", ")}]\n`;
    const file = join(dir, "bomb.yaml");
    writeFileSync(file, `${text}machine: {}\n`);
    const r = runCli(["sim", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\S+bomb\.yaml: \$: aliases expanding at most 100 times/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("oomkit sim bounds the work a scenario asks for", () => {
  it("refuses more than 10^6 timeline actions in all, saying the bound, at once", () => {
    const file = join(dir, "repeat-bomb.yaml");
    writeFileSync(
      file,
      "machine: { memory: 64MiB }\nprocesses: [{ name: a }]\ntimeline:\n  - { at: 1, task: a, fault: { pages: 1 }, repeat: 10000000, every: 1ms }\n",
    );
    const r = runCli(["sim", file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `${file}:4:52: timeline[0].repeat: at most 1000000 timeline actions in all, repetitions included (this entry brings the total to 10000000)\n`,
    );
  });
});

describe("oomkit sim --check", () => {
  it("prints one line and exits 0 when every expectation of the scenario holds", () => {
    const r = runCli(["sim", "--check", "examples/memdie-wait.yaml"]);
    expect(r).toEqual({
      status: 0,
      stdout: "examples/memdie-wait.yaml: all 12 expectations hold\n",
      stderr: "",
    });
  });

  it("prints one line per mismatch and exits 1 when a run contradicts the story", () => {
    // Under largest-rss java itself is chosen, not its parent bash.
    const r = runCli(["sim", "--check", "--policy", "largest-rss", "examples/child-first.yaml"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      'examples/child-first.yaml: call 1: selected "bash" expected, got java (pid 320)\n' +
        'examples/child-first.yaml: claim "bash scores highest, so the OOM killer chooses bash": call 1: selected "bash" expected, got java (pid 320)\n',
    );
    const j = runCli([
      "sim",
      "--check",
      "--json",
      "--policy",
      "largest-rss",
      "examples/child-first.yaml",
    ]);
    expect(j.status).toBe(1);
    const doc = JSON.parse(j.stdout);
    expect(doc).toMatchObject({ file: "examples/child-first.yaml", holds: false, checked: 10 });
    expect(doc.mismatches).toHaveLength(2);
    expect(j.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("checks a scenario's own expect block, whatever it says", () => {
    const file = join(dir, "expect.yaml");
    writeFileSync(
      file,
      `${readFileSync("examples/panic-on-oom.yaml", "utf8").replace(/^expect:[\s\S]*$/m, "")}expect:\n  end: idle\n  survives: [leaker, nobody]\n`,
    );
    const r = runCli(["sim", "--check", file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(
      `${file}: end: the run was expected to end idle, it ended panic\n${file}: survives: no task is named "nobody"\n`,
    );
  });

  it("refuses a scenario without an expect block, and options that print the run", () => {
    const file = join(dir, "no-expect.yaml");
    writeFileSync(file, "machine: { memory: 64MiB }\n");
    const none = runCli(["sim", "--check", file]);
    expect(none.status).toBe(2);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe(
      `${file}: expect: an expect block for --check to check (examples/README.md)\n`,
    );
    expect(none.stderr.trim().split("\n")).toHaveLength(1);
    for (const opt of ["--summary", "--quiet", "--verbose"]) {
      const r = runCli(["sim", "--check", opt, "examples/child-first.yaml"]);
      expect([r.status, r.stdout]).toEqual([2, ""]);
      expect(r.stderr).toContain(`--check prints only the check; it takes no ${opt}`);
    }
    expect(runCli(["sim", "--help"]).stdout).toContain("--check");
    // The embedded default story carries one.
    expect(runCli(["sim", "--check"]).stdout).toBe(
      "default-scenario.yaml: all 9 expectations hold\n",
    );
  });
});
