/**
 * `oomkit guard`: a userspace OOM killer on the shared policy engine. It polls memory,
 * swap, PSI or one cgroup, and when a trigger reaches its TERM or KILL level chooses a
 * victim exactly as `oomkit rank` ranks (modern by default), re-checks, signals, and
 * follows the victim until its memory is back. Every decision is one record.
 */
import type { GuardCliOpts } from "./guard-run.js";
import type { Register } from "./index.js";

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export const registerGuard: Register = (program) => {
  program
    .command("guard")
    .description(
      "a userspace OOM killer: watch memory, swap, PSI or one cgroup, and kill the victim the policy chooses before the kernel has to",
    )
    .option(
      "-m, --mem <term[,kill]>",
      "MemAvailable below TERM[,KILL] percent of MemTotal (default 10,5; off: not watched)",
    )
    .option(
      "-M, --mem-size <term[,kill]>",
      "MemAvailable below TERM[,KILL] bytes (512MiB, 1GB); the lower level applies",
    )
    .option(
      "-s, --swap <term[,kill]>",
      "SwapFree below TERM[,KILL] percent of SwapTotal (default 10,5; off: not watched); no swap: does not apply",
    )
    .option("-S, --swap-size <term[,kill]>", "SwapFree below TERM[,KILL] bytes")
    .option(
      "--psi <line:term[,kill]>",
      "PSI avg10 of memory at or above TERM[,KILL] percent, e.g. some:40,80 (default off)",
    )
    .option("--psi-for <seconds>", "how long PSI must stay at a level (default 5)")
    .option(
      "--psi-file <file>",
      "the PSI file (default: the guarded v2 cgroup's, else /proc/pressure/memory)",
    )
    .option(
      "--cgroup <dir>",
      "guard one memory cgroup (v1 or v2 directory): its usage is the trigger and only its processes are candidates",
    )
    .option(
      "--cgroup-used <term[,kill]>",
      "cgroup usage at or above TERM[,KILL] percent of its limit (default 90,95; off: not watched)",
    )
    .option(
      "--combine <and|or>",
      "how triggers combine: and (every one that applies; the default) or or (any one)",
      undefined,
    )
    .option(
      "--policy <name>",
      "victim policy: modern (the default), 2.6.20, largest-rss, newest or oom-score-adj-bands",
    )
    .option(
      "--prefer <rule>",
      "rank matching processes first: REGEX on comm, or cmdline:/exe:/cgroup:/uid:REGEX (repeatable)",
      collect,
    )
    .option("--avoid <rule>", "rank matching processes last (repeatable)", collect)
    .option("--ignore <rule>", "never kill matching processes (repeatable)", collect)
    .option("--only <rule>", "kill only matching processes (repeatable)", collect)
    .option(
      "--scope <scope>",
      "process, process-group or cgroup: a second kill in the same group or cgroup within 30 s takes all of it (default process)",
    )
    .option(
      "--term-timeout <seconds>",
      "SIGKILL a SIGTERM'd victim still alive after this (default 5)",
    )
    .option(
      "--kill-timeout <seconds>",
      "give up waiting for a SIGKILL'd victim after this (default 10)",
    )
    .option(
      "--recovery-timeout <seconds>",
      "after the victim exits, wait this long for memory to come back before another kill (default 2)",
    )
    .option("--interval <min[,max]>", "poll interval bounds in seconds (default 0.1,1)")
    .option("--max-kills <n>", "stop after N kills (or would-be kills)")
    .option("--duration <seconds>", "stop after SECONDS")
    .option("-n, --dry-run", "choose and log, never signal")
    .option(
      "--shadow",
      "never signal; follow the kernel log and, at each kernel OOM kill, record its victim, the replay's prediction and what the guard would have done",
    )
    .option("--kmsg <device>", "the kernel log device --shadow follows", "/dev/kmsg")
    .option("-c, --config <file>", "a YAML file with the same settings (flags win)")
    .option("--print-config", "print the effective settings, thresholds in bytes, and exit")
    .option("--test-rules", "show which process each rule protects or picks now, and why, and exit")
    .option(
      "--snapshot <file>",
      "with --test-rules: the processes of an oomkit.snapshot/1 file instead of this machine's (comm and uid rules only)",
    )
    .option("-j, --json", "JSON lines on stdout, one per record")
    .option("--log <file>", "append JSON lines to FILE")
    .option("-q, --quiet", "no human log lines on stderr")
    .option(
      "--metrics <addr:port>",
      "serve Prometheus metrics on http://ADDR:PORT/metrics, e.g. 127.0.0.1:9100",
    )
    .option(
      "--pre-kill <command>",
      "run COMMAND (sh -c) before each signal, the victim in OOMKIT_* variables; waited for at most 2 s",
    )
    .option("--post-kill <command>", "run COMMAND after each victim's outcome, not waited for")
    .option("--root <dir>", "the /proc tree to read", "/proc")
    .addHelpText(
      "after",
      "\nRecords go to stderr as one line each (with syslog priorities when JOURNAL_STREAM is set);" +
        "\n--json and --log give the same records as JSON lines. See the README, section 'oomkit guard'.",
    )
    .action(async (opts: GuardCliOpts) => (await import("./guard-run.js")).runGuardCommand(opts));
};
