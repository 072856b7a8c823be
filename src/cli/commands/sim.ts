import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { InputError, ProcError, UsageError } from "../../errors.js";
import { toResultJson } from "../../oom/result.js";
import { POLICY_NAMES, policyByName } from "../../policy/registry.js";
import { explainCallLines } from "../../report/explain.js";
import { RunReport } from "../../report/run-report.js";
import { endReasonText, type SkippedAction, skipText } from "../../report/sim-summary.js";
import { DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME } from "../../sim/default-scenario.js";
import type { EndReason } from "../../sim/engine.js";
import type { SimEvent } from "../../sim/events.js";
import { ExpectChecker, expectFacts, knownTasks } from "../../sim/expect.js";
import type { OomCallRecord } from "../../sim/oom-call.js";
import { type ScenarioRun, startScenarioText } from "../../sim/run.js";
import { TIME_RE } from "../../sim/scenario-schema.js";
import { timeToTicks } from "../../sim/units.js";
import { parseSnapshot } from "../../snapshot/load.js";
import { snapshotToJson } from "../../snapshot/serialize.js";
import type { Snapshot } from "../../snapshot/types.js";
import { refuseWithoutEffect } from "../combinations.js";
import { EXIT_NEGATIVE } from "../exit.js";
import { HtmlReport } from "../html-report.js";
import { readFailure, readInputText } from "../input.js";
import type { Register } from "./index.js";

interface SimOptions {
  until?: string;
  json?: boolean;
  summary?: boolean;
  quiet?: boolean;
  seed?: string;
  dumpOom?: string;
  example?: boolean;
  html?: string;
  verbose?: boolean;
  policy?: string;
  check?: boolean;
  explain?: string;
}

/** --explain N (a call number from 1) or "all". */
export function parseExplain(v: string): number | "all" {
  if (v === "all") return v;
  if (/^[1-9]\d{0,8}$/.test(v)) return Number(v);
  throw new UsageError(`--explain: expected a call number from 1, or "all", got "${v}"`);
}

export function parseUntil(v: string): number | string {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  if (TIME_RE.test(v)) return v;
  throw new UsageError(
    `--until: expected a time such as 30, "2.5s", "300ms" or "250j", got "${v}"`,
  );
}

/**
 * Reads the snapshot a scenario's `from_snapshot` names, relative to the scenario file
 * (or the working directory for standard input and the embedded scenario).
 */
export function scenarioSnapshotLoader(
  file: string | undefined,
  inputName: string,
): (path: string) => Snapshot {
  return (path) => {
    const base = file === undefined || file === "-" ? process.cwd() : dirname(file);
    const full = resolve(base, path);
    let text: string;
    try {
      text = readFileSync(full, "utf8");
    } catch (err) {
      // A file the system fails to read is a system error; a wrong name, the scenario's.
      const failure = readFailure(path, err);
      if (failure instanceof ProcError) throw failure;
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      throw new InputError({
        file: inputName,
        path: "from_snapshot",
        expected: `a readable snapshot file (${code}: ${path})`,
      });
    }
    return parseSnapshot(text, path);
  };
}

/** 128 + SIGINT, as a shell reports a command that Ctrl-C ended. */
const EXIT_INTERRUPTED = 130;
/** Turns of the event loop between two looks at Ctrl-C. */
const SLICE_TURNS = 20_000;

/**
 * Runs the simulation in slices, giving the event loop a turn between two, so that a
 * SIGINT (Ctrl-C) ends the run with "interrupted" instead of killing the process; a
 * second Ctrl-C exits at once. Without a SIGINT the run is the same run, event for event.
 */
async function runInSlices(run: ScenarioRun): Promise<EndReason> {
  let stop = false;
  const onSigint = () => {
    if (stop) process.exit(EXIT_INTERRUPTED);
    stop = true;
  };
  process.on("SIGINT", onSigint);
  try {
    for (;;) {
      const reason = run.step(SLICE_TURNS);
      if (reason !== "paused") return reason;
      await new Promise((resolve) => setImmediate(resolve));
      if (stop) return "interrupted";
    }
  } finally {
    process.off("SIGINT", onSigint);
  }
}

export function parseSeed(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 2 ** 32 - 1) {
    throw new UsageError(`--seed: expected an integer from 0 to 4294967295, got "${v}"`);
  }
  return Number(v);
}

/** Buffered stdout: one write per 64 KiB instead of one per line. */
class Out {
  private parts: string[] = [];
  private size = 0;
  line(s: string): void {
    this.parts.push(s, "\n");
    this.size += s.length + 1;
    if (this.size > 65536) this.flush();
  }
  flush(): void {
    if (this.parts.length > 0) process.stdout.write(this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}

const errnoOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? "EIO";

function cannotWrite(dir: string, why: string, code: string): ProcError {
  return new ProcError({ path: dir, code, message: `--dump-oom ${dir}: ${why}` });
}

/**
 * Makes the --dump-oom directory one missing component at a time, from the nearest
 * ancestor that exists: a recursive mkdir can spin for ever where the kernel answers
 * ENOENT to every creation (under /proc), and a path through a file must say so.
 */
function makeDumpDir(dir: string): void {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      if (!statSync(at).isDirectory()) {
        throw cannotWrite(dir, "cannot create the directory: a file is in the way", "ENOTDIR");
      }
      break;
    } catch (err) {
      if (err instanceof ProcError) throw err;
      const code = errnoOf(err);
      if (code === "ENOTDIR") {
        throw cannotWrite(dir, "cannot create the directory: a file is in the way", code);
      }
      if (code !== "ENOENT") throw cannotWrite(dir, `cannot create the directory (${code})`, code);
      missing.push(at);
      const up = dirname(at);
      if (up === at) break;
      at = up;
    }
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (err) {
      throw cannotWrite(dir, `cannot create the directory (${errnoOf(err)})`, errnoOf(err));
    }
  }
}

function dumpOomCall(dir: string, r: OomCallRecord): void {
  const n = String(r.n).padStart(4, "0");
  const write = (name: string, doc: unknown) => {
    try {
      writeFileSync(join(dir, name), `${JSON.stringify(doc, null, 2)}\n`);
    } catch (err) {
      throw cannotWrite(dir, `cannot write ${name} (${errnoOf(err)})`, errnoOf(err));
    }
  };
  write(`oom-${n}.snapshot.json`, snapshotToJson(r.snapshot()));
  write(`oom-${n}.result.json`, toResultJson(r.result));
}

export const registerSim: Register = (program) => {
  program
    .command("sim")
    .description("simulate a 2.6.20 machine running out of memory, from a scenario")
    .argument("[SCENARIO]", "scenario file ('-' reads standard input)")
    .option("--example", "run the embedded default scenario")
    .option("--until <T>", 'stop after T of simulated time (seconds, or "2.5s", "300ms", "250j")')
    .option("-j, --json", "print every event as a JSON line")
    .option("--summary", "print an end-of-run summary (as a last JSON line with --json)")
    .option("-q, --quiet", "print neither log nor events, only the summary")
    .option("--seed <N>", "override the scenario's seed")
    .option(
      "--dump-oom <DIR>",
      "write DIR/oom-NNNN.snapshot.json and .result.json for every out_of_memory() call",
    )
    .option("--html <FILE>", "write the run as a self-contained HTML report to FILE")
    .option("-v, --verbose", "also print forks, execs, exits and skipped actions as # lines")
    .option(
      "--explain <N>",
      'after the N-th out_of_memory() call\'s log ("all": after each), explain it as oom --explain does',
    )
    .option(
      "--policy <NAME>",
      `choose each victim inside select_bad_process() by this policy: ${POLICY_NAMES.join(", ")} (default: 2.6.20's badness())`,
    )
    .option(
      "--check",
      "print nothing of the run; check the scenario's expect block against it, one line per mismatch (exit 1 if any)",
    )
    .addHelpText(
      "after",
      "\nA scenario (YAML or JSON, described in examples/README.md) is a machine, its processes " +
        "and a timeline of what they do. The simulated kernel allocates pages, reclaims, wakes " +
        "kswapd and calls the 2.6.20 OOM killer when an allocation cannot be satisfied; killed " +
        "tasks exit and give their memory back. Prints the kernel log (with [seconds.micro] " +
        "times when the machine has printk_time), or every event as JSON lines with --json. " +
        "Without SCENARIO, or with --example, runs the embedded default story.\n" +
        "\nWith --check the run prints nothing; its events are checked against the scenario's " +
        'expect block (described in examples/README.md): one line "FILE: MISMATCH" per ' +
        'fact that does not hold and exit status 1, or "FILE: all N expectations hold" and 0 ' +
        '(--json: one line {"file", "holds", "checked", "mismatches"}). A scenario without an ' +
        "expect block is bad input (exit status 2).\n" +
        "\nExamples:\n  oomkit sim\n  oomkit sim examples/child-first.yaml --summary\n  oomkit sim examples/gfp-nofs-loop.yaml --until 20 --json\n  oomkit sim my.yaml --dump-oom out/ && oomkit oom -j out/oom-0001.snapshot.json\n  oomkit sim --check examples/memdie-wait.yaml",
    )
    .action(async (file: string | undefined, opts: SimOptions, cmd: Command) => {
      if (opts.example && file !== undefined)
        throw new UsageError("--example takes no SCENARIO argument");
      if (opts.check) {
        for (const [set, name] of [
          [opts.summary, "--summary"],
          [opts.quiet, "--quiet"],
          [opts.verbose, "--verbose"],
        ] as const) {
          if (set) throw new UsageError(`--check prints only the check; it takes no ${name}`);
        }
      }
      const explain = opts.explain === undefined ? undefined : parseExplain(opts.explain);
      if (explain !== undefined) {
        refuseWithoutEffect(
          cmd,
          "--explain",
          { json: "--json", quiet: "--quiet", policy: "--policy" },
          "it explains 2.6.20's choice in words between the lines of the text log",
        );
      }
      const until = opts.until === undefined ? undefined : parseUntil(opts.until);
      const seed = opts.seed === undefined ? undefined : parseSeed(opts.seed);
      const policy = opts.policy === undefined ? undefined : policyByName(opts.policy);
      const input =
        file === undefined
          ? { name: DEFAULT_SCENARIO_NAME, text: DEFAULT_SCENARIO }
          : await readInputText(file);
      const html = opts.html === undefined ? undefined : new HtmlReport(opts.html);
      const out = new Out();
      const report = new RunReport({
        json: opts.json,
        verbose: opts.verbose,
        keepEvents: html !== undefined,
      });
      const collector = report.summaries;
      let hz = 250;
      const showEvents = !opts.quiet && !opts.check;
      let checker: ExpectChecker | undefined;
      const tty = process.stderr.isTTY === true;
      let lastProgress = 0;
      let startTick = 0;
      const dumpDir = opts.dumpOom;
      // A skipped timeline action is a warning on stderr, never a line of the kernel log.
      const warn = (skip: SkippedAction) => {
        out.flush();
        if (tty && lastProgress > 0) process.stderr.write("\r\x1b[K");
        process.stderr.write(`oomkit sim: warning: ${skipText(skip)}\n`);
      };
      const sink = (e: SimEvent) => {
        if (e.type === "sim.start") {
          hz = e.hz;
          startTick = e.tick;
          if (dumpDir !== undefined) makeDumpDir(dumpDir);
        }
        const lines = report.add(e);
        checker?.add(e);
        if (e.type === "sim.skip") warn(collector.describeSkip(e));
        if (showEvents) for (const l of lines) out.line(l);
      };
      const run = startScenarioText(input.text, sink, {
        file: input.name,
        until,
        seed,
        onOomCall:
          dumpDir === undefined && explain === undefined
            ? undefined
            : (r) => {
                if (dumpDir !== undefined) dumpOomCall(dumpDir, r);
                if (explain === "all" || explain === r.n) {
                  for (const l of explainCallLines(r.n, r.snapshot(), r.result)) out.line(l);
                }
              },
        onProgress: tty
          ? (tick) => {
              const now = Date.now();
              if (now - lastProgress < 200) return;
              lastProgress = now;
              // With --until the end is known, so the line says how far the run is.
              const total = until === undefined ? 0 : timeToTicks(until, hz);
              const pct =
                total > 0
                  ? `, ${Math.min(100, Math.floor(((tick - startTick) / total) * 100))} %`
                  : "";
              process.stderr.write(`\roomkit sim: ${(tick / hz).toFixed(1)} s of uptime${pct}`);
            }
          : undefined,
        loadSnapshot: scenarioSnapshotLoader(file, input.name),
        policy,
        memorySamples: html !== undefined,
        onSetup: (sim) => {
          if (opts.check) {
            const expect = sim.scenario.expect;
            if (expect === undefined) {
              throw new InputError({
                file: input.name,
                path: "expect",
                expected: "an expect block for --check to check (examples/README.md)",
              });
            }
            checker = new ExpectChecker(expect, knownTasks(sim));
          }
          collector.setTargets(sim.targets);
        },
      });
      const result = run.finish(await runInSlices(run));
      const interrupted = result.reason === "interrupted";
      if (tty && lastProgress > 0) process.stderr.write("\r\x1b[K");
      if (interrupted) {
        out.flush();
        process.stderr.write(
          `oomkit sim: interrupted at ${(run.sim.k.ticks / hz).toFixed(6)} s of uptime; the summary covers what ran\n`,
        );
      }
      if (opts.summary || opts.quiet || interrupted) {
        if (showEvents && !opts.json) out.line("");
        for (const l of report.summaryLines()) out.line(l);
      }
      if (checker !== undefined && result.sim.scenario.expect !== undefined) {
        const mismatches = checker.mismatches();
        const checked = expectFacts(result.sim.scenario.expect);
        if (opts.json) {
          const holds = mismatches.length === 0;
          out.line(JSON.stringify({ file: input.name, holds, checked, mismatches }));
        } else if (mismatches.length === 0) {
          out.line(
            `${input.name}: ${checked === 1 ? "the 1 expectation holds" : `all ${checked} expectations hold`}`,
          );
        } else for (const m of mismatches) out.line(`${input.name}: ${m}`);
        if (mismatches.length > 0) process.exitCode = EXIT_NEGATIVE;
      }
      out.flush();
      if (
        showEvents &&
        !opts.json &&
        !opts.summary &&
        !interrupted &&
        report.printedLogLines === 0
      ) {
        // An empty kernel log is a true answer, but silence reads like a failure.
        const s = collector.summary();
        const looping = s.pendingAllocations.length;
        const loops =
          looping === 0 ? "" : `, ${looping} allocation${looping === 1 ? "" : "s"} still looping`;
        process.stderr.write(
          `oomkit sim: the kernel printed nothing; the run ended at ${s.end} s of uptime (${endReasonText(s)}${loops}); --summary tells more\n`,
        );
      }
      if (typeof explain === "number" && explain > result.oomCalls.length) {
        const made = result.oomCalls.length;
        process.stderr.write(
          `oomkit sim: --explain ${explain}: the run made ${made === 0 ? "no" : `only ${made}`} out_of_memory() call${made === 1 ? "" : "s"}\n`,
        );
        process.exitCode = EXIT_NEGATIVE;
      }
      if (html !== undefined) await html.write(report.htmlModel(input.name, result.oomCalls));
      if (interrupted) process.exitCode = EXIT_INTERRUPTED;
    });
};
