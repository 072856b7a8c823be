/**
 * One command line surface: usage errors as one `oomkit: ...` line with exit status 2.
 */

import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

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
