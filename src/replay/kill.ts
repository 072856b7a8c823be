/**
 * The end of a report (modern-oom §6.4): the `oom-kill:` summary, the line naming the selected
 * task before 5.1 (`kill process .. score .. or a child`, `.. and children.`, `.. or sacrifice
 * child`), the `Killed process` line in each era's form (RHEL6/RHEL7 included), the oom_reaper
 * line, the memcg group-kill line and the no-victim line.
 *
 * A comm may itself contain parentheses, so it is taken from the first `(` after the pid to
 * the last `)` that the rest of the line allows.
 */
import type { KilledLine, OomSummary, ReaperLine, SelectLine } from "./types.js";

function pidOf(text: string): number | null {
  if (!/^\d{1,10}$/.test(text)) return null;
  const n = Number(text);
  return n <= 0x7fffffff ? n : null;
}

/** `oom-kill:constraint=..,nodemask=..,cpuset=..,mems_allowed=..,oom_memcg=..,task=..,pid=..,uid=..` */
export function parseSummary(message: string, lineNo: number): OomSummary | null {
  const at = message.indexOf("oom-kill:constraint=");
  if (at < 0) return null;
  const summary: OomSummary = {
    line: lineNo,
    constraint: null,
    nodemask: null,
    cpuset: null,
    memsAllowed: null,
    globalOom: false,
    oomMemcg: null,
    taskMemcg: null,
    task: null,
    pid: null,
    uid: null,
  };
  const body = message.slice(at + "oom-kill:".length);
  // task= holds a comm, which may contain commas: it runs up to ",pid=<digits>".
  const task = /(?:^|,)task=(.*),pid=(\d{1,10})(?:,uid=(\d{1,10}))?/.exec(body);
  const head = task ? body.slice(0, task.index) : body;
  if (task) {
    summary.task = task[1];
    summary.pid = pidOf(task[2]);
    summary.uid = task[3] === undefined ? null : BigInt(task[3]);
  }
  for (const field of head.split(",")) {
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).trim();
    const value = eq < 0 ? "" : field.slice(eq + 1);
    switch (key) {
      case "constraint":
        summary.constraint = value;
        break;
      case "nodemask":
        summary.nodemask = value;
        break;
      case "cpuset":
        summary.cpuset = value;
        break;
      case "mems_allowed":
        summary.memsAllowed = value;
        break;
      case "global_oom":
        summary.globalOom = true;
        break;
      case "oom_memcg":
        summary.oomMemcg = value;
        break;
      case "task_memcg":
        summary.taskMemcg = value;
        break;
    }
  }
  return summary;
}

const SELECT =
  /\b[Kk]ill process (\d{1,10}) \((.*)\) score (-?\d{1,20}) (or a child|and children\.?|or sacrifice child)\s*$/;

/** The selected task before 5.1: `<msg>: kill process N (comm) score S or a child` etc. */
export function parseSelectLine(message: string, lineNo: number): SelectLine | null {
  if (!message.includes("ill process ")) return null;
  const m = SELECT.exec(message);
  if (!m) return null;
  const pid = pidOf(m[1]);
  if (pid === null) return null;
  const tail = m[4];
  return {
    line: lineNo,
    message: messageBefore(message, m.index),
    pid,
    comm: m[2],
    score: BigInt(m[3]),
    form: tail.startsWith("or a")
      ? "or-a-child"
      : tail.startsWith("and")
        ? "and-children"
        : "sacrifice-child",
  };
}

function messageBefore(message: string, index: number): string {
  const before = message.slice(0, index).trim();
  return before.endsWith(":") ? before.slice(0, -1).trim() : before;
}

const KB = (name: string) => new RegExp(`\\b${name}:(\\d{1,20})kB`);
const TOTAL_VM = KB("total-vm");
const ANON_RSS = KB("anon-rss");
const FILE_RSS = KB("file-rss");
const SHMEM_RSS = KB("shmem-rss");
const PGTABLES = KB("pgtables");
const ADJ = /\boom_score_adj:(-?\d{1,5})\b/;
const UID_NEW = /\bUID:(\d{1,10})\b/;

const KILLED_RHEL6 = /Killed process (\d{1,10}), UID (\d{1,10}), \((.*)\) total-vm:/;
const KILLED_RHEL7 = /Killed process (\d{1,10}) \((.*)\), UID (\d{1,10}), total-vm:/;
const KILLED_STATS = /Killed process (\d{1,10}) \((.*)\),? total-vm:/;
const KILLED_PLAIN = /Killed process (\d{1,10}) \((.*)\)(\.?)\s*$/;
const KILLED_PID = /Killed process (\d{1,10})\b/;

function kb(re: RegExp, text: string): bigint | null {
  const m = re.exec(text);
  return m ? BigInt(m[1]) : null;
}

interface KilledHead {
  pid: string;
  comm: string | null;
  uid: bigint | null;
  form: KilledLine["form"];
}

/** The pid, comm, uid and form of a kill line, trying the most specific form first. */
function killedHead(message: string): KilledHead | null {
  let m = KILLED_RHEL6.exec(message);
  if (m) return { pid: m[1], uid: BigInt(m[2]), comm: m[3], form: "rhel6" };
  m = KILLED_RHEL7.exec(message);
  if (m) return { pid: m[1], comm: m[2], uid: BigInt(m[3]), form: "rhel7" };
  m = KILLED_STATS.exec(message);
  if (m) {
    const newUid = UID_NEW.exec(message);
    const form = newUid ? "uid" : SHMEM_RSS.test(message) ? "shmem-rss" : "total-vm";
    return { pid: m[1], comm: m[2], uid: newUid ? BigInt(newUid[1]) : null, form };
  }
  m = KILLED_PLAIN.exec(message);
  if (m) return { pid: m[1], comm: m[2], uid: null, form: m[3] === "." ? "plain-dot" : "plain" };
  m = KILLED_PID.exec(message);
  if (m) return { pid: m[1], comm: null, uid: null, form: "damaged" };
  return null;
}

/** `Killed process N (comm) ...` in any era's form; a cut line keeps what it can. */
export function parseKilledLine(message: string, lineNo: number): KilledLine | null {
  const at = message.indexOf("Killed process ");
  if (at < 0) return null;
  const head = killedHead(message);
  if (head === null) return null;
  const { pid, comm, uid, form } = head;
  const pidNum = pidOf(pid);
  if (pidNum === null) return null;
  const adj = ADJ.exec(message);
  return {
    line: lineNo,
    message: at > 0 ? messageBefore(message, at) : null,
    pid: pidNum,
    comm,
    uid,
    totalVmKb: kb(TOTAL_VM, message),
    anonRssKb: kb(ANON_RSS, message),
    fileRssKb: kb(FILE_RSS, message),
    shmemRssKb: kb(SHMEM_RSS, message),
    pgtablesKb: kb(PGTABLES, message),
    oomScoreAdj: adj ? Number(adj[1]) : null,
    form,
  };
}

const REAPED = /oom_reaper: reaped process (\d{1,10}) \((.*)\), now anon-rss:/;
const UNABLE = /oom_reaper: unable to reap pid:(\d{1,10}) \((.*)\)\s*$/;

export function parseReaperLine(message: string, lineNo: number): ReaperLine | null {
  if (!message.includes("oom_reaper: ")) return null;
  const reaped = REAPED.exec(message);
  const m = reaped ?? UNABLE.exec(message);
  if (!m) return null;
  const pid = pidOf(m[1]);
  return pid === null ? null : { line: lineNo, pid, comm: m[2], reaped: reaped !== null };
}

const GROUP = /\bTasks in (.+) are going to be killed due to memory\.oom\.group set/;

export function parseGroupKill(message: string): string | null {
  if (!message.includes("memory.oom.group")) return null;
  const m = GROUP.exec(message);
  return m ? m[1] : null;
}

export function isNoKillable(message: string): boolean {
  return message.includes("Out of memory and no killable processes");
}

export function parsePanic(message: string): string | null {
  const at = message.indexOf("Kernel panic - not syncing: ");
  return at < 0 ? null : message.slice(at + "Kernel panic - not syncing: ".length).trim();
}

/** "Kill process N (comm) sharing same memory" (2.6.36 .. 5.0): informational only. */
export function isSharingLine(message: string): boolean {
  return message.includes(") sharing same memory");
}
