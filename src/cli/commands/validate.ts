/**
 * `oomkit validate FILE...`: checks snapshot documents against docs/formats.md §1–§3
 * without running anything. Each valid file gets one line on stdout; the first invalid
 * one stops the command with its one-line diagnostic on stderr (exit status 2).
 */
import { UsageError } from "../../errors.js";
import { parseSnapshot } from "../../snapshot/load.js";
import { readInputText } from "../input.js";
import type { Register } from "./index.js";

interface ValidateOpts {
  json?: boolean;
}

const HELP_AFTER = `
What is checked (docs/formats.md §1-§3):
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

Output: "<file>: ok (N tasks)" per valid file. The first invalid file ends the
command with exit status 2 and one line on stderr:
  <file>: <json path>: <what was expected>
Use "-" to read standard input (named <stdin>).

Examples:
  oomkit validate snapshot.json
  oomkit snapshot | oomkit validate --json -
`;

export const registerValidate: Register = (program) => {
  program
    .command("validate")
    .description("check oomkit.snapshot/1 documents (shape, ranges and references)")
    .argument("<FILE...>", "snapshot files to check ('-' reads standard input)")
    .option("-j, --json", 'print one JSON line per valid file: {"file", "valid", "tasks"}')
    .addHelpText("after", HELP_AFTER)
    .action(async (files: string[], opts: ValidateOpts) => {
      if (files.filter((file) => file === "-").length > 1) {
        throw new UsageError("standard input ('-') can be named only once");
      }
      for (const file of files) {
        const { name, text } = await readInputText(file);
        const snapshot = parseSnapshot(text, name);
        const tasks = snapshot.tasks.length;
        process.stdout.write(
          opts.json
            ? `${JSON.stringify({ file: name, valid: true, tasks })}\n`
            : `${name}: ok (${tasks} tasks)\n`,
        );
      }
    });
};
