/**
 * What the guard tells: one record per decision and outcome, as JSON lines (snake_case
 * keys, bytes as numbers, points as decimal strings) and as one human line each. Pure.
 */

import { oneLine } from "../errors.js";
import type { RankedCandidate } from "./decide.js";
import type { Level, TriggerState } from "./triggers.js";
import { formatBytes } from "./triggers.js";

export type Signal = "SIGTERM" | "SIGKILL";

export interface VictimRecord {
  pid: number;
  comm: string;
  start_ticks: string;
  pgrp: number;
  uid: number;
  rss_bytes: number | null;
  oom_score_adj: number;
  points: string | null;
  rank: "preferred" | "normal" | "avoided";
  rules: string[];
  terms: { term: string; value: string; note: string }[];
  cmdline?: string | null;
  cgroup?: string | null;
}

export type GuardRecord =
  | {
      type: "start";
      time: string;
      pid: number;
      policy: string;
      dry_run: boolean;
      triggers: string[];
      scope: string;
      watch: string;
      /** Where Prometheus metrics are served, or null. */
      metrics: string | null;
    }
  | {
      type: "kill";
      time: string;
      level: Level;
      signal: Signal;
      dry_run: boolean;
      /** "process", "process group N", "cgroup PATH (N processes)". */
      target: string;
      triggers: TriggerState[];
      victim: VictimRecord;
      runners_up: { pid: number; comm: string; points: string | null; why: string }[];
      /** Candidates read in full and not excluded, counting from the victim. */
      candidates: number;
      excluded: number;
      /** Every process in scope, read in full or only glanced at (see the shortlist). */
      in_scope: number;
      policy: string;
    }
  | { type: "kill_failed"; time: string; pid: number; comm: string; why: string }
  | {
      type: "escalate";
      time: string;
      pid: number;
      comm: string;
      signal: "SIGKILL";
      after_ms: number;
      because: string;
    }
  | {
      type: "outcome";
      time: string;
      pid: number;
      comm: string;
      /** "exited after SIGTERM", "exited after SIGKILL", "still alive". */
      result: string;
      exit_ms: number | null;
      recovered_bytes: number | null;
      recovery_ms: number | null;
    }
  | { type: "pressure_passed"; time: string; pid: number; comm: string; triggers: TriggerState[] }
  | { type: "no_candidate"; time: string; level: Level; why: string }
  | { type: "kernel_oom_kill"; time: string; count: number; where: string }
  | {
      /** Shadow mode: the kernel OOM-killed; what the replay and the guard would have said. */
      type: "kernel_oom";
      time: string;
      uptime: string | null;
      constraint: string | null;
      kernel_victim: { pid: number; comm: string } | null;
      replay_predicted: { pid: number; comm: string } | null;
      replay_agrees: boolean | null;
      /** The guard's latest would-be victim of the same episode, or null if it never fired. */
      guard_victim: { pid: number; comm: string } | null;
      guard_agrees: boolean | null;
      /** How long before the kernel's kill the guard first would have acted. */
      guard_earlier_ms: number | null;
    }
  | { type: "warning"; time: string; message: string }
  | { type: "stop"; time: string; kills: number; polls: number; reason: string };

const TIER_NAMES = ["preferred", "normal", "avoided"] as const;

export function victimRecord(row: RankedCandidate, pageSizeBytes: number): VictimRecord {
  const c = row.candidate;
  const v = c.view;
  return {
    pid: v.pid,
    comm: v.comm,
    start_ticks: c.startTicks.toString(),
    pgrp: c.pgrp,
    uid: v.uid,
    rss_bytes: v.rssPages === null ? null : Number(v.rssPages) * pageSizeBytes,
    oom_score_adj: v.oomScoreAdj,
    points: row.points === null ? null : row.points.toString(),
    rank: TIER_NAMES[row.tier],
    rules: row.matched,
    terms: row.terms.map((t) => ({ term: t.term, value: t.value, note: t.note })),
    ...(c.cmdline === null ? {} : { cmdline: c.cmdline }),
    ...(c.cgroup === null ? {} : { cgroup: c.cgroup }),
  };
}

function who(pid: number, comm: string): string {
  return `${pid} (${oneLine(comm)})`;
}

function triggerText(states: readonly TriggerState[]): string {
  return states
    .filter((s) => s.level !== "n/a")
    .map((s) => `${s.value} [${s.level}]`)
    .join(", ");
}

/** One line for a person (no trailing newline). */
export function humanLine(r: GuardRecord): string {
  switch (r.type) {
    case "start":
      return `guard started (pid ${r.pid}): ${r.dry_run ? "dry run, " : ""}policy ${r.policy}, scope ${r.scope}, watching ${r.watch}; ${r.triggers.join("; ")}${r.metrics === null ? "" : `; metrics on http://${r.metrics}/metrics`}`;
    case "kill": {
      const v = r.victim;
      const rss = v.rss_bytes === null ? "rss unknown" : `rss ${formatBytes(v.rss_bytes)}`;
      const verb = r.dry_run ? `would send ${r.signal} to` : `sent ${r.signal} to`;
      const target = r.target === "process" ? "" : ` (${r.target})`;
      const next =
        r.runners_up.length === 0
          ? ""
          : `; next ${who(r.runners_up[0]!.pid, r.runners_up[0]!.comm)}: ${r.runners_up[0]!.why}`;
      return `${r.level.toUpperCase()}: ${triggerText(r.triggers)}; ${verb} ${who(v.pid, v.comm)}${target}, ${r.policy} points ${v.points ?? "-"}, ${rss}, oom_score_adj ${v.oom_score_adj}${v.rules.length > 0 ? `, ${v.rules.join(", ")}` : ""}; ${r.candidates} candidate(s) of ${r.in_scope} in scope${next}`;
    }
    case "kill_failed":
      return `could not signal ${who(r.pid, r.comm)}: ${r.why}; trying the next candidate`;
    case "escalate":
      return `${who(r.pid, r.comm)} still alive ${r.after_ms} ms after SIGTERM (${r.because}): sent SIGKILL`;
    case "outcome": {
      const exit = r.exit_ms === null ? "" : ` in ${r.exit_ms} ms`;
      const back =
        r.recovered_bytes === null
          ? ""
          : `; ${formatBytes(Math.max(0, r.recovered_bytes))} back${r.recovery_ms === null ? "" : ` ${r.recovery_ms} ms after the signal`}`;
      return `${who(r.pid, r.comm)} ${r.result}${exit}${back}`;
    }
    case "pressure_passed":
      return `pressure passed before ${who(r.pid, r.comm)} was signalled: ${triggerText(r.triggers)}`;
    case "no_candidate":
      return `${r.level.toUpperCase()} but nothing to kill: ${r.why}`;
    case "kernel_oom_kill":
      return `the kernel OOM-killed ${r.count} process(es) in ${r.where} before the guard acted`;
    case "kernel_oom": {
      const k = r.kernel_victim;
      const kernel = k === null ? "an unreadable victim" : who(k.pid, k.comm);
      const replay =
        r.replay_predicted === null
          ? "the report's table predicts nothing"
          : `the report's table predicts ${who(r.replay_predicted.pid, r.replay_predicted.comm)}`;
      const guard =
        r.guard_victim === null
          ? "the guard's triggers had not fired: it would not have acted first"
          : `the guard would have chosen ${who(r.guard_victim.pid, r.guard_victim.comm)} (${r.guard_agrees ? "agrees" : "DIFFERS"}), ${r.guard_earlier_ms} ms earlier`;
      return `kernel OOM kill${r.constraint === null ? "" : ` (${r.constraint})`}: ${kernel}; ${replay}; ${guard}`;
    }
    case "warning":
      return `warning: ${r.message}`;
    case "stop":
      return `guard stopped (${r.reason}): ${r.kills} kill(s), ${r.polls} poll(s)`;
  }
}

/** A record as one JSON line, with bigints already strings. */
export function jsonLine(r: GuardRecord): string {
  return JSON.stringify(r);
}
