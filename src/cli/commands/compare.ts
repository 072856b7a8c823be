import { type Contender, compareScenario, contenderByName } from "../../compare/compare.js";
import { DEFAULT_WINDOW_SECONDS } from "../../compare/metrics.js";
import {
  compareOnReports,
  renderReportsComparison,
  reportsComparisonJson,
} from "../../compare/reports.js";
import { UsageError } from "../../errors.js";
import { POLICY_NAMES, policyByName } from "../../policy/registry.js";
import type { VictimPolicy } from "../../policy/types.js";
import {
  type OomEvent,
  OomReportReader,
  RepeatFilter,
  type Replay,
  replayEvent,
} from "../../replay/index.js";
import { comparisonJson, renderComparison } from "../../report/compare-report.js";
import { renderComparePage } from "../../report/html/compare-page.js";
import { skipText } from "../../report/sim-summary.js";
import { writeFileAtomic } from "../atomic-write.js";
import { EXIT_NEGATIVE } from "../exit.js";
import { htmlTarget, loadPageAssets } from "../html-report.js";
import { readInputText } from "../input.js";
import { type LogTarget, logSources, readLog } from "../log-input.js";
import type { Register } from "./index.js";
import { parseSeed, parseUntil, scenarioSnapshotLoader } from "./sim.js";

interface CompareOptions {
  policies?: string;
  json?: boolean;
  seed?: string;
  until?: string;
  window?: string;
  reports?: string[];
  html?: string;
}

/** `--policies` for `--reports`: registered policy names only (the guard needs a run). */
function parseReportPolicies(v: string | undefined): string[] {
  if (v === undefined) return [...POLICY_NAMES];
  const policies = parsePolicies(v);
  return policies.map((p) => {
    if (!("eligibility" in p)) {
      throw new UsageError(
        `--policies: ${p.name} acts during a run and has no victim to pick in a report; with --reports name registered policies only`,
      );
    }
    return p.name;
  });
}

/** Every OOM report of the files, read as `oomkit replay` reads them, repeats left out. */
async function replaysOf(
  files: readonly string[],
): Promise<{ replays: Replay[]; names: string[]; lines: number; sawText: boolean }> {
  const sources = logSources(files);
  const reader = new OomReportReader();
  const names: string[] = [];
  let sawText = false;
  const target: LogTarget = {
    begin(name) {
      if (!names.includes(name)) names.push(name);
      reader.beginFile(name);
    },
    text(chunk) {
      if (!sawText && /\S/.test(chunk)) sawText = true;
      reader.push(chunk);
    },
    caughtUp: () => {},
    note: (message) => process.stderr.write(`oomkit compare: ${message}\n`),
  };
  for (const src of sources) await readLog(src, target);
  const events: OomEvent[] = reader.end();
  const repeats = new RepeatFilter();
  const replays: Replay[] = [];
  for (const e of events) {
    const r = replayEvent(e);
    if (repeats.isRepeat(r)) continue;
    e.index = replays.length;
    replays.push(r);
  }
  return { replays, names, lines: reader.lines, sawText };
}

async function compareReports(files: string[], opts: CompareOptions): Promise<void> {
  for (const [flag, v] of [
    ["--seed", opts.seed],
    ["--until", opts.until],
    ["--window", opts.window],
    ["--html", opts.html],
  ] as const) {
    if (v !== undefined)
      throw new UsageError(`${flag} applies to a scenario run, not to --reports`);
  }
  const policies = parseReportPolicies(opts.policies);
  const { replays, names, lines, sawText } = await replaysOf(files);
  if (replays.length === 0) {
    process.stderr.write(
      sawText
        ? `oomkit compare: no OOM report found in ${names.join(", ")} (${lines} line${lines === 1 ? "" : "s"} read)\n`
        : `oomkit compare: empty input: ${names.join(", ")} ${names.length === 1 ? "holds" : "hold"} no log text\n`,
    );
    process.exitCode = EXIT_NEGATIVE;
    return;
  }
  const comparison = compareOnReports(replays, policies);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(reportsComparisonJson(comparison, names))}\n`);
  } else {
    process.stdout.write(`${renderReportsComparison(comparison, names).join("\n")}\n`);
  }
}

/** `--policies`: policy names, guard or guard:POLICY, each once (exported for sweep). */
export function parsePolicyNames(v: string): string[] {
  const names = v.split(",").map((s) => s.trim());
  if (names.some((name) => name === "")) {
    throw new UsageError(`--policies: expected policy names separated by commas, got "${v}"`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new UsageError(`--policies: "${name}" is named twice`);
    seen.add(name);
  }
  for (const name of names) contenderByName(name);
  return names;
}

function parsePolicies(v: string | undefined): (VictimPolicy | Contender)[] {
  if (v === undefined) return POLICY_NAMES.map((name) => policyByName(name));
  return parsePolicyNames(v).map(contenderByName);
}

function parseWindow(v: string | undefined): number {
  if (v === undefined) return DEFAULT_WINDOW_SECONDS;
  if (!/^\d+(\.\d+)?$/.test(v)) {
    throw new UsageError(`--window: expected a number of seconds such as 30 or 2.5, got "${v}"`);
  }
  return Number(v);
}

export const registerCompare: Register = (program) => {
  program
    .command("compare")
    .description("run a scenario once per victim policy and compare what each did")
    .argument("[SCENARIO]", "scenario file ('-' reads standard input)")
    .option(
      "--reports <FILE...>",
      "instead of a scenario: run each policy on the task table of every kernel OOM report in these logs (read as oomkit replay reads them)",
    )
    .option(
      "--policies <LIST>",
      `comma-separated policies (default: all, ${POLICY_NAMES.join(",")}); guard or ` +
        "guard:POLICY puts oomkit guard with its default triggers in front of the 2.6.20 kernel",
    )
    .option("-j, --json", "print the comparison as one JSON document")
    .option(
      "--html <FILE>",
      "also write a self-contained HTML page: the tables, and each policy's run as oomkit sim --html draws it",
    )
    .option("--seed <N>", "override the scenario's seed (every run uses the same)")
    .option("--until <T>", 'stop each run after T of simulated time (seconds, or "2.5s", "300ms")')
    .option(
      "--window <SECONDS>",
      `an OOM episode this soon after the previous one is a repeat (default ${DEFAULT_WINDOW_SECONDS})`,
    )
    .addHelpText(
      "after",
      "\nRuns SCENARIO (as `oomkit sim` does, same seed) once for each victim policy, the policy " +
        "choosing inside select_bad_process(), and prints per policy: kills, innocent victims " +
        "(killed but not a culprit), overkill (kills beyond one per OOM episode), work lost, " +
        "memory recovered per kill, repeat OOMs within the window, time under pressure, the " +
        "time from the first stall to relief, protected-process violations (OOM_DISABLE, pid " +
        "1) and panics; then the victim each policy chose at each OOM call, side by side. A " +
        "scenario process may say `role: culprit` and `value: N` (examples/README.md).\n" +
        "\nWith --reports FILE... (instead of SCENARIO), reads kernel logs as `oomkit replay` does " +
        "(several files as one log, gzip, - for stdin) and runs each policy (default: all " +
        "registered) on the task table of every OOM report: per report the kernel's victim and " +
        "each policy's pick, then for each pair of policies (and each policy against the " +
        "kernel) in how many reports the victims differ. What a report does not print is " +
        "assumed and listed; a policy ranking by what no report prints (newest: start times) " +
        "says it cannot rank. Reports without a task table are listed as not comparable. " +
        "Exit 1 when the logs hold no OOM report.\n" +
        "\nExamples:\n  oomkit compare examples/child-first.yaml\n  oomkit compare examples/memdie-wait.yaml --policies 2.6.20,modern,largest-rss\n  oomkit compare examples/memdie-wait.yaml --html memdie-wait.html\n  oomkit compare my.yaml --json | jq '.policies[] | {policy, innocent_victims}'\n  oomkit compare --reports /var/log/kern.log.1 /var/log/kern.log",
    )
    .action(async (file: string | undefined, opts: CompareOptions) => {
      if (opts.reports !== undefined) {
        if (file !== undefined) {
          throw new UsageError(`give either SCENARIO or --reports, not both (got "${file}")`);
        }
        await compareReports(opts.reports, opts);
        return;
      }
      if (file === undefined) {
        throw new UsageError("missing required argument 'SCENARIO' (or --reports FILE...)");
      }
      const policies = parsePolicies(opts.policies);
      const seed = opts.seed === undefined ? undefined : parseSeed(opts.seed);
      const until = opts.until === undefined ? undefined : parseUntil(opts.until);
      const windowSeconds = parseWindow(opts.window);
      const html = opts.html === undefined ? undefined : htmlTarget(opts.html);
      const input = await readInputText(file);
      const comparison = compareScenario(input.text, policies, {
        file: input.name,
        seed,
        until,
        windowSeconds,
        loadSnapshot: scenarioSnapshotLoader(file, input.name),
        record: html !== undefined,
      });
      // Each timeline action skipped, once, with the policies whose runs skipped it.
      const skips = new Map<string, string[]>();
      for (const run of comparison.runs) {
        for (const s of run.skipped) {
          const text = skipText(s);
          skips.set(text, [...(skips.get(text) ?? []), run.policy]);
        }
      }
      for (const [text, names] of skips) {
        const where = names.length === policies.length ? "" : ` (with ${names.join(", ")})`;
        process.stderr.write(`oomkit compare: warning: ${text}${where}\n`);
      }
      if (html !== undefined) {
        const page = renderComparePage(comparison, input.name, await loadPageAssets());
        await writeFileAtomic(html, page);
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(comparisonJson(comparison, input.name))}\n`);
      } else {
        process.stdout.write(`${renderComparison(comparison, input.name).join("\n")}\n`);
      }
    });
};
