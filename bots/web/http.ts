// Small HTTP helpers of the service and its web chat: the one JSON answer, cookies, the client's
// address (the raw Node request, `c.env.incoming` under @hono/node-server), the origin rule.
import type { IncomingMessage } from "node:http";
import { getRequestListener } from "@hono/node-server";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The request body was larger than allowed. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** Every JSON answer of the service (web chat, health, refusals): never cached, never sniffed. */
export const sendJson = (c: Context, status: ContentfulStatusCode, body: unknown, headers: Record<string, string> = {}): Response =>
  c.body(JSON.stringify(body), status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers });

/**
 * A Hono app as a node:http listener. The request body stays unread until a route reads it (uploads
 * stream from `c.env.incoming`, never buffered), and is not drained after a refusal: such answers
 * say `connection: close` instead.
 */
export const nodeListener = (app: { fetch: Parameters<typeof getRequestListener>[0] }) =>
  getRequestListener(app.fetch, { autoCleanupIncoming: false, overrideGlobalObjects: false });

export const parseCookies = (header: string | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || name in out) continue;
    const raw = part.slice(eq + 1).trim();
    // A malformed escape (`%ZZ`) is kept as it is: it then matches no session, instead of failing the request.
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
};

export type CookieOptions = { path: string; maxAgeSeconds: number; secure: boolean };

/** An HttpOnly, SameSite=Strict cookie (Secure when the site is served over https). */
export const serializeCookie = (name: string, value: string, opts: CookieOptions): string =>
  [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${opts.path}`,
    `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`,
    "HttpOnly",
    "SameSite=Strict",
    ...(opts.secure ? ["Secure"] : []),
  ].join("; ");

/**
 * The client's address: the socket's peer, or (only when the service sits behind a reverse proxy
 * that sets it, `trustProxy`) the first X-Forwarded-For entry.
 */
export const clientIpOf = (req: IncomingMessage, trustProxy: boolean): string => {
  const forwarded = trustProxy
    ? String(req.headers["x-forwarded-for"] ?? "")
        .split(",")[0]
        ?.trim()
    : "";
  const ip = forwarded || req.socket.remoteAddress || "unknown";
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
};

/**
 * Whether the browser-named `origin` is this host (the Host header: behind a TLS-terminating proxy
 * the request URL says http while the page's origin says https, so only the host is compared).
 */
export const isOwnOrigin = (origin: string, c: Context): boolean => {
  try {
    return new URL(origin).host === c.req.header("host");
  } catch {
    return false;
  }
};
