/**
 * The least a Node program pays to do what `oomkit rank` reads: the files that
 * bench/native/procscan.c reads, in the same order, each with openSync, one readSync into
 * a reused buffer and closeSync, parsing only what decides what to read next (the parent
 * and the thread count). No ranking, no output beyond a count. The rank benchmark runs it
 * as a whole command beside the native reader and `oomkit rank --json`.
 *
 *   node proc-floor.js ROOT
 */
import { closeSync, constants, openSync, readdirSync, readSync } from "node:fs";

const buf = Buffer.allocUnsafe(65536);

/** Reads ROOT/rel into buf: its length, or -1. */
function readFile(root: string, rel: string): number {
  let fd: number;
  try {
    fd = openSync(`${root}/${rel}`, constants.O_RDONLY);
  } catch {
    return -1;
  }
  try {
    return readSync(fd, buf, 0, buf.length, null);
  } catch {
    return -1;
  } finally {
    closeSync(fd);
  }
}

/** The numeric names of a directory, ascending. */
function numericNames(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) if (/^\d+$/.test(n)) out.push(Number(n));
  return out.sort((a, b) => a - b);
}

/** Fields 4 (ppid) and 20 (num_threads) of a stat line of `len` bytes, or null. */
function statFields(len: number): { ppid: number; threads: number } | null {
  const close = buf.lastIndexOf(41, len - 1);
  if (close < 0) return null;
  const fields = buf.toString("latin1", close + 2, len).split(" ");
  return { ppid: Number(fields[1]), threads: Number(fields[17]) };
}

function scan(root: string): number {
  for (const f of ["meminfo", "uptime", "sys/kernel/osrelease", "self/statm", "self/status"]) {
    readFile(root, f);
  }
  for (const f of ["self/stat", "zoneinfo", "sys/vm/panic_on_oom"]) readFile(root, f);
  const procs: { pid: number; ppid: number; tids: number[] }[] = [];
  for (const pid of numericNames(root)) {
    const n = readFile(root, `${pid}/stat`);
    const stat = n < 0 ? null : statFields(n);
    if (stat === null) continue;
    readFile(root, `${pid}/status`);
    readFile(root, `${pid}/oom_score_adj`);
    readFile(root, `${pid}/oom_score`);
    let tids = [pid];
    if (stat.threads > 1) {
      tids = numericNames(`${root}/${pid}/task`);
      for (const tid of tids) if (tid !== pid) readFile(root, `${pid}/task/${tid}/stat`);
    }
    if (procs.length < 8) readFile(root, `${pid}/statm`);
    procs.push({ pid, ppid: stat.ppid, tids });
  }
  const parents = new Set(procs.map((p) => p.ppid));
  for (const p of procs) {
    if (!parents.has(p.pid)) continue;
    for (const tid of p.tids) readFile(root, `${p.pid}/task/${tid}/children`);
  }
  return procs.length;
}

const root = process.argv[2];
if (root === undefined) {
  process.stderr.write("usage: proc-floor ROOT\n");
  process.exit(2);
}
process.stdout.write(`${scan(root)} processes\n`);
