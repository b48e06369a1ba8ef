// Serves the built page (web/dist, made by `npm run build:web`): index.html for /chat, hashed
// assets with a long cache. Paths outside the folder are refused.
import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import path from "node:path";

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

/** What every page of the web chat is sent with: no framing, no referrer (signed links), a strict CSP. */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/** Sends `relPath` from `root`; false when there is no such file (the caller answers 404). */
export const sendStaticFile = async (res: ServerResponse, root: string, relPath: string, opts: { immutable: boolean; head: boolean }): Promise<boolean> => {
  const full = path.resolve(root, `.${path.posix.normalize(`/${relPath}`)}`);
  if (full !== root && !full.startsWith(root + path.sep)) return false;
  const bytes = await readFile(full).catch(() => null);
  if (!bytes) return false;
  const type = TYPES[path.extname(full).toLowerCase()] ?? "application/octet-stream";
  res.writeHead(200, {
    ...PAGE_SECURITY_HEADERS,
    "content-type": type,
    "content-length": bytes.byteLength,
    "cache-control": opts.immutable ? "public, max-age=31536000, immutable" : "no-cache",
  });
  res.end(opts.head ? undefined : bytes);
  return true;
};
