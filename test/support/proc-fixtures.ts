/** Fake /proc trees of test/fixtures/proc and a ProcFs that refuses chosen paths. */
import { fileURLToPath } from "node:url";
import { nodeProcFs, type ProcFs, type ReadOutcome } from "../../src/live/procfs.js";

export const fixtureRoot = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/proc/${name}`, import.meta.url));

export const fixtureFs = (name: string): ProcFs => nodeProcFs({ root: fixtureRoot(name) });

/** As hidepid=1 or a non-root reader would see it; tests run as root, so modes cannot do it. */
export function denying(fs: ProcFs, denied: (path: string) => boolean): ProcFs {
  const no: ReadOutcome = { kind: "denied", code: "EACCES" };
  return {
    root: fs.root,
    read: async (p) => (denied(p) ? no : fs.read(p)),
    readText: async (p) => (denied(p) ? null : fs.readText(p)),
    list: async (p) => (denied(p) ? null : fs.list(p)),
    readSys: (p) => fs.readSys(p),
  };
}
