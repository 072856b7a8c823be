/**
 * One exit-code contract: the README's table, `oomkit --help` and the commands agree.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

describe("exit codes", () => {
  const readme = readFileSync("README.md", "utf8");
  const table = readme.slice(readme.indexOf("## Exit codes"));
  const codes = [...table.matchAll(/^\| (\d+) +\|/gm)].map((m) => Number(m[1]));

  it("the README lists 0, 1, 2, 3 and a separate code for internal errors", () => {
    expect(codes).toEqual([0, 1, 2, 3, 70]);
  });

  it("oomkit --help states the same codes", () => {
    const help = runCli(["--help"]).stdout.replace(/\s+/g, " ");
    for (const code of codes) expect(help).toContain(` ${code} `);
  });

  it("1 for a negative answer, 2 for bad usage, 3 for an unwritable output", () => {
    expect(runCli(["replay", "-"], "no report here\n").status).toBe(1);
    expect(runCli(["sim", "--until", "soon"]).status).toBe(2);
    const dump = runCli(["sim", "examples/child-first.yaml", "-q", "--dump-oom", "README.md"]);
    expect(dump.status).toBe(3);
  });
  it("a file named wrong is bad input (2), a file the system fails to read a system error (3), in every command", () => {
    // /proc/self/mem opens but fails to read at offset 0 (EIO), for root and others alike.
    const unreadable = "/proc/self/mem";
    const commands = [
      ["replay"],
      ["validate"],
      ["oom"],
      ["badness"],
      ["sim"],
      ["compare"],
      ["rank", "--snapshot"],
      ["guard", "--print-config", "--config"],
    ];
    for (const cmd of commands) {
      for (const [file, status, text] of [
        [
          "no-such-file.json",
          2,
          "no-such-file.json: $: cannot read file (ENOENT: no such file or directory)",
        ],
        ["test", 2, "test: $: cannot read file (EISDIR: illegal operation on a directory)"],
        [unreadable, 3, `oomkit: ${unreadable}: cannot read file (EIO: i/o error)`],
      ] as const) {
        const r = runCli([...cmd, file]);
        expect([cmd.join(" "), r.status, r.stderr]).toEqual([cmd.join(" "), status, `${text}\n`]);
        expect(r.stdout).toBe("");
      }
    }
  });
  it("an error quoting the input stays one line: control characters are escaped", () => {
    const r = runCli(["rank", "--hz", "1\n2\u001b[31m"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('oomkit: --hz must be an integer, got "1\\x0a2\\x1b[31m"\n');
  });
});
