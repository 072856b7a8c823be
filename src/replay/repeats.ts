/**
 * Reports that a log holds twice: a log concatenated with itself, rotated files that overlap
 * (copytruncate), a capture pasted twice. A report is a repeat of one seen before when it has
 * the same host, the same kernel timestamp (the uptime stamp, else the wall-clock one), the
 * same victim (pid and comm) and the same report text. A report without any timestamp is
 * never taken for a repeat: two identical reports could then be two OOM kills.
 */
import type { Replay } from "./analyse.js";

export class RepeatFilter {
  private readonly seen = new Set<string>();
  /** How many repeats `isRepeat` has found. */
  dropped = 0;

  /** True (and counted) when `r` repeats a report seen before; else remembers `r`. */
  isRepeat(r: Replay): boolean {
    const e = r.event;
    const stamp = e.uptime ?? e.time;
    if (stamp === null) return false;
    const key = [
      e.host ?? "",
      stamp,
      r.actual?.pid ?? "",
      r.actual?.comm ?? "",
      e.messages.join("\n"),
    ].join("\u0000");
    if (this.seen.has(key)) {
      this.dropped++;
      return true;
    }
    this.seen.add(key);
    return false;
  }
}
