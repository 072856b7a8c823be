import { type Contender, compareScenario, guardContender } from "../../compare/compare.js";
import { DEFAULT_WINDOW_SECONDS } from "../../compare/metrics.js";
import { UsageError } from "../../errors.js";
import { POLICY_NAMES, policyByName } from "../../policy/registry.js";
import type { VictimPolicy } from "../../policy/types.js";
import { comparisonJson, renderComparison } from "../../report/compare-report.js";
import { skipText } from "../../report/sim-summary.js";
import { readInputText } from "../input.js";
import type { Register } from "./index.js";
import { parseSeed, parseUntil, scenarioSnapshotLoader } from "./sim.js";

interface CompareOptions {
  policies?: string;
  json?: boolean;
  seed?: string;
  until?: string;
  window?: string;
}

/** A policy name, or `guard` (the guard's default policy, modern) or `guard:POLICY`. */
function contenderOf(name: string): VictimPolicy | Contender {
  if (name === "guard") return guardContender(policyByName("modern"));
  if (name.startsWith("guard:")) return guardContender(policyByName(name.slice(6)));
  return policyByName(name);
}

function parsePolicies(v: string | undefined): (VictimPolicy | Contender)[] {
  if (v === undefined) return POLICY_NAMES.map((name) => policyByName(name));
  const names = v.split(",").map((s) => s.trim());
  if (names.some((name) => name === "")) {
    throw new UsageError(`--policies: expected policy names separated by commas, got "${v}"`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new UsageError(`--policies: "${name}" is named twice`);
    seen.add(name);
  }
  return names.map(contenderOf);
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
    .argument("<SCENARIO>", "scenario file ('-' reads standard input)")
    .option(
      "--policies <LIST>",
      `comma-separated policies (default: all, ${POLICY_NAMES.join(",")}); guard or ` +
        "guard:POLICY puts oomkit guard with its default triggers in front of the 2.6.20 kernel",
    )
    .option("-j, --json", "print the comparison as one JSON document")
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
        "\nExamples:\n  oomkit compare examples/child-first.yaml\n  oomkit compare examples/memdie-wait.yaml --policies 2.6.20,modern,largest-rss\n  oomkit compare my.yaml --json | jq '.policies[] | {policy, innocent_victims}'",
    )
    .action(async (file: string, opts: CompareOptions) => {
      const policies = parsePolicies(opts.policies);
      const seed = opts.seed === undefined ? undefined : parseSeed(opts.seed);
      const until = opts.until === undefined ? undefined : parseUntil(opts.until);
      const windowSeconds = parseWindow(opts.window);
      const input = await readInputText(file);
      const comparison = compareScenario(input.text, policies, {
        file: input.name,
        seed,
        until,
        windowSeconds,
        loadSnapshot: scenarioSnapshotLoader(file, input.name),
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
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(comparisonJson(comparison, input.name))}\n`);
      } else {
        process.stdout.write(`${renderComparison(comparison, input.name).join("\n")}\n`);
      }
    });
};
