/**
 * From a validated scenario to a ready engine: the memory model, the kernel with init
 * and a kswapd per node, the cpusets, the initial process tree (forked in document
 * order, with their threads, resident pages and CPU times), and the timeline compiled
 * to ticks.
 */

import { InputError } from "../errors.js";
import { bootInit, spawnKernelThread } from "../kernel/boot.js";
import { CAPABILITIES, pidMaxLimit, ROOT_CAP_EFFECTIVE } from "../kernel/constants.js";
import { doFork } from "../kernel/fork.js";
import { KernelState } from "../kernel/kernel-state.js";
import { Prng } from "../kernel/prng.js";
import { CLONE_THREAD, CLONE_VM, type Task } from "../kernel/task.js";
import type { VictimPolicy } from "../policy/types.js";
import type { Snapshot } from "../snapshot/types.js";
import { AllocatorPort } from "./alloc-adapter.js";
import { Engine, type EngineOptions } from "./engine.js";
import type { SimEvent } from "./events.js";
import { loadSnapshotTasks } from "./from-snapshot.js";
import { jsonPath } from "./load-scenario.js";
import { allocMachineSpec } from "./machine-spec.js";
import type { OomCallRecord } from "./oom-call.js";
import type { MachineSpec, ProcessSpec, Scenario } from "./scenario-schema.js";
import { checkTargets, compileTimeline } from "./timeline.js";
import { sizeToPages, timeToTicks } from "./units.js";

export interface SetupOptions {
  file: string;
  /** Position of a JSON path in the scenario text, for semantic errors. */
  positionOf?: (path: PropertyKey[]) => { line: number; col: number } | undefined;
  /** Overrides the scenario's `until` (same forms as a timeline time). */
  until?: number | string;
  seed?: number;
  checkInvariants?: boolean;
  onOomCall?: (r: OomCallRecord) => void;
  onProgress?: (tick: number) => void;
  /** Reads the snapshot named by `from_snapshot` (relative to the scenario file). */
  loadSnapshot?: (path: string) => Snapshot;
  /** The victim policy inside select_bad_process() (absent: 2.6.20's badness()). */
  policy?: VictimPolicy;
  /** A userspace agent run at the start of every tick (EngineOptions.agent). */
  agent?: EngineOptions["agent"];
}

export interface Simulation {
  engine: Engine;
  k: KernelState;
  port: AllocatorPort;
  startTick: number;
  untilTick: number;
  seed: number;
  printkTime: boolean;
  /** The task of each timeline entry, as the scenario names it (a label, a pid or "@random"). */
  targets: (number | string)[];
  /** The scenario it runs. */
  scenario: Scenario;
  /** Each process of `processes` (init's entry included) with the pid it was given. */
  processes: ScenarioProcess[];
}

export interface ScenarioProcess {
  pid: number;
  spec: ProcessSpec;
}

function err(o: SetupOptions, path: PropertyKey[], expected: string): InputError {
  const pos = o.positionOf?.(path);
  return new InputError({
    file: o.file,
    path: jsonPath(path),
    expected,
    line: pos?.line,
    column: pos?.col,
  });
}

function capsOf(spec: ProcessSpec, path: PropertyKey[], o: SetupOptions): number {
  const c = spec.caps ?? (spec.uid === 0 ? "root" : "none");
  if (c === "root") return ROOT_CAP_EFFECTIVE;
  if (c === "none") return 0;
  let mask = 0;
  c.forEach((name, i) => {
    const bit = CAPABILITIES[name];
    if (bit === undefined)
      throw err(o, [...path, "caps", i], `a capability name such as CAP_SYS_ADMIN, got ${name}`);
    mask += 2 ** bit;
  });
  return mask;
}

interface Builder {
  k: KernelState;
  port: AllocatorPort;
  o: SetupOptions;
  labels: Map<string, Task>;
  scenario: Scenario;
  processes: ScenarioProcess[];
}

function cpusetOf(b: Builder, path: PropertyKey[], name: string | undefined) {
  if (name === undefined) return b.k.rootCpuset;
  const cs = b.k.cpusets.get(name);
  if (cs === undefined)
    throw err(b.o, [...path, "cpuset"], `a cpuset listed in machine.cpusets, got ${name}`);
  return cs;
}

function applyAttrs(b: Builder, t: Task, spec: ProcessSpec, path: PropertyKey[]): void {
  const hz = b.k.hz;
  t.comm = spec.name;
  t.uid = spec.uid;
  t.euid = spec.euid ?? spec.uid;
  t.caps = capsOf(spec, path, b.o);
  t.staticPrio = 120 + spec.nice;
  t.prio = t.staticPrio;
  t.oomkilladj = spec.oomkilladj;
  t.utimeJiffies = spec.utime;
  t.stimeJiffies = spec.stime;
  const start = spec.start === undefined ? b.k.ticks : Math.round(spec.start * hz);
  if (start > b.k.ticks)
    throw err(b.o, [...path, "start"], "a start time no later than machine.uptime");
  t.startTicks = start;
  t.cpuset = cpusetOf(b, path, spec.cpuset);
  t.memsAllowed = t.cpuset.mems;
  t.mempolicyBind = spec.mempolicy_bind ?? null;
  t.group.autoReap = spec.ignore_sigchld;
}

function chargeRss(b: Builder, t: Task, spec: ProcessSpec, path: PropertyKey[]): void {
  const mm = t.mm!;
  if (!spec.share_mm) mm.totalVmPages = sizeToPages(spec.total_vm);
  const rss = sizeToPages(spec.rss);
  if (rss === 0) return;
  const byZone = b.port.bootCharge(t, rss, "anon");
  if (byZone === null)
    throw err(
      b.o,
      [...path, "rss"],
      "resident pages that fit in free memory above the high watermarks",
    );
  for (let z = 0; z < byZone.length; z++) mm.pagesByZone[z]! += byZone[z]!;
  mm.rssPages += rss;
  if (mm.totalVmPages < mm.rssPages) mm.totalVmPages = mm.rssPages;
}

function spawnTree(b: Builder, spec: ProcessSpec, parent: Task, path: PropertyKey[]): void {
  const { k } = b;
  if (spec.pid !== undefined && k.tasks.has(spec.pid))
    throw err(b.o, [...path, "pid"], `an unused pid, got ${spec.pid}`);
  if (spec.pid !== undefined && spec.pid >= k.pidMax)
    throw err(b.o, [...path, "pid"], `a pid below pid_max (${k.pidMax})`);
  const r = doFork(k, parent, {
    cloneFlags: spec.share_mm ? CLONE_VM : 0,
    pid: spec.pid,
    zoneCount: b.port.zoneCount,
  });
  if (!r.ok) throw err(b.o, path, "a parent that can fork");
  const t = r.task;
  b.processes.push({ pid: t.pid, spec });
  applyAttrs(b, t, spec, path);
  chargeRss(b, t, spec, path);
  const label = spec.label ?? spec.name;
  if (!b.labels.has(label)) b.labels.set(label, t);
  spec.threads.forEach((th, i) => {
    const tp = [...path, "threads", i];
    if (th.pid !== undefined && k.tasks.has(th.pid))
      throw err(b.o, [...tp, "pid"], `an unused pid, got ${th.pid}`);
    const tr = doFork(k, t, {
      cloneFlags: CLONE_VM | CLONE_THREAD,
      pid: th.pid,
      zoneCount: b.port.zoneCount,
    });
    if (!tr.ok) throw err(b.o, tp, "a thread that can be created");
    const thr = tr.task;
    thr.utimeJiffies = th.utime;
    thr.stimeJiffies = th.stime;
    if (th.oomkilladj !== undefined) thr.oomkilladj = th.oomkilladj;
    if (th.nice !== undefined) thr.staticPrio = thr.prio = 120 + th.nice;
    // A thread starts with its process unless it says otherwise, and by the same rule: no
    // later than machine.uptime, and not before its process.
    if (th.start === undefined) thr.startTicks = t.startTicks;
    else {
      const start = Math.round(th.start * k.hz);
      if (start > k.ticks)
        throw err(b.o, [...tp, "start"], "a start time no later than machine.uptime");
      if (start < t.startTicks)
        throw err(b.o, [...tp, "start"], "a start time no earlier than its process's start");
      thr.startTicks = start;
    }
  });
  spec.children.forEach((c, i) => {
    spawnTree(b, c, t, [...path, "children", i]);
  });
}

function setupCpusets(b: Builder, m: MachineSpec): void {
  const online = new Set(b.port.nodes.map((n) => n.id));
  (m.cpusets ?? []).forEach((c, i) => {
    const path = ["machine", "cpusets", i];
    if (c.path === "/") return;
    if (!/^(\/[^/]+)+$/.test(c.path) || c.path.split("/").some((s) => s === "." || s === "..")) {
      throw err(b.o, [...path, "path"], 'an absolute cpuset path such as "/batch"');
    }
    if (!m.cpusets_enabled) throw err(b.o, path, "no cpusets when cpusets_enabled is false");
    if (b.k.cpusets.has(c.path)) throw err(b.o, [...path, "path"], "a path not listed before");
    const parentPath = c.path.slice(0, c.path.lastIndexOf("/")) || "/";
    const parent = b.k.cpusets.get(parentPath);
    if (parent === undefined)
      throw err(b.o, [...path, "path"], `a cpuset whose parent ${parentPath} is listed before it`);
    for (const n of c.mems) {
      if (!online.has(n)) throw err(b.o, [...path, "mems"], `online nodes only, got ${n}`);
      if (!parent.mems.includes(n))
        throw err(b.o, [...path, "mems"], `a subset of the parent's mems, got ${n}`);
    }
    b.k.addCpuset(c.path, c.mems, c.mem_exclusive ?? false);
  });
}

/** Builds the simulation of a scenario; `sink` receives every event. */
export function setupSimulation(
  scenario: Scenario,
  sink: (e: SimEvent) => void,
  o: SetupOptions,
): Simulation {
  const m = scenario.machine;
  const spec = allocMachineSpec(m, (path, expected) => err(o, path, expected));
  const pidMax = m.pid_max ?? 32768;
  if (pidMax > pidMaxLimit(m.bits))
    throw err(o, ["machine", "pid_max"], `at most ${pidMaxLimit(m.bits)} for ${m.bits}-bit`);
  const onlineIds = spec.nodes.map((n) => n.id).sort((a, b) => a - b);
  const k = new KernelState({ bits: m.bits, hz: m.hz, pidMax }, onlineIds);
  let port: AllocatorPort;
  try {
    port = new AllocatorPort(spec, k, m.cpusets_enabled);
  } catch (e) {
    throw err(o, ["machine"], e instanceof Error ? e.message : String(e));
  }
  k.ticks = m.uptime * m.hz;
  const b: Builder = { k, port, o, labels: new Map(), scenario, processes: [] };
  setupCpusets(b, m);
  const top = scenario.processes;
  const initIdx = top.findIndex((p) => p.pid === 1);
  const initSpec = initIdx >= 0 ? top[initIdx]! : undefined;
  const init = bootInit(k, {
    comm: "init",
    uid: 0,
    euid: 0,
    caps: ROOT_CAP_EFFECTIVE,
    nice: 0,
    oomkilladj: 0,
    startTicks: 0,
    cpuset: k.rootCpuset,
  });
  init.mm = k.newMm(256, port.zoneCount);
  if (initSpec !== undefined) {
    applyAttrs(b, init, initSpec, ["processes", initIdx]);
    chargeRss(b, init, initSpec, ["processes", initIdx]);
    b.labels.set(initSpec.label ?? initSpec.name, init);
    b.processes.push({ pid: 1, spec: initSpec });
  }
  if (scenario.from_snapshot !== undefined) {
    if (o.loadSnapshot === undefined)
      throw err(
        o,
        ["from_snapshot"],
        "a scenario read from a file (snapshots cannot be loaded here)",
      );
    const snap = o.loadSnapshot(scenario.from_snapshot);
    if (initSpec !== undefined)
      throw err(o, ["processes", initIdx], "no pid 1 process together with from_snapshot");
    k.ticks = Math.max(k.ticks, Number(snap.kernel.uptime) * m.hz);
    init.mm = null;
    try {
      const { labels } = loadSnapshotTasks(k, port, snap, scenario.snapshot_rss_percent);
      for (const [name, t] of labels) if (!b.labels.has(name)) b.labels.set(name, t);
    } catch (e) {
      if (e instanceof RangeError) throw err(o, ["from_snapshot"], e.message);
      throw e;
    }
  }
  const kswapds = new Map<number, Task>();
  for (const n of port.nodes)
    if (n.memory) kswapds.set(n.id, spawnKernelThread(k, `kswapd${n.id}`));
  top.forEach((p, i) => {
    if (i === initIdx) {
      p.children.forEach((c, j) => {
        spawnTree(b, c, init, ["processes", i, "children", j]);
      });
    } else spawnTree(b, p, init, ["processes", i]);
  });
  const startTick = k.ticks;
  const actions = compileTimeline(scenario, k.hz, port.numa, startTick, (path, expected) =>
    err(o, path, expected),
  );
  checkTargets(scenario, b.labels.keys(), (path, expected) => err(o, path, expected));
  const lastAction = actions.reduce((mx, a) => Math.max(mx, a.tick), startTick);
  const untilRaw = o.until ?? scenario.until;
  const untilTicks = untilRaw !== undefined ? timeToTicks(untilRaw, m.hz) : undefined;
  const untilTick = untilTicks !== undefined ? startTick + untilTicks : lastAction + 300 * m.hz;
  const seed = o.seed ?? scenario.seed;
  const prng = new Prng(seed);
  const engine = new Engine(k, port, actions, b.labels, kswapds, sink, {
    machine: {
      panicOnOom: m.panic_on_oom,
      cpusetsEnabled: m.cpusets_enabled,
      notifierFreed: m.oom_notifier_freed,
    },
    seed,
    untilTick,
    checkInvariants: o.checkInvariants,
    onOomCall: o.onOomCall,
    onProgress: o.onProgress,
    teardownTicks: timeToTicks(m.teardown, m.hz),
    random: () => prng.nextUint32() / 2 ** 32,
    policy: o.policy,
    agent: o.agent,
  });
  return {
    engine,
    k,
    port,
    startTick,
    untilTick,
    seed,
    printkTime: m.printk_time,
    targets: scenario.timeline.map((e) => e.task),
    scenario,
    processes: b.processes,
  };
}
