/**
 * Which kernel printed a report. Each format the parser recognised narrows a version range
 * (modern-oom §2, §6.1-§6.4); the kernel release of the stack-dump line, when present and
 * consistent with the formats, pins it. A hint that contradicts the ones before it (a
 * distribution backport, a mixed-up capture) is set aside and reported.
 */
import {
  compareKernelVersions,
  DEFAULT_KERNEL_VERSION,
  type KernelVersion,
  parseKernelVersion,
} from "../policy/modern.js";
import type { OomEvent } from "./types.js";

export interface VersionRange {
  lo: KernelVersion;
  /** null: no upper bound. */
  hi: KernelVersion | null;
}

export interface KernelInference {
  version: KernelVersion;
  /** "option": given by the user; "report": the release printed in the report; "formats". */
  source: "option" | "report" | "formats" | "default";
  release: string | null;
  /** Where the release was read: "stack dump", or "'Linux version' line N [of FILE]". */
  releaseFrom: string | null;
  range: VersionRange;
  /** The format hints used, e.g. "table columns nr_ptes/swapents: 3.8 .. 4.7". */
  hints: string[];
  notes: string[];
}

type Hint = [label: string, lo: KernelVersion, hi: KernelVersion | null];

/** Range ends use patch level 9999 for "any X.Y"; those print as `X.Y`. */
export function formatVersion(v: KernelVersion): string {
  return v[2] >= 9999 ? `${v[0]}.${v[1]}` : `${v[0]}.${v[1]}.${v[2]}`;
}

/** A range start with patch level 0 prints as `X.Y` (2.6.x versions keep their patch level). */
export function formatStart(v: KernelVersion): string {
  return v[2] === 0 ? `${v[0]}.${v[1]}` : formatVersion(v);
}

export function formatRange(lo: KernelVersion, hi: KernelVersion | null): string {
  return hi === null ? `${formatStart(lo)}+` : `${formatStart(lo)} .. ${formatVersion(hi)}`;
}

/** The format hints of an event, most specific first. */
function hintsOf(e: OomEvent): Hint[] {
  const hints: Hint[] = [];
  const t = e.table;
  if (t) {
    const has = (c: string) => t.columns.includes(c);
    const wide = t.tasksState || t.widePid;
    if (has("cpu") && has("oom_adj")) {
      if (has("oom_score_adj"))
        hints.push(["table with cpu/oom_adj/oom_score_adj", [2, 6, 36], [3, 7, 9999]]);
      else hints.push(["table with cpu/oom_adj", [2, 6, 25], [2, 6, 35]]);
    } else if (has("nr_pmds")) hints.push(["table with nr_pmds", [4, 8, 0], [4, 14, 9999]]);
    else if (has("nr_ptes")) hints.push(["table with nr_ptes", [3, 8, 0], [4, 7, 9999]]);
    else if (has("rss_anon"))
      hints.push(["table with rss_anon/rss_file/rss_shmem", [6, 8, 0], null]);
    else if (has("pgtables_bytes") && wide)
      hints.push(["Tasks state table with pgtables_bytes", [4, 19, 0], [6, 7, 9999]]);
    else if (has("pgtables_bytes"))
      hints.push(["table with pgtables_bytes", [4, 15, 0], [4, 18, 9999]]);
  }
  const h = e.header;
  if (h) {
    if (h.oomkilladj !== null) hints.push(["header with oomkilladj=", [2, 6, 20], [2, 6, 35]]);
    else if (h.oomAdj !== null) hints.push(["header with oom_adj=", [2, 6, 36], [3, 7, 9999]]);
    else if (h.gfpFlags !== null && h.nodemask !== null)
      hints.push(["header with nodemask=", [4, 5, 0], [4, 20, 9999]]);
    else if (h.gfpFlags !== null) hints.push(["header with gfp flag names", [4, 19, 0], null]);
    else if (h.oomScoreAdj !== null)
      hints.push(["header with oom_score_adj= only", [3, 8, 0], [4, 4, 9999]]);
  }
  if (e.summary) hints.push(["oom-kill: summary line", [4, 19, 0], null]);
  if (e.select?.form === "or-a-child")
    hints.push(["'kill process .. or a child'", [2, 6, 20], [2, 6, 35]]);
  if (e.select?.form === "and-children")
    hints.push(["'Kill process .. and children.'", [2, 6, 21], [2, 6, 24]]);
  if (e.select?.form === "sacrifice-child")
    hints.push(["'.. or sacrifice child'", [2, 6, 36], [5, 0, 9999]]);
  const k = e.killed[0];
  if (k) {
    const forms: Record<string, Hint | null> = {
      plain: ["'Killed process N (comm)'", [2, 6, 20], [2, 6, 35]],
      "plain-dot": ["'Killed process N (comm).'", [2, 6, 21], [2, 6, 24]],
      rhel6: ["RHEL6 'Killed process N, UID u, (comm)'", [2, 6, 36], [3, 7, 9999]],
      rhel7: ["RHEL7 'Killed process N (comm), UID u,'", [3, 8, 0], [4, 7, 9999]],
      "total-vm": ["'Killed process' with total-vm, no shmem-rss", [2, 6, 36], [4, 4, 9999]],
      "shmem-rss": ["'Killed process' with shmem-rss, no UID:", [4, 5, 0], [5, 3, 9999]],
      uid: ["'Killed process' with UID: and pgtables:", [5, 4, 0], null],
      damaged: null,
    };
    const hint = forms[k.form];
    if (hint) hints.push(hint);
    if (e.header && e.select === null && e.summary !== null) {
      hints.push(["no 'Kill process .. score' line before 'Killed process'", [5, 1, 0], null]);
    }
  }
  if (e.allocating?.hasUid) hints.push(["'CPU: .. UID: .. PID:' line", [6, 11, 0], null]);
  if (e.reaper.length > 0) hints.push(["oom_reaper line", [4, 6, 0], null]);
  return hints;
}

function within(v: KernelVersion, r: VersionRange): boolean {
  return (
    compareKernelVersions(v, r.lo) >= 0 && (r.hi === null || compareKernelVersions(v, r.hi) <= 0)
  );
}

/** Infers the kernel version of a report, or takes the one given. */
export function inferKernelVersion(e: OomEvent, given?: KernelVersion): KernelInference {
  const range: VersionRange = { lo: [2, 6, 20], hi: null };
  const hints: string[] = [];
  const notes: string[] = [];
  for (const [label, lo, hi] of hintsOf(e)) {
    const newLo = compareKernelVersions(lo, range.lo) > 0 ? lo : range.lo;
    const newHi =
      range.hi === null
        ? hi
        : hi === null
          ? range.hi
          : compareKernelVersions(hi, range.hi) < 0
            ? hi
            : range.hi;
    if (newHi !== null && compareKernelVersions(newLo, newHi) > 0) {
      notes.push(`format hint ${label} (${formatRange(lo, hi)}) contradicts the others; ignored`);
      continue;
    }
    range.lo = newLo;
    range.hi = newHi;
    hints.push(`${label} (${formatRange(lo, hi)})`);
  }
  const release = e.release?.text ?? e.allocating?.release ?? null;
  const releaseFrom =
    e.release === null
      ? release === null
        ? null
        : "stack dump"
      : e.release.from === "stack dump"
        ? "stack dump"
        : `'Linux version' line ${e.release.line}${e.release.file === null ? "" : ` of ${e.release.file}`}`;
  if (given) {
    if (hints.length > 0 && !within(given, range)) {
      notes.push(
        `the formats suggest ${formatRange(range.lo, range.hi)}; using ${formatVersion(given)} as given`,
      );
    }
    return { version: given, source: "option", release, releaseFrom, range, hints, notes };
  }
  const printed = release === null ? null : parseKernelVersion(release);
  if (printed && within(printed, range)) {
    return { version: printed, source: "report", release, releaseFrom, range, hints, notes };
  }
  if (printed) {
    const nearest = compareKernelVersions(printed, range.lo) < 0 ? range.lo : range.hi!;
    notes.push(
      `release ${release} prints the formats of ${formatRange(range.lo, range.hi)} (a backport?); scored as ${formatVersion(nearest)}`,
    );
    return { version: nearest, source: "formats", release, releaseFrom, range, hints, notes };
  }
  if (hints.length === 0) {
    notes.push(
      `no format told the kernel version; assumed ${formatVersion(DEFAULT_KERNEL_VERSION)}`,
    );
    return {
      version: DEFAULT_KERNEL_VERSION,
      source: "default",
      release,
      releaseFrom,
      range,
      hints,
      notes,
    };
  }
  let version: KernelVersion;
  // A range wholly before the 2.6.36 rewrite is shown by its start (2.6.20, the project's model).
  if (range.hi !== null && compareKernelVersions(range.hi, [2, 6, 36]) < 0) version = range.lo;
  else if (range.hi !== null) version = range.hi;
  else
    version =
      compareKernelVersions(range.lo, DEFAULT_KERNEL_VERSION) > 0
        ? range.lo
        : DEFAULT_KERNEL_VERSION;
  notes.push(
    `kernel ${formatRange(range.lo, range.hi)} by its formats; scored as ${formatVersion(version)}`,
  );
  return { version, source: "formats", release, releaseFrom, range, hints, notes };
}
