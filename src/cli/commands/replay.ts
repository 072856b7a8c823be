/**
 * `oomkit replay FILE...`: find every OOM report in a kernel log (dmesg, dmesg -T,
 * journalctl -k, syslog, /dev/kmsg, gzip-compressed or not; several files are one log; `-`
 * reads stdin), recompute each listed task's score under the rules of the report's kernel,
 * and say whether the predicted victim is the one the kernel chose.
 */
import { UsageError } from "../../errors.js";
import { type KernelVersion, parseKernelVersion } from "../../policy/modern.js";
import { OomReportReader, type ReplayOptions, replayEvent } from "../../replay/index.js";
import { replayJsonLines } from "../../report/replay-json.js";
import { replaysToText } from "../../report/replay-text.js";
import { EXIT_NEGATIVE } from "../exit.js";
import { type LogTarget, logSources, readLog } from "../log-input.js";
import type { Register } from "./index.js";

interface ReplayCliOpts {
  json?: boolean;
  kernelVersion?: string;
  pageSize: string;
  totalSwapKb?: string;
}

function replayOptions(opts: ReplayCliOpts): ReplayOptions {
  let kernelVersion: KernelVersion | undefined;
  if (opts.kernelVersion !== undefined) {
    const v = /^\d+\.\d+(\.\d+)?/.test(opts.kernelVersion)
      ? parseKernelVersion(opts.kernelVersion)
      : null;
    if (v === null) {
      throw new UsageError(
        `--kernel-version: expected a version like 5.15.0, got "${opts.kernelVersion}"`,
      );
    }
    kernelVersion = v;
  }
  const pageSizeBytes = Number(opts.pageSize);
  if (!/^\d{4,7}$/.test(opts.pageSize) || (pageSizeBytes & (pageSizeBytes - 1)) !== 0) {
    throw new UsageError(
      `--page-size: expected a power of two in bytes (4096, 16384, 65536), got "${opts.pageSize}"`,
    );
  }
  let totalSwapKb: bigint | undefined;
  if (opts.totalSwapKb !== undefined) {
    if (!/^\d{1,20}$/.test(opts.totalSwapKb)) {
      throw new UsageError(
        `--total-swap-kb: expected a whole number of kB, got "${opts.totalSwapKb}"`,
      );
    }
    totalSwapKb = BigInt(opts.totalSwapKb);
  }
  return { kernelVersion, pageSizeBytes, totalSwapKb };
}

/** One log made of the files given, in order. */
class LogOfFiles implements LogTarget {
  readonly reader = new OomReportReader();
  readonly names: string[] = [];
  /** Whether any file held more than white space. */
  sawText = false;

  begin(name: string): void {
    if (!this.names.includes(name)) this.names.push(name);
    this.reader.beginFile(name);
  }

  text(chunk: string): void {
    if (!this.sawText && /\S/.test(chunk)) this.sawText = true;
    this.reader.push(chunk);
  }

  /** Why no event was found: no text at all, or text without a report. */
  nothingFound(): string {
    const names = this.names.join(", ");
    const lines = this.reader.lines;
    if (this.sawText) {
      return `oomkit: no OOM report found in ${names} (${lines} line${lines === 1 ? "" : "s"} read)`;
    }
    const stdinOnly = this.names.length === 1 && this.names[0] === "<stdin>";
    return `oomkit: empty input: ${names} ${this.names.length === 1 ? "holds" : "hold"} no log text${stdinOnly ? " (a refused dmesg writes nothing here: try sudo dmesg)" : ""}`;
  }
}

export const registerReplay: Register = (program) => {
  program
    .command("replay")
    .description(
      "replay real kernel OOM reports: parse them, recompute the scores, check the victim",
    )
    .argument(
      "<FILE...>",
      "kernel log text (dmesg, dmesg -T, journalctl -k, syslog, /dev/kmsg), gzip-compressed or not; several files are read in the order given as one log; - for stdin",
    )
    .option("--json", "JSON lines: one object per OOM event, in log order")
    .option(
      "--kernel-version <x.y.z>",
      "score with this kernel's rules instead of inferring the version",
    )
    .option("--page-size <bytes>", "page size of the machine that wrote the log", "4096")
    .option("--total-swap-kb <kB>", "SwapTotal of that machine, when the report does not print it")
    .addHelpText(
      "after",
      `
Every OOM event found is shown with its file and lines, its task table, the modern score of each
task, what 2.6.20's badness() would rank (with the assumptions it needs), the kernel's victim (the
selected task of the 'Kill process .. score' line before 5.1, else the 'Killed process' line) and
whether the predicted victim matches it. The kernel version is the release printed in the report
when the formats agree with it, else inferred from the formats; --kernel-version overrides both.

Files may be gzip-compressed (kern.log.2.gz), recognised by their content. Several files are read
in the order given as one log (oldest first: kern.log.2.gz kern.log.1 kern.log); line numbers
count in each file.

--json prints JSON lines: one object per event with at least "file", "lines", "actual" ({pid,
comm} or null), "predicted" ({pid, comm} or null without a task table), "complete" (boolean),
"match", "tasks", "kernel", "constraint", "totalpages", "assumptions" and "notes".

Exit status: 0 when at least one OOM report was found; 1 when none was: "empty input" on stderr
when the input holds no text (an empty file, an empty pipe, a dmesg that was refused), "no OOM
report found" when it holds text but no report; 2 for an unreadable file, corrupt gzip data or
bad options.`,
    )
    .action(async (files: string[], opts: ReplayCliOpts) => {
      const options = replayOptions(opts);
      const log = new LogOfFiles();
      for (const src of logSources(files)) await readLog(src, log);
      const events = log.reader.end();
      if (events.length === 0) {
        process.stderr.write(`${log.nothingFound()}\n`);
        process.exitCode = EXIT_NEGATIVE;
        return;
      }
      const replays = events.map((e) => replayEvent(e, options));
      process.stdout.write(opts.json ? replayJsonLines(replays) : replaysToText(replays));
    });
};
