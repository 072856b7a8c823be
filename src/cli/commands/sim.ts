import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InputError, ProcError, UsageError } from "../../errors.js";
import { toResultJson } from "../../oom/result.js";
import { POLICY_NAMES, policyByName } from "../../policy/registry.js";
import { simJsonLine, simSummaryJsonLine } from "../../report/sim-json.js";
import { simLogLines } from "../../report/sim-log.js";
import {
  endReasonText,
  renderSummary,
  type SkippedAction,
  SummaryCollector,
  skipText,
} from "../../report/sim-summary.js";
import { DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME } from "../../sim/default-scenario.js";
import type { SimEvent } from "../../sim/events.js";
import type { OomCallRecord } from "../../sim/oom-call.js";
import { runScenarioText } from "../../sim/run.js";
import { TIME_RE } from "../../sim/scenario-schema.js";
import { timeToTicks } from "../../sim/units.js";
import { parseSnapshot } from "../../snapshot/load.js";
import { snapshotToJson } from "../../snapshot/serialize.js";
import type { Snapshot } from "../../snapshot/types.js";
import { HtmlReport } from "../html-report.js";
import { readInputText } from "../input.js";
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
      "--policy <NAME>",
      `choose each victim inside select_bad_process() by this policy: ${POLICY_NAMES.join(", ")} (default: 2.6.20's badness())`,
    )
    .addHelpText(
      "after",
      "\nA scenario (YAML or JSON, described in examples/README.md) is a machine, its processes " +
        "and a timeline of what they do. The simulated kernel allocates pages, reclaims, wakes " +
        "kswapd and calls the 2.6.20 OOM killer when an allocation cannot be satisfied; killed " +
        "tasks exit and give their memory back. Prints the kernel log (with [seconds.micro] " +
        "times when the machine has printk_time), or every event as JSON lines with --json. " +
        "Without SCENARIO, or with --example, runs the embedded default story.\n" +
        "\nExamples:\n  oomkit sim\n  oomkit sim examples/child-first.yaml --summary\n  oomkit sim examples/gfp-nofs-loop.yaml --until 20 --json\n  oomkit sim my.yaml --dump-oom out/ && oomkit oom -j out/oom-0001.snapshot.json",
    )
    .action(async (file: string | undefined, opts: SimOptions) => {
      if (opts.example && file !== undefined)
        throw new UsageError("--example takes no SCENARIO argument");
      const until = opts.until === undefined ? undefined : parseUntil(opts.until);
      const seed = opts.seed === undefined ? undefined : parseSeed(opts.seed);
      const policy = opts.policy === undefined ? undefined : policyByName(opts.policy);
      const input =
        file === undefined
          ? { name: DEFAULT_SCENARIO_NAME, text: DEFAULT_SCENARIO }
          : await readInputText(file);
      const html = opts.html === undefined ? undefined : new HtmlReport(opts.html, input.name);
      const out = new Out();
      const collector = new SummaryCollector();
      let hz = 250;
      let printkTime = false;
      const showEvents = !opts.quiet;
      const tty = process.stderr.isTTY === true;
      let lastProgress = 0;
      let startTick = 0;
      let logLines = 0;
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
        collector.add(e);
        html?.add(e);
        if (e.type === "sim.skip") warn(collector.describeSkip(e));
        if (!showEvents) return;
        if (opts.json) out.line(simJsonLine(e, hz));
        else
          for (const l of simLogLines(e, { hz, printkTime, verbose: opts.verbose })) {
            out.line(l);
            logLines++;
          }
      };
      const result = runScenarioText(input.text, sink, {
        file: input.name,
        until,
        seed,
        onOomCall: dumpDir === undefined ? undefined : (r) => dumpOomCall(dumpDir, r),
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
        onSetup: (sim) => {
          printkTime = sim.printkTime;
          html?.setup(sim);
          collector.setTargets(sim.targets);
        },
      });
      if (tty && lastProgress > 0) process.stderr.write("\r\x1b[K");
      if (opts.summary || opts.quiet) {
        const s = collector.summary();
        if (opts.json) out.line(simSummaryJsonLine(s));
        else {
          if (showEvents) out.line("");
          for (const l of renderSummary(s)) out.line(l);
        }
      }
      out.flush();
      if (showEvents && !opts.json && !opts.summary && logLines === 0) {
        // An empty kernel log is a true answer, but silence reads like a failure.
        const s = collector.summary();
        const looping = s.pendingAllocations.length;
        const loops =
          looping === 0 ? "" : `, ${looping} allocation${looping === 1 ? "" : "s"} still looping`;
        process.stderr.write(
          `oomkit sim: the kernel printed nothing; the run ended at ${s.end} s of uptime (${endReasonText(s)}${loops}); --summary tells more\n`,
        );
      }
      if (html !== undefined) await html.write(result);
    });
};
