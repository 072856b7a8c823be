/**
 * oomkit as a library: the Linux 2.6.20 OOM killer on snapshots of kernel state.
 * Everything exported here is pure and runs in Node and in the browser.
 */

export { InputError } from "./errors.js";
export { badnessExact, makeBadnessContext } from "./oom/badness.js";
export { outOfMemory, runOutOfMemory } from "./oom/out_of_memory.js";
export type { LogLine, OomResult, OomResultJson, Outcome } from "./oom/result.js";
export { toResultJson } from "./oom/result.js";
export { selectBadProcess } from "./oom/select_bad_process.js";
export { compileState } from "./oom/state.js";
export type { BadnessRow } from "./oom/table.js";
export { badnessTable } from "./oom/table.js";
export type { OomStep, OomStepName, OomTraceEntry } from "./oom/trace.js";
export { largestRssPolicy } from "./policy/largest-rss.js";
export { badnessOfView, linux2620Policy } from "./policy/linux-2620.js";
export { type KernelVersion, parseKernelVersion } from "./policy/modern.js";
export { modernPolicy, modernTaskOfView } from "./policy/modern-policy.js";
export { newestPolicy } from "./policy/newest.js";
export { oomScoreAdjBandsPolicy } from "./policy/oom-score-adj-bands.js";
export {
  allPolicies,
  isPolicyName,
  POLICY_NAMES,
  type PolicyOptions,
  policyByName,
} from "./policy/registry.js";
export { chooseVictim, type ScoredView, scoreViews } from "./policy/select.js";
export { chooseOnState, contextOfState, viewsOfState } from "./policy/state-views.js";
export type {
  CandidateView,
  Choice,
  Eligibility,
  PolicyContext,
  PolicyTerm,
  VictimPolicy,
} from "./policy/types.js";
export { explainOutOfMemory } from "./report/explain.js";
export { buildReportModel, type ReportModel } from "./report/html/model.js";
export { kernelLogLines } from "./report/kernel-log.js";
export { RunReport, type RunReportOptions } from "./report/run-report.js";
export type { SimSummary } from "./report/sim-summary.js";
export { DEFAULT_SCENARIO } from "./sim/default-scenario.js";
export type {
  EventBody,
  KernelEvent,
  MachineInfo,
  MemInfo,
  OomStepEvent,
  PrintEvent,
  SimEvent,
} from "./sim/events.js";
export type { OomCallRecord } from "./sim/oom-call.js";
export {
  type RunOptions,
  type RunResult,
  runScenarioText as runScenario,
} from "./sim/run.js";
export { EXAMPLE_SNAPSHOT_TEXT } from "./snapshot/example.js";
export { generateSnapshot } from "./snapshot/generate.js";
export { parseSnapshot, validateSnapshot } from "./snapshot/load.js";
export { snapshotToJson } from "./snapshot/serialize.js";
export type { Snapshot } from "./snapshot/types.js";
