/**
 * Kernel log text from result log lines (docs/oom-path.md §11): each line carries the `<N>` tag
 * the kernel gives it; a line printed without a level gets the default level 4.
 */

import type { LogLevel, LogLine } from "../oom/result.js";

const LEVEL_TAG: Readonly<Record<Exclude<LogLevel, "placeholder">, number>> = {
  KERN_EMERG: 0,
  KERN_ERR: 3,
  KERN_WARNING: 4,
  default: 4,
};

/** What stands in for output the model does not reproduce, with the level it would carry. */
const PLACEHOLDERS: Readonly<Record<string, { level: number; text: string }>> = {
  "dump_stack()": { level: 4, text: "Call Trace: [stack dump of current, not modelled]" },
  "show_mem()": { level: 6, text: "Mem-info: [memory report, not modelled]" },
};

export interface KernelLogOptions {
  /** Prefix each line with its `<N>` level tag (default true). */
  levels?: boolean;
  /** Print stand-ins for the stack dump and memory report (default true). */
  placeholders?: boolean;
  /** A `[seconds.micro] ` prefix per line, as with printk_time. */
  timestamp?: string;
}

export function kernelLogLines(
  lines: readonly LogLine[],
  options: KernelLogOptions = {},
): string[] {
  const levels = options.levels ?? true;
  const placeholders = options.placeholders ?? true;
  const out: string[] = [];
  for (const line of lines) {
    let level: number;
    let text: string;
    if (line.level === "placeholder") {
      if (!placeholders) continue;
      const stand = PLACEHOLDERS[line.text] ?? { level: 4, text: `[${line.text}]` };
      level = stand.level;
      text = stand.text;
    } else {
      level = LEVEL_TAG[line.level];
      text = line.text;
    }
    const stamp = options.timestamp ?? "";
    out.push(levels ? `<${level}>${stamp}${text}` : `${stamp}${text}`);
  }
  return out;
}
