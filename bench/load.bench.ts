/**
 * What `oomkit oom` does before the call itself, in-process: the text of a generated
 * snapshot (as `oomkit gen` writes it) parsed, validated and compiled to the core's
 * typed arrays (loadSnapshotText, the path of the command), side by side with `JSON.parse` of the same text, at 10^4, 10^5 and 10^6
 * tasks; and the same for a document whose last task repeats a pid, or names an mm
 * that is not listed, which must cost no more than a valid one. Medians of interleaved
 * runs, wall time with the CPU time beside it (a busy machine disturbs it less).
 * Target: load and compile within 1.5x `JSON.parse`.
 */

import { InputError } from "../src/errors.js";
import { loadSnapshotText } from "../src/oom/load.js";
import { jsonDocumentChunks } from "../src/report/json-document.js";
import { generateSnapshot } from "../src/snapshot/generate.js";
import { snapshotToJson } from "../src/snapshot/serialize.js";
import type { BenchRow } from "./oom.bench.js";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Timing {
  wall: number[];
  cpu: number[];
}

function timed(into: Timing, f: () => void): void {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  into.wall.push(wall);
  into.cpu.push((c.user + c.system) / 1000);
}

/** The text with its last task changed by `edit` (a JSON line of its own). */
function lastTaskEdited(text: string, edit: (task: Record<string, unknown>) => void): string {
  const end = text.lastIndexOf("\n  ]");
  const start = text.lastIndexOf("\n", end - 1) + 1;
  const task = JSON.parse(text.slice(start, end).trim()) as Record<string, unknown>;
  edit(task);
  return `${text.slice(0, start)}    ${JSON.stringify(task)}${text.slice(end)}`;
}

function expectInputError(text: string): void {
  try {
    loadSnapshotText(text, "bench.json");
  } catch (err) {
    if (err instanceof InputError) return;
    throw err;
  }
  throw new Error("the broken document was accepted");
}

export async function benchLoad(
  sizes: readonly number[] = [10000, 100000, 1000000],
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const tasks of sizes) {
    let text = [...jsonDocumentChunks(snapshotToJson(generateSnapshot({ tasks, seed: 1 })))].join(
      "",
    );
    const firstPid = (JSON.parse(text) as { tasks: { pid: number }[] }).tasks[0]!.pid;
    let repeated: string | null = lastTaskEdited(text, (t) => {
      t.pid = firstPid;
      t.tgid = firstPid;
    });
    let dangling: string | null = lastTaskEdited(text, (t) => {
      t.mm = "no-such-mm";
    });
    const parse: Timing = { wall: [], cpu: [] };
    const load: Timing = { wall: [], cpu: [] };
    const pid: Timing = { wall: [], cpu: [] };
    const mm: Timing = { wall: [], cpu: [] };
    const rounds = tasks >= 1000000 ? 3 : tasks >= 100000 ? 5 : 15;
    for (let round = 0; round < rounds + 1; round++) {
      const warm = round === 0;
      const sink: Timing = { wall: [], cpu: [] };
      timed(warm ? sink : parse, () => JSON.parse(text));
      timed(warm ? sink : load, () => loadSnapshotText(text, "bench.json").state);
      timed(warm ? sink : pid, () => expectInputError(repeated!));
      timed(warm ? sink : mm, () => expectInputError(dangling!));
    }
    text = "";
    repeated = null;
    dangling = null;
    const p = median(parse.cpu);
    rows.push({ name: `load, ${tasks} tasks: JSON.parse`, value: median(parse.wall), unit: "ms" });
    rows.push({
      name: `load, ${tasks} tasks: parse + validate + compile`,
      value: median(load.wall),
      unit: "ms",
    });
    rows.push({
      name: `load, ${tasks} tasks: load / JSON.parse (wall)`,
      value: median(load.wall) / median(parse.wall),
      unit: "ratio",
      target: 1.5,
    });
    rows.push({
      name: `load, ${tasks} tasks: load / JSON.parse (CPU)`,
      value: median(load.cpu) / p,
      unit: "ratio",
      target: 1.5,
    });
    rows.push({
      name: `load, ${tasks} tasks: repeated pid last / valid (CPU)`,
      value: median(pid.cpu) / median(load.cpu),
      unit: "ratio",
      target: 1,
    });
    rows.push({
      name: `load, ${tasks} tasks: dangling mm last / valid (CPU)`,
      value: median(mm.cpu) / median(load.cpu),
      unit: "ratio",
      target: 1,
    });
  }
  return rows;
}
