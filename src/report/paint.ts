/**
 * How a rendering asks for emphasis without knowing the terminal: the caller passes a
 * painter (styles on a terminal, the text unchanged elsewhere).
 */
export type Paint = (
  style: "victim" | "differs" | "agrees" | "changed" | "dim",
  text: string,
) => string;
