/** The messages between the page and the Worker that runs the engine. */

export interface ScenarioError {
  message: string;
  line: number | null;
  column: number | null;
}

export interface TaskRef {
  pid: number;
  comm: string;
}

/** One out_of_memory() call of the run, for stepping and for "predict the victim". */
export interface CallInfo {
  n: number;
  /** Index of its oom.invoked event and of its oom.result event. */
  invokedAt: number;
  endAt: number;
  /** Index of its oom.badness event (-1: nothing scored) and the tasks it scored, in order. */
  badnessAt: number;
  scored: TaskRef[];
  outcome: string;
  /** The processes a guess can name: those with an mm, init left out. */
  candidates: TaskRef[];
  selected: (TaskRef & { points: string }) | null;
  victim: TaskRef | null;
}

export interface RunInfo {
  events: number;
  seed: number;
  reason: string;
  /** Milliseconds the engine took, in the Worker. */
  ms: number;
  calls: CallInfo[];
}

export interface StepInfo {
  step: number;
  /** Within an oom.badness event: how many of its scored tasks are shown (null: all). */
  sub: number | null;
  html: string;
  /** The last event shown, as a `sim --json` line. */
  event: string | null;
  tick: number | null;
}

export interface ReplayInfo {
  events: number;
  html: string | null;
  victims: (TaskRef | null)[];
  message: string | null;
}

export interface SnapshotInfo {
  html: string | null;
  outcome: string | null;
  victim: TaskRef | null;
  error: ScenarioError | null;
}

export type Request =
  | { id: number; kind: "run"; text: string; file: string; seed?: number }
  | { id: number; kind: "page"; step: number; sub: number | null }
  | { id: number; kind: "replay"; text: string }
  | { id: number; kind: "snapshot"; text: string; file: string };

export type Reply =
  | { id: number; kind: "run"; ok: true; info: RunInfo }
  | { id: number; kind: "run"; ok: false; error: ScenarioError }
  | { id: number; kind: "page"; page: StepInfo | null }
  | { id: number; kind: "replay"; replay: ReplayInfo }
  | { id: number; kind: "snapshot"; snapshot: SnapshotInfo };
