/**
 * One style for usage errors: a single line `oomkit: what is wrong (hint)` on stderr and
 * exit status 2, whether commander finds the error (unknown option, missing argument,
 * unknown command, invalid choice) or a command does.
 */

/** The line for one of commander's error messages, raised while parsing `commandPath`. */
export function commanderErrorLine(message: string, commandPath: string): string {
  let text = message.trim().replace(/^error: /, "");
  let hint = `see ${commandPath} --help`;
  const suggestion = /\s*\(Did you mean (.+)\?\)$/.exec(text);
  if (suggestion !== null) {
    text = text.slice(0, suggestion.index);
    hint = `did you mean ${suggestion[1]}?`;
  }
  text = text
    .replace(/\s*\n\s*/g, " ")
    .replace(/\.$/, "")
    .replace(/\. (\p{Lu})/gu, (_, c: string) => `: ${c.toLowerCase()}`);
  return `oomkit: ${text} (${hint})`;
}

/** Optimal string alignment distance: edits, with a swap of two neighbours as one. */
function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d.push([i]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The names closest to `word`, chosen as commander chooses its suggestions. */
export function similarNames(word: string, names: readonly string[]): string[] {
  let best = 3;
  let found: string[] = [];
  for (const name of new Set(names)) {
    if (name.length <= 1) continue;
    const distance = editDistance(word, name);
    const length = Math.max(word.length, name.length);
    if ((length - distance) / length <= 0.4) continue;
    if (distance < best) {
      best = distance;
      found = [name];
    } else if (distance === best) {
      found.push(name);
    }
  }
  return found.sort((a, b) => a.localeCompare(b));
}

/** `unknown command 'NAME' (did you mean X?)`, as commander words it for `oomkit NAME`. */
export function unknownCommandMessage(name: string, names: readonly string[]): string {
  const similar = similarNames(name, names);
  const hint =
    similar.length === 0
      ? "see oomkit --help"
      : `did you mean ${similar.length === 1 ? similar[0] : `one of ${similar.join(", ")}`}?`;
  return `unknown command '${name}' (${hint})`;
}
