/**
 * Colour where a person reads a terminal, never in a pipe: FORCE_COLOR turns it on,
 * NO_COLOR off; victims, disagreements and agreements are what it marks.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI, ROOT } from "./support/cli.js";

function run(args: string[], env: Record<string, string>) {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...base, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ESC = "\u001b[";

describe("colour", () => {
  const rank = ["rank", "--root", "test/fixtures/proc/normal", "--limit", "3"];
  it("rank: victims in colour with FORCE_COLOR, none in a pipe or with NO_COLOR", () => {
    const forced = run(rank, { FORCE_COLOR: "1" });
    expect(forced.status).toBe(0);
    expect(forced.stdout.split("\n").filter((l) => l.includes(ESC)).length).toBeGreaterThan(1);
    expect(run(rank, {}).stdout).not.toContain(ESC);
    expect(run(rank, { FORCE_COLOR: "1", NO_COLOR: "1" }).stdout).not.toContain(ESC);
  });
  it("replay --brief: agreement marked in colour only when asked for", () => {
    const args = ["replay", "--brief", "examples/reports/memcg-v1-6.18.txt"];
    expect(run(args, { FORCE_COLOR: "1" }).stdout).toContain(`${ESC}32magree`);
    expect(run(args, {}).stdout).not.toContain(ESC);
    expect(run([...args, "--json"], { FORCE_COLOR: "1" }).stdout).not.toContain(ESC);
  });
  it("snapshot -q lists no assumptions", () => {
    const r = run(["snapshot", "--root", "test/fixtures/proc/normal", "-q"], {});
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });
});
