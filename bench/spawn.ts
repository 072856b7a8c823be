/** Timing spawned commands, as a user meets them. */
import { spawnSync } from "node:child_process";

export interface SpawnTiming {
  wall: number;
  /** User + system milliseconds of the command: less disturbed on a busy machine. */
  cpu: number;
  status: number | null;
}

/**
 * Wall and CPU milliseconds of one run of a command, its output discarded. The CPU time
 * is the shell's `times` for its child.
 */
export function spawnMs(cmd: string, args: string[]): SpawnTiming {
  const t0 = performance.now();
  const r = spawnSync(
    "bash",
    ["-c", '"$@" >/dev/null 2>&1; s=$?; times; exit $s', "bash", cmd, ...args],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const wall = performance.now() - t0;
  // The second line: the children's user and system time, as "0m0.620s 0m0.140s".
  const times = r.stdout.trim().split("\n")[1] ?? "";
  const ms = [...times.matchAll(/(\d+)m([\d.]+)s/g)].map(
    (m) => (Number(m[1]) * 60 + Number(m[2])) * 1000,
  );
  return { wall, cpu: ms.reduce((a, b) => a + b, 0), status: r.status };
}
