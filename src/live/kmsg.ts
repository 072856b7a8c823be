/**
 * Reading the kernel log device (/dev/kmsg, guard.md §6) without blocking: each read
 * gives one record, EAGAIN means no more for now, EPIPE means a record was overwritten
 * before it was read (skipped). Records come back as text, one per line, in the device's
 * own `PRIO,SEQ,TIMESTAMP,FLAGS;MESSAGE` form that the replay parser reads.
 */
import { closeSync, constants, openSync, readSync } from "node:fs";

export class KmsgReader {
  private fd: number | null;
  private readonly buf = Buffer.alloc(64 * 1024);

  /** Opens the device; with `skipBacklog`, what it holds already is read and dropped. */
  constructor(
    readonly path: string,
    skipBacklog: boolean,
  ) {
    this.fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (skipBacklog) this.readAvailable();
  }

  /** Every record that has arrived since the last call ("" when none). */
  readAvailable(): string {
    if (this.fd === null) return "";
    const parts: string[] = [];
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EPIPE") continue;
        if (code === "EAGAIN" || code === "EWOULDBLOCK") break;
        throw err;
      }
      if (n === 0) break;
      parts.push(this.buf.toString("utf8", 0, n));
    }
    return parts.join("");
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
