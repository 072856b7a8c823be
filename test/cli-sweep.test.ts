/**
 * `oomkit sweep` end to end, through the built CLI: the same output whatever the number
 * of workers, and four shards merged into exactly what one unsharded run prints.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { collectKeys } from "./support/json-keys.js";

const dir = mkdtempSync(join(tmpdir(), "oomkit-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = ["sweep", "--generate", "8", "--seed", "42"];
const lines = (s: string) => (s === "" ? [] : s.trimEnd().split("\n"));

function ok(args: string[]) {
  const r = runCli(args);
  expect([r.status, r.stderr], args.join(" ")).toEqual([0, ""]);
  return r.stdout;
}

describe("oomkit sweep", () => {
  const one = ok([...SMALL, "-j", "-w", "1"]);

  it("JSON lines: a header, one line per run and policy, then the summary", () => {
    const docs = lines(one).map((l) => JSON.parse(l));
    expect(docs).toHaveLength(1 + 8 * 4 + 1);
    expect(docs[0]).toMatchObject({
      type: "sweep",
      format: "oomkit.sweep/1",
      seed: 42,
      scenarios: 8,
      families: ["leak", "fork-bomb", "many-medium", "jvm-heap", "cpuset"],
      policies: ["2.6.20", "modern", "largest-rss", "guard"],
      shard: { index: 0, count: 1, first: 0, end: 8 },
    });
    const runs = docs.slice(1, -1);
    expect(runs.map((r) => `${r.index} ${r.policy}`)).toEqual(
      Array.from({ length: 8 }, (_, i) =>
        ["2.6.20", "modern", "largest-rss", "guard"].map((p) => `${i} ${p}`),
      ).flat(),
    );
    expect(runs[5]).toMatchObject({ type: "run", index: 1, family: "fork-bomb" });
    // Every scenario reaches OOM under the 2.6.20 kernel and ends with its culprit killed.
    for (const r of runs.filter((x) => x.policy === "2.6.20")) {
      expect(r.metrics.oom_calls, `scenario ${r.index}`).toBeGreaterThan(0);
      expect(r.metrics.culprit_killed, `scenario ${r.index}`).toBe(true);
    }
    const summary = docs.at(-1);
    expect(summary.type).toBe("summary");
    expect(summary.ci_method).toContain("Student's t");
    expect(summary.metrics.innocent_victims.map((x: { policy: string }) => x.policy)).toEqual([
      "2.6.20",
      "modern",
      "largest-rss",
      "guard",
    ]);
    expect(summary.pairs).toHaveLength(4 * 6);
    const keys = new Set<string>();
    for (const d of docs) collectKeys(d, keys);
    for (const k of keys) expect(k).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it("is the same run after run, and with 2 workers byte for byte", () => {
    expect(ok([...SMALL, "-j", "-w", "2"])).toBe(one);
    expect(ok([...SMALL, "--json", "-w", "1"])).toBe(one);
    expect(ok([...SMALL, "-w", "2"])).toBe(ok([...SMALL, "-w", "1"]));
  });

  it("4 shards merged print what one unsharded run prints, byte for byte", () => {
    const whole = join(dir, "whole.jsonl");
    const text = ok([...SMALL, "-o", whole, "-w", "2"]);
    expect(text.startsWith("Sweep of 8 scenarios (seed 42), 4 policies, oomkit ")).toBe(true);
    const parts = [0, 1, 2, 3].map((i) => join(dir, `part-${i}.jsonl`));
    parts.forEach((part, i) => {
      const shard = ok([...SMALL, "--shard", `${i}/4`, "--out", part, "-w", "1"]);
      expect(lines(shard)[0]).toMatch(
        new RegExp(`^Scenarios ${2 * i}-${2 * i + 1} of a sweep of 8 `),
      );
    });
    const reversed = [...parts].reverse();
    expect(ok(["sweep", "--merge", ...reversed])).toBe(text);
    expect(ok(["sweep", "--merge", ...parts, "-j"])).toBe(`${lines(one).at(-1)}\n`);
    // The run lines of the parts are those of the whole, in order.
    const runsOf = (f: string) => lines(readFileSync(f, "utf8")).slice(1);
    expect(parts.flatMap(runsOf)).toEqual(runsOf(whole));
    expect(lines(one).slice(1, -1)).toEqual(runsOf(whole));
    // --json output merges as well as --out files do.
    const captured = join(dir, "one.jsonl");
    writeFileSync(captured, one);
    expect(ok(["sweep", "--merge", captured])).toBe(text);
  });

  it("--print-scenario writes a scenario that oomkit sim runs out of memory", () => {
    const file = join(dir, "s3.json");
    writeFileSync(file, ok([...SMALL, "--print-scenario", "3"]));
    expect(JSON.parse(readFileSync(file, "utf8")).description).toBe(
      "oomkit sweep scenario 3 (seed 42): jvm-heap",
    );
    const sim = ok(["sim", file, "--summary"]);
    expect(sim).toContain("invoked oom-killer");
    const doc = JSON.parse(ok(["compare", file, "--policies", "2.6.20", "-j"]));
    expect(doc.culprit_source).toBe("role");
  });

  it("bad usage and bad parts: one line on stderr, nothing on stdout, exit 2", () => {
    const part = join(dir, "p.jsonl");
    ok([...SMALL, "--shard", "0/4", "-o", part, "--policies", "2.6.20"]);
    const other = join(dir, "other.jsonl");
    ok([
      "sweep",
      "--generate",
      "8",
      "--seed",
      "7",
      "--shard",
      "1/4",
      "-o",
      other,
      "--policies",
      "2.6.20",
    ]);
    const empty = join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    const cases: [string[], string | RegExp][] = [
      [
        [...SMALL, "--shard", "5/4"],
        'oomkit: --shard: expected I/N with 0 <= I < N (I counts from 0, as JOB_COMPLETION_INDEX does), got "5/4"',
      ],
      [[...SMALL, "--shard", "1/0"], /^oomkit: --shard: expected I\/N/],
      [[...SMALL, "--shard", "x"], /^oomkit: --shard: expected I\/N/],
      [
        ["sweep", "--generate", "0"],
        'oomkit: --generate: expected an integer from 1 to 1000000000, got "0"',
      ],
      [["sweep"], "oomkit: give --generate N (scenarios to run) or --merge FILE..."],
      [
        [...SMALL, "--family", "leak,oops"],
        'oomkit: --family: unknown family "oops": expected one of "leak", "fork-bomb", "many-medium", "jvm-heap", "cpuset"',
      ],
      [[...SMALL, "--policies", "modern,modern"], 'oomkit: --policies: "modern" is named twice'],
      [[...SMALL, "--policies", "biggest"], /^oomkit: unknown policy "biggest"/],
      [
        [...SMALL, "--out", "-"],
        "oomkit: --out -: name a file; --json prints the run lines on standard output",
      ],
      [[...SMALL, "-w", "0"], 'oomkit: --workers: expected an integer from 1 to 256, got "0"'],
      [
        [...SMALL, "--seed", "-1"],
        'oomkit: --seed: expected an integer from 0 to 4294967295, got "-1"',
      ],
      [["sweep", "--merge", part, "--seed", "3"], "oomkit: --seed has no effect with --merge"],
      [
        ["sweep", "--merge", part],
        "oomkit: --merge: the files lack runs of scenarios 2-7 of 0-7: is a shard's output missing?",
      ],
      [
        ["sweep", "--merge", part, other],
        new RegExp(`^${other}:1: \\$: a part of the same sweep as ${part}:1 `),
      ],
      [
        ["sweep", "--merge", part, part],
        `${part}:2: $: one run of scenario 0 under 2.6.20: it was read before`,
      ],
      [["sweep", "--merge", empty], `${empty}: $: sweep output, got an empty file`],
      [["sweep", "--merge", join(dir, "none.jsonl")], /none\.jsonl: \$: cannot read file \(ENOENT/],
      [
        [...SMALL, "--print-scenario", "8"],
        'oomkit: --print-scenario: expected an integer from 0 to 7, got "8"',
      ],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stdout, args.join(" ")).toBe("");
      expect(lines(r.stderr), args.join(" ")).toHaveLength(1);
      if (typeof message === "string") expect(r.stderr).toBe(`${message}\n`);
      else expect(r.stderr).toMatch(message);
    }
  });

  it("an unwritable --out is a system error: exit 3", () => {
    const r = runCli([...SMALL, "-o", join(dir, "no-such-dir", "x.jsonl"), "--policies", "2.6.20"]);
    expect(r.status).toBe(3);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/x\.jsonl: cannot write \(ENOENT\)$/)]);
  });

  it("--help describes the command, its options, the families and the methods", () => {
    const help = ok(["sweep", "--help"]);
    for (const word of [
      "--generate",
      "--seed",
      "--family",
      "--policies",
      "--workers",
      "--shard",
      "--merge",
      "--json",
      "--out",
      "fork-bomb",
      "Student's t",
      "p95",
    ]) {
      expect(help).toContain(word);
    }
  });
});
