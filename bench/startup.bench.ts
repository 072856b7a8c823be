/**
 * Start-up as a user meets it: `oomkit --version` and `oomkit rank --help` side by side
 * with `node -e 0`, median of repeated runs. Each command loads only its own modules.
 * Target: within 1.5x of `node -e 0`.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { BenchRow } from "./oom.bench.js";

const CLI = join(import.meta.dirname, "../src/cli/main.js");
const RUNS = 15;

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, args, { stdio: "ignore" });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function benchStartup(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  // Interleaved so that a noisy moment affects all three alike.
  const node = medianMs(["-e", "0"]);
  const version = medianMs([CLI, "--version"]);
  const rankHelp = medianMs([CLI, "rank", "--help"]);
  const guardHelp = medianMs([CLI, "guard", "--help"]);
  rows.push({ name: "node -e 0", value: node, unit: "ms" });
  rows.push({ name: "oomkit --version", value: version, unit: "ms" });
  rows.push({
    name: "oomkit --version / node -e 0",
    value: version / node,
    unit: "ratio",
    target: 1.5,
  });
  rows.push({ name: "oomkit rank --help", value: rankHelp, unit: "ms" });
  rows.push({
    name: "oomkit rank --help / node -e 0",
    value: rankHelp / node,
    unit: "ratio",
    target: 1.5,
  });
  rows.push({ name: "oomkit guard --help / node -e 0", value: guardHelp / node, unit: "ratio" });
  return rows;
}
