/**
 * Help text wrapped once, at the width of the terminal it goes to. Commander wraps the
 * description and the option and argument lists; the text after them (details,
 * examples) is reflowed here to the same width, so no line is wrapped twice.
 */

/** Commander leaves text unwrapped below this width; so does `reflow`. */
const MIN_WIDTH_TO_WRAP = 40;
const DEFAULT_WIDTH = 80;

/** Columns of `stream`: the terminal's, else $COLUMNS, else 80. */
export function helpWidth(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (stream.isTTY && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  if (Number.isSafeInteger(columns) && columns > 0) return columns;
  return DEFAULT_WIDTH;
}

function wrapWords(text: string, width: number, first: string, rest: string): string[] {
  const words = text.split(/\s+/).filter((w) => w !== "");
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += empty ? word : ` ${word}`;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

const BULLET = /^(\s*)([-*] )/;

/**
 * Reflows help text to `width`. Lines that start at the margin form paragraphs (joined,
 * then wrapped); an indented `- ` line starts a list item whose more-indented lines
 * continue it (wrapped with a hanging indent); any other indented line (an example, a
 * template) is printed as written. Blank lines separate paragraphs.
 */
export function reflow(text: string, width: number): string {
  const lines = text.split("\n");
  const out: string[] = [];
  const wrap = width >= MIN_WIDTH_TO_WRAP ? width : Number.POSITIVE_INFINITY;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    i++;
    if (line.trim() === "") {
      out.push("");
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet !== null) {
      const hang = `${bullet[1]}  `;
      let body = line.slice(bullet[0].length);
      while (i < lines.length) {
        const next = lines[i]!;
        const indent = next.length - next.trimStart().length;
        if (next.trim() === "" || BULLET.test(next) || indent <= bullet[1]!.length) break;
        body += ` ${next.trim()}`;
        i++;
      }
      out.push(...wrapWords(body, wrap, bullet[1]! + bullet[2]!, hang));
      continue;
    }
    if (/^\s/.test(line)) {
      out.push(line);
      continue;
    }
    let body = line;
    while (i < lines.length && lines[i]!.trim() !== "" && !/^\s/.test(lines[i]!)) {
      body += ` ${lines[i]!.trim()}`;
      i++;
    }
    out.push(...wrapWords(body, wrap, "", ""));
  }
  return out.join("\n");
}
