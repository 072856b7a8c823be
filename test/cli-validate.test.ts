/**
 * `oomkit validate` end to end (docs/formats.md §3): valid files, an invalid one, stdin.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const SPEC_EXAMPLE = "test/fixtures/snapshots/spec-example.json";

const dir = mkdtempSync(join(tmpdir(), "oomkit-validate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: the test edits the document freely.
function writeDoc(name: string, change: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(readFileSync(SPEC_EXAMPLE, "utf8"));
  change(doc);
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

describe("oomkit validate", () => {
  it("spec §5: accepts the example snapshot", () => {
    const r = runCli(["validate", SPEC_EXAMPLE]);
    expect(r).toEqual({ status: 0, stdout: `${SPEC_EXAMPLE}: ok (7 tasks)\n`, stderr: "" });
  });

  it("spec §3: rejects an invalid file with exit 2, one stderr line and nothing on stdout", () => {
    const bad = writeDoc("bad.json", (doc) => {
      doc.tasks[3].oomkilladj = 20;
    });
    const r = runCli(["validate", bad]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `${bad}: tasks[3].oomkilladj: must be an integer from -17 to 15, got 20\n`,
    );
  });

  it("spec §3: a syntax error names line and column", () => {
    const file = join(dir, "broken.json");
    writeFileSync(file, '{\n  "format": "oomkit.snapshot/1",\n  "kernel": }\n');
    const r = runCli(["validate", file]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${file}:3:13: $: not valid JSON: expected a value, got "}"\n`);
  });

  it("spec §3: reads standard input for -, named <stdin>", () => {
    const text = readFileSync(SPEC_EXAMPLE, "utf8");
    expect(runCli(["validate", "-"], text)).toEqual({
      status: 0,
      stdout: "<stdin>: ok (7 tasks)\n",
      stderr: "",
    });
    const r = runCli(["validate", "-"], '{"format": "oomkit.snapshot/1", "kernel": [1, 2]}');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^<stdin>: kernel: [^\n]*\n$/);
  });

  it("prints one JSON line per file with --json, and stops at the first invalid file", () => {
    const bad = writeDoc("unknown-key.json", (doc) => {
      doc.tasks[2].foo = 1;
    });
    const r = runCli(["validate", "--json", SPEC_EXAMPLE, bad, SPEC_EXAMPLE]);
    expect(r.status).toBe(2);
    expect(
      r.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([{ file: SPEC_EXAMPLE, valid: true, tasks: 7 }]);
    expect(r.stderr).toBe(`${bad}: tasks[2]: unknown key "foo"\n`);
  });

  it("refuses to read standard input twice", () => {
    const r = runCli(["validate", "-", "-"], "{}");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("oomkit: standard input ('-') can be named only once\n");
  });

  it("reports a missing file as bad input", () => {
    const missing = join(dir, "nope.json");
    const r = runCli(["validate", missing]);
    expect(r).toEqual({
      status: 2,
      stdout: "",
      stderr: `${missing}: $: cannot read file (ENOENT: no such file or directory)\n`,
    });
  });

  it("explains what is checked in --help", () => {
    const r = runCli(["validate", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("What is checked");
    expect(r.stdout).toContain("--json");
  });
});

/** Writes `text` to a file of the temporary directory and returns its path. */
function writeText(name: string, text: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The lines of a stream's text (none for ""). */
function lines(text: string): string[] {
  return text === "" ? [] : text.trimEnd().split("\n");
}

const SCENARIO_YAML = `machine:
  memory: 64MiB
processes:
  - name: web
    threads: [{ utime: 10 }]
  - name: batch
timeline:
  - at: 1
    task: web
    fault: { pages: 100 }
`;

describe("oomkit validate, scenarios", () => {
  it("accepts the example scenarios, told from snapshots by their content", () => {
    const r = runCli(["validate", "examples/child-first.yaml", SPEC_EXAMPLE]);
    expect(r).toEqual({
      status: 0,
      stdout:
        "examples/child-first.yaml: ok (scenario: 2 processes, 1 timeline entry)\n" +
        `${SPEC_EXAMPLE}: ok (7 tasks)\n`,
      stderr: "",
    });
  });

  it("accepts a scenario written as JSON, and prints a JSON line for it with --json", () => {
    const file = writeText(
      "scenario.json",
      JSON.stringify({ machine: { memory: "64MiB" }, processes: [{ name: "a" }] }, null, 2),
    );
    expect(runCli(["validate", file])).toEqual({
      status: 0,
      stdout: `${file}: ok (scenario: 1 process, 0 timeline entries)\n`,
      stderr: "",
    });
    const r = runCli(["validate", "--json", file, SPEC_EXAMPLE]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(lines(r.stdout).map((line) => JSON.parse(line))).toEqual([
      { file, valid: true, scenario: { processes: 1, timeline: 0 } },
      { file: SPEC_EXAMPLE, valid: true, tasks: 7 },
    ]);
  });

  it("reports an invalid scenario with the loader's file:line:col line, exit 2", () => {
    const file = writeText("bad.yaml", SCENARIO_YAML.replace("fault: { pages: 100 }", "faults: 1"));
    const r = runCli(["validate", file]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`${file}:10:5: timeline[0].faults: unknown key "faults"\n`);
    const json = writeText("bad-scenario.json", '{\n  "machine": {\n    "hz": 10\n  }\n}\n');
    expect(runCli(["validate", json])).toEqual({
      status: 2,
      stdout: "",
      stderr: `${json}:3:11: machine.hz: must be at least 12, got 10\n`,
    });
  });

  it("reads a scenario from standard input", () => {
    expect(runCli(["validate", "-"], SCENARIO_YAML)).toEqual({
      status: 0,
      stdout: "<stdin>: ok (scenario: 2 processes, 1 timeline entry)\n",
      stderr: "",
    });
    const r = runCli(["validate", "-"], "[1, 2]");
    expect(r).toEqual({
      status: 2,
      stdout: "",
      stderr: "<stdin>:1:1: $: expected object, got [1,2]\n",
    });
  });

  it("--keep-going reports every invalid file, one line each, and exits 2", () => {
    const badScenario = writeText("keep-1.yaml", "machine:\n  memory: 64MiB\n  foo: 1\n");
    const badSnapshot = writeDoc("keep-2.json", (doc) => {
      doc.tasks[3].oomkilladj = 20;
    });
    const missing = join(dir, "keep-missing.json");
    const args = [
      "validate",
      "--keep-going",
      badScenario,
      "examples/child-first.yaml",
      badSnapshot,
      SPEC_EXAMPLE,
      missing,
    ];
    const r = runCli(args);
    expect(r.status).toBe(2);
    expect(lines(r.stdout)).toEqual([
      "examples/child-first.yaml: ok (scenario: 2 processes, 1 timeline entry)",
      `${SPEC_EXAMPLE}: ok (7 tasks)`,
    ]);
    expect(lines(r.stderr)).toEqual([
      `${badScenario}:3:3: machine.foo: unknown key "foo"`,
      `${badSnapshot}: tasks[3].oomkilladj: must be an integer from -17 to 15, got 20`,
      `${missing}: $: cannot read file (ENOENT: no such file or directory)`,
    ]);
    const ok = runCli(["validate", "-k", "examples/child-first.yaml", SPEC_EXAMPLE]);
    expect(ok.status).toBe(0);
    expect(lines(ok.stdout)).toHaveLength(2);
    expect(ok.stderr).toBe("");
    const stop = runCli(["validate", badScenario, badSnapshot]);
    expect(stop.status).toBe(2);
    expect(lines(stop.stderr)).toEqual([`${badScenario}:3:3: machine.foo: unknown key "foo"`]);
  });
});

const BOM = "\uFEFF";

describe("oomkit validate, a leading UTF-8 byte-order mark", () => {
  it("is ignored in a snapshot, a YAML scenario and a JSON scenario, from a file or stdin", () => {
    const snapshot = writeText("bom-snapshot.json", BOM + readFileSync(SPEC_EXAMPLE, "utf8"));
    const yaml = writeText("bom-scenario.yaml", BOM + SCENARIO_YAML);
    const json = writeText("bom-scenario.json", `${BOM}{"machine": {"memory": "64MiB"}}`);
    expect(readFileSync(yaml)[0]).toBe(0xef);
    const r = runCli(["validate", snapshot, yaml, json]);
    expect(r).toEqual({
      status: 0,
      stdout:
        `${snapshot}: ok (7 tasks)\n` +
        `${yaml}: ok (scenario: 2 processes, 1 timeline entry)\n` +
        `${json}: ok (scenario: 0 processes, 0 timeline entries)\n`,
      stderr: "",
    });
    expect(runCli(["validate", "-"], BOM + readFileSync(SPEC_EXAMPLE, "utf8"))).toEqual({
      status: 0,
      stdout: "<stdin>: ok (7 tasks)\n",
      stderr: "",
    });
  });

  it("does not shift the position of an error on the first line", () => {
    const yaml = writeText("bom-bad.yaml", `${BOM}colour: blue\nmachine: {}\n`);
    expect(runCli(["validate", yaml])).toEqual({
      status: 2,
      stdout: "",
      stderr: `${yaml}:1:1: colour: unknown key "colour"\n`,
    });
    const json = writeText("bom-bad.json", `${BOM}{"format": "oomkit.snapshot/1", }`);
    const r = runCli(["validate", json]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      new RegExp(`^${json.replace(/[.\\]/g, "\\$&")}:1:\\d+: \\$: not valid JSON`),
    );
    expect(lines(r.stderr)).toHaveLength(1);
  });
});

describe("oomkit validate, scenario sizes", () => {
  it("refuses a size of a part of a page or above the limit, and accepts a whole number of pages", () => {
    const kib = writeText("size-kib.yaml", "machine:\n  memory: 64MiB\n  swap: 1KiB\n");
    const gb = writeText("size-gb.json", '{"machine": {"memory": "1GB"}}');
    const big = writeText("size-big.yaml", "machine:\n  memory: 5000000GiB\n");
    const ok = writeText("size-ok.yaml", "machine:\n  memory: 8GB\n  swap: 8KiB\n");
    const r = runCli(["validate", "--keep-going", kib, gb, big, ok]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe(`${ok}: ok (scenario: 0 processes, 0 timeline entries)\n`);
    expect(lines(r.stderr)).toEqual([
      `${kib}:3:9: machine.swap: a whole number of 4 KiB pages, got "1KiB" (1024 bytes, 0.25 pages)`,
      `${gb}:1:24: machine.memory: a whole number of 4 KiB pages, got "1GB" (1000000000 bytes, 244140.625 pages; GB is 10^9 bytes, GiB 2^30)`,
      `${big}:2:11: machine.memory: a size of at most 1099511627776 pages (4PiB), got "5000000GiB"`,
    ]);
  });
});
