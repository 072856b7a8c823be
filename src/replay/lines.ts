/**
 * Splits log text into lines and gives each its prefixes (modern-oom §6.5): LF, CRLF and lone
 * CR end lines; rsyslog's `#012` (escaped newline) splits one syslog record into several
 * kernel lines that share its prefix, and `#011` is a tab. Lines without a prefix of their own
 * (continuations, `KERN_CONT`) inherit the host and caller of the line before them.
 *
 * Text may arrive in pieces (a file read in chunks, a log that grows): `LogLineSplitter` keeps
 * an unfinished last line until the rest of it, or the end, arrives.
 */
import { type PrefixInfo, parsePrefix } from "./prefix.js";
import type { LogLine } from "./types.js";

function unescapeRsyslog(part: string): string {
  return part.includes("#011") ? part.replaceAll("#011", "\t") : part;
}

/** Cuts text given in any number of pieces into lines, numbered from 1. */
export class LogLineSplitter {
  private pending = "";
  private prev: LogLine | null = null;
  private lineNo = 0;

  constructor(private readonly visit: (line: LogLine) => void) {}

  /** Physical lines seen so far (an unfinished last line not counted). */
  get lines(): number {
    return this.lineNo;
  }

  /** Takes the next piece of text; calls `visit` for every line it completes. */
  push(chunk: string): void {
    const text = this.pending === "" ? chunk : this.pending + chunk;
    const n = text.length;
    let start = 0;
    let nextCr = text.indexOf("\r");
    for (;;) {
      let end = text.indexOf("\n", start);
      // A CR ends a line too (CRLF, or a lone CR from a terminal capture). The next CR is
      // looked up again only once passed, so a text without any stays linear.
      if (nextCr !== -1 && nextCr < start) nextCr = text.indexOf("\r", start);
      if (nextCr !== -1 && (end === -1 || nextCr < end)) end = nextCr;
      if (end === -1) break;
      // A CR that ends the piece may be the first half of a CRLF: wait for the next piece.
      if (end === n - 1 && text.charCodeAt(end) === 13) break;
      const physical = text.slice(start, end);
      start = end + 1;
      if (text.charCodeAt(end) === 13 && text.charCodeAt(start) === 10) start++;
      this.physical(physical);
    }
    this.pending = start === 0 ? text : text.slice(start);
  }

  /** The end of the text: an unfinished last line is a line. */
  end(): void {
    const rest = this.pending;
    this.pending = "";
    if (rest.endsWith("\r")) this.physical(rest.slice(0, -1));
    else if (rest !== "") this.physical(rest);
  }

  private physical(physical: string): void {
    const lineNo = ++this.lineNo;
    const parts = physical.includes("#012") ? physical.split("#012") : [physical];
    let first: PrefixInfo | null = null;
    for (const part of parts) {
      const info = parsePrefix(unescapeRsyslog(part));
      const prev = this.prev;
      let line: LogLine;
      if (first === null) {
        first = info;
        const inherit = info.host === undefined && prev !== null;
        line = {
          lineNo,
          message: info.message,
          time: info.time,
          uptime: info.uptime,
          host: info.host ?? (inherit ? prev!.host : null),
          caller: info.caller ?? (inherit && info.uptime === null ? prev!.caller : null),
          // An indented line under a foreign syslog line continues that line.
          foreign: info.foreign || (inherit && prev!.foreign && /^\s/.test(part)),
        };
      } else {
        line = {
          lineNo,
          message: info.message,
          time: first.time,
          uptime: info.uptime ?? first.uptime,
          host: first.host ?? prev?.host ?? null,
          caller: info.caller ?? first.caller,
          foreign: first.foreign,
        };
      }
      this.prev = line;
      this.visit(line);
    }
  }
}

/** Calls `visit` for every kernel line of `text` in order. Linear in the text length. */
export function forEachLogLine(text: string, visit: (line: LogLine) => void): void {
  const splitter = new LogLineSplitter(visit);
  splitter.push(text);
  splitter.end();
}
