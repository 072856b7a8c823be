/**
 * `oomkit snapshot`: this machine (or a /proc tree) as an `oomkit.snapshot/1` document,
 * so `oomkit oom` can answer "what would 2.6.20 do here now". What could not be observed
 * is listed on stderr.
 */

import { UsageError } from "../../errors.js";
import { readLiveView } from "../../live/live-rank.js";
import { nodeProcFs } from "../../live/procfs.js";
import { snapshotToJson } from "../../snapshot/serialize.js";
import { writeFileAtomic } from "../atomic-write.js";
import { hzOption, pidOption } from "../live-options.js";
import type { Register } from "./index.js";

interface SnapshotOpts {
  output?: string;
  hz: string;
  current?: string;
  root: string;
  json?: boolean;
  quiet?: boolean;
}

export function snapshotText(doc: unknown): string {
  return `${typeof doc === "string" ? doc.trimEnd() : JSON.stringify(doc, null, 2)}\n`;
}

export const registerSnapshot: Register = (program) => {
  program
    .command("snapshot")
    .description(
      "write this machine's processes as an oomkit.snapshot/1 document (the 2.6.20 view of now)",
    )
    .option(
      "-o, --output <file>",
      "write the document to FILE (atomically; - is stdout) instead of stdout",
    )
    .option("--hz <n>", "HZ of the simulated kernel: jiffies = ticks * HZ / 100", "250")
    .option(
      "--current <pid>",
      "the allocating task (default: this process, or the largest RSS in a foreign tree)",
    )
    .option("--root <dir>", "the /proc tree to read", "/proc")
    .option("-j, --json", "with -o: print a JSON summary (file, tasks, current, assumptions)")
    .option("-q, --quiet", "do not list the assumptions on stderr")
    .addHelpText(
      "after",
      "\nAssumptions (what /proc cannot show, and the defaults used) are printed on stderr.",
    )
    .action(async (opts: SnapshotOpts) => {
      if (opts.json && (opts.output === undefined || opts.output === "-")) {
        throw new UsageError(
          "--json describes the file written with -o FILE; without -o it has no effect",
        );
      }
      const hz = hzOption(opts.hz);
      const current = opts.current === undefined ? undefined : pidOption("--current", opts.current);
      const fs = nodeProcFs({ root: opts.root });
      const view = await readLiveView(fs, { hz, current, oomScore: false }, process.arch);
      const text = snapshotText(snapshotToJson(view.snapshot));
      if (!opts.quiet) {
        for (const a of view.assumptions) process.stderr.write(`oomkit: assumed: ${a}\n`);
      }
      if (opts.output === undefined || opts.output === "-") {
        process.stdout.write(text);
        return;
      }
      await writeFileAtomic(opts.output, text);
      if (opts.json) {
        const summary = {
          file: opts.output,
          tasks: view.snapshot.tasks.length,
          current: view.snapshot.current,
          current_policy: view.currentPolicy,
          assumptions: view.assumptions,
        };
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        process.stderr.write(
          `oomkit: wrote ${opts.output} (${view.snapshot.tasks.length} tasks, current ${view.snapshot.current})\n`,
        );
      }
    });
};
