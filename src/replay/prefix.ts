/**
 * Line prefixes of kernel logs as they reach users (modern-oom §6.5): raw `[ uptime]`,
 * caller ids, `dmesg -T` dates in any language, `dmesg -x` facility:level, `/dev/kmsg`
 * records, `<N>` level tags, BSD syslog and journal prefixes (empty host included), RFC 3339
 * stamps, and mail quoting. Prefixes are peeled off one after another in any order; what is
 * left is the kernel's own message text.
 */

export interface PrefixInfo {
  message: string;
  time: string | null;
  uptime: string | null;
  /** Host of a syslog/journal prefix; undefined when the line had no such prefix. */
  host: string | undefined;
  caller: string | null;
  /** A syslog/journal line whose program is not the kernel. */
  foreign: boolean;
}

/** Longest stretch of a line the parser looks at; kernel lines are at most about 1 kB. */
export const MAX_LINE_CHARS = 8192;

const MAIL_QUOTE = /^[ \t]*>[ \t>]*/;
const LEVEL_TAG = /^<(\d{1,3})>/;
const KMSG = /^(\d{1,3}),(\d{1,20}),(\d{1,20}),[^;]{0,20};/;
const DMESG_X =
  /^(?:kern|user|mail|daemon|auth|syslog|lpr|news|uucp|cron|authpriv|ftp|res[0-3]|local[0-7])\s*:\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\s*:\s?/;
const UPTIME = /^\[\s*(\d{1,12}\.\d{1,9})\]\s?/;
const CALLER = /^\[\s*([TC]\d{1,10})\]\s?/;
/** `dmesg -T`: any bracketed text holding a clock time, e.g. `[dim. 19 avril 18:03:30 2026]`. */
const DMESG_T = /^\[([^\][]{0,40}?\d{1,2}:\d\d:\d\d[^\][]{0,24})\]\s?/;
/** `Mon DD HH:MM:SS host prog[pid]: ` (month names in any language, host may be empty). */
const SYSLOG_BSD =
  /^([^\s\d[\]<>]{2,10}\s{1,2}\d{1,2}\s\d\d:\d\d:\d\d(?:\.\d{1,9})?)\s(?:\s?([^\s:]+)\s)?\s?([\w./@-]{1,64})(?:\[\d{1,10}\])?:(?: |$)/;
/** RFC 3339 / `short-iso`: `2024-11-28T23:54:31.369757-08:00 host prog: `. */
const SYSLOG_ISO =
  /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?)\s(?:\s?([^\s:]+)\s)?\s?([\w./@-]{1,64})(?:\[\d{1,10}\])?:(?: |$)/;

function kmsgUptime(usec: string): string {
  const padded = usec.padStart(7, "0");
  return `${padded.slice(0, -6)}.${padded.slice(-6)}`;
}

/** Splits one physical line into its prefixes and the kernel message. Never throws. */
export function parsePrefix(raw: string): PrefixInfo {
  let rest = raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw;
  const info: PrefixInfo = {
    message: "",
    time: null,
    uptime: null,
    host: undefined,
    caller: null,
    foreign: false,
  };
  for (let round = 0; round < 8; round++) {
    const before = rest;
    rest = rest.trimStart();
    let m = MAIL_QUOTE.exec(rest);
    if (m && m[0].length > 0) rest = rest.slice(m[0].length);
    m = SYSLOG_BSD.exec(rest) ?? SYSLOG_ISO.exec(rest);
    if (m && info.host === undefined) {
      info.time = m[1];
      info.host = m[2] ?? "";
      if (m[3] !== "kernel") info.foreign = true;
      rest = rest.slice(m[0].length);
      continue;
    }
    m = KMSG.exec(rest);
    if (m) {
      info.uptime ??= kmsgUptime(m[3]);
      rest = rest.slice(m[0].length);
      continue;
    }
    m = LEVEL_TAG.exec(rest) ?? DMESG_X.exec(rest);
    if (m) {
      rest = rest.slice(m[0].length);
      continue;
    }
    m = UPTIME.exec(rest);
    if (m) {
      info.uptime ??= m[1];
      rest = rest.slice(m[0].length);
      continue;
    }
    m = CALLER.exec(rest);
    if (m) {
      info.caller ??= m[1];
      rest = rest.slice(m[0].length);
      continue;
    }
    m = DMESG_T.exec(rest);
    if (m) {
      info.time ??= m[1];
      rest = rest.slice(m[0].length);
      continue;
    }
    if (rest === before) break;
  }
  info.message = rest.trimEnd();
  return info;
}
