/**
 * `oomkit guard --metrics ADDR:PORT`: the guard's counters and gauges in the Prometheus
 * text format, in base units (bytes, seconds, ratios), with no per-process labels.
 */
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { UsageError } from "../errors.js";
import type { Reading } from "../guard/readings.js";
import type { GuardRecord } from "../guard/records.js";
import type { Evaluation } from "../guard/triggers.js";

export interface GuardMetrics {
  record(r: GuardRecord): void;
  observe(reading: Reading, evaluation: Evaluation, readMs: number): void;
  close(): Promise<void>;
  /** Where it listens, once listening. */
  address: string;
}

/** "127.0.0.1:9100", "[::1]:9100" or ":9100" (loopback); port 0 picks a free one. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m === null ? Number.NaN : Number(m[3]);
  if (m === null || port > 65535) {
    throw new UsageError(`--metrics must be ADDRESS:PORT such as 127.0.0.1:9100, got "${text}"`);
  }
  return { host: m[1] ?? (m[2] || "127.0.0.1"), port };
}

/** With `shadow`, kernel kills are counted from the kernel log, else from the cgroup's counter. */
export async function startMetrics(
  listen: string,
  policy: string,
  shadow: boolean,
): Promise<GuardMetrics> {
  const { host, port } = parseListen(listen);
  const registry = new Registry();
  const kills = new Counter({
    name: "oomkit_guard_kills_total",
    help: "Signals the guard sent to a victim (would-be kills in a dry run are not counted)",
    labelNames: ["policy", "reason", "signal"],
    registers: [registry],
  });
  const kernelKills = new Counter({
    name: "oomkit_guard_kernel_oom_kills_total",
    help: "OOM kills by the kernel seen while the guard ran (the cgroup's counter, or the kernel log with --shadow)",
    registers: [registry],
  });
  // A gauge appears once it has a value, so a machine without PSI or a guard without a
  // cgroup does not export zeros that look like readings.
  const gauge = (name: string, help: string) => {
    let g: Gauge | null = null;
    return {
      set(v: number) {
        g ??= new Gauge({ name, help, registers: [registry] });
        g.set(v);
      },
    };
  };
  const memAvailable = gauge("oomkit_guard_memory_available_bytes", "MemAvailable");
  const memTotal = gauge("oomkit_guard_memory_total_bytes", "MemTotal");
  const swapFree = gauge("oomkit_guard_swap_free_bytes", "SwapFree");
  const swapTotal = gauge("oomkit_guard_swap_total_bytes", "SwapTotal");
  const psiSome = gauge("oomkit_guard_pressure_some_avg10_ratio", "PSI memory some avg10, 0..1");
  const psiFull = gauge("oomkit_guard_pressure_full_avg10_ratio", "PSI memory full avg10, 0..1");
  const cgUsage = gauge("oomkit_guard_cgroup_usage_bytes", "Memory usage of the guarded cgroup");
  const cgLimit = gauge("oomkit_guard_cgroup_limit_bytes", "Memory limit of the guarded cgroup");
  const level = gauge("oomkit_guard_level", "Level the triggers reach: 0 ok, 1 TERM, 2 KILL");
  const pollTime = new Histogram({
    name: "oomkit_guard_poll_duration_seconds",
    help: "Time to read the sensors in one poll",
    buckets: [0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1],
    registers: [registry],
  });
  const server: Server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end("not found: try /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "Content-Type": registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(new UsageError(`--metrics ${listen}: cannot listen (${err.code ?? err.message})`)),
    );
    server.listen(port, host, () => resolve());
  });
  const LEVELS = { ok: 0, term: 1, kill: 2 } as const;
  return {
    address: (() => {
      const a = server.address();
      const actual = typeof a === "object" && a !== null ? a.port : port;
      return host.includes(":") ? `[${host}]:${actual}` : `${host}:${actual}`;
    })(),
    record(r) {
      if (r.type === "kill" && !r.dry_run) {
        const reason = r.triggers
          .filter((t) => t.level === r.level)
          .map((t) => t.name)
          .join("+");
        kills.inc({ policy, reason: reason || r.level, signal: r.signal });
      } else if (r.type === "escalate") {
        kills.inc({ policy, reason: "escalation", signal: "SIGKILL" });
      } else if (r.type === "kernel_oom_kill" && !shadow) {
        kernelKills.inc(r.count);
      } else if (r.type === "kernel_oom" && shadow) {
        kernelKills.inc();
      }
    },
    observe(reading, evaluation, readMs) {
      const m = reading.memory;
      if (m !== null) {
        memAvailable.set(m.availableBytes);
        memTotal.set(m.totalBytes);
        swapFree.set(m.swapFreeBytes);
        swapTotal.set(m.swapTotalBytes);
      }
      const p = reading.pressure;
      if (p !== null) {
        psiSome.set(p.some.avg10 / 100);
        if (p.full !== null) psiFull.set(p.full.avg10 / 100);
      }
      const c = reading.cgroup;
      if (c !== null) {
        cgUsage.set(c.usageBytes);
        if (c.limitBytes !== null) cgLimit.set(c.limitBytes);
      }
      level.set(LEVELS[evaluation.level]);
      pollTime.observe(readMs / 1000);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
