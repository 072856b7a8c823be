/**
 * What `rank`'s optional columns show of a process, read only when asked: the command
 * line (/proc/PID/cmdline), the memory cgroup (/proc/PID/cgroup) and the user's name
 * (the machine's /etc/passwd). Each read is one small function, apart from the reads that
 * every ranking needs.
 */
import { displayName, type ProcFs } from "./procfs.js";

/** The arguments of /proc/PID/cmdline; [] for a kernel thread or a zombie; null if unreadable. */
export async function readCmdline(fs: ProcFs, pid: number): Promise<string[] | null> {
  const text = await fs.readText(`${pid}/cmdline`);
  if (text === null) return null;
  const args = text.split("\0");
  if (args.at(-1) === "") args.pop();
  return args.map(displayName);
}

/** The text of /proc/PID/cgroup, or null if unreadable (no cgroups, or the process is gone). */
export function readCgroupText(fs: ProcFs, pid: number): Promise<string | null> {
  return fs.readText(`${pid}/cgroup`);
}

/**
 * The memory cgroup of a process from its /proc/PID/cgroup text, as that file writes it:
 * the v1 hierarchy whose controllers include `memory`, else the v2 one (`0::PATH`).
 */
export function memoryCgroupOf(text: string): string | null {
  let v2: string | null = null;
  for (const line of text.split("\n")) {
    const first = line.indexOf(":");
    const second = line.indexOf(":", first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (controllers.split(",").includes("memory")) return path;
    if (line.slice(0, first) === "0" && controllers === "") v2 = path;
  }
  return v2;
}

/** Whether a cgroup path is `wanted` or below it (the memcg OOM killer scans the subtree). */
export function inCgroup(path: string, wanted: string): boolean {
  const w = wanted.length > 1 ? wanted.replace(/\/+$/, "") : wanted;
  return w === "/" || path === w || path.startsWith(`${w}/`);
}

/** User names by uid from passwd(5) text; the first entry of a uid wins. */
export function parsePasswd(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields.length < 3 || fields[0] === "" || line.startsWith("#")) continue;
    const uid = Number(fields[2]);
    if (Number.isInteger(uid) && uid >= 0 && !names.has(uid)) names.set(uid, fields[0]!);
  }
  return names;
}
