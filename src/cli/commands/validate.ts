/**
 * `oomkit validate FILE...`: checks snapshot documents against docs/formats.md §1–§3,
 * and scenarios against the scenario format, without running anything. Each valid file
 * gets one line on stdout; the first invalid one stops the command with its one-line
 * diagnostic on stderr (exit status 2), or with --keep-going every invalid file gets
 * its line and the status is 2 at the end.
 */
import { InputError, UsageError } from "../../errors.js";
import { parseScenario } from "../../sim/load-scenario.js";
import { parseSnapshot } from "../../snapshot/load.js";
import { EXIT_BAD_INPUT, reportError } from "../exit.js";
import { readInputText } from "../input.js";
import type { Register } from "./index.js";

interface ValidateOpts {
  json?: boolean;
  keepGoing?: boolean;
}

const SNAPSHOT_FORMAT_RE = /^\s*\{\s*"format"\s*:\s*"oomkit\.snapshot\//;

/**
 * A snapshot is a JSON object with a "format" key (docs/formats.md §1); anything else
 * is read as a scenario, which has no such key. Text that is not JSON counts as a
 * snapshot only when it opens with the snapshot's format, so that a broken snapshot
 * gets the snapshot's syntax error.
 */
function isSnapshotText(text: string): boolean {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return SNAPSHOT_FORMAT_RE.test(body);
  }
  return doc !== null && typeof doc === "object" && !Array.isArray(doc) && "format" in doc;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The stdout line for a valid file. */
function validLine(name: string, text: string, json: boolean): string {
  if (isSnapshotText(text)) {
    const tasks = parseSnapshot(text, name).tasks.length;
    return json
      ? `${JSON.stringify({ file: name, valid: true, tasks })}\n`
      : `${name}: ok (${tasks} tasks)\n`;
  }
  const { scenario } = parseScenario(text, name);
  const processes = scenario.processes.length;
  const timeline = scenario.timeline.length;
  return json
    ? `${JSON.stringify({ file: name, valid: true, scenario: { processes, timeline } })}\n`
    : `${name}: ok (scenario: ${count(processes, "process", "processes")}, ${count(timeline, "timeline entry", "timeline entries")})\n`;
}

const HELP_AFTER = `
A file is a snapshot when it is a JSON object with a "format" key (a JSON text
that does not parse counts as one when it opens with {"format": "oomkit.snapshot/);
anything else is read as a scenario for oomkit sim (YAML or JSON, examples/README.md).
A leading UTF-8 byte-order mark is ignored.

What is checked in a snapshot (docs/formats.md §1-§3):
  - the file is JSON and an object with format "oomkit.snapshot/1";
  - every required key is present and no unknown key appears, at any level;
  - every value has its type and range: integers, ulongs (a JSON integer up to
    2^53-1 or a string of decimal digits, at most ULONG_MAX or LONG_MAX for
    kernel.bits), pids below PID_MAX_LIMIT, node ids 0..63, known PF/TIF/CAP/GFP
    names without repeats, comm of at most 15 printable ASCII characters;
  - the references hold: online nodes, the cpuset tree (top "/", parents, subset
    mems, mem_exclusive rules), mm ids, cpusets of tasks, parents, thread groups
    (leader listed, threads right after it, one mm), children lists, current,
    and zonelist entries.

What is checked in a scenario: YAML or JSON syntax, no unknown key at any level,
every required key, and the type and range of every value (sizes, times, GFP
masks). References between its parts (labels, cpusets, pids) are checked when
oomkit sim sets the scenario up.

Output: "<file>: ok (N tasks)" per valid snapshot, "<file>: ok (scenario: N
processes, M timeline entries)" per valid scenario (--json: {"file", "valid",
"tasks"} or {"file", "valid", "scenario": {"processes", "timeline"}}). The first invalid file ends
the command with exit status 2 and one line on stderr:
  <file>[:<line>:<col>]: <json path>: <what was expected>
With --keep-going every file is checked, each invalid one gets its line on
stderr, and the exit status is 2 if any was invalid.
Use "-" to read standard input (named <stdin>).

Examples:
  oomkit validate snapshot.json
  oomkit validate --keep-going examples/*.yaml
  oomkit snapshot | oomkit validate --json -
`;

export const registerValidate: Register = (program) => {
  program
    .command("validate")
    .description("check oomkit.snapshot/1 documents and oomkit sim scenarios without running them")
    .argument("<FILE...>", "snapshot or scenario files to check ('-' reads standard input)")
    .option(
      "-j, --json",
      'print one JSON line per valid file: {"file", "valid", "tasks"} for a snapshot, {"file", "valid", "scenario": {"processes", "timeline"}} for a scenario',
    )
    .option(
      "-k, --keep-going",
      "check every file and report each invalid one (exit status 2 if any)",
    )
    .addHelpText("after", HELP_AFTER)
    .action(async (files: string[], opts: ValidateOpts) => {
      if (files.filter((file) => file === "-").length > 1) {
        throw new UsageError("standard input ('-') can be named only once");
      }
      let invalid = 0;
      for (const file of files) {
        try {
          const { name, text } = await readInputText(file);
          process.stdout.write(validLine(name, text, opts.json === true));
        } catch (err) {
          if (!opts.keepGoing || !(err instanceof InputError)) throw err;
          reportError(err);
          invalid++;
        }
      }
      if (invalid > 0) process.exitCode = EXIT_BAD_INPUT;
    });
};
