/**
 * A live process as the modern policy's input (modern-oom §4.1, §4.2).
 */
import type { ModernTask } from "../policy/modern.js";
import { MODERN_PF_KTHREAD } from "./parse-stat.js";
import { displayName } from "./procfs.js";
import type { LiveMachine } from "./read-machine.js";
import type { LiveProcess } from "./read-process.js";

const CAP_SYS_ADMIN_BIT = 21n;

/** kB -> pages, exact when the kB value is a whole number of pages (always true here). */
function kbToPages(kb: bigint, pageSizeBytes: number): bigint {
  return (kb * 1024n) / BigInt(pageSizeBytes);
}

export function isKernelThread(p: LiveProcess): boolean {
  if (p.status.kthread !== null) return p.status.kthread;
  return (p.stat.flags & MODERN_PF_KTHREAD) !== 0;
}

export function toModernTask(
  p: LiveProcess,
  machine: Pick<LiveMachine, "pageSizeBytes" | "initialPidNs">,
): ModernTask {
  const capEff = p.status.capEff ?? 0n;
  return {
    pid: p.pid,
    comm: displayName(p.stat.comm),
    rssPages: p.mm?.rssPages ?? 0n,
    swapPages: kbToPages(p.mm?.vmSwapKb ?? 0n, machine.pageSizeBytes),
    pgtablesPages: kbToPages(p.mm?.vmPteKb ?? 0n, machine.pageSizeBytes),
    oomScoreAdj: p.oomScoreAdj,
    isInit: p.pid === 1 && machine.initialPidNs,
    isKthread: isKernelThread(p),
    hasMm: p.mm !== null,
    isVforkChild: p.isVforkChild,
    hasCapSysAdmin: ((capEff >> CAP_SYS_ADMIN_BIT) & 1n) === 1n,
  };
}
