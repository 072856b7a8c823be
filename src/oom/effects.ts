/**
 * What the OOM path does to the world during one call: log lines and the changes to
 * tasks. `out_of_memory()` and its helpers write here; the result is read from here.
 */

import type { LogLevel, LogLine } from "./result.js";
import { ATTR_MEMDIE, type OomState } from "./state.js";

export class OomEffects {
  readonly log: LogLine[] = [];
  readonly sigkill: number[] = [];
  readonly memdie: number[] = [];
  readonly timeSlice: { pid: number; value: number }[] = [];

  constructor(private readonly s: OomState) {}

  printk(level: LogLevel, text: string): void {
    this.log.push({ level, text });
  }

  /** `WARN_ON(1)`: the BUG line at the default level, then a stack dump. */
  warnOn(line: number, fn: string): void {
    this.printk("default", `BUG: at mm/oom_kill.c:${line} ${fn}()`);
    this.printk("placeholder", "dump_stack()");
  }

  /** `force_sig(SIGKILL, p)`. */
  forceSigkill(i: number): void {
    this.sigkill.push(this.s.tasks.pid[i]!);
  }

  setMemdie(i: number): void {
    this.s.tasks.memdie[i] = 1;
    this.s.tasks.attrs[i]! |= ATTR_MEMDIE;
    this.memdie.push(this.s.tasks.pid[i]!);
  }

  setTimeSlice(i: number, value: number): void {
    this.timeSlice.push({ pid: this.s.tasks.pid[i]!, value });
  }
}
