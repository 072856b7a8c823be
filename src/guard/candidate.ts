/**
 * A process as the guard sees it: the policy seam's neutral view plus what rules and a
 * safe kill need (start time, process group, command line, executable, cgroup). Pure.
 */

import { CAP_SYS_ADMIN_MASK, CAP_SYS_RAWIO_MASK } from "../kernel/constants.js";
import { MODERN_PF_KTHREAD } from "../live/parse-stat.js";
import type { LiveProcess } from "../live/read-process.js";
import { oomAdjFromScoreAdj } from "../policy/modern.js";
import { plainProcessView } from "../policy/plain-view.js";
import type { CandidateView } from "../policy/types.js";

export interface GuardCandidate {
  view: CandidateView;
  /** /proc/PID/stat field 22: with the pid, what names this process and no later one. */
  startTicks: bigint;
  /** The raw comm, as stat prints it (compared before signalling). */
  rawComm: string;
  ppid: number;
  pgrp: number;
  /** NUL-separated arguments joined with spaces; null when unread or unreadable. */
  cmdline: string | null;
  exe: string | null;
  /** The cgroup path (the v1 memory controller's line, else the v2 line). */
  cgroup: string | null;
}

/** Optional per-process files, read only when a rule or the scope needs them. */
export interface CandidateExtras {
  cmdline: string | null;
  exe: string | null;
  cgroup: string | null;
}

export const NO_EXTRAS: CandidateExtras = { cmdline: null, exe: null, cgroup: null };

export interface CandidateMachine {
  pageSizeBytes: number;
  userHz: number;
  /** PID 1 is the global init only in the initial PID namespace. */
  initialPidNs: boolean;
}

const PF_EXITING = 0x4;

const UTF8 = new TextDecoder();

/** A name read as latin1 (one character per byte) decoded as UTF-8 for display. */
function decodeName(latin1: string): string {
  return UTF8.decode(Uint8Array.from(latin1, (c) => c.charCodeAt(0)));
}

function kbToPages(kb: bigint, pageSizeBytes: number): bigint {
  return (kb * 1024n) / BigInt(pageSizeBytes);
}

/** A live process as the policy seam's view (rank's policy columns, the guard's choice). */
export function viewOfLiveProcess(p: LiveProcess, machine: CandidateMachine): CandidateView {
  const caps = p.status.capEff ?? 0n;
  const uids = p.status.uids;
  const mm = p.mm;
  return {
    pid: p.pid,
    tgid: p.pid,
    comm: decodeName(p.stat.comm),
    uid: uids?.[0] ?? 0,
    euid: uids?.[1] ?? uids?.[0] ?? 0,
    totalVmPages: mm === null ? 0n : mm.vsizeBytes / BigInt(machine.pageSizeBytes),
    rssPages: mm === null ? null : mm.rssPages,
    swapPages: mm === null ? null : kbToPages(mm.vmSwapKb, machine.pageSizeBytes),
    pgtablesPages: mm === null ? null : kbToPages(mm.vmPteKb, machine.pageSizeBytes),
    oomkilladj: oomAdjFromScoreAdj(p.oomScoreAdj),
    oomScoreAdj: p.oomScoreAdj,
    isInit: p.pid === 1 && machine.initialPidNs,
    isKthread: p.status.kthread ?? (p.stat.flags & MODERN_PF_KTHREAD) !== 0,
    hasMm: mm !== null,
    exiting: (p.stat.flags & PF_EXITING) !== 0 || p.stat.state === "Z" || p.stat.state === "X",
    memdie: false,
    cpusetOverlap: true,
    capSysAdmin: (caps & BigInt(CAP_SYS_ADMIN_MASK)) !== 0n,
    capSysRawio: (caps & BigInt(CAP_SYS_RAWIO_MASK)) !== 0n,
    nice: p.stat.nice,
    cpuTimeJiffies: p.stat.utimeTicks + p.stat.stimeTicks,
    startTimeSeconds: p.stat.startTicks / BigInt(machine.userHz),
    childrenTotalVmPages: null,
    swapoff: false,
    vforkChild: p.isVforkChild,
  };
}

export function candidateOfProcess(
  p: LiveProcess,
  machine: CandidateMachine,
  extras: CandidateExtras = NO_EXTRAS,
): GuardCandidate {
  return {
    view: viewOfLiveProcess(p, machine),
    startTicks: p.stat.startTicks,
    rawComm: p.stat.comm,
    ppid: p.stat.ppid,
    pgrp: p.stat.pgrp,
    ...extras,
  };
}

/**
 * A candidate with only what rules on names read (comm, cmdline, exe, cgroup), for the
 * first look before the full read; every other field is neutral.
 */
export function glanceCandidate(
  pid: number,
  rawComm: string | null,
  extras: CandidateExtras,
): GuardCandidate {
  const comm = rawComm === null ? "" : decodeName(rawComm);
  return {
    view: plainProcessView(pid, comm),
    startTicks: 0n,
    rawComm: rawComm ?? "",
    ppid: 0,
    pgrp: 0,
    ...extras,
  };
}
