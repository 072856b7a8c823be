/**
 * The totalpages of a memcg OOM (modern-oom §1.3, mem_cgroup_get_max): the cgroup's
 * memory limit, plus the swap it may use (bounded by the swap present) when its
 * swappiness is not 0. v1: memory.limit_in_bytes, plus memory.memsw.limit_in_bytes minus
 * it when swap accounting is on (the memsw files exist); v2: memory.max plus
 * memory.swap.max. A cgroup without a limit has no memcg OOM of its own: the machine's
 * totalpages stands. The limit files are parsed as the guard parses them.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { limitOf, parseBytesFile } from "../guard/readings.js";
import { parseIntFile } from "./parse-misc.js";

export interface MemcgTotal {
  /** The totalpages a memcg OOM of this cgroup compares with. */
  totalPages: bigint;
  /** Where it came from, for the header: the file(s) read, or why the machine's is used. */
  source: string;
  /** The cgroup's directory under the /sys tree, or null when there is none to read. */
  dir: string | null;
  /** Whether the figure is the cgroup's limit (false: the machine's totalpages). */
  limited: boolean;
}

export interface MemcgInputs {
  /** The /sys tree (its fs/cgroup holds the hierarchies), or null when there is none. */
  sysRoot: string | null;
  /** The cgroup as /proc/PID/cgroup writes it. */
  path: string;
  /** 1: the v1 memory hierarchy (a `memory` line in /proc/PID/cgroup); 2: the unified one. */
  version: 1 | 2;
  pageSizeBytes: number;
  /** The machine's totalpages (MemTotal + SwapTotal) and its swap in pages. */
  machineTotalPages: bigint;
  swapPages: bigint;
  /** /proc/sys/vm/swappiness (v2 has no per-cgroup value); null if unreadable. */
  vmSwappiness: number | null;
}

function readFile(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

/** A limit file in bytes: null for "max"/unlimited, undefined when absent or unreadable. */
function limitFile(path: string): number | null | undefined {
  const text = readFile(path);
  if (text === null) return undefined;
  const n = parseBytesFile(text);
  return n === null ? undefined : limitOf(n);
}

/** The directory of a cgroup path under a /sys tree, for its hierarchy. */
export function memcgDir(sysRoot: string, path: string, version: 1 | 2): string {
  const base =
    version === 1 ? join(sysRoot, "fs", "cgroup", "memory") : join(sysRoot, "fs", "cgroup");
  return join(base, path);
}

export class NoSuchCgroup extends Error {}

/**
 * The memcg OOM's totalpages for `inputs.path`. Throws NoSuchCgroup when the /sys tree
 * exists but holds no such cgroup directory.
 */
export function memcgTotalPages(inputs: MemcgInputs): MemcgTotal {
  const machine = (why: string, dir: string | null): MemcgTotal => ({
    totalPages: inputs.machineTotalPages,
    source: `the machine's MemTotal + SwapTotal (${why})`,
    dir,
    limited: false,
  });
  if (inputs.sysRoot === null || !existsSync(join(inputs.sysRoot, "fs", "cgroup"))) {
    return machine("no /sys tree to read the cgroup's limit from", null);
  }
  const dir = memcgDir(inputs.sysRoot, inputs.path, inputs.version);
  if (!existsSync(join(dir, "cgroup.procs"))) throw new NoSuchCgroup(dir);
  const page = BigInt(inputs.pageSizeBytes);
  const pages = (bytes: number) => BigInt(Math.floor(bytes)) / page;
  const memFile = join(dir, inputs.version === 1 ? "memory.limit_in_bytes" : "memory.max");
  const mem = limitFile(memFile);
  if (mem === undefined) return machine(`${memFile} not readable`, dir);
  if (mem === null) return machine(`${memFile} says unlimited`, dir);
  const memPages = pages(mem);
  const swappiness =
    inputs.version === 1
      ? (parseIntFile(readFile(join(dir, "memory.swappiness")) ?? "") ?? inputs.vmSwappiness)
      : inputs.vmSwappiness;
  const done = (swap: bigint, files: string[]): MemcgTotal => {
    // `?: 1`: a limit of 0 pages is taken as 1.
    const total = memPages + swap;
    return {
      totalPages: total === 0n ? 1n : total,
      source: files.join(" + "),
      dir,
      limited: true,
    };
  };
  if (swappiness === 0) return done(0n, [memFile, "no swap (swappiness 0)"]);
  const min = (a: bigint, b: bigint) => (a < b ? a : b);
  if (inputs.version === 1) {
    const memswFile = join(dir, "memory.memsw.limit_in_bytes");
    const memsw = limitFile(memswFile);
    // No memsw files: swap accounting is off, the memory limit alone.
    if (memsw === undefined) return done(0n, [memFile]);
    const headroom = memsw === null ? inputs.swapPages : pages(memsw) - memPages;
    return done(min(headroom < 0n ? 0n : headroom, inputs.swapPages), [
      memFile,
      `the headroom of ${memswFile} (at most SwapTotal)`,
    ]);
  }
  const swapFile = join(dir, "memory.swap.max");
  const swap = limitFile(swapFile);
  if (swap === undefined) return done(0n, [memFile]);
  const swapPages = swap === null ? inputs.swapPages : pages(swap);
  return done(min(swapPages, inputs.swapPages), [memFile, `${swapFile} (at most SwapTotal)`]);
}
