/**
 * A worker thread of `oomkit sweep`: runs the scenarios it is sent, batch by batch, and
 * posts back their run lines, with its heap in use after each batch. Everything it
 * computes follows from the sweep spec and the indices (src/sweep/sweep.ts), so which
 * worker ran a scenario never shows in the output.
 */

import { getHeapStatistics } from "node:v8";
import { parentPort, workerData } from "node:worker_threads";
import { contendersOf, runSweepScenario, type SweepSpec } from "../sweep/sweep.js";

export interface BatchRequest {
  first: number;
  end: number;
}

export type BatchReply =
  | {
      kind: "done";
      first: number;
      end: number;
      lines: ReturnType<typeof runSweepScenario>;
      heapBytes: number;
    }
  | { kind: "failed"; index: number; message: string; stack: string | undefined };

const spec = (workerData as { spec: SweepSpec }).spec;
const contenders = contendersOf(spec);
const port = parentPort!;

port.on("message", (req: BatchRequest) => {
  const lines: ReturnType<typeof runSweepScenario> = [];
  for (let i = req.first; i < req.end; i++) {
    try {
      lines.push(...runSweepScenario(spec, contenders, i));
    } catch (err) {
      const reply: BatchReply = {
        kind: "failed",
        index: i,
        message: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      };
      port.postMessage(reply);
      return;
    }
  }
  const reply: BatchReply = {
    kind: "done",
    first: req.first,
    end: req.end,
    lines,
    heapBytes: getHeapStatistics().used_heap_size,
  };
  port.postMessage(reply);
});
