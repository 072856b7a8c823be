/**
 * Builds dist/ once before the end-to-end tests, so they run the CLI exactly as users
 * do (`node dist/src/cli/main.js`) and never a stale build.
 */

import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";

export default function setup(): void {
  const require = createRequire(import.meta.url);
  const tsc = require.resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
}
