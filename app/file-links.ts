// Serves signed download links (`GET /files/<token>`, a Hono route) and finds the secret that signs them.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type CoreDeps, isDomainError, verifyFileLink, t, type Db, getOrCreateGeneratedSecret } from "../core/index.ts";
import { loadOrCreateSecret, readSecret } from "./secrets.ts";

/**
 * FILE_LINK_SECRET, or a random secret generated once. With `prisma` it lives in the database
 * (`GeneratedSecret` "file-link-key"), so every process of the deployment, on any machine, signs and
 * verifies with the same key; a key an older version kept in DATA_DIR/secrets is taken over, so links
 * already sent keep working. Without `prisma`, DATA_DIR/secrets/file-link.key (links survive a restart).
 */
export const loadFileLinkSecret = async (dataDir: string, fromEnv?: string, prisma?: Db): Promise<string> => {
  if (!prisma) return loadOrCreateSecret(dataDir, "file-link.key", fromEnv);
  if (fromEnv) return fromEnv;
  return getOrCreateGeneratedSecret(prisma, "file-link-key", async () => (await readSecret(dataDir, "file-link.key")) ?? randomBytes(32).toString("base64url"));
};

const page = (c: Context, status: ContentfulStatusCode, text: string): Response => {
  const html = `<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>edoc</title><p>${text.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</p></html>`;
  return c.body(html, status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
};

/** `GET /files/<token>` as a Hono app: the file, if the token is authentic, unexpired, and its person still active. */
export const fileDownloadRoutes = (deps: CoreDeps, secret: string): Hono =>
  new Hono()
    .get("/files/*", async (c) => {
      // The raw path (Hono's is decoded already). `/files/*` also matches `/files`: not ours.
      const pathname = new URL(c.req.url).pathname;
      if (pathname === "/files") return c.notFound();
      const raw = pathname.slice("/files/".length);
      let token: string;
      try {
        token = decodeURIComponent(raw);
      } catch {
        // `%ZZ`, a lone `%`: no link we made looks like that.
        return page(c, 400, t("vi", "fileLink.invalid"));
      }
      try {
        const claims = verifyFileLink(secret, token, deps.clock.now());
        const user = await deps.prisma.user.findUnique({ where: { id: claims.userId }, select: { active: true } });
        if (!user?.active) return page(c, 403, t("vi", "fileLink.invalid"));
        if (!(await deps.files.has(claims.sha256))) return page(c, 404, t("vi", "error.notFound", { what: claims.name }));
        // Streamed from the store (a 50 MB scan in the database is never held whole); the size from
        // its StoredFile row when there is one.
        const known = await deps.prisma.storedFile.findFirst({ where: { sha256: claims.sha256 }, select: { size: true } });
        const content = await deps.files.read(claims.sha256);
        const headers = {
          "content-type": claims.name.endsWith(".png") ? "image/png" : claims.name.endsWith(".jpg") ? "image/jpeg" : "application/pdf",
          ...(known ? { "content-length": String(known.size) } : {}),
          "content-disposition": `inline; filename*=UTF-8''${encodeURIComponent(claims.name)}`,
          "cache-control": "private, no-store",
          "x-content-type-options": "nosniff",
        };
        if (c.req.method === "HEAD") {
          content.destroy();
          return c.body(null, 200, headers);
        }
        return c.body(Readable.toWeb(content) as ReadableStream<Uint8Array>, 200, headers);
      } catch (err) {
        if (isDomainError(err)) return page(c, 403, t("vi", err.messageKey, err.params));
        throw err;
      }
    })
    .all("/files/*", (c) => (new URL(c.req.url).pathname === "/files" ? c.notFound() : c.body(null, 405, { allow: "GET, HEAD" })));
