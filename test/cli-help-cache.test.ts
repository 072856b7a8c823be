/**
 * `oomkit [CMD] --help` from the help files the build keeps (src/cli/help-cache.ts): each
 * must be what the program itself prints now, so a kept file that has gone stale fails here.
 */
import { describe, expect, it } from "vitest";
import { COMMAND_MODULES } from "../src/cli/commands/index.js";
import { runCli } from "./support/cli.js";

const NAMES = COMMAND_MODULES.flatMap(([names]) => names);

describe("help kept by the build", () => {
  it.each([["--help"], ["-h"], ...NAMES.map((name) => [name, "--help"])])(
    "oomkit %s %s prints what the program prints",
    (...args: string[]) => {
      const kept = runCli(args, undefined, { COLUMNS: "80" });
      const program = runCli(args, undefined, { COLUMNS: "80", OOMKIT_HELP_CACHE: "off" });
      expect(program.status).toBe(0);
      expect(kept.status).toBe(0);
      expect(kept.stderr).toBe("");
      expect(kept.stdout).toBe(program.stdout);
    },
  );
});
