/**
 * One command line surface: usage errors as one `oomkit: ...` line with exit status 2,
 * help wrapped once at the terminal's width, descriptions in one style, citations of the
 * project's own docs only.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";
import { collectKeys } from "./support/json-keys.js";

const COMMANDS = [
  "oom",
  "badness",
  "gen",
  "bench",
  "snapshot",
  "rank",
  "sim",
  "validate",
  "replay",
  "guard",
  "compare",
  "sweep",
  "schema",
  "completion",
  "man",
  "help",
];

/** A usage error: exit 2, nothing on stdout, exactly one line on stderr. */
function expectUsageError(args: string[], line: string | RegExp) {
  const r = runCli(args);
  expect(r.status, args.join(" ")).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.endsWith("\n")).toBe(true);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  if (typeof line === "string") expect(r.stderr).toBe(`${line}\n`);
  else expect(r.stderr).toMatch(line);
}

describe("commander's errors, in the one-line form", () => {
  it("an unknown option names the command's help, or the option meant", () => {
    expectUsageError(
      ["rank", "--bogus"],
      "oomkit: unknown option '--bogus' (see oomkit rank --help)",
    );
    expectUsageError(["rank", "--jsn"], "oomkit: unknown option '--jsn' (did you mean --json?)");
    expectUsageError(["--bogus"], "oomkit: unknown option '--bogus' (see oomkit --help)");
  });

  it("a missing argument or option value", () => {
    expectUsageError(
      ["badness"],
      "oomkit: missing required argument 'FILE' (see oomkit badness --help)",
    );
    expectUsageError(
      ["sim", "--until"],
      "oomkit: option '--until <T>' argument missing (see oomkit sim --help)",
    );
  });

  it("too many arguments", () => {
    expectUsageError(
      ["snapshot", "extra"],
      "oomkit: too many arguments for 'snapshot': expected 0 arguments but got 1 (see oomkit snapshot --help)",
    );
  });

  it("an unknown command, given alone or to help", () => {
    expectUsageError(["frobnicate"], "oomkit: unknown command 'frobnicate' (see oomkit --help)");
    expectUsageError(["sm"], "oomkit: unknown command 'sm' (did you mean sim?)");
    expectUsageError(["help", "NOSUCH"], "oomkit: unknown command 'NOSUCH' (see oomkit --help)");
    expectUsageError(["help", "sm"], "oomkit: unknown command 'sm' (did you mean sim?)");
    expectUsageError(["help", "oom", "extra"], /^oomkit: too many arguments for 'help'/);
  });

  it("no command at all", () => {
    expectUsageError(
      [],
      `oomkit: no command given: one of ${COMMANDS.join(", ")} (see oomkit --help)`,
    );
  });

  it("never prints the old second line", () => {
    for (const args of [["rank", "--bogus"], ["badness"], ["frobnicate"]]) {
      expect(runCli(args).stderr).not.toContain("--help for usage");
    }
  });

  it("help and help COMMAND print on stdout what --help prints, with exit 0", () => {
    expect(runCli(["help"])).toEqual({ ...runCli(["--help"]), status: 0 });
    for (const cmd of ["oom", "rank", "replay", "guard"]) {
      const r = runCli(["help", cmd]);
      expect(r).toEqual(runCli([cmd, "--help"]));
      expect([r.status, r.stderr]).toEqual([0, ""]);
      expect(r.stdout.startsWith(`Usage: oomkit ${cmd} `)).toBe(true);
    }
  });
});

/** The help of the program and of every command, at a terminal width of `columns`. */
function helps(columns: number): [string, string][] {
  const env = { COLUMNS: String(columns) };
  return [[], ...COMMANDS.map((c) => [c])].map((cmd) => {
    const r = runCli([...cmd, "--help"], undefined, env);
    expect(r.status).toBe(0);
    return [cmd.join(" ") || "oomkit", r.stdout];
  });
}

const firstWord = (line: string) => line.trimStart().split(" ")[0]!;

describe("help text", () => {
  for (const columns of [80, 100, 132]) {
    it(`is wrapped once at the terminal's width (${columns} columns)`, () => {
      for (const [name, text] of helps(columns)) {
        const lines = text.trimEnd().split("\n");
        for (const [i, line] of lines.entries()) {
          // Only an example command line may be longer than the terminal.
          if (!line.startsWith("  oomkit "))
            expect(line.length, `${name}: ${line}`).toBeLessThanOrEqual(columns);
          // A paragraph line is followed by another only if the next word did not fit.
          const next = lines[i + 1];
          if (/^\S/.test(line) && next !== undefined && /^\S/.test(next)) {
            expect(line.length + 1 + firstWord(next).length, `${name}: ${line}`).toBeGreaterThan(
              columns,
            );
          }
        }
      }
    });
  }

  it("follows the width: a wider terminal gets longer lines", () => {
    const narrow = runCli(["replay", "--help"], undefined, { COLUMNS: "80" }).stdout;
    const wide = runCli(["replay", "--help"], undefined, { COLUMNS: "132" }).stdout;
    const longest = (t: string) => Math.max(...t.split("\n").map((l) => l.length));
    expect(longest(narrow)).toBeLessThanOrEqual(80);
    expect(longest(wide)).toBeGreaterThan(100);
    expect(wide.split("\n").length).toBeLessThan(narrow.split("\n").length);
  });

  it("describes every command in one style: lower-case start, no trailing period", () => {
    const wide = { COLUMNS: "1000" };
    const list = runCli(["--help"], undefined, wide).stdout;
    const start = list.indexOf("Commands:\n") + "Commands:\n".length;
    const rows = list.slice(start, list.indexOf("\n\n", start)).split("\n");
    expect(rows.map((row) => row.trim().split(" ")[0])).toEqual(COMMANDS);
    const descriptions = rows.map((row) => row.split(/ {2,}/)[2]!);
    for (const cmd of [[], ...COMMANDS.map((c) => [c])]) {
      descriptions.push(runCli([...cmd, "--help"], undefined, wide).stdout.split("\n")[2]!);
    }
    for (const d of descriptions) {
      expect(d, d).toMatch(/^[a-z]/);
      expect(d, d).not.toMatch(/\.$/);
    }
  });

  it("cites only the project's own docs, and only files that exist", () => {
    const texts = [
      ...helps(80).map(([, text]) => text),
      readFileSync("README.md", "utf8"),
      readFileSync("examples/README.md", "utf8"),
    ];
    for (const text of texts) {
      expect(text).not.toMatch(/\bspec §|modern-oom|\.\.\/shared|guard §/);
      for (const [path] of text.matchAll(/\b(?:docs|examples)\/[\w.-]+\.md\b/g)) {
        expect(existsSync(path), path).toBe(true);
      }
    }
    // "See README.md, section Guard": the README has that section.
    const headings = readFileSync("README.md", "utf8")
      .match(/^#+ .*$/gm)!
      .join("\n");
    for (const text of texts) {
      for (const [, name] of text.matchAll(/README\.md, section (\w+)/g)) {
        expect(headings.toLowerCase()).toMatch(
          new RegExp(`^#+ .*\\b${name!.toLowerCase()}\\b`, "m"),
        );
      }
    }
  });
});

const dir = mkdtempSync(join(tmpdir(), "oomkit-surface-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SNAPSHOT = "test/fixtures/snapshots/spec-example.json";
const PROC = "test/fixtures/proc/normal";

/** The documents of JSON output: one document, or JSON lines; null if it is not JSON. */
function documents(text: string): unknown[] | null {
  const parse = (t: string) => {
    try {
      return [JSON.parse(t)];
    } catch {
      return null;
    }
  };
  const lines = text.trimEnd().split("\n").map(parse);
  return parse(text) ?? (lines.every((l) => l !== null) ? lines.flat() : null);
}

/** Commands whose output with --json is machine-readable, the same every run. */
const JSON_RUNS: string[][] = [
  ["oom", "--example"],
  ["badness", SNAPSHOT],
  ["validate", SNAPSHOT],
  ["gen", "-n", "5"],
  ["snapshot", "--root", PROC, "-o", join(dir, "now.json")],
  ["rank", "--root", PROC],
  ["rank", "--snapshot", SNAPSHOT],
  ["rank", "--root", PROC, "--explain", "200"],
  ["rank", "--root", PROC, "--check"],
  ["replay", "examples/reports/global-2.6.20.txt"],
  ["replay", "examples/reports/memcg-v1-6.18.txt"],
  ["sim", "examples/child-first.yaml", "--summary"],
  ["sweep", "--generate", "2", "--policies", "2.6.20,modern", "-w", "1"],
];

describe("-j, --json", () => {
  it("every command with --json has -j as its short form", () => {
    let withJson = 0;
    for (const [name, text] of helps(1000)) {
      if (!/--json\b/.test(text.slice(text.indexOf("Options:")))) continue;
      expect(text, name).toMatch(/^ {2}-j, --json\b/m);
      withJson++;
    }
    expect(withJson).toBe(12);
  });

  it("-j gives what --json gives", () => {
    for (const args of JSON_RUNS) {
      const long = runCli([...args, "--json"]);
      const short = runCli([...args, "-j"]);
      expect(long.status, args.join(" ")).toBe(0);
      expect(short, args.join(" ")).toEqual(long);
      expect(documents(short.stdout), args.join(" ")).not.toBeNull();
    }
    const bench = runCli(["bench", SNAPSHOT, "-r", "2", "-j"]);
    expect(bench.status).toBe(0);
    expect(Object.keys(JSON.parse(bench.stdout))).toEqual(
      Object.keys(JSON.parse(runCli(["bench", SNAPSHOT, "-r", "2", "--json"]).stdout)),
    );
  });

  it("every key of every JSON output is snake_case", () => {
    const keys = new Set<string>();
    const walk = (v: unknown): void => {
      collectKeys(v, keys);
    };
    for (const args of [
      ...JSON_RUNS.map((a) => [...a, "-j"]),
      ["bench", SNAPSHOT, "-r", "2", "-j"],
    ]) {
      const docs = documents(runCli(args).stdout);
      expect(docs, args.join(" ")).not.toBeNull();
      docs!.forEach(walk);
    }
    // CONFIG_NUMA and CONFIG_CPUSETS of a snapshot are the kernel's own option names.
    const bad = [...keys].filter((k) => !/^[a-z][a-z0-9_]*$/.test(k) && !/^CONFIG_[A-Z]+$/.test(k));
    expect(bad).toEqual([]);
    expect(keys.size).toBeGreaterThan(100);
  });
});

describe("options that have no effect where they are given", () => {
  const ONE = "test/fixtures/snapshots/spec-example.json";
  const live = ["rank", "--root", "test/fixtures/proc/normal"];
  it("are refused with exit 2 and one line, never ignored", () => {
    const cases: [string[], RegExp][] = [
      [
        [...live, "--explain", "200", "--watch", "2"],
        /--explain PID .* cannot be combined with --watch/,
      ],
      [
        [...live, "--explain", "200", "--limit", "3"],
        /^oomkit: --limit has no effect with --explain: /,
      ],
      [
        [...live, "--explain", "200", "--sort", "2620"],
        /^oomkit: --sort has no effect with --explain: /,
      ],
      [[...live, "--check", "--hz", "100"], /^oomkit: --hz has no effect with --check: /],
      [[...live, "--check", "--current", "1"], /^oomkit: --current has no effect with --check: /],
      [
        [...live, "--check", "--limit", "5", "--sort", "2620"],
        /^oomkit: --limit and --sort have no effect with --check: /,
      ],
      [
        ["rank", "--snapshot", ONE, "--root", "/proc"],
        /^oomkit: --root has no effect with --snapshot: /,
      ],
      [
        ["rank", "--snapshot", ONE, "--hz", "100", "--current", "1", "--sort", "modern"],
        /^oomkit: --hz, --current and --sort have no effect with --snapshot: /,
      ],
      [
        ["oom", "--example", "--json", "--explain"],
        /^oomkit: --explain has no effect with --json: /,
      ],
      [
        ["oom", "--example", "-j", "--no-levels"],
        /^oomkit: --no-levels has no effect with --json: /,
      ],
      [
        ["oom", "--example", "-j", "--no-placeholders"],
        /^oomkit: --no-placeholders has no effect with --json: /,
      ],
      [
        ["snapshot", "--root", "test/fixtures/proc/normal", "-j"],
        /^oomkit: --json describes the file written with -o FILE/,
      ],
      [
        ["rank", "--snapshot", "-", "--watch", "1"],
        /standard input \('-'\) can be read only once$/m,
      ],
      [["help", "NOSUCH"], /^oomkit: unknown command 'NOSUCH'/],
    ];
    for (const [args, line] of cases) expectUsageError(args, line);
  });

  it("the same options where they do have an effect still work", () => {
    for (const args of [
      [...live, "--explain", "200", "--json"],
      [...live, "--explain", "200", "--current", "1"],
      [...live, "--check", "--json"],
      [...live, "--limit", "3", "--sort", "2620", "--hz", "100", "--current", "1"],
      ["rank", "--snapshot", ONE, "--limit", "2", "--json"],
      ["oom", "--example", "--explain", "--no-levels", "--no-placeholders"],
      ["oom", "--example", "--json"],
    ]) {
      const r = runCli(args);
      expect([r.status, r.stderr], args.join(" ")).toEqual([0, ""]);
      expect(r.stdout).not.toBe("");
    }
  });
});
