/**
 * A valid snapshot document that uses most features, and helpers for tests that break
 * one rule of it at a time and check the resulting InputError (docs/formats.md §3).
 */
import { describe, expect, test } from "vitest";
import { InputError } from "../../src/errors.js";
import { validateSnapshot } from "../../src/snapshot/load.js";

// biome-ignore lint/suspicious/noExplicitAny: each case reaches into the document freely.
export type Doc = Record<string, any>;

/** A valid document using most features; each case below breaks one rule of it. */
export function baseDoc(): Doc {
  return {
    format: "oomkit.snapshot/1",
    kernel: { bits: 64, hz: 250, uptime: 100000, nodes: [{ id: 0 }, { id: 1, memory: true }] },
    cpusets: [
      { path: "/", mems: [0, 1] },
      { path: "/a", mems: [1] },
      { path: "/a/b", mems: [1] },
      { path: "/x", mems: [0], mem_exclusive: true },
    ],
    mms: [
      { id: "init", total_vm: 300 },
      { id: "big", total_vm: "18446744073709551615" },
    ],
    tasks: [
      { pid: 1, parent: 0, comm: "init", mm: "init", uid: 0, euid: 0, children: [11, 10, 12] },
      {
        pid: 10,
        parent: 1,
        comm: "java",
        mm: "big",
        uid: 1000,
        euid: 1000,
        cpuset: "/a/b",
        flags: ["PF_EXITING"],
        caps: ["CAP_SYS_ADMIN"],
        tif: ["TIF_MEMDIE"],
        mems_allowed: [1],
      },
      { pid: 12, tgid: 10, parent: 1, comm: "java", mm: "big", uid: 1000, euid: 1000 },
      {
        pid: 11,
        parent: 1,
        comm: "cron",
        mm: null,
        uid: 0,
        euid: 0,
        nice: 5,
        oomkilladj: -17,
        utime: 5,
        stime: "6",
        start_time: 7,
      },
    ],
    current: 10,
    request: {
      gfp_mask: ["GFP_KERNEL"],
      order: 0,
      zonelist: [
        { node: 0, zone: "Normal" },
        { node: 1, zone: "Normal" },
      ],
    },
    env: { notifier_freed: 0, printk_ratelimit: true, printk_suppressed: 0, uninit_nodemask: [] },
  };
}

/** The InputError for `doc` after `change`; fails the test when it is accepted. */
export function rejection(change: (doc: Doc) => void): InputError {
  const doc = baseDoc();
  change(doc);
  try {
    validateSnapshot(doc, "x.json");
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error("the document was accepted");
}

export type Case = [name: string, change: (doc: Doc) => void, path: string, gist: RegExp];

export function cases(title: string, table: Case[]) {
  describe(title, () => {
    test.each(table)("%s", (_name, change, path, gist) => {
      const err = rejection(change);
      expect(err.path).toBe(path);
      expect(err.expected).toMatch(gist);
      expect(err.line).toBeUndefined();
      expect(err.message).toBe(`x.json: ${path}: ${err.expected}`);
    });
  });
}
