/**
 * Reading sweep outputs back (`oomkit sweep --merge`): the JSON lines of one or more
 * parts, each starting with a header line, checked line by line. The parts must come
 * from the same sweep (one oomkit version, seed, scenario count, family and policy
 * list, repeat window); every run line must be the one its sweep would make (its
 * family and seed follow from its index); together they must hold every run exactly
 * once. Summary lines (the last line of `--json` output) are skipped. Pure: the caller
 * reads the files and gives the lines.
 */

import { z } from "zod";
import { InputError } from "../errors.js";
import { FAMILY_NAMES, scenarioSeed } from "./families.js";
import { SweepColumns } from "./summary.js";
import { type HeaderLine, type RunLine, SWEEP_FORMAT, type SweepSpec } from "./sweep.js";

const count = z.number().int().min(0);
const seconds = z.number().min(0);

const metricsSchema = z
  .object({
    oom_calls: count,
    guard_kills: count,
    kills: count,
    innocent_victims: count,
    overkill: count,
    work_lost: z.number().min(0),
    culprit_killed: z.boolean(),
    recovered_mib_per_kill: z.number().min(0).nullable(),
    oom_episodes: count,
    repeat_ooms: count,
    pressure_seconds: seconds,
    time_to_relief_seconds: seconds.nullable(),
    stalled_at_end: z.boolean(),
    protected_violations: count,
    panics: count,
    end_reason: z.string(),
  })
  .strict();

const runSchema = z
  .object({
    type: z.literal("run"),
    index: count,
    family: z.enum(FAMILY_NAMES),
    seed: count,
    policy: z.string(),
    metrics: metricsSchema,
  })
  .strict();

const headerSchema = z
  .object({
    type: z.literal("sweep"),
    format: z.literal(SWEEP_FORMAT),
    oomkit: z.string(),
    seed: count,
    scenarios: count,
    families: z.array(z.enum(FAMILY_NAMES)).min(1),
    policies: z.array(z.string()).min(1),
    window_seconds: z.number().min(0),
    shard: z.object({ index: count, count: count, first: count, end: count }).strict(),
  })
  .strict();

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "$" : path.map(String).join(".");
}

/** The sweep a header names, as one string to compare headers by. */
function identity(h: HeaderLine): string {
  return JSON.stringify([h.oomkit, h.seed, h.scenarios, h.families, h.policies, h.window_seconds]);
}

export class SweepMerger {
  private header: HeaderLine | null = null;
  private where = "";
  private columns: SweepColumns | null = null;
  /** The file whose lines are being read, and whether its header has been seen. */
  private file = "";
  private fileHeader = false;

  /** The next file: its first line must be a header. */
  beginFile(name: string): void {
    this.file = name;
    this.fileHeader = false;
  }

  private fail(line: number, path: string, expected: string): never {
    throw new InputError({ file: this.file, line, path, expected });
  }

  /** One line of the current file (1-based `line` for errors); blank lines are skipped. */
  addLine(text: string, line: number): void {
    if (text.trim() === "") return;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      this.fail(line, "$", "a JSON object on each line (oomkit sweep output)");
    }
    const type = (data as { type?: unknown } | null)?.type;
    if (type === "summary") return;
    if (!this.fileHeader && type !== "sweep") {
      this.fail(line, "type", 'the header line of a sweep output first ("type": "sweep")');
    }
    if (type === "sweep") this.addHeader(data, line);
    else if (type === "run") this.addRun(data, line);
    else this.fail(line, "type", 'one of "sweep", "run", "summary"');
  }

  private parse<T>(schema: z.ZodType<T>, data: unknown, line: number): T {
    const r = schema.safeParse(data);
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    this.fail(line, pathOf(issue.path), issue.message);
  }

  private addHeader(data: unknown, line: number): void {
    const h = this.parse(headerSchema, data, line) as HeaderLine;
    this.fileHeader = true;
    if (this.header === null) {
      this.header = h;
      this.where = `${this.file}:${line}`;
      this.columns = new SweepColumns(this.spec()!, 0, h.scenarios);
      return;
    }
    if (identity(h) !== identity(this.header)) {
      this.fail(
        line,
        "$",
        `a part of the same sweep as ${this.where} (oomkit ${this.header.oomkit}, seed ${this.header.seed}, ${this.header.scenarios} scenarios, families ${this.header.families.join(",")}, policies ${this.header.policies.join(",")}, window ${this.header.window_seconds} s)`,
      );
    }
  }

  private addRun(data: unknown, line: number): void {
    const r = this.parse(runSchema, data, line) as RunLine;
    const h = this.header!;
    if (r.index >= h.scenarios) {
      this.fail(line, "index", `a scenario index below ${h.scenarios}, got ${r.index}`);
    }
    const family = h.families[r.index % h.families.length]!;
    if (r.family !== family) {
      this.fail(line, "family", `"${family}" for scenario ${r.index}, got "${r.family}"`);
    }
    const seed = scenarioSeed(h.seed, r.index);
    if (r.seed !== seed) {
      this.fail(line, "seed", `${seed} for scenario ${r.index} of seed ${h.seed}, got ${r.seed}`);
    }
    if (!h.policies.includes(r.policy)) {
      this.fail(line, "policy", `one of the sweep's policies (${h.policies.join(", ")})`);
    }
    if (!this.columns!.add(r)) {
      this.fail(line, "$", `one run of scenario ${r.index} under ${r.policy}: it was read before`);
    }
  }

  spec(): SweepSpec | null {
    const h = this.header;
    if (h === null) return null;
    return {
      seed: h.seed,
      scenarios: h.scenarios,
      families: h.families,
      policies: h.policies,
      windowSeconds: h.window_seconds,
    };
  }

  /** The version the parts were made with (null before any header). */
  version(): string | null {
    return this.header?.oomkit ?? null;
  }

  /** Every run read; null before any header. */
  result(): SweepColumns | null {
    return this.columns;
  }
}
