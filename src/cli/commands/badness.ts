import { selectBadProcess } from "../../oom/select_bad_process.js";
import { compileState } from "../../oom/state.js";
import { badnessRows } from "../../oom/table.js";
import { rankRows, renderBadnessTable } from "../../report/badness-table.js";
import { loadSnapshotFile } from "../snapshots.js";
import type { Register } from "./index.js";

export const registerBadness: Register = (program) => {
  program
    .command("badness")
    .summary("every task's 2.6.20 badness() score, highest first, and why")
    .description(
      "Scores every task of a snapshot with 2.6.20's badness(), relative to the snapshot's current\n" +
        "task, and lists them highest first with the terms that changed each score: children,\n" +
        "cpu time, run time, nice, root, raw I/O, cpuset, oomkilladj. Tasks that\n" +
        "select_bad_process() never scores are listed with the reason (no mm, init, OOM_DISABLE),\n" +
        "and a TIF_MEMDIE or exiting task that would abort the selection is marked.",
    )
    .argument("<FILE>", "snapshot file ('-' reads standard input)")
    .option("-j, --json", "print one JSON object")
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
      const { scored, skipped } = rankRows(rows);
      const doc = {
        current: snapshot.current,
        uptime: snapshot.kernel.uptime.toString(),
        selection: selection.kind,
        selected: chosen,
        tasks: [...scored, ...skipped].map((row) => ({
          pid: row.pid,
          tgid: row.tgid,
          comm: row.comm,
          points: row.points === null ? null : row.points.toString(),
          skip: row.skip,
          aborts: row.aborts,
          terms: row.terms.map((t) => ({
            term: t.term,
            before: t.before.toString(),
            after: t.after.toString(),
            detail: t.detail,
          })),
        })),
      };
      process.stdout.write(`${JSON.stringify(doc)}\n`);
    });
};
