/** Fake /proc trees of test/fixtures/proc and a ProcFs that refuses chosen paths. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeProcFs, type ProcFs, READ_DENIED, type ReadOutcome } from "../../src/live/procfs.js";

/** Empty directories a fixture needs; git keeps no empty directory, so they are made here. */
const EMPTY_DIRS: Readonly<Record<string, readonly string[]>> = {
  vanished: ["70"], // a process that exited between readdir and the first read
};

export const fixtureRoot = (name: string): string => {
  const root = fileURLToPath(new URL(`../fixtures/proc/${name}`, import.meta.url));
  for (const dir of EMPTY_DIRS[name] ?? []) mkdirSync(join(root, dir), { recursive: true });
  return root;
};

export const fixtureFs = (name: string): ProcFs => nodeProcFs({ root: fixtureRoot(name) });

/** As hidepid=1 or a non-root reader would see it; tests run as root, so modes cannot do it. */
export function denying(fs: ProcFs, denied: (path: string) => boolean): ProcFs {
  const no: ReadOutcome = { kind: "denied", code: "EACCES" };
  return {
    root: fs.root,
    readBytes: (p) => (denied(p) ? READ_DENIED : fs.readBytes(p)),
    get bytes() {
      return fs.bytes;
    },
    readTextSync: (p) => (denied(p) ? null : fs.readTextSync(p)),
    listSync: (p) => (denied(p) ? null : fs.listSync(p)),
    readSysSync: (p) => fs.readSysSync(p),
    read: async (p) => (denied(p) ? no : fs.read(p)),
    readText: async (p) => (denied(p) ? null : fs.readText(p)),
    list: async (p) => (denied(p) ? null : fs.list(p)),
    readSys: (p) => fs.readSys(p),
  };
}
