/**
 * The task dump (modern-oom §6.3). Column names come from the table's own header line, never
 * from a kernel version: `[ pid ]   uid  tgid total_vm      rss ... name`. A row is
 * `[<pid>]` followed by exactly as many integers as the header has numeric columns, then the
 * comm, which is the rest of the line (it may hold spaces, brackets, colons, parentheses).
 */
import type { TaskRow, TaskTable } from "./types.js";

export const TASKS_STATE_MARKER = "Tasks state (memory values in pages)";

const TABLE_HEADER = /\[\s*pid\s*\]((?:\s+[a-z_]{2,24})+)\s*$/;

/** Parses a table header line, or returns null when the line is not one. */
export function parseTableHeader(
  message: string,
  lineNo: number,
  tasksState: boolean,
): TaskTable | null {
  if (!message.includes("pid")) return null;
  const m = TABLE_HEADER.exec(message);
  if (!m) return null;
  const words = m[1].trim().split(/\s+/);
  if (words[words.length - 1] !== "name" || words.length < 2) return null;
  const bracket = m[0].slice(0, m[0].indexOf("]") + 1);
  return {
    line: lineNo,
    tasksState,
    widePid: /\[\s{2,}pid\s{2,}\]/.test(bracket),
    columns: words.slice(0, -1),
    rows: [],
  };
}

const ROW_START = /\[\s*(\d{1,10})\]\s+(?=-?\d)/;

export type RowResult =
  | { kind: "row"; row: TaskRow }
  | { kind: "damaged"; pid: number; reason: string }
  | { kind: "none" };

/** Whether the line looks like a task row at all (a `[pid]` followed by a number). */
export function looksLikeRow(message: string): boolean {
  return message.includes("]") && ROW_START.test(message);
}

/** Parses one row against the table's columns. */
export function parseTaskRow(message: string, lineNo: number, columns: string[]): RowResult {
  const m = ROW_START.exec(message);
  if (!m) return { kind: "none" };
  const pid = Number(m[1]);
  let pos = m.index + m[0].length;
  const values: Record<string, bigint> = {};
  for (let i = 0; i < columns.length; i++) {
    const num = /^-?\d{1,20}/.exec(message.slice(pos, pos + 24));
    if (!num) {
      return { kind: "damaged", pid, reason: `row for pid ${pid} has no value for ${columns[i]}` };
    }
    values[columns[i]] = BigInt(num[0]);
    pos += num[0].length;
    const gap = /^\s+/.exec(message.slice(pos, pos + 64));
    if (gap) pos += gap[0].length;
    else if (i < columns.length - 1 || pos < message.length) {
      return { kind: "damaged", pid, reason: `row for pid ${pid} is garbled after ${columns[i]}` };
    }
  }
  const comm = message.slice(pos).trimEnd();
  if (comm === "") return { kind: "damaged", pid, reason: `row for pid ${pid} has no name` };
  if (comm.endsWith("...>")) {
    return { kind: "damaged", pid, reason: `row for pid ${pid} was cut by a pager` };
  }
  return { kind: "row", row: { line: lineNo, pid, values, comm } };
}
