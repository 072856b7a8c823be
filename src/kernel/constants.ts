/**
 * Constants of Linux 2.6.20 that the OOM path reads (docs/oom-path.md §12, docs/formats.md §2.7).
 */

export const OOM_DISABLE = -17;
export const OOM_ADJUST_MIN = -16;
export const OOM_ADJUST_MAX = 15;

export const PF_EXITING = 0x4;
export const PF_FORKNOEXEC = 0x40;
export const PF_SUPERPRIV = 0x100;
export const PF_SIGNALED = 0x400;
export const PF_MEMALLOC = 0x800;
export const PF_NOFREEZE = 0x8000;
export const PF_KSWAPD = 0x40000;
export const PF_SWAPOFF = 0x80000;

/** `task->flags` bits by name. Only PF_EXITING and PF_SWAPOFF change the OOM path. */
export const PF_FLAGS: Readonly<Record<string, number>> = {
  PF_ALIGNWARN: 0x1,
  PF_STARTING: 0x2,
  PF_EXITING,
  PF_FORKNOEXEC,
  PF_SUPERPRIV,
  PF_DUMPCORE: 0x200,
  PF_SIGNALED,
  PF_MEMALLOC,
  PF_FLUSHER: 0x1000,
  PF_USED_MATH: 0x2000,
  PF_NOFREEZE,
  PF_FROZEN: 0x10000,
  PF_FSTRANS: 0x20000,
  PF_KSWAPD,
  PF_SWAPOFF,
  PF_LESS_THROTTLE: 0x100000,
  PF_BORROWED_MM: 0x200000,
  PF_RANDOMIZE: 0x400000,
  PF_SWAPWRITE: 0x800000,
  PF_SPREAD_PAGE: 0x1000000,
  PF_SPREAD_SLAB: 0x2000000,
  PF_MEMPOLICY: 0x10000000,
  PF_MUTEX_TESTER: 0x20000000,
};

/**
 * Thread-info flag names (the union of i386 and x86_64). Bit positions differ between
 * the architectures and only TIF_MEMDIE matters here, so the model keeps names, not bits.
 */
export const TIF_NAMES: readonly string[] = [
  "TIF_SYSCALL_TRACE",
  "TIF_NOTIFY_RESUME",
  "TIF_SIGPENDING",
  "TIF_NEED_RESCHED",
  "TIF_SINGLESTEP",
  "TIF_IRET",
  "TIF_SYSCALL_EMU",
  "TIF_SYSCALL_AUDIT",
  "TIF_SECCOMP",
  "TIF_RESTORE_SIGMASK",
  "TIF_IA32",
  "TIF_FORK",
  "TIF_ABI_PENDING",
  "TIF_MEMDIE",
  "TIF_DEBUG",
  "TIF_IO_BITMAP",
  "TIF_FREEZE",
];

/** Capability bit numbers. */
export const CAPABILITIES: Readonly<Record<string, number>> = {
  CAP_CHOWN: 0,
  CAP_DAC_OVERRIDE: 1,
  CAP_DAC_READ_SEARCH: 2,
  CAP_FOWNER: 3,
  CAP_FSETID: 4,
  CAP_KILL: 5,
  CAP_SETGID: 6,
  CAP_SETUID: 7,
  CAP_SETPCAP: 8,
  CAP_LINUX_IMMUTABLE: 9,
  CAP_NET_BIND_SERVICE: 10,
  CAP_NET_BROADCAST: 11,
  CAP_NET_ADMIN: 12,
  CAP_NET_RAW: 13,
  CAP_IPC_LOCK: 14,
  CAP_IPC_OWNER: 15,
  CAP_SYS_MODULE: 16,
  CAP_SYS_RAWIO: 17,
  CAP_SYS_CHROOT: 18,
  CAP_SYS_PTRACE: 19,
  CAP_SYS_PACCT: 20,
  CAP_SYS_ADMIN: 21,
  CAP_SYS_BOOT: 22,
  CAP_SYS_NICE: 23,
  CAP_SYS_RESOURCE: 24,
  CAP_SYS_TIME: 25,
  CAP_SYS_TTY_CONFIG: 26,
  CAP_MKNOD: 27,
  CAP_LEASE: 28,
  CAP_AUDIT_WRITE: 29,
  CAP_AUDIT_CONTROL: 30,
};
/**
 * The mask of named bits, for names a validated document gave (capability names are bit
 * numbers, flag names bit values). An unknown name is a bug upstream, never bit 0.
 */
export function maskOfNames(
  names: readonly string[],
  table: Readonly<Record<string, number>>,
  kind: "capability" | "flag",
): number {
  let mask = 0;
  for (const name of names) {
    const v = Object.hasOwn(table, name) ? table[name]! : undefined;
    if (v === undefined) throw new RangeError(`unknown ${kind} name ${name}`);
    mask |= kind === "capability" ? 2 ** v : v;
  }
  return mask >>> 0;
}

/** The capability mask of CAP_* names. */
export function capabilityMask(names: readonly string[]): number {
  return maskOfNames(names, CAPABILITIES, "capability");
}

/** The task->flags mask of PF_* names. */
export function pfMask(names: readonly string[]): number {
  return maskOfNames(names, PF_FLAGS, "flag");
}

export const CAP_SYS_RAWIO_MASK = 1 << 17;
export const CAP_SYS_ADMIN_MASK = 1 << 21;
/** The effective set of an ordinary root process: everything but CAP_SETPCAP. */
export const ROOT_CAP_EFFECTIVE = 0xfffffeff;

export { __GFP_HARDWALL, __GFP_THISNODE, GFP_BITS, gfpComposites } from "./gfp.js";

/** `select_bad_process` limits of `pid_max` (docs/formats.md §2.4). */
export function pidMaxLimit(bits: 32 | 64): number {
  return bits === 32 ? 32768 : 4194304;
}

/** The three `message` arguments of `oom_kill_process` (docs/oom-path.md §11). */
export const MSG_OUT_OF_MEMORY = "Out of memory";
export const MSG_MPOL_BIND = "No available memory (MPOL_BIND)";
export const MSG_CPUSET = "No available memory in cpuset";

export const PANIC_ON_OOM = "out of memory. panic_on_oom is selected";
export const PANIC_NO_KILLABLE = "Out of memory and no killable processes...";

/** `SHIFT_HZ` of linux/jiffies.h (docs/oom-path.md §5.2); HZ outside 12..1535 does not build. */
export function shiftHz(hz: number): number {
  if (hz < 12 || hz > 1535) throw new RangeError(`HZ ${hz} is outside 12..1535`);
  if (hz < 24) return 4;
  if (hz < 48) return 5;
  if (hz < 96) return 6;
  if (hz < 192) return 7;
  if (hz < 384) return 8;
  if (hz < 768) return 9;
  return 10;
}
