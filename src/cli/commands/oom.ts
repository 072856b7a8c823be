import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { outOfMemory } from "../../oom/out_of_memory.js";
import { toResultJson } from "../../oom/result.js";
import { badnessTable } from "../../oom/table.js";
import { explainOutOfMemory } from "../../report/explain.js";
import { buildOomReportModel } from "../../report/html/sources.js";
import { kernelLogLines } from "../../report/kernel-log.js";
import { refuseWithoutEffect } from "../combinations.js";
import { htmlTarget, writeHtmlReport } from "../html-report.js";
import { loadSnapshotArgs } from "../snapshots.js";
import type { Register } from "./index.js";

interface OomOptions {
  json?: boolean;
  example?: boolean;
  explain?: boolean;
  levels: boolean;
  placeholders: boolean;
  html?: string;
}

export const registerOom: Register = (program) => {
  program
    .command("oom")
    .description("run one 2.6.20 out_of_memory() call per snapshot and print what the kernel logs")
    .argument("[FILE...]", "snapshot files ('-' reads standard input)")
    .option(
      "-j, --json",
      "print one oomkit.result/1 document per line, one line per file, in order",
    )
    .option("--example", "run the embedded example snapshot (a child-first kill)")
    .option("--explain", "after the log, explain in plain words what happened and why")
    .option("--no-levels", "omit the <N> level tags")
    .option("--no-placeholders", "omit the stand-ins for the stack dump and memory report")
    .option(
      "--html <FILE>",
      "also write the call as a self-contained HTML report to FILE: the path through the flow, every badness term, the log (one snapshot only)",
    )
    .addHelpText(
      "after",
      "\nEach snapshot is an oomkit.snapshot/1 document (docs/formats.md). The log lines carry " +
        "their level tags (<3> KERN_ERR, <4> KERN_WARNING, <0> KERN_EMERG). The stack dump and " +
        "the memory report, which a snapshot cannot reproduce, are shown as bracketed " +
        "stand-ins. Every file is validated before anything is printed.\n" +
        "\nExamples:\n  oomkit oom --example --explain\n  oomkit oom --json snap1.json snap2.json\n  oomkit oom --example --html call.html\n  oomkit gen --tasks 100 --seed 1 | oomkit oom -",
    )
    .action(async (files: string[], opts: OomOptions, cmd: Command) => {
      if (opts.json) {
        refuseWithoutEffect(
          cmd,
          "--json",
          { explain: "--explain", levels: "--no-levels", placeholders: "--no-placeholders" },
          "it prints the result documents, not the text log",
        );
      }
      const html = opts.html === undefined ? undefined : htmlTarget(opts.html);
      const inputs = await loadSnapshotArgs(files, opts.example === true);
      if (html !== undefined && inputs.length !== 1) {
        throw new UsageError(`--html: the report shows one call; got ${inputs.length} snapshots`);
      }
      const out: string[] = [];
      const reports: Parameters<typeof buildOomReportModel>[] = [];
      inputs.forEach((input, n) => {
        const { name } = input;
        const result = outOfMemory(input.state);
        // The normalised snapshot is made only for the outputs that show it.
        const snapshot = () => input.snapshot;
        if (html !== undefined) reports.push([name, snapshot(), result]);
        if (opts.json) {
          out.push(JSON.stringify(toResultJson(result)));
          return;
        }
        if (inputs.length > 1) out.push(`${n > 0 ? "\n" : ""}==> ${name} <==`);
        out.push(
          ...kernelLogLines(result.log, { levels: opts.levels, placeholders: opts.placeholders }),
        );
        if (opts.explain) {
          out.push("", ...explainOutOfMemory(snapshot(), result, badnessTable(snapshot())));
        }
      });
      if (html !== undefined) await writeHtmlReport(html, buildOomReportModel(...reports[0]!));
      process.stdout.write(out.length > 0 ? `${out.join("\n")}\n` : "");
    });
};
