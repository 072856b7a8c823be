/**
 * `npm run bench`: every benchmark of the project, one table. A row with a target says
 * whether it met it; the numbers depend on the machine and on what else it is doing.
 */

import { benchGuard } from "./guard.bench.js";
import { benchHtml } from "./html.bench.js";
import { benchLoad } from "./load.bench.js";
import { type BenchRow, benchOom } from "./oom.bench.js";
import { benchOomCall } from "./oom-call.bench.js";
import { benchRank } from "./rank.bench.js";
import { benchSim, benchSimCli } from "./sim.bench.js";
import { benchStartup } from "./startup.bench.js";
import { benchSweep } from "./sweep.bench.js";

function format(row: BenchRow): string {
  const value =
    row.unit === "bool"
      ? row.value === 1
        ? "yes"
        : "NO"
      : row.value.toFixed(row.value < 100 ? 2 : 0);
  let verdict = "";
  if (row.target !== undefined) {
    const met =
      row.unit === "bool"
        ? row.value === row.target
        : row.atLeast
          ? row.value >= row.target
          : row.value <= row.target;
    const bound = row.atLeast ? ">=" : "<=";
    verdict = `${met ? "ok  " : "MISS"} (target ${row.unit === "bool" ? "yes" : `${bound} ${row.target}`})`;
  }
  return `${row.name.padEnd(58)} ${value.padStart(10)} ${row.unit.padEnd(16)} ${verdict}`;
}

async function main(): Promise<void> {
  // `npm run bench -- oom` runs one suite.
  const only = process.argv[2];
  const suites: [string, () => Promise<BenchRow[]>][] = [
    ["oom", () => benchOom()],
    ["oom-call", () => benchOomCall()],
    [
      "load",
      () => benchLoad(process.argv[3] === undefined ? undefined : [Number(process.argv[3])]),
    ],
    ["rank", () => benchRank()],
    ["sim", () => benchSim()],
    ["sim-cli", () => benchSimCli()],
    ["startup", () => benchStartup()],
    ["guard", () => benchGuard()],
    ["sweep", () => benchSweep()],
    ["html", () => benchHtml()],
  ];
  for (const [name, run] of suites) {
    if (only !== undefined && only !== name) continue;
    process.stdout.write(`# ${name}\n`);
    for (const row of await run()) process.stdout.write(`${format(row)}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
