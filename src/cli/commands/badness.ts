import { selectBadProcess } from "../../oom/select_bad_process.js";
import { compileState } from "../../oom/state.js";
import { badnessRows } from "../../oom/table.js";
import { badnessJson, renderBadnessTable } from "../../report/badness-table.js";
import { loadSnapshotFile } from "../snapshots.js";
import type { Register } from "./index.js";

export const registerBadness: Register = (program) => {
  program
    .command("badness")
    .description("score every task with 2.6.20's badness(), highest first, and show why")
    .argument("<FILE>", "snapshot file ('-' reads standard input)")
    .option("-j, --json", "print one JSON object")
    .addHelpText(
      "after",
      "\nScores are relative to the snapshot's current task. Each task is listed with the terms " +
        "that changed its score: children, cpu time, run time, nice, root, raw I/O, cpuset, " +
        "oomkilladj. Tasks that select_bad_process() never scores are listed with the reason " +
        "(no mm, init, OOM_DISABLE), and a TIF_MEMDIE or exiting task that would abort the " +
        "selection is marked. docs/oom-path.md §5 and §6 explain every term.",
    )
    .action(async (file: string, opts: { json?: boolean }) => {
      const { snapshot } = await loadSnapshotFile(file);
      const state = compileState(snapshot);
      const rows = badnessRows(state);
      const selection = selectBadProcess(state);
      const chosen = selection.kind === "chosen" ? state.tasks.pid[selection.index]! : null;
      if (!opts.json) {
        process.stdout.write(`${renderBadnessTable(rows, selection, chosen).join("\n")}\n`);
        return;
      }
      const doc = badnessJson(snapshot, rows, selection, chosen);
      process.stdout.write(`${JSON.stringify(doc)}\n`);
    });
};
