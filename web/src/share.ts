/**
 * Share by link: the scenario, the seed and the step (or a pasted kernel log), deflated with the browser's own
 * CompressionStream and put in the URL fragment, which is never sent to a server.
 */

export type Shared =
  | {
      tab: "scenario";
      /** The scenario's YAML text and the name it is shown under. */
      text: string;
      file: string;
      seed: number | null;
      step: number;
      /** The scored tasks shown within an oom.badness step (null: all). */
      sub: number | null;
    }
  | { tab: "replay"; text: string };

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream) {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** `#s=...`: the fragment that restores `shared`. */
export async function encodeShare(shared: Shared): Promise<string> {
  const json = JSON.stringify({ v: 1, ...shared });
  const packed = await pipe(new TextEncoder().encode(json), new CompressionStream("deflate-raw"));
  return `#s=${toBase64Url(packed)}`;
}

/** The shared state in a fragment, or null when it holds none (or is damaged). */
export async function decodeShare(hash: string): Promise<Shared | null> {
  const m = /^#s=([A-Za-z0-9_-]+)$/.exec(hash);
  if (m === null) return null;
  try {
    const bytes = await pipe(fromBase64Url(m[1]!), new DecompressionStream("deflate-raw"));
    const v = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    if (v.v !== 1 || typeof v.text !== "string") return null;
    if (v.tab === "replay") return { tab: "replay", text: v.text };
    return {
      tab: "scenario",
      text: v.text,
      file: typeof v.file === "string" ? v.file : "shared.yaml",
      seed: typeof v.seed === "number" ? v.seed : null,
      step: typeof v.step === "number" ? v.step : 0,
      sub: typeof v.sub === "number" ? v.sub : null,
    };
  } catch {
    return null;
  }
}
