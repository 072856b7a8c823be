import { compileState } from "../../oom/state.js";
import { parseSnapshot } from "../../snapshot/load.js";
import { readInputText } from "../input.js";
import { settledHeapBytes, timeSelection } from "../measure.js";
import { integerOption } from "../numbers.js";
import type { Register } from "./index.js";

async function loadState(file: string) {
  const { name, text } = await readInputText(file);
  return compileState(parseSnapshot(text, name));
}

export const registerBench: Register = (program) => {
  program
    .command("bench")
    .description("time one select_bad_process() over a snapshot")
    .argument("<FILE>", "snapshot file ('-' reads standard input)")
    .option("-r, --repeat <N>", "timed runs", integerOption("--repeat", 1, 100000), 20)
    .option("-j, --json", "print one JSON object")
    .addHelpText(
      "after",
      "\nLoads a snapshot, then times select_bad_process() (badness() for every task) --repeat " +
        "times and prints the best time per task, the median, and the heap bytes per task that " +
        "the loaded state holds. It also checks the fast selection against the all-bigint one.",
    )
    .action(async (file: string, opts: { repeat: number; json?: boolean }) => {
      const before = settledHeapBytes();
      const state = await loadState(file);
      const heapBytes = settledHeapBytes() - before;
      const timing = timeSelection(state, opts.repeat);
      const heapPerTask = heapBytes / Math.max(1, timing.tasks);
      if (opts.json) {
        const doc = {
          tasks: timing.tasks,
          runs: timing.runs,
          ns_per_task: Number(timing.nsPerTask.toFixed(2)),
          median_ns_per_task: Number(timing.medianNsPerTask.toFixed(2)),
          best_ms: Number((timing.bestNs / 1e6).toFixed(3)),
          heap_bytes_per_task: Math.round(heapPerTask),
          exact: timing.exact,
        };
        process.stdout.write(`${JSON.stringify(doc)}\n`);
        return;
      }
      process.stdout.write(
        [
          `tasks                 ${timing.tasks}`,
          `runs                  ${timing.runs}`,
          `best                  ${(timing.bestNs / 1e6).toFixed(3)} ms  (${timing.nsPerTask.toFixed(1)} ns/task)`,
          `median                ${(timing.medianNs / 1e6).toFixed(3)} ms  (${timing.medianNsPerTask.toFixed(1)} ns/task)`,
          `heap per task         ${Math.round(heapPerTask)} bytes`,
          `exact                 ${timing.exact ? "yes (equals the all-bigint selection)" : "NO"}`,
          "",
        ].join("\n"),
      );
    });
};
