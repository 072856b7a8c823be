import type { SnapshotKernel } from "./types.js";

/** `online[id]` is true for the node ids listed in `kernel.nodes` (ids are 0..63). */
export function onlineNodes(snapshot: { kernel: SnapshotKernel }): boolean[] {
  const online: boolean[] = new Array(64).fill(false);
  for (const node of snapshot.kernel.nodes) online[node.id] = true;
  return online;
}
