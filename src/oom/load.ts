/**
 * Snapshot text loaded for `out_of_memory()`: validated, then compiled straight from the
 * document as written into the core's typed arrays, with no normalised task built on the
 * way. The state and the normalised snapshot (for explanations and reports) are each made
 * when first asked for.
 */

import {
  type CheckedDocument,
  normalizeChecked,
  parseJsonText,
  validateDocument,
} from "../snapshot/load.js";
import type { Snapshot } from "../snapshot/types.js";
import { compileParts, type OomState } from "./state.js";

export class LoadedSnapshot {
  readonly #checked: CheckedDocument;
  #state: OomState | undefined;
  #snapshot: Snapshot | undefined;

  constructor(checked: CheckedDocument) {
    this.#checked = checked;
  }

  /** The compiled state, for one `out_of_memory()` call, made on first use. */
  get state(): OomState {
    if (this.#state === undefined) {
      const { raw, head, index, facts } = this.#checked;
      this.#state = compileParts(head, raw.mms ?? [], raw.tasks, index, facts);
    }
    return this.#state;
  }

  /** The normalised snapshot, made on first use. */
  get snapshot(): Snapshot {
    this.#snapshot ??= normalizeChecked(this.#checked);
    return this.#snapshot;
  }
}

/** A parsed JSON document validated and compiled; throws one InputError naming `file`. */
export function loadDocument(doc: unknown, file: string): LoadedSnapshot {
  return new LoadedSnapshot(validateDocument(doc, file));
}

/** Snapshot text parsed, validated and compiled; throws one InputError naming `file`. */
export function loadSnapshotText(text: string, file: string): LoadedSnapshot {
  return loadDocument(parseJsonText(text, file), file);
}
