/**
 * Shell completion and the man page come from the command definitions: every command and
 * option the program has, in scripts the shells accept.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "oomkit-completion-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const has = (shell: string) => spawnSync("sh", ["-c", `command -v ${shell}`]).status === 0;

function script(shell: string): string {
  const r = runCli(["completion", shell]);
  expect(r.status).toBe(0);
  const file = join(dir, `oomkit.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

describe("oomkit completion and oomkit man", () => {
  it("bash: the script completes commands and each command's options", () => {
    const file = script("bash");
    const complete = (words: string[]) =>
      spawnSync(
        "bash",
        [
          "-c",
          `source ${file}; COMP_WORDS=(${words.join(" ")}); COMP_CWORD=${words.length - 1}; _oomkit; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { encoding: "utf8" },
      ).stdout.split("\n");
    expect(complete(["oomkit", "gu"])).toContain("guard");
    expect(complete(["oomkit", "guard", "--dry"])).toContain("--dry-run");
    expect(complete(["oomkit", "rank", "--wa"])).toContain("--watch");
  });
  it.skipIf(!has("zsh"))("zsh: the script parses", () => {
    expect(spawnSync("zsh", ["-n", script("zsh")]).status).toBe(0);
  });
  it.skipIf(!has("fish"))("fish: the script parses and completes options", () => {
    const file = script("fish");
    expect(spawnSync("fish", ["-n", file]).status).toBe(0);
    const out = spawnSync("fish", ["-c", `source ${file}; complete -C 'oomkit guard --dry'`], {
      encoding: "utf8",
    }).stdout;
    expect(out).toContain("--dry-run");
  });
  it("an unknown shell is a usage error", () => {
    const r = runCli(["completion", "tcsh"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
  it("the man page names every command and option", () => {
    const r = runCli(["man"]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(".TH OOMKIT 1")).toBe(true);
    for (const cmd of ["oom", "rank", "sim", "replay", "guard"]) {
      expect(r.stdout).toContain(`.B oomkit ${cmd} `);
    }
    expect(r.stdout).toContain("\\-\\-dry\\-run");
  });
});
