/**
 * Splits log text into lines and gives each its prefixes (modern-oom §6.5): LF, CRLF and lone
 * CR end lines; rsyslog's `#012` (escaped newline) splits one syslog record into several
 * kernel lines that share its prefix, and `#011` is a tab. Lines without a prefix of their own
 * (continuations, `KERN_CONT`) inherit the host and caller of the line before them.
 */
import { type PrefixInfo, parsePrefix } from "./prefix.js";
import type { LogLine } from "./types.js";

function unescapeRsyslog(part: string): string {
  return part.includes("#011") ? part.replaceAll("#011", "\t") : part;
}

/** Calls `visit` for every kernel line of `text` in order. Linear in the text length. */
export function forEachLogLine(text: string, visit: (line: LogLine) => void): void {
  let prev: LogLine | null = null;
  let lineNo = 0;
  let start = 0;
  const n = text.length;
  let nextCr = text.indexOf("\r");
  while (start <= n) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = n;
    // A CR ends a line too (CRLF, or a lone CR from a terminal capture). The next CR is
    // looked up again only once passed, so a text without any stays linear.
    if (nextCr !== -1 && nextCr < start) nextCr = text.indexOf("\r", start);
    if (nextCr !== -1 && nextCr < end) end = nextCr;
    const physical = text.slice(start, end);
    lineNo++;
    if (end < n && text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10) end++;
    start = end + 1;
    if (end >= n && physical === "") break;
    const parts = physical.includes("#012") ? physical.split("#012") : [physical];
    let first: PrefixInfo | null = null;
    for (const part of parts) {
      const info = parsePrefix(unescapeRsyslog(part));
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
      prev = line;
      visit(line);
    }
  }
}
