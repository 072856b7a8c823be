import { UsageError } from "../errors.js";
import { type LoadedSnapshot, loadSnapshotText } from "../oom/load.js";
import type { OomState } from "../oom/state.js";
import { EXAMPLE_NAME, EXAMPLE_SNAPSHOT_TEXT } from "../snapshot/example.js";
import type { Snapshot } from "../snapshot/types.js";
import { readInputText } from "./input.js";

/** A loaded snapshot and the name its messages use; `snapshot` is normalised on first use. */
export class NamedSnapshot {
  constructor(
    readonly name: string,
    readonly loaded: LoadedSnapshot,
  ) {}

  get snapshot(): Snapshot {
    return this.loaded.snapshot;
  }

  /** The compiled state, for one out_of_memory() call. */
  get state(): OomState {
    return this.loaded.state;
  }
}

/** Reads and validates one snapshot file (`-` is standard input). */
export async function loadSnapshotFile(file: string): Promise<NamedSnapshot> {
  const { name, text } = await readInputText(file);
  return new NamedSnapshot(name, loadSnapshotText(text, name));
}

/** The files named on the command line, or the embedded example with --example. */
export async function loadSnapshotArgs(
  files: string[],
  example: boolean,
): Promise<NamedSnapshot[]> {
  if (example) {
    if (files.length > 0) throw new UsageError("--example takes no FILE arguments");
    return [new NamedSnapshot(EXAMPLE_NAME, loadSnapshotText(EXAMPLE_SNAPSHOT_TEXT, EXAMPLE_NAME))];
  }
  if (files.length === 0)
    throw new UsageError("no snapshot given: name a FILE, '-' for stdin, or use --example");
  if (files.filter((f) => f === "-").length > 1)
    throw new UsageError("standard input ('-') can be named once");
  const loaded: NamedSnapshot[] = [];
  for (const file of files) loaded.push(await loadSnapshotFile(file));
  return loaded;
}
