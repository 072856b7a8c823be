/** The InputError a scenario text is rejected with (the test fails if it is accepted). */

import { InputError } from "../../src/errors.js";
import { runScenarioText } from "../../src/sim/run.js";

export function scenarioErrorOf(text: string): InputError {
  try {
    runScenarioText(text, () => {}, { file: "s.yaml" });
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("no error");
}
