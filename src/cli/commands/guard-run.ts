/**
 * What `oomkit guard` does once its options are parsed; loaded only when it runs.
 */
import { spawn } from "node:child_process";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { InputError, oneLine, ProcError, UsageError } from "../../errors.js";
import type { GuardCandidate } from "../../guard/candidate.js";
import {
  ConfigError,
  type GuardConfig,
  type GuardOptionsInput,
  guardConfig,
} from "../../guard/config.js";
import { decide, whyLost } from "../../guard/decide.js";
import { type GuardPorts, runGuard } from "../../guard/guard.js";
import { KernelOomWatcher } from "../../guard/kernel-watch.js";
import type { Reading } from "../../guard/readings.js";
import { type GuardRecord, humanLine, jsonLine } from "../../guard/records.js";
import { rulesNeed } from "../../guard/rules.js";
import {
  evaluate,
  formatBytes,
  lowLevelBytes,
  NO_PRESSURE,
  type TriggerConfig,
} from "../../guard/triggers.js";
import {
  cgroupVersionOf,
  type GuardedCgroup,
  makeLister,
  protectSelf,
  Sensors,
  sendSignal,
} from "../../live/guard-io.js";
import { KmsgReader } from "../../live/kmsg.js";
import { hostBits } from "../../live/live-rank.js";
import { nodeProcFs } from "../../live/procfs.js";
import { parseKernelVersion } from "../../policy/modern.js";
import { policyByName } from "../../policy/registry.js";
import type { PolicyContext } from "../../policy/types.js";
import type { GuardMetrics } from "../guard-metrics.js";
import { readFailure } from "../input.js";

export interface GuardCliOpts extends GuardOptionsInput {
  config?: string;
  json?: boolean;
  log?: string;
  quiet?: boolean;
  printConfig?: boolean;
  testRules?: boolean;
  snapshot?: string;
  duration?: string;
  metrics?: string;
  shadow?: boolean;
  kmsg?: string;
  preKill?: string;
  postKill?: string;
  root: string;
}

/** How long a pre-kill command may delay the signal. */
const PRE_KILL_TIMEOUT_MS = 2000;

/**
 * Runs an operator's command through sh with the victim in its environment; a pre-kill
 * command is awaited (at most PRE_KILL_TIMEOUT_MS, then killed by its pid), a post-kill
 * one is not. A failure is a warning, never a reason not to kill.
 */
function runHook(
  command: string,
  env: Readonly<Record<string, string>>,
  wait: boolean,
  warn: (message: string) => void,
): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", command], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const timer = wait
      ? setTimeout(() => {
          warn(`pre-kill command still running after ${PRE_KILL_TIMEOUT_MS} ms: killed`);
          child.kill("SIGKILL");
        }, PRE_KILL_TIMEOUT_MS)
      : null;
    child.on("error", (err) => warn(`cannot run "${command}": ${err.message}`));
    child.on("exit", (code, signal) => {
      if (timer !== null) clearTimeout(timer);
      if (code !== 0 && signal === null) warn(`"${command}" exited with ${code}`);
      if (wait) resolve();
    });
    if (!wait) resolve();
  });
}

/** The config file's values; one InputError naming the file and key on any problem. */
async function readConfigFile(file: string): Promise<GuardOptionsInput> {
  const { LineCounter, parseDocument } = await import("yaml");
  const { yamlData } = await import("../../sim/yaml-data.js");
  const { guardFileSchema, optionsOfFile } = await import("../../guard/config-file.js");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw readFailure(file, err);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ""), { lineCounter: lc });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new InputError({
      file,
      path: "$",
      expected: `valid YAML (${e.code})`,
      line: pos?.line,
      column: pos?.col,
    });
  }
  const parsed = guardFileSchema.safeParse(yamlData(doc, lc, file) ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      const known = Object.keys(guardFileSchema.shape).join(", ");
      const path = [...at, issue.keys[0]].join(".");
      throw new InputError({
        file,
        path,
        expected: at.length === 0 ? `a known key (${known})` : "a known key",
      });
    }
    throw new InputError({
      file,
      path: at.length === 0 ? "$" : at.join("."),
      expected: issue.message,
    });
  }
  return optionsOfFile(parsed.data);
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function effectiveConfig(opts: GuardCliOpts): Promise<GuardConfig> {
  const fromFile = opts.config === undefined ? {} : await readConfigFile(opts.config);
  try {
    return guardConfig({ ...fromFile, ...withoutUndefined(opts) });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** Where pressure is read: --psi-file, else the guarded v2 cgroup's, else the machine's. */
function pressurePath(
  config: GuardConfig,
  cgroup: GuardedCgroup | null,
  root: string,
): string | null {
  if (config.triggers.pressure === null) return null;
  if (config.psiFile !== null) return config.psiFile;
  if (cgroup?.version === 2) return join(cgroup.path, "memory.pressure");
  return join(root, "pressure", "memory");
}

function triggerWords(t: TriggerConfig): string[] {
  const low = (name: string, x: TriggerConfig["memory"]) => {
    if (x === null) return [];
    const part = (l: { percent: number | null; bytes: number | null }) =>
      [l.percent === null ? null : `${l.percent} %`, l.bytes === null ? null : formatBytes(l.bytes)]
        .filter((s) => s !== null)
        .join(" or ");
    return [`${name} TERM below ${part(x.term)}, KILL below ${part(x.kill)}`];
  };
  const out = [...low("MemAvailable", t.memory), ...low("SwapFree", t.swap)];
  if (t.pressure !== null) {
    const p = t.pressure;
    out.push(
      `PSI ${p.line} avg10 TERM at ${p.term} %, KILL at ${p.kill} %, held ${p.forMs / 1000} s`,
    );
  }
  if (t.cgroup !== null) {
    out.push(`cgroup usage TERM at ${t.cgroup.termPercent} %, KILL at ${t.cgroup.killPercent} %`);
  }
  if (out.length > 1) out.push(`combined with ${t.combine.toUpperCase()}`);
  return out;
}

/** --print-config: the effective settings, thresholds in bytes for this machine now. */
function printedConfig(config: GuardConfig, reading: Reading): object {
  const m = reading.memory;
  const low = (x: TriggerConfig["memory"], total: number | null) =>
    x === null
      ? null
      : {
          term_percent: x.term.percent,
          term_bytes: x.term.bytes,
          kill_percent: x.kill.percent,
          kill_bytes: x.kill.bytes,
          ...(total === null || total === 0
            ? {}
            : {
                term_below_bytes: Math.floor(lowLevelBytes(x.term, total)),
                kill_below_bytes: Math.floor(lowLevelBytes(x.kill, total)),
              }),
        };
  const c = reading.cgroup;
  const t = config.triggers;
  return {
    combine: t.combine,
    memory: low(t.memory, m?.totalBytes ?? null),
    swap:
      t.swap === null
        ? null
        : {
            ...low(t.swap, m?.swapTotalBytes ?? null),
            ...(m !== null && m.swapTotalBytes === 0
              ? { note: "no swap now: this trigger applies once swap is added" }
              : {}),
          },
    psi: t.pressure === null ? null : { ...t.pressure, for_ms: t.pressure.forMs, forMs: undefined },
    cgroup:
      t.cgroup === null
        ? null
        : {
            path: config.cgroupPath,
            term_percent: t.cgroup.termPercent,
            kill_percent: t.cgroup.killPercent,
            limit_bytes: c?.limitBytes ?? null,
            ...(c?.limitBytes == null
              ? {}
              : {
                  term_at_bytes: Math.floor((t.cgroup.termPercent / 100) * c.limitBytes),
                  kill_at_bytes: Math.floor((t.cgroup.killPercent / 100) * c.limitBytes),
                }),
          },
    policy: config.policy,
    rules: config.rules.map((r) => r.text),
    scope: config.scope,
    dry_run: config.dryRun,
    term_timeout_ms: config.termTimeoutMs,
    kill_timeout_ms: config.killTimeoutMs,
    recovery_timeout_ms: config.recoveryTimeoutMs,
    interval_ms: { min: config.interval.minMs, max: config.interval.maxMs },
  };
}

/** syslog priorities for journald (sd-daemon(3) prefixes) when stderr is the journal. */
const PRIORITY: Record<GuardRecord["type"], number> = {
  start: 6,
  kill: 4,
  kill_failed: 3,
  escalate: 4,
  outcome: 5,
  pressure_passed: 6,
  no_candidate: 4,
  kernel_oom_kill: 4,
  kernel_oom: 4,
  warning: 4,
  stop: 6,
};

function makeSink(opts: GuardCliOpts): (r: GuardRecord) => void {
  const journal = process.env.JOURNAL_STREAM !== undefined;
  return (r) => {
    if (opts.json) process.stdout.write(`${jsonLine(r)}\n`);
    if (opts.log !== undefined) {
      try {
        appendFileSync(opts.log, `${jsonLine(r)}\n`);
      } catch (err) {
        const code = typeof err === "object" && err !== null && "code" in err ? err.code : "EIO";
        throw new ProcError({
          path: opts.log,
          code: String(code),
          message: `--log ${opts.log}: cannot write (${String(code)})`,
        });
      }
    }
    if (!opts.quiet) {
      const prefix = journal ? `<${PRIORITY[r.type]}>` : `oomkit guard: ${r.time} `;
      process.stderr.write(`${prefix}${humanLine(r)}\n`);
    }
  };
}

/** What --test-rules orders: the candidates, where they came from, the rules it applies. */
interface RulesInput {
  candidates: readonly GuardCandidate[];
  ctx: PolicyContext;
  protectedPids: ReadonlySet<number>;
  /** "this machine now", or the snapshot's name. */
  source: string;
  /** Rules set apart because the source cannot judge them. */
  notApplicable: { rule: string; why: string }[];
}

function testRules(
  config: GuardConfig,
  policy: ReturnType<typeof policyByName>,
  input: RulesInput,
  json: boolean,
): void {
  const skipped = new Set(input.notApplicable.map((n) => n.rule));
  const rules = config.rules.filter((r) => !skipped.has(r.text));
  const d = decide({
    candidates: input.candidates,
    policy,
    ctx: input.ctx,
    rules,
    protectedPids: input.protectedPids,
  });
  const winner = d.table[0];
  const rows = d.table.map((r, i) => ({
    pid: r.candidate.view.pid,
    comm: r.candidate.view.comm,
    order: r.excluded === null ? i + 1 : null,
    points: r.points === null ? null : r.points.toString(),
    rank: ["preferred", "normal", "avoided"][r.tier],
    rules: r.matched,
    excluded: r.excluded,
    why: winner === undefined || r === winner ? null : whyLost(r, winner),
  }));
  if (json) {
    const doc = {
      source: input.source,
      policy: d.policy,
      rules: rules.map((r) => r.text),
      not_applicable: input.notApplicable,
      candidates: d.candidates,
      processes: rows,
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  const lines = [
    `${input.source}: policy ${d.policy}; ${d.candidates} candidate(s) of ${d.table.length} process(es) in scope; rules: ${rules.map((r) => r.text).join(", ") || "none"}`,
    ...input.notApplicable.map((n) => `not applicable: ${n.rule} (${n.why})`),
    `${"ORDER".padStart(5)} ${"PID".padStart(7)} ${"POINTS".padStart(12)} ${"RANK".padEnd(9)} COMM / WHY`,
  ];
  for (const r of rows) {
    const order = r.order === null ? "-" : String(r.order);
    const why = r.excluded ?? (r.why === null ? "the victim" : r.why);
    const matched = r.rules.length > 0 ? ` [${r.rules.join(", ")}]` : "";
    lines.push(
      `${order.padStart(5)} ${String(r.pid).padStart(7)} ${(r.points ?? "-").padStart(12)} ${(r.excluded === null ? r.rank! : "excluded").padEnd(9)} ${oneLine(r.comm)}: ${why}${matched}`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** --test-rules --snapshot FILE: the rules on a snapshot's processes, not this machine's. */
async function testRulesOnSnapshot(opts: GuardCliOpts, config: GuardConfig): Promise<void> {
  if (!opts.testRules) throw new UsageError("--snapshot is read only by --test-rules");
  if (config.cgroupPath !== null) {
    throw new UsageError("--snapshot cannot be combined with --cgroup: a snapshot has no cgroups");
  }
  const { loadSnapshotFile } = await import("../snapshots.js");
  const { appliesToSnapshot, snapshotCandidates } = await import(
    "../../guard/snapshot-candidates.js"
  );
  const { name, snapshot } = await loadSnapshotFile(opts.snapshot!);
  // The snapshot's kernel is not this one: `modern` applies the release the spec measured.
  const policy = policyByName(config.policy);
  const { candidates, ctx } = snapshotCandidates(snapshot);
  testRules(
    config,
    policy,
    {
      candidates,
      ctx,
      protectedPids: new Set(),
      source: `snapshot ${name}`,
      notApplicable: config.rules
        .filter((r) => !appliesToSnapshot(r))
        .map((r) => ({
          rule: r.text,
          why: `a snapshot has no ${r.field}: only comm and uid rules apply to one`,
        })),
    },
    opts.json ?? false,
  );
}

export async function runGuardCommand(opts: GuardCliOpts): Promise<void> {
  const config = await effectiveConfig(opts);
  if (opts.snapshot !== undefined) return testRulesOnSnapshot(opts, config);
  const release = await nodeProcFs({ root: opts.root }).readText("sys/kernel/osrelease");
  const kernelVersion = release === null ? null : parseKernelVersion(release.trim());
  const policy = policyByName(config.policy, kernelVersion === null ? {} : { kernelVersion });
  let cgroup: GuardedCgroup | null = null;
  if (config.cgroupPath !== null) {
    cgroup = { path: config.cgroupPath, version: cgroupVersionOf(config.cgroupPath) };
  }
  const fs = nodeProcFs({ root: opts.root });
  const sensors = new Sensors({
    // One poll reads only what a trigger or the metrics use.
    meminfo:
      config.triggers.memory !== null ||
      config.triggers.swap !== null ||
      opts.metrics !== undefined ||
      opts.printConfig
        ? join(opts.root, "meminfo")
        : null,
    pressure: pressurePath(config, cgroup, opts.root),
    cgroup,
  });
  try {
    if (opts.printConfig) {
      process.stdout.write(`${JSON.stringify(printedConfig(config, sensors.read()), null, 2)}\n`);
      return;
    }
    const need = rulesNeed(config.rules);
    if (config.scope === "cgroup") need.add("cgroup");
    const lister = await makeLister({
      fs,
      cgroup,
      need,
      bits: hostBits(process.arch),
      selfPid: process.pid,
      // The kernel's oom_score orders processes as the modern policy does only on
      // the kernel itself, so only then is the first look by oom_score exact.
      shortlist: config.policy === "modern" && opts.root === "/proc" && !opts.testRules ? 16 : null,
      rules: config.rules,
    });
    try {
      if (opts.testRules) {
        const list = await lister.list(sensors.read());
        const here = {
          ...list,
          source: "this machine now",
          notApplicable: [],
        };
        testRules(config, policy, here, opts.json ?? false);
        return;
      }
      await guardLoop(opts, config, policy, sensors, lister, cgroup);
    } finally {
      lister.close();
    }
  } finally {
    sensors.close();
  }
}

async function guardLoop(
  opts: GuardCliOpts,
  config: GuardConfig,
  policy: ReturnType<typeof policyByName>,
  sensors: Sensors,
  lister: Awaited<ReturnType<typeof makeLister>>,
  cgroup: GuardedCgroup | null,
): Promise<void> {
  const sink = makeSink(opts);
  const kernel = opts.shadow ? openKernelLog(opts.kmsg ?? "/dev/kmsg") : null;
  const metrics: GuardMetrics | null =
    opts.metrics === undefined
      ? null
      : await (await import("../guard-metrics.js")).startMetrics(
          opts.metrics,
          policy.name,
          opts.shadow ?? false,
        );
  const emit = (r: GuardRecord) => {
    metrics?.record(r);
    sink(r);
  };
  const warn = (message: string) =>
    emit({ type: "warning", time: new Date().toISOString(), message });
  const fs = nodeProcFs({ root: opts.root });
  const endAt =
    opts.duration === undefined
      ? Number.POSITIVE_INFINITY
      : performance.now() + durationMs(opts.duration);
  let stopped: string | null = null;
  let wake: (() => void) | null = null;
  const stop = (signal: NodeJS.Signals) => {
    stopped = signal;
    wake?.();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const now = () => performance.now();
  const ports: GuardPorts = {
    now,
    timestamp: () => new Date().toISOString(),
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, Math.min(ms, endAt - now())));
        function done() {
          clearTimeout(timer);
          wake = null;
          resolve();
        }
        wake = done;
      }),
    read: async () => sensors.read(),
    list: (reading?: Reading) => lister.list(reading ?? sensors.read()),
    identify: (pid) => lister.identify(pid),
    signal: async (target, signal) => sendSignal(target, signal),
    observe: metrics === null ? undefined : (r, ev, ms) => metrics.observe(r, ev, ms),
    hook: async (when, env) => {
      const command = when === "pre-kill" ? opts.preKill : opts.postKill;
      if (command !== undefined) await runHook(command, env, when === "pre-kill", warn);
    },
    kernelKills:
      kernel === null ? undefined : async () => kernel.watcher.push(kernel.reader.readAvailable()),
    stopping: () => stopped ?? (now() >= endAt ? `--duration ${opts.duration} s reached` : null),
  };
  const adj = opts.root === "/proc" ? await protectSelf(fs) : null;
  emit({
    type: "start",
    time: ports.timestamp(),
    pid: process.pid,
    policy: policy.name,
    dry_run: config.dryRun || (opts.shadow ?? false),
    triggers: triggerWords(config.triggers),
    scope: config.scope,
    watch: cgroup === null ? "the whole machine" : `cgroup ${cgroup.path} (v${cgroup.version})`,
    metrics: metrics?.address ?? null,
  });
  for (const m of sensors.missing()) warn(`${m} cannot be read`);
  const first = evaluate(sensors.read(), config.triggers, NO_PRESSURE, 0);
  for (const t of first.triggers) {
    if (t.level === "n/a" && t.why !== "no swap")
      warn(`the ${t.name} trigger does not apply now: ${t.why}`);
  }
  if (adj !== null && adj !== -1000) {
    emit({
      type: "warning",
      time: ports.timestamp(),
      message: `oom_score_adj of the guard is ${adj}: lowering it to -1000 needs CAP_SYS_RESOURCE`,
    });
  }
  try {
    await runGuard(
      {
        triggers: config.triggers,
        interval: config.interval,
        policy,
        rules: config.rules,
        scope: config.scope,
        dryRun: config.dryRun || (opts.shadow ?? false),
        shadow: opts.shadow ?? false,
        termTimeoutMs: config.termTimeoutMs,
        killTimeoutMs: config.killTimeoutMs,
        recoveryTimeoutMs: config.recoveryTimeoutMs,
        maxKills: config.maxKills,
      },
      ports,
      emit,
    );
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await metrics?.close();
    kernel?.reader.close();
  }
}

function openKernelLog(path: string): { reader: KmsgReader; watcher: KernelOomWatcher } {
  try {
    return { reader: new KmsgReader(path, true), watcher: new KernelOomWatcher() };
  } catch (err) {
    const code =
      typeof err === "object" && err !== null && "code" in err ? String(err.code) : "EIO";
    throw new ProcError({ path, code, message: `--shadow: cannot read ${path} (${code})` });
  }
}

function durationMs(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || n <= 0) {
    throw new UsageError(`--duration must be a positive number of seconds, got "${text}"`);
  }
  return n * 1000;
}
