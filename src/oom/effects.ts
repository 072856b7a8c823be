/**
 * What the OOM path does to the world during one call: log lines and the changes to
 * tasks. `out_of_memory()` and its helpers write here; the result is read from here.
 */

import type { LogLevel, LogLine } from "./result.js";
import { ATTR_MEMDIE, type OomState } from "./state.js";
import type { OomStep, OomTraceEntry } from "./trace.js";

export class OomEffects {
  readonly log: LogLine[] = [];
  readonly sigkill: number[] = [];
  readonly memdie: number[] = [];
  readonly timeSlice: { pid: number; value: number }[] = [];
  /** Everything above, and the steps, in the order the kernel did it. */
  readonly trace: OomTraceEntry[] = [];
  /** The open oom_kill_process() step, which collects the signals and TIF_MEMDIE bits. */
  private kill: (OomStep & { step: "kill" }) | null = null;

  constructor(private readonly s: OomState) {}

  printk(level: LogLevel, text: string): void {
    const line = { level, text };
    this.log.push(line);
    this.trace.push({ kind: "log", line });
  }

  /** Records a step as it is taken; the returned entry may still be completed. */
  step<S extends OomStep>(step: S): { kind: "step" } & S {
    const entry = { kind: "step" as const, ...step };
    this.trace.push(entry);
    if (entry.step === "kill") this.kill = entry as { kind: "step" } & OomStep & { step: "kill" };
    return entry;
  }

  /** `WARN_ON(1)`: the BUG line at the default level, then a stack dump. */
  warnOn(line: number, fn: string): void {
    this.printk("default", `BUG: at mm/oom_kill.c:${line} ${fn}()`);
    this.printk("placeholder", "dump_stack()");
  }

  /** `force_sig(SIGKILL, p)`. */
  forceSigkill(i: number): void {
    const pid = this.s.tasks.pid[i]!;
    this.sigkill.push(pid);
    this.kill?.sigkill.push(pid);
    this.trace.push({ kind: "sigkill", pid });
  }

  setMemdie(i: number): void {
    const pid = this.s.tasks.pid[i]!;
    this.s.tasks.memdie[i] = 1;
    this.s.tasks.attrs[i]! |= ATTR_MEMDIE;
    this.memdie.push(pid);
    this.trace.push({ kind: "memdie", pid });
    if (this.kill !== null) {
      this.kill.memdie.push(pid);
      // The first task given TIF_MEMDIE is the one __oom_kill_task() killed.
      if (this.kill.pid === null) {
        this.kill.pid = pid;
        this.kill.child = pid !== this.kill.selected;
      }
    }
  }

  setTimeSlice(i: number, value: number): void {
    const pid = this.s.tasks.pid[i]!;
    this.timeSlice.push({ pid, value });
    this.trace.push({ kind: "time_slice", pid, value });
  }

  /** The list that the `badness()` calls of the select step just taken go to. */
  badnessCalls(): { pid: number; points: bigint }[] {
    const calls: { pid: number; points: bigint }[] = [];
    this.trace.push({ kind: "badness", calls });
    return calls;
  }
}
