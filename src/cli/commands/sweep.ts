import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import { InputError, ProcError, UsageError } from "../../errors.js";
import { renderSweepSummary, sweepSummaryJson } from "../../report/sweep-report.js";
import { FAMILY_NAMES, type Family, isFamily, sweepScenario } from "../../sweep/families.js";
import { SweepMerger } from "../../sweep/merge.js";
import { SweepColumns, summarize } from "../../sweep/summary.js";
import { headerLine, type Shard, type SweepSpec, shardRange } from "../../sweep/sweep.js";
import { describeReadError, STDIN_NAME } from "../input.js";
import { runSweepPool } from "../sweep-pool.js";
import { VERSION } from "../version.js";
import { parsePolicyNames } from "./compare.js";
import type { Register } from "./index.js";
import { parseSeed } from "./sim.js";

const DEFAULT_POLICIES = "2.6.20,modern,largest-rss,guard";
const MAX_SCENARIOS = 10 ** 9;

interface SweepOptions {
  generate?: string;
  seed?: string;
  family?: string;
  policies?: string;
  workers?: string;
  shard?: string;
  window?: string;
  json?: boolean;
  out?: string;
  merge?: string[];
  printScenario?: string;
}

function wholeNumber(flag: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, got "${v}"`);
  }
  return Number(v);
}

function parseFamilies(v: string | undefined): Family[] {
  if (v === undefined) return [...FAMILY_NAMES];
  const names = v.split(",").map((s) => s.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (!isFamily(name)) {
      throw new UsageError(
        `--family: unknown family "${name}": expected one of ${FAMILY_NAMES.map((f) => `"${f}"`).join(", ")}`,
      );
    }
    if (seen.has(name)) throw new UsageError(`--family: "${name}" is named twice`);
    seen.add(name);
  }
  return names as Family[];
}

export function parseShard(v: string | undefined): Shard {
  if (v === undefined) return { index: 0, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m === null ? Number.NaN : Number(m[1]);
  const count = m === null ? Number.NaN : Number(m[2]);
  if (!(count >= 1 && index < count && count <= MAX_SCENARIOS)) {
    throw new UsageError(
      `--shard: expected I/N with 0 <= I < N (I counts from 0, as JOB_COMPLETION_INDEX does), got "${v}"`,
    );
  }
  return { index, count };
}

function parseWindow(v: string | undefined): number {
  if (v === undefined) return 30;
  if (!/^\d+(\.\d+)?$/.test(v)) {
    throw new UsageError(`--window: expected a number of seconds such as 30 or 2.5, got "${v}"`);
  }
  return Number(v);
}

/** Options that mean nothing with `mode`: refused, never ignored. */
function refuse(opts: SweepOptions, mode: string, names: (keyof SweepOptions)[]): void {
  const flag: Record<string, string> = {
    generate: "--generate",
    seed: "--seed",
    family: "--family",
    policies: "--policies",
    workers: "--workers",
    shard: "--shard",
    window: "--window",
    json: "--json",
    out: "--out",
    printScenario: "--print-scenario",
  };
  const given = names.filter((n) => opts[n] !== undefined).map((n) => flag[n]!);
  if (given.length === 0) return;
  const list =
    given.length === 1 ? given[0]! : `${given.slice(0, -1).join(", ")} and ${given.at(-1)}`;
  throw new UsageError(`${list} ${given.length === 1 ? "has" : "have"} no effect with ${mode}`);
}

/** Lines written to FILE through a temporary file renamed into place at the end. */
class LineFile {
  private readonly temp: string;
  private readonly stream: WriteStream;
  private error: NodeJS.ErrnoException | null = null;

  constructor(private readonly file: string) {
    this.temp = `${file}.tmp-${process.pid}`;
    this.stream = createWriteStream(this.temp);
    this.stream.on("error", (err) => {
      this.error ??= err;
    });
  }

  write(text: string): void {
    if (this.error === null) this.stream.write(text);
  }

  private failure(err: unknown): ProcError {
    const code =
      typeof err === "object" && err !== null && "code" in err ? String(err.code) : "EIO";
    return new ProcError({
      path: this.file,
      code,
      message: `${this.file}: cannot write (${code})`,
    });
  }

  async close(): Promise<void> {
    try {
      if (this.error !== null) throw this.error;
      this.stream.end();
      await once(this.stream, "finish");
      if (this.error !== null) throw this.error;
      await rename(this.temp, this.file);
    } catch (err) {
      await this.discard();
      throw this.failure(err);
    }
  }

  async discard(): Promise<void> {
    this.stream.destroy();
    await rm(this.temp, { force: true });
  }
}

/** Standard output, written in large pieces. */
class Stdout {
  private parts: string[] = [];
  private size = 0;
  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 16) this.flush();
  }
  flush(): void {
    if (this.parts.length === 0) return;
    process.stdout.write(this.parts.join(""));
    this.parts = [];
    this.size = 0;
  }
}

/** A progress bar on stderr, drawn only on a terminal, at most ten times a second. */
class Progress {
  private last = 0;
  private readonly start = performance.now();
  private readonly on = process.stderr.isTTY === true;

  constructor(private readonly total: number) {}

  update(done: number): void {
    if (!this.on) return;
    const now = performance.now();
    if (done < this.total && now - this.last < 100) return;
    this.last = now;
    const width = 30;
    const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
    const seconds = (now - this.start) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    process.stderr.write(
      `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${this.total} scenarios, ${rate.toFixed(1)}/s, ${seconds.toFixed(0)} s `,
    );
  }

  end(): void {
    if (this.on) process.stderr.write("\r\x1b[2K");
  }
}

function printSummary(columns: SweepColumns, version: string, json: boolean, out: Stdout): void {
  const summary = summarize(columns, version);
  if (json) out.write(`${JSON.stringify(sweepSummaryJson(summary))}\n`);
  else out.write(`${renderSweepSummary(summary).join("\n")}\n`);
  out.flush();
}

async function runSweep(opts: SweepOptions): Promise<void> {
  if (opts.generate === undefined) {
    throw new UsageError("give --generate N (scenarios to run) or --merge FILE...");
  }
  const spec: SweepSpec = {
    scenarios: wholeNumber("--generate", opts.generate, 1, MAX_SCENARIOS),
    seed: opts.seed === undefined ? 1 : parseSeed(opts.seed),
    families: parseFamilies(opts.family),
    policies: parsePolicyNames(opts.policies ?? DEFAULT_POLICIES),
    windowSeconds: parseWindow(opts.window),
  };
  const workers =
    opts.workers === undefined
      ? Math.max(1, availableParallelism())
      : wholeNumber("--workers", opts.workers, 1, 256);
  const shard = parseShard(opts.shard);
  const range = shardRange(spec.scenarios, shard);
  if (opts.out === "-") {
    throw new UsageError("--out -: name a file; --json prints the run lines on standard output");
  }
  const file = opts.out === undefined ? null : new LineFile(opts.out);
  const stdout = new Stdout();
  // The run lines go to --out, or to standard output with --json (before the summary).
  const lines = file ?? (opts.json ? stdout : null);
  lines?.write(`${JSON.stringify(headerLine(spec, VERSION, shard))}\n`);
  const columns = new SweepColumns(spec, range.first, range.end);
  const progress = new Progress(range.end - range.first);
  try {
    await runSweepPool(spec, range, workers, (batch, done) => {
      for (const line of batch) {
        columns.add(line);
        lines?.write(`${JSON.stringify(line)}\n`);
      }
      progress.update(done);
    });
  } catch (err) {
    await file?.discard();
    throw err;
  } finally {
    progress.end();
  }
  await file?.close();
  printSummary(columns, VERSION, opts.json === true, stdout);
}

async function mergeFiles(files: string[], opts: SweepOptions): Promise<void> {
  refuse(opts, "--merge", [
    "generate",
    "seed",
    "family",
    "policies",
    "workers",
    "shard",
    "window",
    "out",
    "printScenario",
  ]);
  const merger = new SweepMerger();
  for (const f of files) {
    const name = f === "-" ? STDIN_NAME : f;
    merger.beginFile(name);
    const input = f === "-" ? process.stdin : createReadStream(f, { encoding: "utf8" });
    let n = 0;
    try {
      for await (const text of createInterface({ input, crlfDelay: Infinity })) {
        n += 1;
        merger.addLine(text, n);
      }
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError({
        file: name,
        path: "$",
        expected: `cannot read ${f === "-" ? "standard input" : "file"} (${describeReadError(err)})`,
      });
    }
    if (n === 0) {
      throw new InputError({ file: name, path: "$", expected: "sweep output, got an empty file" });
    }
  }
  const columns = merger.result()!;
  if (!columns.complete) {
    const missing = columns.missing();
    const ranges = missing
      .slice(0, 3)
      .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
      .join(", ");
    const more = missing.length > 3 ? ` and ${missing.length - 3} more ranges` : "";
    throw new UsageError(
      `--merge: the files lack runs of scenarios ${ranges}${more} of 0-${columns.end - 1}: is a shard's output missing?`,
    );
  }
  printSummary(columns, merger.version()!, opts.json === true, new Stdout());
}

function printScenario(opts: SweepOptions): void {
  refuse(opts, "--print-scenario", ["policies", "workers", "shard", "window", "json", "out"]);
  const scenarios =
    opts.generate === undefined
      ? MAX_SCENARIOS
      : wholeNumber("--generate", opts.generate, 1, MAX_SCENARIOS);
  const index = wholeNumber("--print-scenario", opts.printScenario!, 0, scenarios - 1);
  const seed = opts.seed === undefined ? 1 : parseSeed(opts.seed);
  const s = sweepScenario(seed, parseFamilies(opts.family), index);
  const doc = { description: `oomkit sweep scenario ${index} (seed ${seed}): ${s.family}` };
  process.stdout.write(`${JSON.stringify({ ...doc, ...s.scenario }, null, 2)}\n`);
}

export const registerSweep: Register = (program) => {
  program
    .command("sweep")
    .description("run generated scenarios under several policies and summarise the metrics")
    .option("--generate <N>", "run N generated scenarios (scenario i depends on the seed and i)")
    .option("--seed <S>", "the sweep's seed, 0 to 4294967295 (default 1)")
    .option(
      "--family <LIST>",
      `comma-separated scenario families, taken in turn (default: all, ${FAMILY_NAMES.join(",")})`,
    )
    .option(
      "--policies <LIST>",
      `comma-separated policies as oomkit compare takes them (default ${DEFAULT_POLICIES})`,
    )
    .option("-w, --workers <K>", "worker threads (default: the CPUs available)")
    .option("--shard <I/N>", "run only the I-th of N parts of the scenarios (I from 0)")
    .option(
      "--window <SECONDS>",
      "an OOM episode this soon after the previous one is a repeat (default 30)",
    )
    .option("-j, --json", "print JSON lines: the header, one line per run, then the summary")
    .option("-o, --out <FILE>", "write the header and run lines to FILE (for --merge)")
    .option("--merge <FILE...>", "summarise the run lines of these files (parts of one sweep)")
    .option("--print-scenario <I>", "print scenario I of the sweep as a scenario file, and stop")
    .addHelpText(
      "after",
      "\nGenerates N scenarios that run out of memory, each with its leak marked `role: " +
        "culprit` (families: leak, a steady leak among services; fork-bomb, many small " +
        "children of one parent; many-medium, dozens of similar services and one that leaks; " +
        "jvm-heap, a JVM with a large reserved heap that leaks, or a leak beside it; cpuset, a " +
        "job confined to one NUMA node), runs each under every policy as `oomkit compare` " +
        "does, and summarises per policy: for each metric the mean with its 95 % confidence " +
        "interval (Student's t-interval of the mean), the median and p95 (linear " +
        "interpolation between ranks), then per pair of policies, scenario by scenario, " +
        "wins/losses/ties on innocent victims, work lost, kills and time under pressure. " +
        "Scenario i is family i mod F, with a seed derived from the sweep's seed and i alone: " +
        "the output depends only on the options and the oomkit version, never on --workers " +
        "or on how the sweep is split into shards.\n" +
        "\nWith --json, standard output is JSON lines (docs/formats.md, section 7, oomkit.sweep/1): a " +
        "header line, one line per run (scenario index, family, seed, policy, metrics), then " +
        "the summary; with --out FILE the header and run lines go to FILE, and standard " +
        "output has the summary only. --shard I/N runs the I-th of N contiguous parts of " +
        "the scenarios; --merge FILE... reads the parts' --out files (or --json output) and " +
        "prints the summary one unsharded run prints, refusing parts of another sweep, a run " +
        "given twice, or a missing part (exit 2, one line naming file and line). On a " +
        "terminal a progress bar is drawn on stderr. " +
        "See README.md, section Sweeps for GNU parallel and a Kubernetes Indexed Job.\n" +
        "\nExamples:\n  oomkit sweep --generate 1000 --seed 1\n  oomkit sweep --generate 200 --family leak,jvm-heap --policies 2.6.20,modern -w 2\n  oomkit sweep --generate 100000 --shard 3/10 --out part-3.jsonl\n  oomkit sweep --merge part-*.jsonl\n  oomkit sweep --print-scenario 17 > s17.json && oomkit compare s17.json",
    )
    .action(async (opts: SweepOptions) => {
      if (opts.merge !== undefined) {
        await mergeFiles(opts.merge, opts);
        return;
      }
      if (opts.printScenario !== undefined) {
        printScenario(opts);
        return;
      }
      await runSweep(opts);
    });
};
