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
/** `[ 1234.567890]`, and `dmesg --reltime` deltas `[  +0.000013]`. */
const UPTIME = /^\[\s*([+-]?\d{1,12}\.\d{1,9})\]\s?/;
const CALLER = /^\[\s*([TC]\d{1,10})\]\s?/;
/**
 * `dmesg -T`: any bracketed text holding a clock time, e.g. `[dim. 19 avril 18:03:30 2026]`;
 * also the `dmesg --reltime` minute stamps `[Nov28 23:54]`.
 */
const DMESG_T = /^\[([^\][]{0,40}?\d{1,2}:\d\d(?::\d\d)?[^\][]{0,24})\]\s?/;
/** `Mon DD HH:MM:SS host prog[pid]: ` (month names in any language, host may be empty). */
const SYSLOG_BSD =
  /^([^\s\d[\]<>]{2,10}\s{1,2}\d{1,2}\s\d\d:\d\d:\d\d(?:\.\d{1,9})?)\s(?:\s?([^\s:]+)\s)?\s?([\w./@-]{1,64})(?:\[\d{1,10}\])?:(?: |$)/;
/**
 * RFC 3339 / journal `short-iso`: `2024-11-28T23:54:31.369757-08:00 host prog: `; journal
 * `short-unix`: `1732866871.369757 host prog: `.
 */
const SYSLOG_ISO =
  /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?|\d{9,11}\.\d{1,9})\s(?:\s?([^\s:]+)\s)?\s?([\w./@-]{1,64})(?:\[\d{1,10}\])?:(?: |$)/;
/** `dmesg --time-format iso`: `2024-11-28T23:54:31,369757-08:00 ` with no host or program. */
const DMESG_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.,]\d{1,9}(?:Z|[+-]\d\d:?\d\d))\s/;
/** journal `short-monotonic`: `[  123.456789] host kernel: ` (after the uptime stamp). */
const MONOTONIC_HOST = /^([^\s:[\]]{1,64}) kernel: /;

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
    rest = rest.trimStart();
    const c = rest.charCodeAt(0);
    let m: RegExpExecArray | null = null;
    if (c === 62 /* > */) {
      m = MAIL_QUOTE.exec(rest);
      if (m) rest = rest.slice(m[0].length);
      continue;
    }
    if (info.host === undefined && c !== 91 /* [ */ && c !== 60 /* < */) {
      m = c >= 48 && c <= 57 ? SYSLOG_ISO.exec(rest) : SYSLOG_BSD.exec(rest);
      if (m) {
        info.time = m[1];
        info.host = m[2] ?? "";
        if (m[3] !== "kernel") info.foreign = true;
        rest = rest.slice(m[0].length);
        continue;
      }
    }
    if (info.host === undefined && info.uptime !== null && c !== 91) {
      m = MONOTONIC_HOST.exec(rest);
      if (m) {
        info.host = m[1];
        rest = rest.slice(m[0].length);
        continue;
      }
    }
    if (c >= 48 && c <= 57) {
      m = KMSG.exec(rest);
      if (m) info.uptime ??= kmsgUptime(m[3]);
      else {
        m = DMESG_ISO.exec(rest);
        if (m) info.time ??= m[1];
      }
    } else if (c === 60) {
      m = LEVEL_TAG.exec(rest);
    } else if (c === 91) {
      m = UPTIME.exec(rest);
      if (m) info.uptime ??= m[1];
      else {
        m = CALLER.exec(rest);
        if (m) info.caller ??= m[1];
        else {
          m = DMESG_T.exec(rest);
          if (m) info.time ??= m[1];
        }
      }
    } else {
      m = DMESG_X.exec(rest);
    }
    if (!m) break;
    rest = rest.slice(m[0].length);
  }
  info.message = rest.trimEnd();
  return info;
}
