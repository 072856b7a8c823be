/**
 * The guard's configuration: a YAML file and command-line flags, flags winning, checked
 * into one typed value. Pure: text in, a value or one error naming the key or flag out.
 */

import type { Scope } from "./guard.js";
import { DEFAULT_INTERVAL, type IntervalConfig } from "./interval.js";
import { parseRule, type Rule, type RuleKind, RuleSyntaxError } from "./rules.js";
import type { LowThreshold, LowTrigger, PressureTrigger, TriggerConfig } from "./triggers.js";

/** A bad value: `where` is the flag (`--mem`) or the config key (`guard.yaml: memory.term`). */
export class ConfigError extends Error {}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
  kB: 1000,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  TB: 1000 ** 4,
};

/** "512MiB", "1.5GiB", "2GB" (decimal), "4096" (bytes). */
export function parseSize(text: string, where: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(text);
  const unit = m === null ? undefined : SIZE_UNITS[m[2]!];
  if (m === null || unit === undefined) {
    throw new ConfigError(
      `${where}: expected a size such as 512MiB, 2GiB or 1GB (decimal), got "${text}"`,
    );
  }
  return Math.round(Number(m[1]) * unit);
}

function parsePercent(text: string, where: string): number {
  const t = text.trim().replace(/%$/, "");
  const n = Number(t);
  if (!/^\d+(\.\d+)?$/.test(t) || n > 100) {
    throw new ConfigError(`${where}: expected a percentage from 0 to 100, got "${text}"`);
  }
  return n;
}

/** "TERM[,KILL]" with a parser for each; KILL defaults to half of TERM (earlyoom's rule). */
function pair<T extends number>(
  text: string,
  where: string,
  parse: (s: string, where: string) => T,
  half: boolean,
): [T, T] {
  const parts = text.split(",");
  if (parts.length > 2) throw new ConfigError(`${where}: expected TERM[,KILL], got "${text}"`);
  const term = parse(parts[0]!, where);
  const kill = parts[1] === undefined ? ((half ? term / 2 : term) as T) : parse(parts[1], where);
  return [term, kill];
}

export interface GuardOptionsInput {
  mem?: string;
  memSize?: string;
  swap?: string;
  swapSize?: string;
  psi?: string;
  psiFor?: string;
  psiFile?: string;
  cgroup?: string;
  cgroupUsed?: string;
  combine?: string;
  policy?: string;
  prefer?: string[];
  avoid?: string[];
  ignore?: string[];
  only?: string[];
  scope?: string;
  termTimeout?: string;
  killTimeout?: string;
  recoveryTimeout?: string;
  interval?: string;
  maxKills?: string;
  dryRun?: boolean;
}

/** Everything the command needs besides the policy object and the machine. */
export interface GuardConfig {
  triggers: TriggerConfig;
  interval: IntervalConfig;
  policy: string;
  rules: Rule[];
  scope: Scope;
  termTimeoutMs: number;
  killTimeoutMs: number;
  recoveryTimeoutMs: number;
  maxKills: number;
  dryRun: boolean;
  cgroupPath: string | null;
  psiFile: string | null;
}

function seconds(text: string, where: string, min: number): number {
  const n = Number(text.trim());
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || n < min || n > 86400) {
    throw new ConfigError(`${where}: expected seconds from ${min} to 86400, got "${text}"`);
  }
  return n;
}

function lowTrigger(
  percent: string | undefined,
  size: string | undefined,
  percentFlag: string,
  sizeFlag: string,
): LowTrigger | null {
  if (percent === "off" && size === undefined) return null;
  const p =
    percent === undefined || percent === "off"
      ? null
      : pair(percent, percentFlag, parsePercent, true);
  const s = size === undefined ? null : pair(size, sizeFlag, parseSize, true);
  const level = (i: 0 | 1): LowThreshold => ({
    percent: p === null ? null : p[i],
    bytes: s === null ? null : s[i],
  });
  return { term: level(0), kill: level(1) };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], where: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(
      `${where}: expected one of ${allowed.map((a) => `"${a}"`).join(", ")}, got "${value}"`,
    );
  }
  return value as T;
}

function pressureTrigger(o: GuardOptionsInput): PressureTrigger | null {
  if (o.psi === undefined || o.psi === "off") return null;
  const m = /^(some|full):(.+)$/.exec(o.psi);
  if (m === null) {
    throw new ConfigError(`--psi: expected some:TERM[,KILL] or full:TERM[,KILL], got "${o.psi}"`);
  }
  const [term, kill] = pair(m[2]!, "--psi", parsePercent, false);
  const forMs = o.psiFor === undefined ? 5000 : seconds(o.psiFor, "--psi-for", 0) * 1000;
  return { line: m[1] as "some" | "full", term, kill, forMs };
}

/** The effective configuration of flags (already merged with a config file's values). */
export function guardConfig(o: GuardOptionsInput): GuardConfig {
  const cgroupPath = o.cgroup ?? null;
  // Guarding one cgroup, its usage is the trigger; the machine-wide ones are opt-in.
  const machineDefault = cgroupPath === null ? "10" : "off";
  const memory = lowTrigger(
    o.mem ?? (o.memSize === undefined ? machineDefault : undefined),
    o.memSize,
    "--mem",
    "--mem-size",
  );
  const swap = lowTrigger(
    o.swap ?? (o.swapSize === undefined ? machineDefault : undefined),
    o.swapSize,
    "--swap",
    "--swap-size",
  );
  const cgroup =
    cgroupPath === null || o.cgroupUsed === "off"
      ? null
      : (() => {
          const [termPercent, killPercent] = pair(
            o.cgroupUsed ?? "90,95",
            "--cgroup-used",
            parsePercent,
            false,
          );
          return { termPercent, killPercent };
        })();
  const triggers: TriggerConfig = {
    combine: oneOf(o.combine ?? "and", ["and", "or"] as const, "--combine"),
    memory,
    swap,
    pressure: pressureTrigger(o),
    cgroup,
  };
  if (!triggers.memory && !triggers.swap && !triggers.pressure && !triggers.cgroup) {
    throw new ConfigError("no trigger is on: give --mem, --swap, --psi or --cgroup");
  }
  const rules: Rule[] = [];
  const kinds: RuleKind[] = ["prefer", "avoid", "ignore", "only"];
  for (const kind of kinds) {
    for (const text of o[kind] ?? []) {
      try {
        rules.push(parseRule(kind, text));
      } catch (err) {
        if (err instanceof RuleSyntaxError) throw new ConfigError(`--${err.message}`);
        throw err;
      }
    }
  }
  let interval = DEFAULT_INTERVAL;
  if (o.interval !== undefined) {
    const [min, max] = pair(o.interval, "--interval", (s, w) => seconds(s, w, 0.01), false);
    const maxS = o.interval.includes(",") ? max : Math.max(min, DEFAULT_INTERVAL.maxMs / 1000);
    if (maxS < min) throw new ConfigError(`--interval: MAX ${maxS} is below MIN ${min}`);
    interval = { ...DEFAULT_INTERVAL, minMs: min * 1000, maxMs: maxS * 1000 };
  }
  const maxKills =
    o.maxKills === undefined
      ? Number.POSITIVE_INFINITY
      : (() => {
          const n = Number(o.maxKills);
          if (!/^\d+$/.test(o.maxKills) || n < 1) {
            throw new ConfigError(
              `--max-kills: expected a whole number from 1, got "${o.maxKills}"`,
            );
          }
          return n;
        })();
  return {
    triggers,
    interval,
    policy: o.policy ?? "modern",
    rules,
    scope: oneOf(o.scope ?? "process", ["process", "process-group", "cgroup"] as const, "--scope"),
    termTimeoutMs: seconds(o.termTimeout ?? "5", "--term-timeout", 0) * 1000,
    killTimeoutMs: seconds(o.killTimeout ?? "10", "--kill-timeout", 0) * 1000,
    recoveryTimeoutMs: seconds(o.recoveryTimeout ?? "2", "--recovery-timeout", 0) * 1000,
    maxKills,
    dryRun: o.dryRun ?? false,
    cgroupPath,
    psiFile: o.psiFile ?? null,
  };
}
