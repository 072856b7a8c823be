/**
 * The view of a process of which little is known: its pid, its name and that it has an
 * mm. Every other field is neutral (no flags, adjustments 0) or unknown (null), for the
 * sources that fill in only what they saw: a replayed report's task table, the guard's
 * first look before a full read.
 */
import type { CandidateView } from "./types.js";

export function plainProcessView(pid: number, comm: string): CandidateView {
  return {
    pid,
    tgid: pid,
    comm,
    uid: -1,
    euid: -1,
    totalVmPages: 0n,
    rssPages: null,
    swapPages: null,
    pgtablesPages: null,
    oomkilladj: 0,
    oomScoreAdj: 0,
    isInit: pid === 1,
    isKthread: false,
    hasMm: true,
    exiting: false,
    memdie: false,
    cpusetOverlap: true,
    capSysAdmin: false,
    capSysRawio: false,
    nice: 0,
    cpuTimeJiffies: null,
    startTimeSeconds: null,
    childrenTotalVmPages: null,
    swapoff: false,
  };
}
