/**
 * `printk_ratelimit()` of 2.6.20 (docs/oom-path.md §7.2): one token bucket shared by every
 * rate-limited message of the kernel: the OOM report header and the page allocation
 * failure warning among them (quirk Q17).
 */

/** The line the limiter logs (KERN_WARNING) before the first message it lets through. */
export function printkSuppressedLine(missed: number): string {
  return `printk: ${missed} messages suppressed.`;
}

export class PrintkRatelimit {
  /** `toks`: ulong, starts at 10 * 5 * HZ whatever the sysctls say. */
  toks: number;
  /** `last_msg`: ulong jiffies of the previous call. */
  lastMsg = 0;
  /** `missed`: calls refused since the last one that passed. */
  missed = 0;
  /**
   * After a call that returned true: how many messages were suppressed before it (the
   * caller logs `printkSuppressedLine(n)` first when this is non-zero); 0 otherwise.
   */
  reportMissed = 0;
  private readonly modulus: number;

  /**
   * @param intervalJiffies `printk_ratelimit_jiffies` (default 5 * HZ)
   * @param burst `printk_ratelimit_burst` (default 10)
   */
  constructor(
    hz: number,
    readonly bits: 32 | 64,
    readonly intervalJiffies: number = 5 * hz,
    readonly burst: number = 10,
  ) {
    this.toks = 10 * 5 * hz;
    this.modulus = bits === 32 ? 2 ** 32 : 2 ** 64;
  }

  /**
   * `__printk_ratelimit(interval, burst)` at `jiffies == nowJiffies`: true when the
   * message may be printed.
   */
  allow(nowJiffies: number): boolean {
    // toks += now - last_msg, both ulong differences. Jiffies never go backwards, so on
    // 64 bits the difference is a small non-negative number; on 32 bits it wraps.
    let diff = nowJiffies - this.lastMsg;
    if (diff < 0) diff += this.modulus;
    let toks = this.toks + diff;
    if (this.bits === 32 && toks >= this.modulus) toks -= this.modulus;
    this.lastMsg = nowJiffies;
    const cap = this.burst * this.intervalJiffies;
    if (toks > cap) toks = cap;
    if (toks >= this.intervalJiffies) {
      this.reportMissed = this.missed;
      this.missed = 0;
      this.toks = toks - this.intervalJiffies;
      return true;
    }
    this.toks = toks;
    this.reportMissed = 0;
    this.missed++;
    return false;
  }
}
