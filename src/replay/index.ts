/** Replay of real kernel OOM reports: parse (pure, any text) and recompute the victim. */
export {
  type Replay,
  type ReplayOptions,
  replayEvent,
  type ScoredTask,
  type TaskRef,
} from "./analyse.js";
export { formatVersion, inferKernelVersion, type KernelInference } from "./era.js";
export { RepeatFilter } from "./repeats.js";
export { OomReportReader, parseOomReports } from "./segment.js";
export type { OomEvent } from "./types.js";
