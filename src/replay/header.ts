/**
 * The first lines of a report (modern-oom §6.1): the `invoked oom-killer:` header in all its
 * forms, the `cpuset=` line of kernels up to 4.x, and the `CPU: .. PID: .. Comm:` (or older
 * `Pid: .., comm:`) line that opens the stack dump and names the kernel release.
 */
import type { AllocatingTask, OomHeader } from "./types.js";

export const HEADER_MARKER = " invoked oom-killer:";

function int(text: string | undefined): number | null {
  if (text === undefined || !/^-?\d{1,10}$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * `<comm> invoked oom-killer: gfp_mask=0x..(FLAGS), nodemask=.., order=N, oom_score_adj=N`
 * (or `oomkilladj=` / `oom_adj=`). The fields are read by name, so any order and any subset
 * parse; a cut line keeps what it has.
 */
export function parseHeader(message: string, lineNo: number): OomHeader | null {
  const at = message.indexOf(HEADER_MARKER);
  if (at < 0) return null;
  const header: OomHeader = {
    line: lineNo,
    comm: message.slice(0, at).trim(),
    gfpMask: null,
    gfpFlags: null,
    nodemask: null,
    order: null,
    oomkilladj: null,
    oomAdj: null,
    oomScoreAdj: null,
  };
  const fields = message.slice(at + HEADER_MARKER.length).split(",");
  for (const field of fields) {
    const eq = field.indexOf("=");
    if (eq < 0) continue;
    const key = field.slice(0, eq).trim();
    const value = field.slice(eq + 1).trim();
    switch (key) {
      case "gfp_mask": {
        const m = /^(0x[0-9a-fA-F]+)(?:\(([^)]*)\)?)?/.exec(value);
        if (m) {
          header.gfpMask = m[1].toLowerCase();
          header.gfpFlags = m[2] ?? null;
        }
        break;
      }
      case "nodemask":
        header.nodemask = value;
        break;
      case "order":
        header.order = int(value);
        break;
      case "oomkilladj":
        header.oomkilladj = int(value);
        break;
      case "oom_adj":
        header.oomAdj = int(value);
        break;
      case "oom_score_adj":
        header.oomScoreAdj = int(value);
        break;
    }
  }
  return header;
}

const CPU_LINE = /\bCPU: ?\d{1,5} (UID: \d{1,10} )?PID: (\d{1,10}) Comm: (.*)$/;
const PID_LINE = /\bPid: (\d{1,10}), comm: (.*)$/;
/** `CPU: N` with no PID (some architectures, contexts without a task): the release only. */
const CPU_ONLY_LINE = /\bCPU: ?\d{1,5} +(?=Not tainted|Tainted:)(.*)$/;
/**
 * The taint part and the release after it: ` Not tainted 6.1.0-18-amd64 #1`, ` Tainted: G
 *  W  O      5.4.0 #1`, ` Tainted: P           O 3.2.0-4-amd64`, and distribution markers
 * between the flags and the release (`--------- -  -`): every word up to the first that
 * starts like a release (`N.N`) is skipped. Old ARM register dumps put it in parentheses:
 * `CPU: 0    Not tainted  (3.4.113 #1)`.
 */
const TAINT = / (?:Not tainted|Tainted:)(?: +[^\s]{1,40}){0,24}? +\(?(\d{1,4}\.\d{1,4}[^\s)]*)/;
/** Words some distributions print between the comm and the taint part. */
const AFTER_COMM = / Kdump: (?:loaded|not loaded)$/;
/** `Linux version 5.10.0-28-amd64 (debian-kernel@...) (gcc ...) #1 SMP ...` (the boot banner). */
const LINUX_VERSION = /\bLinux version (\d{1,4}\.\d{1,4}[^\s]*)/;

function releaseIn(rest: string): { release: string | null; before: string } {
  const taint = TAINT.exec(rest);
  if (taint) return { release: taint[1]!, before: rest.slice(0, taint.index) };
  const cut = rest.search(/ (?:Not tainted|Tainted:)/);
  return { release: null, before: cut >= 0 ? rest.slice(0, cut) : rest };
}

/** The stack dump's first line: who allocated, and on which kernel release. */
export function parseAllocatingTask(message: string): AllocatingTask | null {
  const cpu = CPU_LINE.exec(message);
  const old = cpu ? null : PID_LINE.exec(message);
  if (!cpu && !old) return null;
  const pid = int(cpu ? cpu[2] : old![1]);
  if (pid === null) return null;
  const { release, before } = releaseIn(` ${cpu ? cpu[3] : old![2]}`);
  const comm = before.slice(1).trimEnd().replace(AFTER_COMM, "");
  return { pid, comm, release, hasUid: cpu !== null && cpu[1] !== undefined };
}

/**
 * The kernel release of a line that prints one: the stack dump's first line in any of its
 * forms (`CPU: N PID: P Comm: C`, `Pid: P, comm: C`, `CPU: N` alone, tainted or not), or
 * the boot banner `Linux version X`. null for any other line.
 */
export function parseReleaseLine(
  message: string,
): { release: string; from: "stack dump" | "Linux version" } | null {
  const banner = LINUX_VERSION.exec(message);
  if (banner) return { release: banner[1]!, from: "Linux version" };
  const who = parseAllocatingTask(message);
  if (who) return who.release === null ? null : { release: who.release, from: "stack dump" };
  const cpu = CPU_ONLY_LINE.exec(message);
  if (!cpu) return null;
  const { release } = releaseIn(` ${cpu[1]}`);
  return release === null ? null : { release, from: "stack dump" };
}

const CPUSET_LINE = /(?:^|\s)cpuset=(\S*) mems_allowed=(\S*)\s*$/;

/** `<comm> cpuset=<name> mems_allowed=<list>` (up to 4.x, after the header). */
export function parseCpusetLine(message: string): { name: string; memsAllowed: string } | null {
  if (message.includes("oom-kill:")) return null;
  const m = CPUSET_LINE.exec(message);
  return m ? { name: m[1], memsAllowed: m[2] } : null;
}
