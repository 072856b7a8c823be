/**
 * The guard's loop: poll, evaluate the triggers, choose, re-check, signal, follow the
 * victim until it has exited and its memory is back, escalate to SIGKILL when a SIGTERM
 * was not enough. Pure: time, reads and signals go through `GuardPorts`, so tests drive
 * it with a fake clock, fake trees and a recording signal sender.
 */

import type { PolicyContext, VictimPolicy } from "../policy/types.js";
import type { GuardCandidate } from "./candidate.js";
import { type Decision, decide, type RankedCandidate, whyLost } from "./decide.js";
import { type IntervalConfig, nextIntervalMs } from "./interval.js";
import type { KernelKill } from "./kernel-watch.js";
import type { Reading } from "./readings.js";
import { type GuardRecord, type Signal, victimRecord } from "./records.js";
import type { Rule } from "./rules.js";
import {
  type Evaluation,
  evaluate,
  type Level,
  NO_PRESSURE,
  type PressureClock,
  type TriggerConfig,
} from "./triggers.js";

export type Scope = "process" | "process-group" | "cgroup";

export interface GuardSettings {
  triggers: TriggerConfig;
  interval: IntervalConfig;
  policy: VictimPolicy;
  rules: readonly Rule[];
  scope: Scope;
  dryRun: boolean;
  /** How long a SIGTERM'd victim may live before SIGKILL. */
  termTimeoutMs: number;
  /** How long after a SIGKILL to wait for the exit before giving up on it. */
  killTimeoutMs: number;
  /** After the exit, how long to wait for memory to come back before the next kill. */
  recoveryTimeoutMs: number;
  /** Stop after this many kills (or would-be kills); Infinity for a daemon. */
  maxKills: number;
  /** Shadow mode: never signal (as a dry run), and compare with the kernel's own kills. */
  shadow?: boolean;
}

/** A shadow guard compares a kernel kill with its last would-be kill this recent. */
const SHADOW_WINDOW_MS = 60_000;

/** A process as identified right before a signal. */
export interface Identity {
  startTicks: bigint;
  rawComm: string;
  state: string;
}

export type SignalResult = "sent" | "gone" | "denied" | { error: string };

export type SignalTarget = { kind: "process"; pid: number } | { kind: "group"; pgrp: number };

export interface CandidateList {
  candidates: GuardCandidate[];
  /** Processes in scope, of which `candidates` were read in full (a shortlist may read fewer). */
  inScope: number;
  ctx: PolicyContext;
  protectedPids: ReadonlySet<number>;
  pageSizeBytes: number;
}

export interface GuardPorts {
  /** Milliseconds on a clock that never goes back. */
  now(): number;
  /** Wall-clock time for records. */
  timestamp(): string;
  /** Sleeps, or returns early when the guard is being stopped. */
  sleep(ms: number): Promise<void>;
  read(): Promise<Reading>;
  /** The processes in scope; `reading` is the poll's own, for the totals a score needs. */
  list(reading?: Reading): Promise<CandidateList>;
  identify(pid: number): Promise<Identity | null>;
  signal(target: SignalTarget, signal: Signal): Promise<SignalResult>;
  /** Why the guard should stop now (SIGINT, SIGTERM, --duration, a test), or null. */
  stopping(): string | null;
  /** Hears every poll's reading, its evaluation and how long the read took (metrics). */
  observe?(reading: Reading, evaluation: Evaluation, readMs: number): void;
  /**
   * Runs the operator's command before a signal (`pre-kill`, awaited) or after the
   * outcome (`post-kill`), with the victim described in `env`.
   */
  hook?(when: "pre-kill" | "post-kill", env: Readonly<Record<string, string>>): Promise<void>;
  /** The kernel's OOM kills reported since the last call (shadow mode). */
  kernelKills?(): Promise<KernelKill[]>;
}

/** The environment a pre-kill or post-kill command sees. */
export function hookEnv(
  c: GuardCandidate,
  signal: Signal,
  level: Level,
  outcome?: string,
): Record<string, string> {
  return {
    OOMKIT_VICTIM_PID: String(c.view.pid),
    OOMKIT_VICTIM_COMM: c.view.comm,
    OOMKIT_VICTIM_UID: String(c.view.uid),
    OOMKIT_VICTIM_START_TICKS: c.startTicks.toString(),
    OOMKIT_VICTIM_RSS_PAGES: c.view.rssPages === null ? "" : c.view.rssPages.toString(),
    OOMKIT_VICTIM_CMDLINE: c.cmdline ?? "",
    OOMKIT_VICTIM_CGROUP: c.cgroup ?? "",
    OOMKIT_SIGNAL: signal,
    OOMKIT_LEVEL: level,
    ...(outcome === undefined ? {} : { OOMKIT_OUTCOME: outcome }),
  };
}

interface Pending {
  candidate: GuardCandidate;
  pid: number;
  comm: string;
  startTicks: bigint;
  target: SignalTarget;
  level: Level;
  signal: Signal;
  sentAt: number;
  exitedAt: number | null;
  availableAtKill: number | null;
}

const LEVEL_RANK: Record<Level, number> = { ok: 0, term: 1, kill: 2 };
/** How many candidates one decision tries before giving up until the next poll. */
const MAX_TRIES = 5;
/** Two kills in one scope this close together make the second one take the whole scope. */
const SCOPE_WINDOW_MS = 30_000;
/** A dry run repeats a would-be kill of the same process no more often than this. */
const DRY_RUN_REPEAT_MS = 5_000;

/** The "available" figure a kill should raise: MemAvailable, or the cgroup's headroom. */
function availableOf(r: Reading): number | null {
  if (r.cgroup !== null && r.cgroup.limitBytes !== null) {
    return r.cgroup.limitBytes - r.cgroup.usageBytes;
  }
  return r.memory?.availableBytes ?? null;
}

function isAlive(id: Identity | null, startTicks: bigint): boolean {
  return id !== null && id.startTicks === startTicks && id.state !== "Z" && id.state !== "X";
}

export interface GuardSummary {
  kills: number;
  polls: number;
}

export async function runGuard(
  settings: GuardSettings,
  ports: GuardPorts,
  record: (r: GuardRecord) => void,
): Promise<GuardSummary> {
  let clock: PressureClock = NO_PRESSURE;
  let pending: Pending | null = null;
  let kills = 0;
  let polls = 0;
  let lastScope: { pgrp: number; cgroup: string | null; at: number } | null = null;
  let lastDry: { pid: number; at: number } | null = null;
  /** The first would-be kill of the current episode and the latest one (shadow mode). */
  let episode: { firstAt: number; pid: number; comm: string; lastAt: number } | null = null;
  let lastNone: string | null = null;
  let kernelKills: number | null = null;
  const t = () => ports.timestamp();
  let lastOutcome = "";
  // The post-kill command is told the outcome the last record gave.
  const emit = (r: GuardRecord): void => {
    if (r.type === "outcome") lastOutcome = r.result;
    record(r);
  };

  const evaluateNow = (reading: Reading): Evaluation => {
    const ev = evaluate(reading, settings.triggers, clock, ports.now());
    clock = ev.pressureClock;
    return ev;
  };

  /** Follows the victim; returns true while the guard must not choose another. */
  const follow = async (p: Pending, ev: Evaluation, reading: Reading): Promise<boolean> => {
    const now = ports.now();
    if (p.exitedAt === null) {
      const id = await ports.identify(p.pid);
      if (isAlive(id, p.startTicks)) {
        const overdue = now - p.sentAt >= settings.termTimeoutMs;
        if (p.signal === "SIGTERM" && (overdue || ev.level === "kill")) {
          const r = await ports.signal(p.target, "SIGKILL");
          if (r === "sent") {
            emit({
              type: "escalate",
              time: t(),
              pid: p.pid,
              comm: p.comm,
              signal: "SIGKILL",
              after_ms: Math.round(now - p.sentAt),
              because: overdue ? "--term-timeout passed" : "the KILL level was reached",
            });
            p.signal = "SIGKILL";
            p.sentAt = now;
          }
          return true;
        }
        if (p.signal === "SIGKILL" && now - p.sentAt >= settings.killTimeoutMs) {
          emit({
            type: "outcome",
            time: t(),
            pid: p.pid,
            comm: p.comm,
            result: "still alive after SIGKILL",
            exit_ms: null,
            recovered_bytes: null,
            recovery_ms: null,
          });
          return false;
        }
        return true;
      }
      p.exitedAt = now;
    }
    const recovered = LEVEL_RANK[ev.level] < LEVEL_RANK[p.level];
    const timedOut = now - p.exitedAt >= settings.recoveryTimeoutMs;
    if (!recovered && !timedOut) return true;
    const available = availableOf(reading);
    emit({
      type: "outcome",
      time: t(),
      pid: p.pid,
      comm: p.comm,
      result: `exited after ${p.signal}`,
      exit_ms: Math.round(p.exitedAt - p.sentAt),
      recovered_bytes:
        available === null || p.availableAtKill === null ? null : available - p.availableAtKill,
      recovery_ms: recovered ? Math.round(now - p.sentAt) : null,
    });
    return false;
  };

  /** The processes a whole-scope kill signals, or null for the victim alone. */
  const scopeTarget = (
    row: RankedCandidate,
    list: CandidateList,
  ): { target: SignalTarget; text: string; extra: GuardCandidate[] } => {
    const c = row.candidate;
    const alone = { target: { kind: "process", pid: c.view.pid } as SignalTarget, text: "process" };
    const recent = lastScope !== null && ports.now() - lastScope.at <= SCOPE_WINDOW_MS;
    if (settings.scope === "process-group" && recent && lastScope!.pgrp === c.pgrp) {
      const members = list.candidates.filter((o) => o.pgrp === c.pgrp);
      const unsafe = c.pgrp <= 1 || members.some((o) => list.protectedPids.has(o.view.pid));
      if (!unsafe) {
        return {
          target: { kind: "group", pgrp: c.pgrp },
          text: `process group ${c.pgrp}`,
          extra: [],
        };
      }
    }
    if (
      settings.scope === "cgroup" &&
      recent &&
      c.cgroup !== null &&
      lastScope!.cgroup === c.cgroup
    ) {
      const members = list.candidates.filter((o) => o.cgroup === c.cgroup);
      if (!members.some((o) => list.protectedPids.has(o.view.pid) || o.view.pid === 1)) {
        const extra = members.filter((o) => o.view.pid !== c.view.pid);
        return { ...alone, text: `cgroup ${c.cgroup} (${members.length} processes)`, extra };
      }
    }
    return { ...alone, extra: [] };
  };

  /** Signals `c` if it is still the process that was chosen. */
  const signalChecked = async (
    c: GuardCandidate,
    target: SignalTarget,
    signal: Signal,
  ): Promise<string | null> => {
    const id = await ports.identify(c.view.pid);
    if (id === null) return "it exited before the signal";
    if (id.startTicks !== c.startTicks || id.rawComm !== c.rawComm) {
      return "its pid now names another process (start time or name changed)";
    }
    if (id.state === "Z" || id.state === "X") return "it exited before the signal";
    const r = await ports.signal(target, signal);
    if (r === "sent") return null;
    if (r === "gone") return "it exited before the signal";
    if (r === "denied") return "not permitted (EPERM)";
    return `signal failed (${r.error})`;
  };

  const act = async (first: Evaluation, polled: Reading): Promise<void> => {
    const list = await ports.list(polled);
    const decision: Decision = decide({
      candidates: list.candidates,
      policy: settings.policy,
      ctx: list.ctx,
      rules: settings.rules,
      protectedPids: list.protectedPids,
    });
    if (decision.candidates === 0) {
      const why =
        list.candidates.length === 0
          ? "no process in scope"
          : `all ${list.candidates.length} process(es) in scope are excluded`;
      if (why !== lastNone) emit({ type: "no_candidate", time: t(), level: first.level, why });
      lastNone = why;
      return;
    }
    lastNone = null;
    // guard.md §5: pressure may have passed while choosing; look again right before acting.
    const reading = await ports.read();
    const ev = evaluateNow(reading);
    const winner = decision.table[0]!;
    if (ev.level === "ok") {
      emit({
        type: "pressure_passed",
        time: t(),
        pid: winner.candidate.view.pid,
        comm: winner.candidate.view.comm,
        triggers: ev.triggers,
      });
      return;
    }
    const signal: Signal = ev.level === "kill" ? "SIGKILL" : "SIGTERM";
    if (settings.dryRun && lastDry !== null && lastDry.pid === winner.candidate.view.pid) {
      if (ports.now() - lastDry.at < DRY_RUN_REPEAT_MS) {
        if (episode !== null) episode.lastAt = ports.now();
        return;
      }
    }
    const tried = decision.table.slice(0, Math.min(decision.candidates, MAX_TRIES));
    for (const [i, row] of tried.entries()) {
      const c = row.candidate;
      const scope = scopeTarget(row, list);
      if (!settings.dryRun) {
        await ports.hook?.("pre-kill", hookEnv(c, signal, ev.level));
        const failed = await signalChecked(c, scope.target, signal);
        if (failed !== null) {
          emit({ type: "kill_failed", time: t(), pid: c.view.pid, comm: c.view.comm, why: failed });
          continue;
        }
        for (const o of scope.extra)
          await signalChecked(o, { kind: "process", pid: o.view.pid }, signal);
      }
      const rest = decision.table.slice(i + 1, i + 4);
      emit({
        type: "kill",
        time: t(),
        level: ev.level,
        signal,
        dry_run: settings.dryRun,
        target: scope.text,
        triggers: ev.triggers,
        victim: victimRecord(row, list.pageSizeBytes),
        runners_up: rest.map((r) => ({
          pid: r.candidate.view.pid,
          comm: r.candidate.view.comm,
          points: r.points === null ? null : r.points.toString(),
          why: whyLost(r, row),
        })),
        candidates: decision.candidates - i,
        excluded: decision.table.length - decision.candidates,
        in_scope: list.inScope,
        policy: decision.policy,
      });
      kills++;
      const now = ports.now();
      lastScope = { pgrp: c.pgrp, cgroup: c.cgroup, at: now };
      if (episode === null || now - episode.lastAt > SHADOW_WINDOW_MS) {
        episode = { firstAt: now, pid: c.view.pid, comm: c.view.comm, lastAt: now };
      } else {
        episode = { ...episode, pid: c.view.pid, comm: c.view.comm, lastAt: now };
      }
      if (settings.dryRun) {
        lastDry = { pid: c.view.pid, at: now };
      } else {
        pending = {
          candidate: c,
          pid: c.view.pid,
          comm: c.view.comm,
          startTicks: c.startTicks,
          target: scope.target,
          level: ev.level,
          signal,
          sentAt: now,
          exitedAt: null,
          availableAtKill: availableOf(reading),
        };
      }
      return;
    }
  };

  const compareKernelKills = async (): Promise<void> => {
    if (ports.kernelKills === undefined) return;
    for (const k of await ports.kernelKills()) {
      const now = ports.now();
      const recent = episode !== null && now - episode.lastAt <= SHADOW_WINDOW_MS ? episode : null;
      emit({
        type: "kernel_oom",
        time: t(),
        uptime: k.uptime,
        constraint: k.constraint,
        kernel_victim: k.victim,
        replay_predicted: k.predicted,
        replay_agrees: k.match,
        guard_victim: recent === null ? null : { pid: recent.pid, comm: recent.comm },
        guard_agrees: recent === null || k.victim === null ? null : recent.pid === k.victim.pid,
        guard_earlier_ms: recent === null ? null : Math.round(now - recent.firstAt),
      });
      episode = null;
    }
  };

  const noteKernelKills = (reading: Reading): void => {
    const n = reading.cgroup?.kernelOomKills ?? null;
    if (n === null) return;
    if (kernelKills !== null && n > kernelKills) {
      emit({ type: "kernel_oom_kill", time: t(), count: n - kernelKills, where: "the cgroup" });
    }
    kernelKills = n;
  };

  let reason = "stopped";
  for (;;) {
    const why = ports.stopping();
    if (why !== null) {
      reason = why;
      break;
    }
    if (kills >= settings.maxKills && pending === null) {
      reason = `--max-kills ${settings.maxKills} reached`;
      break;
    }
    const readStart = ports.now();
    const reading = await ports.read();
    const readMs = ports.now() - readStart;
    polls++;
    noteKernelKills(reading);
    await compareKernelKills();
    const ev = evaluateNow(reading);
    ports.observe?.(reading, ev, readMs);
    if (pending !== null) {
      const p: Pending = pending;
      const waiting = await follow(p, ev, reading);
      if (!waiting) {
        pending = null;
        await ports.hook?.("post-kill", hookEnv(p.candidate, p.signal, p.level, lastOutcome));
      }
      await ports.sleep(settings.interval.minMs);
      continue;
    }
    if (ev.level !== "ok" && kills < settings.maxKills) await act(ev, reading);
    await ports.sleep(
      pending === null
        ? nextIntervalMs(reading, ev, settings.triggers, settings.interval)
        : settings.interval.minMs,
    );
  }
  emit({ type: "stop", time: t(), kills, polls, reason });
  return { kills, polls };
}
