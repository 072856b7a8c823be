/**
 * Start-up as a user meets it: `oomkit --version` and `oomkit rank --help` side by side
 * with `node -e 0`, interleaved, median of repeated runs. Each command loads only its own
 * modules; `CMD --help` at the default 80 columns prints the help the build kept
 * (src/cli/help-cache.ts), and at another width the program builds it, which is shown
 * beside. Target: within 1.5x of `node -e 0`.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { BenchRow } from "./oom.bench.js";

const CLI = join(import.meta.dirname, "../src/cli/main.js");
const RUNS = 15;

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchStartup(): Promise<BenchRow[]> {
  const { COLUMNS: _, ...inherited } = process.env;
  const runs: [string, string[], NodeJS.ProcessEnv][] = [
    ["node", ["-e", "0"], inherited],
    ["version", [CLI, "--version"], inherited],
    ["rank help", [CLI, "rank", "--help"], inherited],
    ["rank help built", [CLI, "rank", "--help"], { ...inherited, COLUMNS: "100" }],
    ["guard help", [CLI, "guard", "--help"], inherited],
  ];
  const times = new Map<string, number[]>(runs.map(([name]) => [name, []]));
  // Interleaved, so that a noisy moment of the machine falls on all of them alike.
  for (let i = 0; i < RUNS; i++) {
    for (const [name, args, env] of runs) {
      const t0 = performance.now();
      spawnSync(process.execPath, args, { stdio: "ignore", env });
      times.get(name)!.push(performance.now() - t0);
    }
  }
  const ms = (name: string) => median(times.get(name)!);
  const node = ms("node");
  return [
    { name: "node -e 0", value: node, unit: "ms" },
    { name: "oomkit --version", value: ms("version"), unit: "ms" },
    {
      name: "oomkit --version / node -e 0",
      value: ms("version") / node,
      unit: "ratio",
      target: 1.5,
    },
    { name: "oomkit rank --help", value: ms("rank help"), unit: "ms" },
    {
      name: "oomkit rank --help / node -e 0",
      value: ms("rank help") / node,
      unit: "ratio",
      target: 1.5,
    },
    {
      name: "oomkit rank --help at 100 columns (built by the program) / node -e 0",
      value: ms("rank help built") / node,
      unit: "ratio",
    },
    { name: "oomkit guard --help / node -e 0", value: ms("guard help") / node, unit: "ratio" },
  ];
}
