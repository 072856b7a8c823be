/**
 * Runs a range of a sweep's scenarios on worker threads (sweep-worker.ts): batches of
 * consecutive indices go to whichever worker is free, and the run lines come back to the
 * caller in scenario order, whatever order the workers finished in. The number of
 * workers changes how fast, never what.
 */

import { Worker } from "node:worker_threads";
import type { RunLine, SweepSpec } from "../sweep/sweep.js";
import type { BatchReply } from "./sweep-worker.js";

export interface PoolStats {
  workers: number;
  /** The largest heap in use each worker reported after a batch, in bytes. */
  peakHeapBytes: number[];
}

/** A batch: small enough to balance the load and to show progress, large enough to be cheap. */
function batchSize(scenarios: number, workers: number): number {
  return Math.max(1, Math.min(8, Math.floor(scenarios / (workers * 4))));
}

/**
 * Runs scenarios [first, end) of `spec` on `workers` threads; `onLines` gets the lines of
 * each scenario in index order (several scenarios at a time). Rejects on the first
 * scenario that throws, naming it.
 */
export async function runSweepPool(
  spec: SweepSpec,
  range: { first: number; end: number },
  workers: number,
  onLines: (lines: RunLine[], scenariosDone: number) => void,
): Promise<PoolStats> {
  const total = range.end - range.first;
  const stats: PoolStats = { workers, peakHeapBytes: new Array(workers).fill(0) };
  if (total <= 0) return stats;
  const size = batchSize(total, workers);
  const url = new URL("./sweep-worker.js", import.meta.url);
  const pool = Array.from(
    { length: Math.min(workers, Math.ceil(total / size)) },
    () => new Worker(url, { workerData: { spec } }),
  );
  let next = range.first;
  let flushed = range.first;
  const ready = new Map<number, { end: number; lines: RunLine[] }>();
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      const send = (w: Worker) => {
        if (next >= range.end) return;
        const end = Math.min(range.end, next + size);
        w.postMessage({ first: next, end });
        next = end;
      };
      pool.forEach((w, k) => {
        w.on("error", (err) => fail(err));
        w.on("exit", (code) => {
          if (flushed < range.end) fail(new Error(`a sweep worker exited with code ${code}`));
        });
        w.on("message", (reply: BatchReply) => {
          if (failed) return;
          if (reply.kind === "failed") {
            const err = new Error(`scenario ${reply.index}: ${reply.message}`);
            if (reply.stack !== undefined) err.stack = reply.stack;
            fail(err);
            return;
          }
          stats.peakHeapBytes[k] = Math.max(stats.peakHeapBytes[k]!, reply.heapBytes);
          ready.set(reply.first, { end: reply.end, lines: reply.lines });
          send(w);
          for (let b = ready.get(flushed); b !== undefined; b = ready.get(flushed)) {
            ready.delete(flushed);
            flushed = b.end;
            try {
              onLines(b.lines, flushed - range.first);
            } catch (err) {
              fail(err instanceof Error ? err : new Error(String(err)));
              return;
            }
          }
          if (flushed >= range.end) resolve();
        });
        send(w);
      });
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return stats;
}
