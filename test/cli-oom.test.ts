/**
 * `oomkit oom`, `badness`, `gen` and `bench` end to end, as a user runs them.
 */

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "oomkit-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC_EXAMPLE = "test/fixtures/snapshots/spec-example.json";
const SPEC_RESULT = "test/fixtures/snapshots/spec-example.result.json";

describe("oomkit oom", () => {
  it("reproduces the result of docs/formats.md §5 exactly", () => {
    const r = runCli(["oom", "--json", SPEC_EXAMPLE]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.endsWith("\n")).toBe(true);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(SPEC_RESULT, "utf8")));
  });

  it("prints the kernel log with level tags by default (spec §11)", () => {
    const r = runCli(["oom", SPEC_EXAMPLE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        "<4>bash invoked oom-killer: gfp_mask=0xd0, order=0, oomkilladj=0",
        "<4>Call Trace: [stack dump of current, not modelled]",
        "<6>Mem-info: [memory report, not modelled]",
        "<3>Out of memory: kill process 300 (bash) score 251001 or a child",
        "<3>Killed process 400 (java)",
        "",
      ].join("\n"),
    );
    const bare = runCli(["oom", "--no-levels", "--no-placeholders", SPEC_EXAMPLE]);
    expect(bare.stdout.split("\n")[0]).toBe(
      "bash invoked oom-killer: gfp_mask=0xd0, order=0, oomkilladj=0",
    );
    expect(bare.stdout.split("\n")).toHaveLength(4);
  });

  it("gives one JSON line per file, in input order, and reads stdin", () => {
    const text = readFileSync(SPEC_EXAMPLE, "utf8");
    const other = join(dir, "other.json");
    const doc = JSON.parse(text);
    doc.kernel.panic_on_oom = 1;
    writeFileSync(other, JSON.stringify(doc));
    const r = runCli(["oom", "--json", SPEC_EXAMPLE, other, "-"], text);
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.outcome)).toEqual(["killed", "panic", "killed"]);
  });

  it("rejects a bad file with one line, exit 2 and nothing on stdout, even after good files", () => {
    const bad = join(dir, "bad.json");
    const doc = JSON.parse(readFileSync(SPEC_EXAMPLE, "utf8"));
    doc.tasks[3].oomkilladj = 20;
    writeFileSync(bad, JSON.stringify(doc));
    const r = runCli(["oom", SPEC_EXAMPLE, bad]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(`${bad}: tasks[3].oomkilladj:`);
  });

  it("says what is missing when no file is given", () => {
    const r = runCli(["oom"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no snapshot given/);
  });

  it("runs and explains the embedded example", () => {
    const r = runCli(["oom", "--example", "--explain"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("<3>Killed process 400 (java)");
    expect(r.stdout).toContain("oom_kill_process() first tries its children");
  });
});

describe("oomkit badness", () => {
  it("ranks every task, with terms and skip reasons", () => {
    const r = runCli(["badness", SPEC_EXAMPLE]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[1]).toMatch(
      /^\s+300\s+300 bash\s+251001 {2}2000 total_vm, \+500002 children, \/2 run time {2}<- selected$/,
    );
    expect(r.stdout).toContain("OOM_DISABLE: oomkilladj is -17");
    expect(r.stdout).toContain("no mm: kernel thread");
  });

  it("--json lists every task with points as strings", () => {
    const r = runCli(["badness", "--json", SPEC_EXAMPLE]);
    const doc = JSON.parse(r.stdout);
    expect(doc.selected).toBe(300);
    expect(doc.tasks.map((t: { pid: number }) => t.pid)).toEqual([300, 401, 450, 400, 1, 2, 500]);
    expect(doc.tasks[0].points).toBe("251001");
    expect(doc.tasks[5]).toMatchObject({ pid: 2, points: null, skip: "no_mm" });
  });
});

describe("oomkit gen", () => {
  it("writes a valid snapshot, the same for the same seed", () => {
    const a = runCli(["gen", "--tasks", "300", "--seed", "9"]);
    const b = runCli(["gen", "--tasks", "300", "--seed", "9"]);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).tasks).toHaveLength(300);
    const r = runCli(["oom", "--json", "-"], a.stdout);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).outcome).toBe("killed");
  });

  it("writes -o files whole, and rejects bad numbers", () => {
    const out = join(dir, "gen.json");
    expect(runCli(["gen", "-n", "50", "--bits", "32", "-o", out]).status).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).kernel.bits).toBe(32);
    const bad = runCli(["gen", "--tasks", "lots"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--tasks must be an integer/);
    expect(runCli(["gen", "--tasks", "40000", "--bits", "32"]).status).toBe(2);
    const missing = join(dir, "no-such-dir", "x.json");
    expect(runCli(["gen", "-o", missing]).status).toBe(3);
    expect(existsSync(join(dir, "no-such-dir"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes(".tmp"))).toEqual([]);
  });
});

describe("oomkit bench", () => {
  it("reports ns per task, heap per task and exactness as JSON", () => {
    const file = join(dir, "bench.json");
    writeFileSync(file, runCli(["gen", "-n", "2000"]).stdout);
    const r = runCli(["bench", file, "--repeat", "3", "--json"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.tasks).toBe(2000);
    expect(doc.ns_per_task).toBeGreaterThan(0);
    expect(doc.heap_bytes_per_task).toBeGreaterThan(0);
    expect(doc.exact).toBe(true);
  });
});

describe("oomkit --help and --version", () => {
  it("every command has help", () => {
    for (const cmd of ["oom", "badness", "gen", "bench"]) {
      const r = runCli([cmd, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/Usage: oomkit/);
    }
  });
  it("prints the package version", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    expect(runCli(["--version"]).stdout.trim()).toBe(pkg.version);
  });
  it("an unknown command exits 2", () => {
    expect(runCli(["frobnicate"]).status).toBe(2);
  });
});
