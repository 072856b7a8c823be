import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import type { Writable } from "node:stream";
import { ProcError } from "../errors.js";

async function drainTo(stream: Writable, chunks: Iterable<string>): Promise<void> {
  let batch = "";
  for (const chunk of chunks) {
    batch += chunk;
    if (batch.length >= 1 << 16) {
      if (!stream.write(batch)) await once(stream, "drain");
      batch = "";
    }
  }
  if (batch.length > 0 && !stream.write(batch)) await once(stream, "drain");
}

/**
 * Writes chunks to FILE through a temporary file renamed into place, so a failure never
 * leaves a partial output file; with no FILE (or "-") writes to standard output.
 */
export async function writeChunks(
  file: string | undefined,
  chunks: Iterable<string>,
): Promise<void> {
  if (file === undefined || file === "-") {
    await drainTo(process.stdout, chunks);
    return;
  }
  const temp = `${file}.tmp-${process.pid}`;
  const stream = createWriteStream(temp);
  try {
    await drainTo(stream, chunks);
    stream.end();
    await once(stream, "finish");
    await rename(temp, file);
  } catch (err) {
    stream.destroy();
    await rm(temp, { force: true });
    const code =
      typeof err === "object" && err !== null && "code" in err ? String(err.code) : "EIO";
    throw new ProcError({ path: file, code, message: `${file}: cannot write (${code})` });
  }
}
