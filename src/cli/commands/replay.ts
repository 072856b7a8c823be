/**
 * `oomkit replay FILE...`: find every OOM report in a kernel log (dmesg, dmesg -T,
 * journalctl -k, syslog, /dev/kmsg, gzip-compressed or not; several files are one log; `-`
 * reads stdin), recompute each listed task's score under the rules of the report's kernel,
 * and say whether the predicted victim is the one the kernel chose. `--follow` keeps reading
 * and prints each event once its report is complete.
 */

import { UsageError } from "../../errors.js";
import { type KernelVersion, parseKernelVersion } from "../../policy/modern.js";
import {
  type OomEvent,
  OomReportReader,
  RepeatFilter,
  type ReplayOptions,
  replayEvent,
} from "../../replay/index.js";
import { buildReplayReportModel } from "../../report/html/sources.js";
import { replayToBrief, replayToBriefJson } from "../../report/replay-brief.js";
import { replayToJson } from "../../report/replay-json.js";
import { ReplayTally, replaySummaryText, replayToText } from "../../report/replay-text.js";
import { colourFor, painter } from "../colour.js";
import { EXIT_NEGATIVE, EXIT_OK } from "../exit.js";
import { htmlTarget, writeHtmlReport } from "../html-report.js";
import {
  followLog,
  type LogSource,
  type LogTarget,
  logSources,
  readLog,
  startsWithGzip,
} from "../log-input.js";
import type { Register } from "./index.js";

interface ReplayCliOpts {
  json?: boolean;
  brief?: boolean;
  follow?: boolean;
  kernelVersion?: string;
  pageSize: string;
  totalSwapKb?: string;
  html?: string;
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

type Render = (r: ReturnType<typeof replayEvent>) => string;

function rendererOf(opts: ReplayCliOpts): Render {
  if (opts.json) {
    return opts.brief ? replayToBriefJson : (r) => `${JSON.stringify(replayToJson(r))}\n`;
  }
  const paint = painter(colourFor(process.stdout));
  // On a terminal, a disagreement with the kernel stands out, and so does agreement.
  const coloured = (text: string) =>
    text
      .replace(
        / (DIFFERS( from the kernel)?)(?=\s|$)/g,
        (_m, w: string) => ` ${paint("differs", w)}`,
      )
      .replace(/ (agree|MATCHES the kernel)(?=\s|$)/g, (_m, w: string) => ` ${paint("agrees", w)}`);
  if (opts.brief) return (r) => coloured(replayToBrief(r));
  // Events are separated by an empty line; the summary follows the last one.
  return (r) => coloured(`${replayToText(r)}\n`);
}

/**
 * One replay of one log: the text of its files goes in, each event comes out once, rendered,
 * duplicates left out. When `streaming`, each event is printed as soon as it is over;
 * otherwise everything is printed at the end, so that an error leaves stdout empty.
 */
class LogReplay implements LogTarget {
  private readonly reader = new OomReportReader();
  private readonly repeats = new RepeatFilter();
  private readonly tally = new ReplayTally();
  private readonly render: Render;
  private readonly held: string[] = [];
  private readonly names: string[] = [];
  private sawText = false;
  /** Every event shown, for --html. */
  readonly shown: ReturnType<typeof replayEvent>[] = [];

  constructor(
    private readonly opts: ReplayCliOpts,
    private readonly options: ReplayOptions,
    private readonly streaming: boolean,
  ) {
    this.render = rendererOf(opts);
  }

  begin(name: string): void {
    if (!this.names.includes(name)) this.names.push(name);
    this.reader.beginFile(name);
  }

  text(chunk: string): void {
    if (!this.sawText && /\S/.test(chunk)) this.sawText = true;
    this.reader.push(chunk);
    if (this.streaming) this.show(this.reader.take(false));
  }

  caughtUp(): void {
    if (this.streaming) this.show(this.reader.take(true));
  }

  note(message: string): void {
    process.stderr.write(`oomkit: ${message}\n`);
  }

  /**
   * The end of the input; `interrupted` when following was ended by a signal. Returns the
   * exit status: 1 (with one line on stderr) when no OOM report was found in input that
   * ended by itself.
   */
  finish(interrupted: boolean): number {
    this.show(this.reader.end());
    const text = !this.opts.json && !this.opts.brief;
    if (this.tally.events === 0 && !interrupted) {
      const names = this.names.join(", ");
      const stdinOnly = this.names.length === 1 && this.names[0] === "<stdin>";
      process.stderr.write(
        this.sawText
          ? `oomkit: no OOM report found in ${names} (${this.reader.lines} line${this.reader.lines === 1 ? "" : "s"} read)\n`
          : `oomkit: empty input: ${names} ${this.names.length === 1 ? "holds" : "hold"} no log text${stdinOnly ? " (a refused dmesg writes nothing here: try sudo dmesg)" : ""}\n`,
      );
      return EXIT_NEGATIVE;
    }
    if (text) this.write(replaySummaryText(this.tally, this.reader.lines));
    if (!this.streaming) process.stdout.write(this.held.join(""));
    const dropped = this.tally.duplicates;
    if (!text && dropped > 0) {
      this.note(
        `${dropped} duplicate report${dropped === 1 ? "" : "s"} dropped (same kernel timestamp, victim and report text as one shown)`,
      );
    }
    return EXIT_OK;
  }

  private show(events: OomEvent[]): void {
    for (const e of events) {
      const r = replayEvent(e, this.options);
      if (this.repeats.isRepeat(r)) {
        this.tally.duplicates = this.repeats.dropped;
        continue;
      }
      // Events are numbered as shown: a dropped duplicate takes no number.
      e.index = this.tally.events;
      this.tally.add(r);
      this.shown.push(r);
      this.write(this.render(r));
    }
  }

  private write(s: string): void {
    if (this.streaming) process.stdout.write(s);
    else this.held.push(s);
  }
}

/** Reads every file in order, then follows the last one until a signal or its end. */
async function follow(sources: LogSource[], replay: LogReplay): Promise<boolean> {
  const last = sources[sources.length - 1];
  if (last.kind === "file" && (await startsWithGzip(last.arg).catch(() => false))) {
    throw new UsageError(
      `--follow: ${last.name} is gzip-compressed and will not grow; name the live log last`,
    );
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    for (const src of sources.slice(0, -1)) {
      if (stop.signal.aborted) break;
      await readLog(src, replay, stop.signal);
    }
    if (!stop.signal.aborted) await followLog(last, replay, stop.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return stop.signal.aborted;
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
    .option("-j, --json", "JSON lines: one object per OOM event, in log order")
    .option(
      "--brief",
      "one line per OOM event: time, constraint, the kernel's victim, the predicted victim, agree or DIFFERS",
    )
    .option(
      "-f, --follow",
      "keep reading after the end (a file as tail -F does, /dev/kmsg for new records, stdin until it ends) and print each event once its report is complete; Ctrl-C ends",
    )
    .option(
      "--kernel-version <x.y.z>",
      "score with this kernel's rules instead of inferring the version",
    )
    .option("--page-size <bytes>", "page size of the machine that wrote the log", "4096")
    .option("--total-swap-kb <kB>", "SwapTotal of that machine, when the report does not print it")
    .option(
      "--html <FILE>",
      "also write every OOM event as a self-contained HTML report to FILE: one time axis, each task table with the kernel's victim and each policy's prediction",
    )
    .addHelpText(
      "after",
      `
Every OOM event found is shown with its file and lines, its task table, the modern score of each
task, what 2.6.20's badness() would rank (with the assumptions it needs), the kernel's victim (the
selected task of the 'Kill process .. score' line before 5.1, else the 'Killed process' line) and
whether the predicted victim matches it. The kernel version is the release printed in the report
(the stack dump's first line, in any form, or the host's last 'Linux version' banner before it)
when the formats agree with it, else inferred from the formats; --kernel-version overrides both.
Without a release, when the formats allow several scoring eras (2.6.36-3.6, 3.7-3.13, 3.14-4.16,
4.17-5.8, 5.9+), the victim under each is shown and the verdict says which explain the kernel's
choice. An 'oom_kill_allocating_task' kill is recognised: the allocating task, not ranked.

Files may be gzip-compressed (kern.log.2.gz), recognised by their content. Several files are read
in the order given as one log (oldest first: kern.log.2.gz kern.log.1 kern.log); line numbers
count in each file. A report the log holds twice (same kernel timestamp, victim and report text)
is shown once; the summary says how many duplicates were dropped (with --json or --brief, a line
on stderr).

--json prints JSON lines: one object per event with at least "file", "lines", "actual" ({pid,
comm} or null), "predicted" ({pid, comm} or null without a task table), "complete" (boolean),
"match", "tasks", "kernel", "constraint", "totalpages", "assumptions" and "notes".
--brief --json prints one object per event with "index", "file", "line", "time", "uptime",
"host", "constraint", "actual", "predicted", "match" and "complete".

--follow reads the files in order, then keeps reading the last one: a file is polled for growth
and reopened when rotated, /dev/kmsg waits for new records, stdin is read until it ends. Each event
is printed once its report is complete (its 'Killed process' line, or 'no killable processes',
has been read). Ctrl-C (SIGINT) or SIGTERM ends it: the events pending are printed (in text,
then the summary), exit 0.

Exit status: 0 when at least one OOM report was found (or --follow ended by Ctrl-C); 1 when none
was: "empty input" on stderr when the input holds no text (an empty file, an empty pipe, a dmesg
that was refused), "no OOM report found" when it holds text but no report; 2 for an unreadable
file, corrupt gzip data or bad options.`,
    )
    .action(async (files: string[], opts: ReplayCliOpts) => {
      const options = replayOptions(opts);
      const html = opts.html === undefined ? undefined : htmlTarget(opts.html);
      if (html !== undefined && opts.follow) {
        throw new UsageError("--html: not with --follow (the report is written once the log ends)");
      }
      const sources = logSources(files);
      const replay = new LogReplay(opts, options, opts.follow === true);
      let interrupted = false;
      if (opts.follow) interrupted = await follow(sources, replay);
      else for (const src of sources) await readLog(src, replay);
      const status = replay.finish(interrupted);
      if (html !== undefined && replay.shown.length > 0) {
        const names = sources.map((s) => s.name);
        const title =
          names.length <= 3 ? names.join(", ") : `${names[0]} and ${names.length - 1} more files`;
        await writeHtmlReport(html, buildReplayReportModel(title, replay.shown));
      }
      if (status !== EXIT_OK) process.exitCode = status;
    });
};
