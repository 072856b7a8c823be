/**
 * The most recently started process: the rule of killers that protect what has run
 * longest (the work it holds) and sacrifice what has just come. Start times are whole
 * seconds of uptime, as a snapshot stores them; of processes started in the same second,
 * the one later in the task list (forked later) wins. A process whose start time is not
 * known counts as started at boot. Never init, a kernel thread, a task without an mm or
 * one with oom_score_adj -1000; an earlier victim still dying stops the choice.
 */

import type { VictimPolicy } from "./types.js";
import { userspaceEligibility } from "./userspace-eligibility.js";

export const newestPolicy: VictimPolicy = {
  name: "newest",
  tie: "last",
  scans: "processes",
  eligibility: userspaceEligibility,
  score: (view) => view.startTimeSeconds ?? 0n,
  explain: (view) => [
    view.startTimeSeconds === null
      ? { term: "start", value: "0", note: "start time not known: boot assumed" }
      : {
          term: "start",
          value: view.startTimeSeconds.toString(),
          note: "started this many seconds after boot",
        },
  ],
};
