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
const TAINT = / (?:Not tainted|Tainted: [A-Z ]*?)\s+(\d+\.\d+\S*)/;

/** The stack dump's first line: who allocated, and on which kernel release. */
export function parseAllocatingTask(message: string): AllocatingTask | null {
  const cpu = CPU_LINE.exec(message);
  const old = cpu ? null : PID_LINE.exec(message);
  if (!cpu && !old) return null;
  const pid = int(cpu ? cpu[2] : old![1]);
  if (pid === null) return null;
  let rest = cpu ? cpu[3] : old![2];
  const taint = TAINT.exec(rest);
  let release: string | null = null;
  if (taint) {
    release = taint[1];
    rest = rest.slice(0, taint.index);
  } else {
    const cut = rest.search(/ (?:Not tainted|Tainted:)/);
    if (cut >= 0) rest = rest.slice(0, cut);
  }
  return { pid, comm: rest.trimEnd(), release, hasUid: cpu !== null && cpu[1] !== undefined };
}

const CPUSET_LINE = /(?:^|\s)cpuset=(\S*) mems_allowed=(\S*)\s*$/;

/** `<comm> cpuset=<name> mems_allowed=<list>` (up to 4.x, after the header). */
export function parseCpusetLine(message: string): { name: string; memsAllowed: string } | null {
  if (message.includes("oom-kill:")) return null;
  const m = CPUSET_LINE.exec(message);
  return m ? { name: m[1], memsAllowed: m[2] } : null;
}
