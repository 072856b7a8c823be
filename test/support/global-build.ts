/**
 * Builds dist/ before the end-to-end tests, so they run the CLI exactly as users do
 * (`node dist/src/cli/main.js`) and never a stale build. Skipped when dist/ is newer than
 * every source file.
 */

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

export default function setup(): void {
  const built = "dist/src/cli/main.js";
  const sources = Math.max(
    newestMtime("src"),
    newestMtime("bench"),
    statSync("tsconfig.json").mtimeMs,
  );
  const help = "dist/src/cli/help/oomkit.txt";
  const fresh = (file: string) => existsSync(file) && statSync(file).mtimeMs > sources;
  if (fresh(built) && fresh(help)) return;
  const require = createRequire(import.meta.url);
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
  // The help files (src/cli/help-cache.ts) as the build writes them.
  execFileSync(process.execPath, ["dist/src/cli/help-cache-build.js"], { stdio: "inherit" });
}
