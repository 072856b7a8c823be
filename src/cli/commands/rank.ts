/**
 * `oomkit rank`: every process of this machine (or of a snapshot) under the 2.6.20
 * `badness()` and the modern `oom_badness`, with each policy's victim; `--explain`,
 * `--watch`, and `--check` against the kernel's own /proc/PID/oom_score.
 */
import type { Command } from "commander";
import type { Register } from "./index.js";
import type { RankOpts } from "./rank-run.js";

export const DEFAULT_TABLE_ROWS = 20;

export const registerRank: Register = (program) => {
  program
    .command("rank")
    .description(
      "rank this machine's processes under the 2.6.20 badness() and the modern oom_badness",
    )
    .option("--snapshot <file>", "rank an oomkit.snapshot/1 document instead of the live machine")
    .option("--root <dir>", "the /proc tree to read", "/proc")
    .option("-j, --json", "print JSON (one document per frame with --watch)")
    .option("--watch <seconds>", "refresh every SECONDS until interrupted (Ctrl-C)")
    .option("--explain <pid>", "show term by term why PID scores what it does under each policy")
    .option("--check", "compare the modern policy with the kernel's /proc/PID/oom_score")
    .option("--hz <n>", "HZ of the simulated 2.6.20 kernel", "250")
    .option("--limit <n>", `rows to show (table default ${DEFAULT_TABLE_ROWS}, JSON all; 0 = all)`)
    .option("--current <pid>", "the allocating task for 2.6.20 (default: this process)")
    .option("--sort <policy>", 'order by "modern" score or by "2620" badness', "modern")
    .option(
      "-o, --columns <list>",
      "add columns, comma-separated, as ps -o: user, cmdline (cut to the terminal; whole in --json), cgroup",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option(
      "--cgroup <path>",
      "rank one memory cgroup (and below) as its memcg OOM would: totalpages is its limit (+ swap), a path as /proc/PID/cgroup shows it",
    )
    .option(
      "--adj <pid=n>",
      "what if: rank as if PID's oom_score_adj were N (repeatable)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .addHelpText(
      "after",
      "\nThe 2.6.20 column is the best-scoring thread's badness(); the victims of both " +
        "policies are listed first. --check exits 1 if any stable process disagrees. " +
        "With --cgroup the modern points and victim use the cgroup's limit, read from " +
        "/sys/fs/cgroup (sys beside another --root), while OOM_SCORE still predicts " +
        "/proc/PID/oom_score, which is always relative to the machine's memory; so " +
        "--check, which compares only that, is refused with --cgroup.",
    )
    .action(async (opts: RankOpts, cmd: Command) =>
      (await import("./rank-run.js")).runRank(opts, cmd),
    );
};
