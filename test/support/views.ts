/** Candidate views for policy tests: an ordinary user process, changed field by field. */
import type { CandidateView, PolicyContext } from "../../src/policy/types.js";

export function view(over: Partial<CandidateView> = {}): CandidateView {
  return {
    pid: 100,
    tgid: over.pid ?? 100,
    comm: "app",
    uid: 1000,
    euid: 1000,
    totalVmPages: 1000n,
    rssPages: 500n,
    swapPages: 0n,
    pgtablesPages: 0n,
    oomkilladj: 0,
    oomScoreAdj: 0,
    isInit: false,
    isKthread: false,
    hasMm: true,
    exiting: false,
    memdie: false,
    cpusetOverlap: true,
    capSysAdmin: false,
    capSysRawio: false,
    nice: 0,
    cpuTimeJiffies: 0n,
    startTimeSeconds: 0n,
    childrenTotalVmPages: [],
    swapoff: false,
    ...over,
  };
}

export function context(over: Partial<PolicyContext> = {}): PolicyContext {
  return {
    bits: 64,
    hz: 250,
    uptimeSeconds: 0n,
    totalPages: 1_000_000n,
    current: -1,
    ...over,
  };
}
