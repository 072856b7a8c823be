/**
 * The rules of docs/formats.md §3 that relate values to each other (items 5–10): nodes,
 * the cpuset tree, mm ids, the current task and the zonelist. The task rules are in
 * check-tasks.ts. `checkSemantics` returns the first violation in document order.
 */

import { checkTasks } from "./check-tasks.js";
import type { PathSegment, Violation } from "./describe.js";
import { quote } from "./describe.js";
import type { SnapshotHead } from "./normalize.js";
import { onlineNodes } from "./online.js";
import { earliest } from "./order.js";
import type { RawDocument } from "./schema.js";
import { type TaskIndex, taskIndexOf } from "./task-index.js";
import type { SnapshotCpuset } from "./types.js";

/** The first index `k` of `nodes` that is not online, as a violation at `base[k]`. */
function offlineNode(
  nodes: readonly number[],
  online: readonly boolean[],
  base: readonly PathSegment[],
): Violation | undefined {
  const k = nodes.findIndex((id) => !online[id]);
  if (k < 0) return undefined;
  return { path: [...base, k], message: `node ${nodes[k]} is not online` };
}

/** §3.5: nodes are distinct; without CONFIG_NUMA there is exactly node 0. */
function checkNodes(snapshot: SnapshotHead): Violation[] {
  const { nodes, CONFIG_NUMA } = snapshot.kernel;
  const found: Violation[] = [];
  if (!CONFIG_NUMA && nodes.length !== 1) {
    found.push({
      path: ["kernel", "nodes"],
      message: `must be exactly one node (id 0) without CONFIG_NUMA, got ${nodes.length} nodes`,
    });
  }
  const firstAt = new Map<number, number>();
  nodes.forEach((node, j) => {
    const path = ["kernel", "nodes", j, "id"];
    const earlier = firstAt.get(node.id);
    if (earlier !== undefined) {
      found.push({
        path,
        message: `must be unique, but kernel.nodes[${earlier}] also has id ${node.id}`,
      });
    } else firstAt.set(node.id, j);
    if (!CONFIG_NUMA && node.id !== 0) {
      found.push({ path, message: `must be 0 without CONFIG_NUMA, got ${node.id}` });
    }
  });
  return found;
}

function parentPath(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut === 0 ? "/" : path.slice(0, cut);
}

/**
 * The nodes already taken by the children of one cpuset: `any[id]` is 1 + the index of
 * the first child with node `id`, `exclusive[id]` the same among mem_exclusive children.
 */
interface SiblingNodes {
  any: Int32Array;
  exclusive: Int32Array;
}

/** Why `cpuset` (index j) may not sit beside its earlier siblings, if it may not. */
function siblingOverlap(
  cpuset: SnapshotCpuset,
  j: number,
  taken: SiblingNodes,
  cpusets: readonly SnapshotCpuset[],
): string | undefined {
  let message: string | undefined;
  for (const id of cpuset.mems) {
    const owner = (cpuset.mem_exclusive ? taken.any[id]! : taken.exclusive[id]!) - 1;
    if (owner >= 0 && message === undefined) {
      const sibling = cpusets[owner]!;
      message = `must not overlap the mems of sibling cpuset ${quote(sibling.path)} (cpusets[${owner}]) as one of them is mem_exclusive, but both have node ${id}`;
    }
    if (taken.any[id] === 0) taken.any[id] = j + 1;
    if (cpuset.mem_exclusive && taken.exclusive[id] === 0) taken.exclusive[id] = j + 1;
  }
  return message;
}

/** §3.6: the cpuset tree (only when the document lists cpusets). */
function checkCpusets(raw: RawDocument, snapshot: SnapshotHead): Violation[] {
  if (raw.cpusets === undefined) return [];
  const cpusets = snapshot.cpusets;
  const online = onlineNodes(snapshot);
  const byPath = new Map<string, number>();
  cpusets.forEach((cpuset, j) => {
    if (!byPath.has(cpuset.path)) byPath.set(cpuset.path, j);
  });
  if (!byPath.has("/")) return [{ path: ["cpusets"], message: 'must contain the top cpuset "/"' }];
  const found: Violation[] = [];
  const takenUnder = new Map<string, SiblingNodes>();
  cpusets.forEach((cpuset, j) => {
    const base = ["cpusets", j];
    const rawMems = raw.cpusets![j]!.mems;
    const first = byPath.get(cpuset.path)!;
    if (first !== j) {
      found.push({
        path: [...base, "path"],
        message: `must be unique, but cpusets[${first}] also has path ${quote(cpuset.path)}`,
      });
      return;
    }
    const offline = offlineNode(rawMems, online, [...base, "mems"]);
    if (offline !== undefined) found.push(offline);
    if (cpuset.path === "/") return;
    const parentName = parentPath(cpuset.path);
    const parentIndex = byPath.get(parentName);
    if (parentIndex === undefined) {
      found.push({
        path: [...base, "path"],
        message: `parent cpuset ${quote(parentName)} is not in cpusets`,
      });
      return;
    }
    const parent = cpusets[parentIndex]!;
    const outside = rawMems.findIndex((id) => online[id] && !parent.mems.includes(id));
    if (outside >= 0) {
      found.push({
        path: [...base, "mems", outside],
        message: `node ${rawMems[outside]} is not in the mems of parent cpuset ${quote(parentName)} (cpusets[${parentIndex}])`,
      });
    }
    if (cpuset.mem_exclusive && !parent.mem_exclusive) {
      found.push({
        path: [...base, "mem_exclusive"],
        message: `must be false, because parent cpuset ${quote(parentName)} (cpusets[${parentIndex}]) is not mem_exclusive`,
      });
    }
    let taken = takenUnder.get(parentName);
    if (taken === undefined) {
      taken = { any: new Int32Array(64), exclusive: new Int32Array(64) };
      takenUnder.set(parentName, taken);
    }
    const overlap = siblingOverlap(cpuset, j, taken, cpusets);
    if (overlap !== undefined) found.push({ path: [...base, "mems"], message: overlap });
  });
  return found;
}

/** §3.7: mm ids are distinct (emptiness is a shape rule). Fills `firstAt` with every id. */
function checkMms(raw: RawDocument, firstAt: Map<string, number>): Violation | undefined {
  const mms = raw.mms ?? [];
  for (let j = 0; j < mms.length; j++) {
    const id = mms[j]!.id;
    const earlier = firstAt.get(id);
    if (earlier !== undefined) {
      return {
        path: ["mms", j, "id"],
        message: `must be unique, but mms[${earlier}] also has id ${quote(id)}`,
      };
    }
    firstAt.set(id, j);
  }
  return undefined;
}

/** §3.9: `current` is a listed pid. */
function checkCurrent(snapshot: SnapshotHead, pidIndex: Int32Array): Violation | undefined {
  if (taskIndexOf(pidIndex, snapshot.current) >= 0) return undefined;
  return { path: ["current"], message: `pid ${snapshot.current} is not in tasks` };
}

/** §3.10: zonelist nodes are online and no (node, zone) pair repeats. */
function checkZonelist(snapshot: SnapshotHead): Violation[] {
  const online = onlineNodes(snapshot);
  const firstAt = new Map<string, number>();
  const found: Violation[] = [];
  snapshot.request.zonelist.forEach((entry, j) => {
    const base = ["request", "zonelist", j];
    if (!online[entry.node]) {
      found.push({ path: [...base, "node"], message: `node ${entry.node} is not online` });
    }
    const key = `${entry.node}/${entry.zone}`;
    const earlier = firstAt.get(key);
    if (earlier !== undefined) {
      found.push({
        path: base,
        message: `must not repeat a (node, zone) pair, but request.zonelist[${earlier}] is also node ${entry.node} zone ${quote(entry.zone)}`,
      });
    } else firstAt.set(key, j);
  });
  return found;
}

/** What the semantic checks learn about a valid document on the way. */
export interface SemanticFacts {
  /** The index of every mm id in mms. */
  mmIds: Map<string, number>;
  /** The index in mms of each task's mm, -1 for none. */
  taskMm: Int32Array;
}

/** The first violation of §3 items 5–10 in document order, or undefined; fills `facts`. */
export function checkSemantics(
  raw: RawDocument,
  head: SnapshotHead,
  index: TaskIndex,
  facts: SemanticFacts,
): Violation | undefined {
  const { mmIds, taskMm } = facts;
  const candidates: (Violation | undefined)[] = [
    earliest(raw, checkNodes(head)),
    earliest(raw, checkCpusets(raw, head)),
    checkMms(raw, mmIds),
    checkTasks(raw, head, index, mmIds, taskMm),
    checkCurrent(head, index.pidIndex),
    earliest(raw, checkZonelist(head)),
  ];
  return earliest(
    raw,
    candidates.filter((violation): violation is Violation => violation !== undefined),
  );
}
