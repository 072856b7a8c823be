/**
 * The native baselines of the benchmarks: small C programs in bench/native, built with
 * gcc -O2 into a temporary directory the first time a run needs them.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SOURCES = join(import.meta.dirname, "../../bench/native");

/** The path of the built program `name` (bench/native/NAME.c), built if needed. */
export function nativeProgram(name: string): string {
  const source = join(SOURCES, `${name}.c`);
  const hash = createHash("sha256").update(readFileSync(source)).digest("hex").slice(0, 12);
  const dir = join(tmpdir(), "oomkit-bench-native");
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}-${hash}`);
  if (!existsSync(out)) {
    execFileSync("gcc", ["-O2", "-Wall", "-Wextra", "-o", out, source, "-lm"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  return out;
}
