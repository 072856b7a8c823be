/**
 * Writes a file through a temporary file in the same directory and a rename, so a failed
 * run never leaves a partial output file behind.
 */
import { rename, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ProcError } from "../errors.js";

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: "utf8", flag: "wx" });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    const code =
      typeof err === "object" && err !== null && "code" in err ? String(err.code) : "EIO";
    throw new ProcError({ path: file, code, message: `${file}: cannot write (${code})` });
  }
}
