/**
 * The scenario families of `oomkit sweep`: each one a generator of scenarios that run out
 * of memory on the simulated kernel, with the leak marked `role: culprit`, drawn from a
 * seed alone. Scenario i of a sweep is family `families[i mod F]` with the seed
 * `scenarioSeed(seed, i)`, so it depends on the sweep's seed, its index and the family
 * list only: not on the shard, the worker or the order in which scenarios are run. Pure.
 *
 * - leak: a handful of services and one process (sometimes under a shell) whose memory
 *   grows steadily until the machine runs out.
 * - fork-bomb: a parent and its many children, all culprits, each growing a little, so
 *   that no single one is large; a few services beside them.
 * - many-medium: dozens of medium-sized services of similar size that all allocate a
 *   little; one of them leaks, starting no larger than the rest.
 * - jvm-heap: a long-running JVM with many threads and a large reserved heap (mapped,
 *   mostly untouched); either its heap fills up (the JVM is the culprit), or the JVM is
 *   innocent and a small process beside it leaks.
 * - cpuset: two NUMA nodes and a job confined by its cpuset to node 0; a job process
 *   leaks past node 0 while node 1 keeps free memory.
 */

import { Prng } from "../kernel/prng.js";
import type { ProcessSpecIn, ScenarioIn } from "../sim/scenario-schema.js";

export const FAMILY_NAMES = ["leak", "fork-bomb", "many-medium", "jvm-heap", "cpuset"] as const;
export type Family = (typeof FAMILY_NAMES)[number];

export function isFamily(name: string): name is Family {
  return (FAMILY_NAMES as readonly string[]).includes(name);
}

/** murmur3's 32-bit finaliser: every input bit reaches every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The seed of scenario `index` of a sweep seeded `seed`: a function of the two only. */
export function scenarioSeed(seed: number, index: number): number {
  const lo = index % 2 ** 32;
  const hi = Math.floor(index / 2 ** 32);
  return fmix32(fmix32(seed >>> 0) ^ fmix32((lo + Math.imul(hi, 0x9e3779b9)) >>> 0) ^ 0x5bd1e995);
}

/** One scenario of a sweep: which family made it, from which seed. */
export interface SweepScenario {
  index: number;
  family: Family;
  seed: number;
  scenario: ScenarioIn;
}

export function sweepScenario(
  seed: number,
  families: readonly Family[],
  index: number,
): SweepScenario {
  const family = families[index % families.length]!;
  const s = scenarioSeed(seed, index);
  return { index, family, seed: s, scenario: generateFamilyScenario(family, s) };
}

const SERVICES = [
  "sshd",
  "cron",
  "nginx",
  "postgres",
  "redis-server",
  "rsyslogd",
  "dbus-daemon",
  "named",
  "sendmail",
  "memcached",
  "httpd",
  "exim",
  "ntpd",
  "smbd",
  "mysqld",
  "cupsd",
];

const HZ = 100;
const UPTIME = 86400;

/** Pages of a machine with `mib` MiB. */
const pagesOf = (mib: number) => mib * 256;

class Draw {
  private readonly rng: Prng;
  private services = 0;
  constructor(seed: number) {
    this.rng = new Prng(seed);
  }
  int(lo: number, hi: number): number {
    return this.rng.int(lo, hi);
  }
  chance(p: number): boolean {
    return this.rng.chance(p);
  }
  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }
  /** A service: started long ago, some CPU time, `rss` resident of a larger mapping. */
  service(rss: number, name = this.pick(SERVICES)): ProcessSpecIn {
    return {
      name,
      label: `s${this.services++}`,
      uid: this.chance(0.3) ? 0 : this.int(100, 1100),
      start: this.int(10, UPTIME - 600),
      utime: this.int(100, 2_000_000),
      stime: this.int(0, 200_000),
      total_vm: rss + this.int(100, 4 * rss + 200),
      rss,
    };
  }
}

/** The machine of a one-node family: 64-bit, HZ 100, `mib` MiB of RAM, no swap. */
function machine(mib: number): ScenarioIn["machine"] {
  return { bits: 64, hz: HZ, memory: `${mib}MiB`, uptime: UPTIME };
}

/** A leak of `pages` at `rate` pages/s from `at` seconds on. */
function leakOf(task: string, at: number, pages: number, rate: number) {
  return { at, task, fault: { pages, rate } };
}

function leak(d: Draw, seed: number): ScenarioIn {
  const mib = d.pick([32, 48, 64]);
  const pages = pagesOf(mib);
  const processes: ProcessSpecIn[] = [];
  const n = d.int(4, 10);
  // The services fill 30 % to 60 % of RAM.
  const share = (pages * d.int(30, 60)) / 100 / n;
  for (let i = 0; i < n; i++) processes.push(d.service(d.int(share / 2, share * 1.5) | 0));
  const culprit: ProcessSpecIn = {
    name: d.pick(["python3", "node", "ruby", "leaky", "worker"]),
    label: "culprit",
    start: UPTIME - d.int(60, 20000),
    utime: d.int(100, 200_000),
    total_vm: 2000,
    rss: d.int(200, 1500),
    role: "culprit",
  };
  if (d.chance(0.4)) {
    // Under a login shell: 2.6.20 counts half its child's size to the shell.
    const shell = { ...d.service(d.int(100, 400), "bash"), children: [culprit] };
    processes.splice(d.int(0, processes.length), 0, shell);
  } else {
    processes.splice(d.int(0, processes.length), 0, culprit);
  }
  const timeline: ScenarioIn["timeline"] = [
    leakOf("culprit", 1, pages, d.int(pages / 8, pages / 2) | 0),
  ];
  // A little ordinary growth elsewhere.
  for (let i = 0; i < d.int(0, 3); i++) {
    const svc = processes[d.int(0, processes.length - 1)]!;
    if (svc.children !== undefined || svc.role !== undefined) continue;
    timeline.push({
      at: d.int(1, 4),
      task: svc.label!,
      fault: { pages: d.int(50, 500), rate: 200 },
    });
  }
  return { seed, machine: machine(mib), processes, timeline, until: 30 };
}

function forkBomb(d: Draw, seed: number): ScenarioIn {
  const mib = d.pick([32, 48]);
  const pages = pagesOf(mib);
  const processes: ProcessSpecIn[] = [];
  const n = d.int(3, 8);
  const share = (pages * d.int(25, 50)) / 100 / n;
  for (let i = 0; i < n; i++) processes.push(d.service(d.int(share / 2, share * 1.5) | 0));
  const children = d.int(6, 16);
  const comm = d.pick(["bomb", "make", "sh", "perl"]);
  const start = UPTIME - d.int(5, 120);
  const kids: ProcessSpecIn[] = Array.from({ length: children }, (_, i) => ({
    name: comm,
    label: `kid${i}`,
    start: start + d.int(0, 4),
    utime: d.int(0, 300),
    total_vm: 300,
    rss: d.int(20, 120),
    role: "culprit" as const,
  }));
  processes.push({
    name: comm,
    start,
    utime: d.int(0, 500),
    total_vm: 400,
    rss: d.int(50, 200),
    role: "culprit",
    // A shell's SIGCHLD handler reaps each child at once: no zombies pile up.
    ignore_sigchld: true,
    children: kids,
  });
  // Together the children ask for about twice the RAM, each a slice, started in turn.
  const each = Math.ceil((2 * pages) / children);
  const timeline: ScenarioIn["timeline"] = kids.map((_, i) => ({
    at: `${1000 + i * d.int(20, 120)}ms`,
    task: `kid${i}`,
    fault: { pages: each, rate: d.int(each / 4, each) | 0 },
  }));
  return { seed, machine: machine(mib), processes, timeline, until: 30 };
}

function manyMedium(d: Draw, seed: number): ScenarioIn {
  const mib = d.pick([48, 64, 96]);
  const pages = pagesOf(mib);
  const processes: ProcessSpecIn[] = [];
  const n = d.int(12, 32);
  const each = ((pages * d.int(40, 65)) / 100 / n) | 0;
  for (let i = 0; i < n; i++) {
    processes.push(d.service(d.int(each * 0.7, each * 1.3) | 0));
  }
  const c = d.int(0, n - 1);
  const culprit = processes[c]!;
  culprit.role = "culprit";
  culprit.rss = d.int(each * 0.5, each) | 0;
  culprit.total_vm = (culprit.rss as number) + d.int(100, 2 * each);
  const timeline: ScenarioIn["timeline"] = [];
  // Everyone grows a little; the culprit grows without end.
  for (let i = 0; i < n; i++) {
    if (i === c || d.chance(0.5)) continue;
    timeline.push({
      at: d.int(1, 6),
      task: processes[i]!.label!,
      fault: { pages: d.int(20, 300), rate: 100 },
    });
  }
  timeline.push(leakOf(culprit.label!, d.int(1, 3), pages, d.int(pages / 10, pages / 3) | 0));
  return { seed, machine: machine(mib), processes, timeline, until: 30 };
}

function jvmHeap(d: Draw, seed: number): ScenarioIn {
  const mib = d.pick([64, 96, 128]);
  const pages = pagesOf(mib);
  const processes: ProcessSpecIn[] = [];
  const n = d.int(3, 8);
  const share = (pages * d.int(15, 35)) / 100 / n;
  for (let i = 0; i < n; i++) processes.push(d.service(d.int(share / 2, share * 1.5) | 0));
  const jvmIsCulprit = d.chance(0.5);
  const heapRss = ((pages * d.int(15, 35)) / 100) | 0;
  const jvm: ProcessSpecIn = {
    name: "java",
    label: "java",
    uid: d.int(100, 1100),
    start: d.int(100, UPTIME / 2),
    utime: d.int(1_000_000, 20_000_000),
    stime: d.int(10_000, 500_000),
    // -Xmx reserves the heap up front: a large total_vm, mostly not resident.
    total_vm: heapRss + pages * d.int(2, 4),
    rss: heapRss,
    threads: Array.from({ length: d.int(10, 60) }, () => ({ utime: d.int(0, 50_000) })),
    ...(jvmIsCulprit ? { role: "culprit" as const } : {}),
  };
  processes.splice(d.int(0, processes.length), 0, jvm);
  const timeline: ScenarioIn["timeline"] = [];
  if (jvmIsCulprit) {
    timeline.push(leakOf("java", 1, pages, d.int(pages / 8, pages / 3) | 0));
  } else {
    processes.push({
      name: d.pick(["python3", "convert", "ffmpeg", "rsync"]),
      label: "culprit",
      start: UPTIME - d.int(10, 3000),
      utime: d.int(10, 20_000),
      total_vm: 1000,
      rss: d.int(100, 800),
      role: "culprit",
    });
    timeline.push(leakOf("culprit", 1, pages, d.int(pages / 8, pages / 3) | 0));
  }
  return { seed, machine: machine(mib), processes, timeline, until: 30 };
}

function cpuset(d: Draw, seed: number): ScenarioIn {
  const node0 = d.pick([8192, 12288, 16384]);
  const node1 = d.pick([8192, 12288, 16384]);
  const processes: ProcessSpecIn[] = [];
  for (let i = 0; i < d.int(2, 6); i++) {
    processes.push(d.service(d.int(500, (node1 / 6) | 0)));
  }
  const job: ProcessSpecIn[] = [];
  const members = d.int(1, 4);
  for (let i = 0; i < members; i++) {
    const p = d.service(d.int(200, (node0 / 8) | 0), d.pick(["job", "solver", "mpirun"]));
    p.cpuset = "/job";
    job.push(p);
  }
  const c = d.int(0, members - 1);
  job[c]!.role = "culprit";
  if (d.chance(0.3)) {
    // A helper child in the cpuset: the constrained kill takes a child first.
    const helper = d.service(d.int(100, 1000), "job-helper");
    helper.cpuset = "/job";
    job[c]!.children = [helper];
  }
  for (const p of job) processes.splice(d.int(0, processes.length), 0, p);
  const timeline: ScenarioIn["timeline"] = [
    leakOf(job[c]!.label!, 1, node0, d.int(node0 / 6, node0 / 2) | 0),
  ];
  return {
    seed,
    machine: {
      bits: 64,
      hz: HZ,
      uptime: UPTIME,
      nodes: [
        { id: 0, zones: { DMA: 4096, DMA32: node0 - 4096 } },
        { id: 1, zones: { Normal: node1 } },
      ],
      cpusets: [{ path: "/job", mems: [0] }],
    },
    processes,
    timeline,
    until: 30,
  };
}

const GENERATORS: Readonly<Record<Family, (d: Draw, seed: number) => ScenarioIn>> = {
  leak,
  "fork-bomb": forkBomb,
  "many-medium": manyMedium,
  "jvm-heap": jvmHeap,
  cpuset,
};

/** A scenario of `family` drawn from `seed`: the same seed, the same scenario. */
export function generateFamilyScenario(family: Family, seed: number): ScenarioIn {
  return GENERATORS[family](new Draw(seed), seed);
}
