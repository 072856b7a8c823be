/**
 * fast-check arbitraries for valid, normalised snapshots (the form `validateSnapshot`
 * returns): both word sizes with ulongs up to ULONG_MAX, several NUMA nodes, a cpuset
 * tree that obeys the kernel's rules, shared and null mms, thread groups, and children
 * lists in default or changed order. For property tests in any module.
 */
import fc from "fast-check";
import { CAPABILITIES, PF_FLAGS, pidMaxLimit, TIF_NAMES } from "../kernel/constants.js";
import { ZONE_NAMES } from "./schema.js";
import type {
  Bits,
  Snapshot,
  SnapshotCpuset,
  SnapshotKernel,
  SnapshotMm,
  SnapshotTask,
} from "./types.js";

export interface SnapshotArbitraryOptions {
  /** At most this many thread groups (default 6). */
  maxGroups?: number;
  /** At most this many threads besides each leader (default 3). */
  maxThreads?: number;
}

/** A ulong of the given width, biased towards small values and the extremes. */
export function ulongArbitrary(bits: Bits, max = (1n << BigInt(bits)) - 1n): fc.Arbitrary<bigint> {
  return fc.oneof(
    fc.bigInt({ min: 0n, max: max < 100000n ? max : 100000n }),
    fc.bigInt({ min: 0n, max }),
    fc.constantFrom(0n, max, BigInt(Number.MAX_SAFE_INTEGER) < max ? 2n ** 53n : max),
  );
}

const sortNodes = (ids: number[]) => ids.sort((a, b) => a - b);

/** The ids of `from` whose bit is set in `mask` (bit k for the k-th id). */
function pick(from: readonly number[], mask: number): number[] {
  return from.filter((_, k) => (mask >>> k) & 1);
}

const kernelArbitrary: fc.Arbitrary<SnapshotKernel> = fc
  .record({ bits: fc.constantFrom<Bits>(32, 64), numa: fc.boolean() })
  .chain(({ bits, numa }) =>
    fc.record({
      bits: fc.constant(bits),
      hz: fc.integer({ min: 12, max: 1535 }),
      uptime: ulongArbitrary(bits, (1n << BigInt(bits - 1)) - 1n),
      panic_on_oom: fc.oneof(fc.constant(0), fc.integer()),
      CONFIG_NUMA: fc.constant(numa),
      CONFIG_CPUSETS: fc.boolean(),
      nodes: numa
        ? fc.uniqueArray(fc.record({ id: fc.integer({ min: 0, max: 63 }), memory: fc.boolean() }), {
            minLength: 1,
            maxLength: 4,
            selector: (node) => node.id,
          })
        : fc.boolean().map((memory) => [{ id: 0, memory }]),
    }),
  );

interface CpusetPick {
  parent: number;
  mask: number;
  exclusive: boolean;
}

/** A cpuset tree built top-down so that every rule of §2.2 holds. */
function buildCpusets(
  online: readonly number[],
  top: { mask: number; exclusive: boolean },
  picks: readonly CpusetPick[],
  reverse: boolean,
): SnapshotCpuset[] {
  const list: SnapshotCpuset[] = [
    { path: "/", mems: pick(online, top.mask), mem_exclusive: top.exclusive },
  ];
  const parentOf = new Map<string, string>();
  picks.forEach((p, k) => {
    const parent = list[p.parent % list.length]!;
    const path = `${parent.path === "/" ? "" : parent.path}/c${k}`;
    const exclusive = p.exclusive && parent.mem_exclusive;
    const siblings = list.filter((c) => parentOf.get(c.path) === parent.path);
    const taken = new Set(
      siblings.filter((s) => exclusive || s.mem_exclusive).flatMap((s) => s.mems),
    );
    const mems = pick(parent.mems, p.mask).filter((id) => !taken.has(id));
    parentOf.set(path, parent.path);
    list.push({ path, mems, mem_exclusive: exclusive });
  });
  return reverse ? list.reverse() : list;
}

const printableComm = fc
  .array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 15 })
  .map((codes) => String.fromCharCode(...codes));

function taskFieldsArbitrary(bits: Bits) {
  return fc.record({
    comm: printableComm,
    utime: ulongArbitrary(bits),
    stime: ulongArbitrary(bits),
    start_time: ulongArbitrary(bits, (1n << BigInt(bits - 1)) - 1n),
    nice: fc.integer({ min: -20, max: 19 }),
    uid: fc.oneof(fc.constantFrom(0, 1000), fc.nat()),
    euid: fc.oneof(fc.constantFrom(0, 1000), fc.nat()),
    caps: fc.subarray(Object.keys(CAPABILITIES), { maxLength: 4 }),
    oomkilladj: fc.integer({ min: -17, max: 15 }),
    flags: fc.subarray(Object.keys(PF_FLAGS), { maxLength: 3 }),
    tif: fc.subarray([...TIF_NAMES], { maxLength: 2 }),
    cpuset: fc.nat(),
    memsMask: fc.option(fc.nat(), { nil: undefined }),
    parent: fc.nat(),
    mmNull: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    childOrder: fc.constantFrom("default", "reversed", "rotated"),
  });
}

type TaskFields = ReturnType<typeof taskFieldsArbitrary> extends fc.Arbitrary<infer T> ? T : never;

function reorder(children: number[], order: TaskFields["childOrder"]): number[] {
  if (order === "reversed") return children.slice().reverse();
  if (order === "rotated" && children.length > 1) return [...children.slice(1), children[0]!];
  return children.slice();
}

/** Tasks from thread-group sizes, pids and per-task fields; all rules of §2.4 hold. */
function buildTasks(
  groupSizes: readonly number[],
  pids: readonly number[],
  fields: readonly TaskFields[],
  groupMms: readonly (number | null)[],
  cpusets: readonly SnapshotCpuset[],
  mms: readonly SnapshotMm[],
  online: readonly number[],
): SnapshotTask[] {
  const tasks: SnapshotTask[] = [];
  let next = 0;
  groupSizes.forEach((size, g) => {
    const tgid = pids[next]!;
    const mmPick = groupMms[g];
    const mm =
      mmPick === null || mmPick === undefined || mms.length === 0
        ? null
        : mms[mmPick % mms.length]!.id;
    for (let k = 0; k < size; k++, next++) {
      const f = fields[next]!;
      const cpuset = cpusets[f.cpuset % cpusets.length]!;
      tasks.push({
        pid: pids[next]!,
        tgid,
        parent: 0,
        children: [],
        comm: f.comm,
        mm: f.mmNull ? null : mm,
        utime: f.utime,
        stime: f.stime,
        start_time: f.start_time,
        nice: f.nice,
        uid: f.uid,
        euid: f.euid,
        caps: f.caps,
        oomkilladj: f.oomkilladj,
        flags: f.flags,
        tif: f.tif,
        cpuset: cpuset.path,
        mems_allowed:
          f.memsMask === undefined ? cpuset.mems.slice() : sortNodes(pick(online, f.memsMask)),
      });
    }
  });
  // Parents: 0 or any task outside the task's own thread group.
  tasks.forEach((task, i) => {
    const others = tasks.filter((t) => t.tgid !== task.tgid);
    const choice = fields[i]!.parent % (others.length + 1);
    task.parent = choice === others.length ? 0 : others[choice]!.pid;
  });
  tasks.forEach((task, i) => {
    const children = tasks.filter((t) => t.parent === task.pid).map((t) => t.pid);
    task.children = reorder(children, fields[i]!.childOrder);
  });
  return tasks;
}

/** Valid normalised snapshots. */
export function snapshotArbitrary(options: SnapshotArbitraryOptions = {}): fc.Arbitrary<Snapshot> {
  const { maxGroups = 6, maxThreads = 3 } = options;
  return kernelArbitrary.chain((kernel) => {
    const bits = kernel.bits;
    const online = sortNodes(kernel.nodes.map((node) => node.id));
    const cpusets = fc
      .record({
        top: fc.record({ mask: fc.nat(), exclusive: fc.boolean() }),
        picks: fc.array(fc.record({ parent: fc.nat(), mask: fc.nat(), exclusive: fc.boolean() }), {
          maxLength: 4,
        }),
        reverse: fc.boolean(),
      })
      .map(({ top, picks, reverse }) => buildCpusets(online, top, picks, reverse));
    const mms = fc.uniqueArray(
      fc.record(
        {
          id: fc.string({ minLength: 1, maxLength: 6 }),
          total_vm: ulongArbitrary(bits),
          rss: ulongArbitrary(bits),
          swap: ulongArbitrary(bits),
        },
        { requiredKeys: ["id", "total_vm"] },
      ),
      { maxLength: 5, selector: (mm) => mm.id },
    );
    const groupSizes = fc.array(fc.integer({ min: 1, max: 1 + maxThreads }), {
      minLength: 1,
      maxLength: maxGroups,
    });
    return fc.record({ cpusets, mms, groupSizes }).chain(({ cpusets, mms, groupSizes }) => {
      const count = groupSizes.reduce((a, b) => a + b, 0);
      const limit = pidMaxLimit(bits);
      return fc
        .record({
          pids: fc.uniqueArray(fc.integer({ min: 1, max: limit - 1 }), {
            minLength: count,
            maxLength: count,
          }),
          fields: fc.array(taskFieldsArbitrary(bits), { minLength: count, maxLength: count }),
          groupMms: fc.array(fc.option(fc.nat(), { nil: null }), {
            minLength: groupSizes.length,
            maxLength: groupSizes.length,
          }),
          current: fc.nat(),
          gfp: fc.oneof(
            fc.constantFrom(0xd0, 0x200d2, 0x41200, 0x20000, 0),
            fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([high, low]) => high * 0x10000 + low),
          ),
          order: fc.integer({ min: 0, max: 10 }),
          zonelist: fc.uniqueArray(
            fc.record({ node: fc.constantFrom(...online), zone: fc.constantFrom(...ZONE_NAMES) }),
            { maxLength: 6, selector: (entry) => `${entry.node}/${entry.zone}` },
          ),
          env: fc.record({
            notifier_freed: fc.oneof(fc.constant(0n), ulongArbitrary(bits)),
            printk_ratelimit: fc.boolean(),
            printk_suppressed: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
            uninit_nodemask: fc
              .uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 3 })
              .map(sortNodes),
          }),
        })
        .map((r): Snapshot => {
          const tasks = buildTasks(groupSizes, r.pids, r.fields, r.groupMms, cpusets, mms, online);
          return {
            format: "oomkit.snapshot/1",
            kernel,
            cpusets,
            mms,
            tasks,
            current: tasks[r.current % tasks.length]!.pid,
            request: { gfp_mask: r.gfp, order: r.order, zonelist: r.zonelist },
            env: r.env,
          };
        });
    });
  });
}
