// Builds the web chat page (web/src) into web/dist, which the service serves at /chat.
// `npm run build:web` runs it; `npm install` / `npm ci` run it too (postinstall).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/chat/",
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2020",
    // The page is served with a strict CSP (script-src 'self'): no inline scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
