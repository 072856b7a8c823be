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
    const r = runCli(["validate", "-"], "[1, 2]");
    expect(r).toEqual({
      status: 2,
      stdout: "",
      stderr: "<stdin>: $: must be an object, got an array\n",
    });
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
