/**
 * `oomkit replay --brief`: one line per OOM event, where it is, when, the constraint, the
 * kernel's victim, the predicted victim and whether they agree. With `--json`, the same as
 * one JSON object per line.
 */
import type { Replay, TaskRef } from "../replay/analyse.js";

function ref(t: TaskRef | null): string {
  return t === null ? "none" : `${t.pid} (${t.comm})`;
}

/** `agree`, `DIFFERS`, or `unchecked` when either victim is unknown. */
export function verdictOf(r: Replay): "agree" | "DIFFERS" | "unchecked" {
  return r.match === null ? "unchecked" : r.match ? "agree" : "DIFFERS";
}

/**
 * `kern.log:1203  Nov 28 23:54:31  host web1  CONSTRAINT_NONE  victim 2401 (worker)
 * predicted 2401 (worker)  agree`, on one line; `incomplete` at the end for a damaged report.
 */
export function replayToBrief(r: Replay): string {
  const e = r.event;
  const fields = [
    e.file === null ? `line ${e.firstLine}` : `${e.file}:${e.firstLine}`,
    e.time ?? (e.uptime === null ? "-" : `[${e.uptime}]`),
  ];
  if (e.host) fields.push(`host ${e.host}`);
  fields.push(
    r.total.constraint,
    `victim ${ref(r.actual)}`,
    `predicted ${ref(r.predicted)}`,
    verdictOf(r),
  );
  if (!r.complete) fields.push("incomplete");
  return `${fields.join("  ")}\n`;
}

export function replayToBriefJson(r: Replay): string {
  const e = r.event;
  return `${JSON.stringify({
    index: e.index,
    file: e.file,
    line: e.firstLine,
    time: e.time,
    uptime: e.uptime,
    host: e.host,
    constraint: r.total.constraint,
    actual: r.actual,
    predicted: r.predicted,
    match: r.match,
    complete: r.complete,
  })}\n`;
}
