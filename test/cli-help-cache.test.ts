/**
 * `oomkit [CMD] --help` from the help files the build keeps (src/cli/help-cache.ts): each
 * must be what the program itself prints now, so a kept file that has gone stale fails here.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMAND_MODULES } from "../src/cli/commands/index.js";
import { ROOT, runCli } from "./support/cli.js";

const NAMES = COMMAND_MODULES.flatMap(([names]) => names);

describe("help kept by the build", () => {
  it.each([["--help"], ["-h"], ...NAMES.map((name) => [name, "--help"])])(
    "oomkit %s %s prints what the program prints",
    (...args: string[]) => {
      // The build kept this help: the command line below is answered from it.
      const name = args.length === 1 ? "oomkit" : args[0]!;
      expect(existsSync(join(ROOT, "dist/src/cli/help", `${name}.txt`))).toBe(true);
      const kept = runCli(args, undefined, { COLUMNS: "80" });
      const program = runCli(args, undefined, { COLUMNS: "80", OOMKIT_HELP_CACHE: "off" });
      expect(program.status).toBe(0);
      expect(kept.status).toBe(0);
      expect(kept.stderr).toBe("");
      expect(kept.stdout).toBe(program.stdout);
    },
  );
});
