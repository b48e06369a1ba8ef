// The page: GET /chat (web/dist/index.html, built by `npm run build:web`) and /chat/assets/* its
// hashed files with a long cache (HEAD too: Hono answers it from GET). Paths outside the folder are
// refused; other methods get 405. Security headers (CSP, no framing, no referrer): Hono's
// secureHeaders, for everything under /chat (create-web-chat.ts).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Hono } from "hono";
import { t } from "../../../core/index.ts";
import { notFound, type WebChatEnv, type WebChatKit, type WebContext } from "../web-chat-kit.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".woff2": "font/woff2",
};

/** `relPath` from `root` as a response; null when there is no such file. */
const staticFile = async (c: WebContext, root: string, relPath: string, immutable: boolean): Promise<Response | null> => {
  const full = path.resolve(root, `.${path.posix.normalize(`/${relPath}`)}`);
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  const bytes = await readFile(full).catch(() => null);
  if (!bytes) return null;
  const headers = {
    "content-type": TYPES[path.extname(full).toLowerCase()] ?? "application/octet-stream",
    "content-length": String(bytes.byteLength),
    "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
  };
  return c.body(new Uint8Array(bytes), 200, headers); // HEAD: Hono drops the body, keeps the headers
};

/** Mounted at /chat, after the API. */
export const pageRoutes = (kit: WebChatKit): Hono<WebChatEnv> =>
  new Hono<WebChatEnv>()
    .get("*", async (c) => {
      const rel = c.req.path.replace(/^\/chat/, "").replace(/^\/+/, "");
      if (rel === "" || rel === "index.html") {
        const page = await staticFile(c, kit.distDir, "index.html", false);
        if (page) return page;
        // The person opening the page learns that an administrator must act; the operator's log says how.
        kit.log.warn({ distDir: kit.distDir }, "web chat page not built: run npm run build:web");
        return c.body(t("vi", "web.error.notBuilt"), 503, { "content-type": "text/plain; charset=utf-8" });
      }
      return (await staticFile(c, kit.distDir, rel, rel.startsWith("assets/"))) ?? notFound(c);
    })
    .all("*", (c) => c.body(null, 405, { allow: "GET, HEAD" }));
