/**
 * The playground's build: one static page. Vite bundles the app and its Worker (the
 * Worker inlined as a data URL), and the last step below puts the app's script and
 * style into index.html itself, so the built page opens from file:// with no server and
 * no network.
 */

import { defineConfig, type Plugin } from "vite";

function inlineIntoHtml(): Plugin {
  return {
    name: "oomkit-inline-into-html",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find(
        (f) => f.type === "asset" && f.fileName.endsWith(".html"),
      );
      if (html === undefined || html.type !== "asset") return;
      let text = String(html.source);
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === "chunk" && file.isEntry) {
          const tag = new RegExp(
            `<script[^>]*src="[^"]*${escapeRegExp(file.fileName)}"[^>]*></script>`,
          );
          const code = file.code.replace(/<\/(script)/gi, "<\\/$1");
          text = text.replace(tag, () => `<script type="module">${code}</script>`);
          delete bundle[name];
        } else if (file.type === "asset" && file.fileName.endsWith(".css")) {
          const tag = new RegExp(`<link[^>]*href="[^"]*${escapeRegExp(file.fileName)}"[^>]*>`);
          const css = String(file.source).replace(/<\/(style)/gi, "<\\/$1");
          text = text.replace(tag, () => `<style>${css}</style>`);
          delete bundle[name];
        }
      }
      html.source = text;
    },
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  worker: { format: "iife" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    modulePreload: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    cssCodeSplit: false,
    chunkSizeWarningLimit: 4096,
  },
  plugins: [inlineIntoHtml()],
});
