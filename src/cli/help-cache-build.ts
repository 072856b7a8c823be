/**
 * Writes the help files of help-cache.ts: runs `oomkit --help` and `oomkit CMD --help` for
 * every command, as a user would at 80 columns with the cache off, and keeps what each
 * printed. Run by the build after tsc.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { COMMAND_MODULES } from "./commands/index.js";
import { HELP_CACHE_WIDTH, helpCacheFile } from "./help-cache.js";

const main = fileURLToPath(new URL("main.js", import.meta.url));
const env = { ...process.env, OOMKIT_HELP_CACHE: "off", COLUMNS: String(HELP_CACHE_WIDTH) };
const names = ["oomkit", ...COMMAND_MODULES.flatMap(([commandNames]) => commandNames)];
mkdirSync(fileURLToPath(new URL("help/", import.meta.url)), { recursive: true });
for (const name of names) {
  const args = name === "oomkit" ? ["--help"] : [name, "--help"];
  const text = execFileSync(process.execPath, [main, ...args], { env, encoding: "utf8" });
  writeFileSync(helpCacheFile(name), text);
}
