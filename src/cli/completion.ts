/**
 * Shell completion scripts (bash, zsh, fish) and a man page, generated from the command
 * definitions themselves, so they can never list an option the program does not have.
 */
import type { Command, Option } from "commander";
import { VERSION } from "./version.js";

interface CommandInfo {
  name: string;
  description: string;
  options: { flags: string[]; takesValue: boolean; description: string }[];
}

/** A description's first sentence on one line, as a completion menu shows it. */
function brief(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const end = flat.search(/[.;:] /);
  return end < 0 ? flat.replace(/\.$/, "") : flat.slice(0, end);
}

function optionInfo(o: Option) {
  const flags = [o.short, o.long].filter((f): f is string => f !== undefined);
  return { flags, takesValue: o.required || o.optional, description: brief(o.description) };
}

function commandsOf(program: Command): CommandInfo[] {
  return program.commands
    .filter((c) => c.name() !== "help")
    .map((c) => ({
      name: c.name(),
      description: brief(c.summary() || c.description()),
      options: [
        ...c.options.map(optionInfo),
        { flags: ["-h", "--help"], takesValue: false, description: "display help" },
      ],
    }));
}

export function bashCompletion(program: Command): string {
  const cmds = commandsOf(program);
  const cases = cmds
    .map((c) => {
      const words = c.options.flatMap((o) => o.flags).join(" ");
      const valued = c.options.filter((o) => o.takesValue).flatMap((o) => o.flags);
      const valueCase =
        valued.length === 0
          ? ""
          : `      case "$prev" in ${valued.join("|")}) COMPREPLY=($(compgen -f -- "$cur")); return;; esac\n`;
      return `    ${c.name})\n${valueCase}      COMPREPLY=($(compgen -W "${words}" -- "$cur"))\n      [[ "$cur" != -* ]] && COMPREPLY+=($(compgen -f -- "$cur"))\n      ;;`;
    })
    .join("\n");
  return `# bash completion for oomkit ${VERSION}; load with: source <(oomkit completion bash)
_oomkit() {
  local cur prev cmd
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${cmds.map((c) => c.name).join(" ")} help --help --version" -- "$cur"))
    return
  fi
  case "$cmd" in
${cases}
  esac
}
complete -F _oomkit oomkit
`.replace(/\$\(compgen/g, "$(compgen");
}

function zshQuote(s: string): string {
  return s.replace(/'/g, "'\\''").replace(/\[/g, "\\[").replace(/\]/g, "\\]").replace(/:/g, "\\:");
}

export function zshCompletion(program: Command): string {
  const cmds = commandsOf(program);
  const list = cmds.map((c) => `    '${c.name}:${zshQuote(c.description)}'`).join("\n");
  const cases = cmds
    .map((c) => {
      const specs = c.options
        .map((o) => {
          const names = o.flags.length > 1 ? `{${o.flags.join(",")}}` : o.flags[0]!;
          const value = o.takesValue ? ":value:_files" : "";
          return `        '${o.flags.length > 1 ? `(${o.flags.join(" ")})` : ""}'${names}'[${zshQuote(o.description)}]${value}'`;
        })
        .join(" \\\n");
      return `    ${c.name})\n      _arguments \\\n${specs} \\\n        '*:file:_files'\n      ;;`;
    })
    .join("\n");
  return `#compdef oomkit
# zsh completion for oomkit ${VERSION}; put it in a directory of $fpath as _oomkit
_oomkit() {
  local -a commands
  commands=(
${list}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
_oomkit "$@"
`;
}

function fishQuote(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export function fishCompletion(program: Command): string {
  const cmds = commandsOf(program);
  const lines = [
    `# fish completion for oomkit ${VERSION}; save as ~/.config/fish/completions/oomkit.fish`,
    "complete -c oomkit -f",
    ...cmds.map(
      (c) =>
        `complete -c oomkit -n __fish_use_subcommand -a ${c.name} -d ${fishQuote(c.description)}`,
    ),
  ];
  for (const c of cmds) {
    for (const o of c.options) {
      const parts = [`complete -c oomkit -n '__fish_seen_subcommand_from ${c.name}'`];
      for (const f of o.flags)
        parts.push(f.startsWith("--") ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`);
      if (o.takesValue) parts.push("-r -F");
      parts.push(`-d ${fishQuote(o.description)}`);
      lines.push(parts.join(" "));
    }
  }
  return `${lines.join("\n")}\n`;
}

function roff(s: string): string {
  return s
    .replace(/\\/g, "\\e")
    .replace(/^([.'])/gm, "\\&$1")
    .replace(/-/g, "\\-");
}

/** oomkit(1) in man(7) format. */
export function manPage(program: Command, date: string): string {
  const out = [
    `.TH OOMKIT 1 "${date}" "oomkit ${VERSION}" "User Commands"`,
    ".SH NAME",
    `oomkit \\- ${roff(program.description())}`,
    ".SH SYNOPSIS",
    ".B oomkit",
    ".I command",
    "[options] [arguments]",
    ".SH COMMANDS",
  ];
  for (const c of program.commands.filter((c) => c.name() !== "help")) {
    out.push(".SS", `.B oomkit ${c.name()} ${roff(c.usage())}`, roff(c.description()));
    for (const o of c.options) {
      out.push(".TP", `.B ${roff(o.flags)}`, roff(o.description));
    }
  }
  out.push(
    ".SH EXIT STATUS",
    "0 success; 1 a negative answer (no OOM report found, a rank \\-\\-check mismatch); 2 bad input or usage; 3 a system error reading or writing; 70 an internal error.",
    ".SH SEE ALSO",
    "The README and docs/ of the oomkit package.",
  );
  return `${out.join("\n")}\n`;
}
